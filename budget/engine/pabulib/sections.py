"""The PROJECTS and VOTES sections of a Pabulib file, from split rows to the model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from budget.engine.election import Ballot, BallotKey, Project, VoteType
from budget.engine.pabulib.error import PabulibError, parse_amount

Rows = list[tuple[int, list[str]]]
POINTS_TYPES = (VoteType.CUMULATIVE, VoteType.SCORING)
# Columns the model holds itself; every other column is kept as `extra`.
PROJECT_KEYS = ("project_id", "cost", "name")
VOTE_KEYS = ("voter_id", "vote", "points")


def _column(columns: list[str], name: str, line: int, section: str) -> int:
    if name not in columns:
        raise PabulibError(line, f"{section} header has no {name} column")
    return columns.index(name)


def _fit(row: list[str], width: int, number: int) -> list[str]:
    """Pad a short row; refuse a long one unless its surplus fields are blank."""
    if len(row) < width:
        return row + [""] * (width - len(row))
    if len(row) > width and any(f.strip() for f in row[width:]):
        raise PabulibError(number, f"{len(row)} fields but the header names {width}")
    return row


def read_projects(line: int, columns: list[str], rows: Rows) -> tuple[Project, ...]:
    """Projects in listing order; ids must be unique and costs non-negative."""
    id_at = _column(columns, "project_id", line, "PROJECTS")
    cost_at = _column(columns, "cost", line, "PROJECTS")
    name_at = columns.index("name") if "name" in columns else None
    others = [(i, c) for i, c in enumerate(columns) if c not in PROJECT_KEYS]
    projects: list[Project] = []
    seen: set[str] = set()
    for number, raw in rows:
        row = _fit(raw, len(columns), number)
        pid = row[id_at].strip()
        if not pid:
            raise PabulibError(number, "project without a project_id")
        if pid in seen:
            raise PabulibError(number, f"project {pid!r} is listed twice")
        seen.add(pid)
        cost = parse_amount(row[cost_at], number, f"cost of project {pid!r}")
        if cost < 0:
            raise PabulibError(number, f"cost of project {pid!r} is negative")
        name = row[name_at].strip() if name_at is not None else ""
        extra = tuple((c, row[i].strip()) for i, c in others)
        projects.append(Project(id=pid, cost=cost, name=name, extra=extra))
    return tuple(projects)


@dataclass(frozen=True, slots=True)
class VoteColumns:
    """Where a VOTES header puts the columns a ballot is read from."""

    vote: int
    points: int | None  # set when the vote type carries points
    voter_id: int | None
    others: tuple[int, ...]  # kept as `Ballot.extra`

    @classmethod
    def of(cls, line: int, columns: list[str], vote_type: VoteType) -> VoteColumns:
        vote = _column(columns, "vote", line, "VOTES")
        points = columns.index("points") if "points" in columns else None
        if vote_type in POINTS_TYPES and points is None:
            raise PabulibError(line, f"{vote_type} VOTES header has no points column")
        return cls(
            vote=vote,
            points=points if vote_type in POINTS_TYPES else None,
            voter_id=columns.index("voter_id") if "voter_id" in columns else None,
            others=tuple(i for i, c in enumerate(columns) if c not in VOTE_KEYS),
        )


class Contents:
    """A ballot's content (project ids, points) from its vote and points fields.

    Project ids are interned to the PROJECTS strings: every ballot shares
    them (131,778 Wroclaw ballots would otherwise hold their own copies).
    Both readers use it, so a ballot means the same whichever read it.
    """

    def __init__(self, projects: tuple[Project, ...], vote_type: VoteType) -> None:
        self.known = {p.id: p.id for p in projects}
        self.lookup = self.known.__getitem__
        self.with_points = vote_type in POINTS_TYPES

    def __call__(self, vote: str, points: str, number: int) -> BallotKey:
        try:
            # Fast path: a clean comma list of known ids (all 14 shared files).
            ids = tuple(map(self.lookup, vote.split(","))) if vote else ()
        except KeyError:
            ids = _ids(vote, self.known, number)
        if self.with_points:
            return ids, _points(points.strip(), ids, number)
        if len(ids) > 1 and len(set(ids)) != len(ids):
            ids = tuple(dict.fromkeys(ids))
        return ids, None

    def many(self, votes: list[str], points: list[str] | None, number: int) -> list[BallotKey]:
        """`self(vote, point, number)` for each pair, in bulk for ballots without points."""
        if self.with_points or points is not None:
            return [self(v, p, number) for v, p in zip(votes, points or [""] * len(votes))]
        lookup = self.lookup
        try:
            lists = [tuple(map(lookup, v.split(","))) if v else () for v in votes]
        except KeyError:
            return [self(v, "", number) for v in votes]
        return [(ids if len(ids) < 2 or len(set(ids)) == len(ids) else tuple(dict.fromkeys(ids)), None)
                for ids in lists]


def read_ballots(
    line: int, columns: list[str], rows: Rows, projects: tuple[Project, ...], vote_type: VoteType
) -> tuple[Ballot, ...]:
    """Ballots in file order."""
    at = VoteColumns.of(line, columns, vote_type)
    content = Contents(projects, vote_type)
    pick_extra = _picker(list(at.others))
    width = len(columns)
    ballots: list[Ballot] = []
    append = ballots.append
    for number, row in rows:
        if len(row) != width:
            row = _fit(row, width, number)
        ids, points = content(row[at.vote], "" if at.points is None else row[at.points], number)
        voter = row[at.voter_id].strip() if at.voter_id is not None else ""
        append(Ballot(ids, points, voter, pick_extra(row)))
    return tuple(ballots)


def _picker(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A function taking those fields of a row, as a tuple (itemgetter runs in C)."""
    if not indexes:
        return lambda row: ()
    if len(indexes) == 1:
        only = indexes[0]
        return lambda row: (row[only],)
    return itemgetter(*indexes)


def _ids(field: str, known: dict[str, str], number: int) -> tuple[str, ...]:
    if not field or field.strip().lower() in ("", "none"):
        return ()
    try:
        return tuple([known[t] for t in field.split(",")])
    except KeyError:
        pass
    ids = []
    for token in field.split(","):
        token = token.strip()
        if not token:
            continue
        if token not in known:
            raise PabulibError(number, f"vote names project {token!r}, which PROJECTS does not list")
        ids.append(known[token])
    return tuple(ids)


def _points(field: str, ids: tuple[str, ...], number: int) -> tuple[int, ...]:
    tokens = [t.strip() for t in field.split(",")] if field and field.lower() != "none" else []
    if len(tokens) != len(ids):
        raise PabulibError(number, f"{len(ids)} projects but {len(tokens)} points")
    if len(set(ids)) != len(ids):
        raise PabulibError(number, "a project appears twice in one ballot with points")
    try:
        points = tuple([int(t) for t in tokens])
    except ValueError:
        try:
            exact = [parse_amount(t, number, "points") for t in tokens]
        except PabulibError:
            raise PabulibError(number, f"points {field!r} are not whole numbers") from None
        if any(p.denominator != 1 for p in exact):
            raise PabulibError(number, f"points {field!r} are not whole numbers") from None
        points = tuple(int(p) for p in exact)
    if any(p < 0 for p in points):
        raise PabulibError(number, f"negative points in {field!r}")
    return points
