"""The PROJECTS and VOTES sections of a Pabulib file, from split rows to the model."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter

from budget.election import Ballot, Project, VoteType
from budget.pabulib_error import PabulibError, parse_amount

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


def read_ballots(
    line: int, columns: list[str], rows: Rows, projects: tuple[Project, ...], vote_type: VoteType
) -> tuple[Ballot, ...]:
    """Ballots in file order, their project ids interned to the PROJECTS ones."""
    vote_at = _column(columns, "vote", line, "VOTES")
    id_at = columns.index("voter_id") if "voter_id" in columns else None
    with_points = vote_type in POINTS_TYPES
    points_at = columns.index("points") if "points" in columns else None
    if with_points and points_at is None:
        raise PabulibError(line, f"{vote_type} VOTES header has no points column")
    others = [i for i, c in enumerate(columns) if c not in VOTE_KEYS]
    pick_extra = _picker(others)
    # Interning: every ballot shares the PROJECTS strings (131,778 Wroclaw
    # ballots would otherwise hold their own copies).
    lookup = {p.id: p.id for p in projects}.__getitem__
    width = len(columns)
    ballots: list[Ballot] = []
    append = ballots.append
    for number, row in rows:
        if len(row) != width:
            row = _fit(row, width, number)
        field = row[vote_at]
        try:
            # Fast path: a clean comma list of known ids (all 14 shared files).
            ids = tuple(map(lookup, field.split(","))) if field else ()
        except KeyError:
            ids = _ids(field, {p.id: p.id for p in projects}, number)
        voter = row[id_at].strip() if id_at is not None else ""
        if with_points:
            raw_points = row[points_at].strip() if points_at is not None else ""
            append(Ballot(ids, _points(raw_points, ids, number), voter, pick_extra(row)))
        else:
            if len(ids) > 1 and len(set(ids)) != len(ids):
                ids = tuple(dict.fromkeys(ids))
            append(Ballot(ids, None, voter, pick_extra(row)))
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
