"""The greedy walk down a ranking, explaining each project's fate as it goes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from budget.engine.election import Election
from budget.engine.explain import Explanation, Outcome, exact, readable
from budget.engine.tiebreak import TieOrder


@dataclass(frozen=True, slots=True)
class ScoredProject:
    """A project index and its greedy score (satisfaction per unit of cost)."""

    index: int
    infinite: bool
    score: Fraction

    def label(self) -> str:
        return "infinite" if self.infinite else exact(self.score)


def _ties(ranked: Sequence[ScoredProject], ids: list[str], order: TieOrder) -> dict[int, Explanation]:
    """For each project sharing its score with others: who, and what ordered them."""
    out: dict[int, Explanation] = {}
    start = 0
    while start < len(ranked):
        end = start
        key = (ranked[start].infinite, ranked[start].score)
        while end + 1 < len(ranked) and (ranked[end + 1].infinite, ranked[end + 1].score) == key:
            end += 1
        group = [s.index for s in ranked[start : end + 1]]
        for k, j in enumerate(group if len(group) > 1 else ()):
            tie: Explanation = {"tied_with": [ids[o] for o in group if o != j]}
            if k + 1 < len(group):
                tie["ahead_of"] = {"project": ids[group[k + 1]], "by": str(order.decided_by(j, group[k + 1]))}
            if k > 0:
                tie["behind"] = {"project": ids[group[k - 1]], "by": str(order.decided_by(group[k - 1], j))}
            out[j] = tie
        start = end + 1
    return out


def explain_walk(
    election: Election,
    ranked: Sequence[ScoredProject],
    order: TieOrder,
    *,
    stop_at_first_misfit: bool,
    dropped: dict[int, tuple[int | Fraction, Fraction]],
    initial: Sequence[str],
) -> Outcome:
    """Fund down `ranked`, skipping (or stopping at) what does not fit."""
    ids = [p.id for p in election.projects]
    costs = [p.cost for p in election.projects]
    given = set(initial)
    remaining = election.budget - sum((costs[ids.index(pid)] for pid in initial), Fraction(0))
    ties = _ties(ranked, ids, order)
    selected = list(initial)
    notes: dict[str, Explanation] = {
        pid: {"status": "funded", "step": None, "initial": True, "text": "Funded before greedy completion began."}
        for pid in initial
    }
    stopped_at: str | None = None
    for position, item in enumerate(ranked, start=1):
        j, pid = item.index, ids[item.index]
        if pid in given:
            continue
        note: Explanation = {"rank": position, "score": item.label(), "cost": exact(costs[j])}
        if j in ties:
            note["tie"] = ties[j]
        if j in dropped:
            support, threshold = dropped[j]
            note.update(status="not_funded", reason="below_threshold", support=exact(support), threshold=exact(threshold))
        elif stopped_at is not None:
            note.update(status="not_funded", reason="stopped", stopped_at=stopped_at)
        elif costs[j] <= remaining:
            remaining -= costs[j]
            selected.append(pid)
            note.update(status="funded", step=len(selected), remaining_after=exact(remaining))
        else:
            note.update(status="not_funded", reason="did_not_fit", remaining=exact(remaining))
            if stop_at_first_misfit:
                stopped_at = pid
        note["text"] = _text(note)
        notes[pid] = note
    return Outcome(tuple(selected), notes)


def _text(note: Explanation) -> str:
    """One sentence a resident can read."""
    rank, score, reason = note["rank"], note["score"], note.get("reason")
    if note["status"] == "funded":
        text = f"Funded at step {note['step']}: ranked {rank} by satisfaction per unit of cost ({score}); "
        text += f"{readable(str(note['remaining_after']))} left afterwards."
    elif reason == "below_threshold":
        text = f"Not funded: its support ({note['support']}) is below the threshold of {note['threshold']}."
    elif reason == "stopped":
        text = f"Not funded: counting stopped at {note['stopped_at']}, the first project that did not fit."
    else:
        text = (f"Not funded: at its turn (rank {rank}) it cost {readable(str(note['cost']))} "
                f"but only {readable(str(note['remaining']))} was left.")
    tie = note.get("tie")
    if isinstance(tie, dict) and "ahead_of" in tie:
        text += f" Tied with {tie['ahead_of']['project']}, placed ahead by {tie['ahead_of']['by']}."
    return text
