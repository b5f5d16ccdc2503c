"""Our `Election` as pabutools 1.2.3 objects, to compare outcomes (tests only)."""

from __future__ import annotations

from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
    OrdinalBallot,
    OrdinalProfile,
    Profile,
    Project,
)
from pabutools.election.satisfaction import (
    Additive_Borda_Sat,
    Additive_Cardinal_Sat,
    Cardinality_Sat,
    Cost_Sat,
    SatisfactionMeasure,
)

from budget.engine.election import Election, VoteType
from budget.engine.satisfaction import Satisfaction

SAT_CLASSES: dict[Satisfaction, type[SatisfactionMeasure]] = {
    Satisfaction.COST: Cost_Sat,
    Satisfaction.CARDINALITY: Cardinality_Sat,
    Satisfaction.ADDITIVE: Additive_Cardinal_Sat,
    Satisfaction.BORDA: Additive_Borda_Sat,
}


def to_pabutools(e: Election) -> tuple[Instance, Profile]:
    projects = {p.id: Project(p.id, p.cost) for p in e.projects}
    instance = Instance(projects.values(), budget_limit=e.budget)
    if e.vote_type in (VoteType.APPROVAL, VoteType.CHOOSE_1):
        profile: Profile = ApprovalProfile([ApprovalBallot(projects[i] for i in b.projects) for b in e.ballots])
    elif e.vote_type is VoteType.ORDINAL:
        profile = OrdinalProfile([OrdinalBallot([projects[i] for i in b.projects]) for b in e.ballots])
    else:
        profile = CumulativeProfile(
            [CumulativeBallot({projects[i]: pt for i, pt in zip(b.projects, b.points or ())}) for b in e.ballots]
        )
    return instance, profile
