"""What an allocation rule reads: projects with exact costs, a budget, and ballots.

This is the contract between the Pabulib reader (`budget.engine.pabulib`), the rules
(`budget.engine.rules.greedy.rule`, `budget.engine.rules.mes.rule`, `budget.engine.rules.phragmen.rule`) and the rounds of the
product. Everything is exact: costs and the budget are `Fraction`s (real files
write decimal costs with commas), points are integers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import overload

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


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


# What a rule reads of a ballot: its projects and, for points ballots, its points.
BallotKey = tuple[tuple[str, ...], tuple[int, ...] | None]


@dataclass(frozen=True, slots=True)
class BallotTable:
    """Distinct ballots as flat arrays: what every rule counts from.

    Ballot g names the projects `project[start[g]:start[g + 1]]` (positions
    in `Election.projects`, in ballot order, each at most once) with `points`
    alongside (None for vote types without points), and `count[g]` voters cast
    it. Two groups may hold the same content; no rule minds.
    """

    count: IntArray
    start: IntArray
    project: IntArray
    points: IntArray | None

    @classmethod
    def of(cls, counts: dict[BallotKey, int], projects: Sequence[Project]) -> BallotTable:
        """The table of ballot contents counted in `counts` (ids must name `projects`)."""
        index = {p.id: k for k, p in enumerate(projects)}
        keys = list(counts)
        # A project named twice on a ballot without points counts once, at
        # its first place (as the reader keeps it).
        lists = [ids if points is not None or len(set(ids)) == len(ids) else tuple(dict.fromkeys(ids))
                 for ids, points in keys]
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        start = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(lengths, out=start[1:])
        total = int(start[-1])
        project = np.fromiter((index[pid] for ids in lists for pid in ids), dtype=np.int64, count=total)
        with_points = any(points is not None for _, points in keys)
        points = (np.fromiter((pt for ids, pts in keys for pt in (pts or (0,) * len(ids))), dtype=np.int64,
                              count=total) if with_points else None)
        count = np.fromiter(counts.values(), dtype=np.int64, count=len(keys))
        return cls(count, start, project, points)

    @property
    def lengths(self) -> IntArray:
        """Projects per ballot."""
        return np.diff(self.start)

    @property
    def group(self) -> IntArray:
        """For each entry of `project`, the ballot it belongs to."""
        return np.repeat(np.arange(len(self.count), dtype=np.int64), self.lengths)

    def per_project(self, values: IntArray, projects: int) -> list[int]:
        """Sum of `values` (one per entry, non-negative integers) for each project, exactly."""
        # bincount adds in float64, exact while every sum stays under 2**53.
        if len(values) and int(values.sum()) >= 2**53:
            sums = [0] * projects
            for j, v in zip(self.project.tolist(), values.tolist()):
                sums[j] += v
            return sums
        return [int(x) for x in np.bincount(self.project, weights=values, minlength=projects)]


class LazyBallots(Sequence[Ballot]):
    """Ballots counted by content at once and built one by one only when asked for.

    Every rule reads ballots by content (`Election.ballot_table`): Wroclaw
    2015's 131,778 ballots are 197 distinct ones. A reader that can count them
    without building a `Ballot` per line (`budget.engine.pabulib.fast`) hands over
    the table and a `build` function for whoever needs the ballots themselves
    (writing a file, checking a receipt). `build` must give `length` ballots
    with exactly the table's contents and counts.
    """

    __slots__ = ("_build", "_items", "_length", "_table")

    def __init__(self, table: BallotTable, length: int, build: Callable[[], tuple[Ballot, ...]]) -> None:
        self._table, self._length, self._build = table, length, build
        self._items: tuple[Ballot, ...] | None = None

    def table(self) -> BallotTable:
        return self._table

    def items(self) -> tuple[Ballot, ...]:
        if self._items is None:
            self._items = self._build()
        return self._items

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> Ballot: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Ballot, ...]: ...
    def __getitem__(self, i: int | slice) -> Ballot | tuple[Ballot, ...]:
        return self.items()[i]

    def __iter__(self) -> Iterator[Ballot]:
        return iter(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return self.items() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.items())

    def __repr__(self) -> str:
        return f"LazyBallots({self._length} ballots, {len(self._table.count)} groups)"


@dataclass(frozen=True, slots=True)
class Election:
    """Projects in listing order, the budget, the vote type and the ballots."""

    projects: tuple[Project, ...]
    budget: Fraction
    vote_type: VoteType
    ballots: Sequence[Ballot]
    meta: dict[str, str] = field(default_factory=dict)
    # Column headers as the file gave them, for a faithful round trip; empty
    # for an election built in code (the writer then uses the minimal header).
    project_columns: tuple[str, ...] = ()
    vote_columns: tuple[str, ...] = ()

    def ballot_table(self) -> BallotTable:
        """The ballots grouped by content (see `BallotTable`)."""
        if isinstance(self.ballots, LazyBallots):
            return self.ballots.table()
        return BallotTable.of(Counter((b.projects, b.points) for b in self.ballots), self.projects)

    def project(self, project_id: str) -> Project:
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)
