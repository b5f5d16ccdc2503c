"""What an allocation rule reads: projects with exact costs, a budget, and ballots.

This is the contract between the Pabulib reader (`budget.pabulib`), the rules
(`budget.greedy`, `budget.mes`, `budget.phragmen`) and the rounds of the
product. Everything is exact: costs and the budget are `Fraction`s (real files
write decimal costs with commas), points are integers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction


class VoteType(StrEnum):
    APPROVAL = "approval"
    CHOOSE_1 = "choose-1"
    CUMULATIVE = "cumulative"
    SCORING = "scoring"
    ORDINAL = "ordinal"


@dataclass(frozen=True, slots=True)
class Project:
    """A candidate project.

    `extra` keeps the file's other PROJECTS columns (votes, score, category,
    selected, ...) as (column, raw text) pairs, so that a file read and written
    again says the same thing.
    """

    id: str
    cost: Fraction
    name: str = ""
    extra: tuple[tuple[str, str], ...] = ()

    def field(self, column: str) -> str | None:
        """The raw text of PROJECTS column `column`, or None if the file had none."""
        for key, value in self.extra:
            if key == column:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Ballot:
    """One voter's ballot.

    `projects` lists project ids as the ballot gives them; for ordinal ballots
    that is rank order, best first. `points` is parallel to `projects` for
    cumulative and scoring ballots and `None` otherwise. An empty ballot is
    valid and counts as a voter.
    """

    projects: tuple[str, ...]
    points: tuple[int, ...] | None = None
    voter_id: str = ""
    # Values of the VOTES columns other than voter_id/vote/points (age, sex,
    # ...), parallel to `Election.vote_columns` minus those three: a tuple of
    # values rather than pairs because Wroclaw has 131,778 ballots.
    extra: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Election:
    """Projects in listing order, the budget, the vote type and the ballots."""

    projects: tuple[Project, ...]
    budget: Fraction
    vote_type: VoteType
    ballots: tuple[Ballot, ...]
    meta: dict[str, str] = field(default_factory=dict)
    # Column headers as the file gave them, for a faithful round trip; empty
    # for an election built in code (the writer then uses the minimal header).
    project_columns: tuple[str, ...] = ()
    vote_columns: tuple[str, ...] = ()

    def project(self, project_id: str) -> Project:
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)
