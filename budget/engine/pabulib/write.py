"""Write an `Election` as a Pabulib `.pb` file that `read_pabulib` reads back equal."""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from pathlib import Path

from budget.engine.election import Ballot, Election, Project
from budget.engine.pabulib.error import PabulibError, parse_amount
from budget.engine.pabulib.sections import POINTS_TYPES, PROJECT_KEYS, VOTE_KEYS


def format_amount(value: Fraction) -> str:
    """'1000', '4000.5', or '1/3' when no finite decimal is exact."""
    if value.denominator == 1:
        return str(value.numerator)
    d, twos, fives = value.denominator, 0, 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    if d != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = value * 10**places
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def _meta(election: Election) -> dict[str, str]:
    """The META section: the file's own lines, with budget and vote type from the model."""
    meta = dict(election.meta)
    try:
        same_budget = parse_amount(meta.get("budget", ""), 0, "budget") == election.budget
    except PabulibError:
        same_budget = False
    if not same_budget:
        meta["budget"] = format_amount(election.budget)
    if meta.get("vote_type", "").strip().lower() != election.vote_type.value:
        meta["vote_type"] = election.vote_type.value
    return meta


def _project_row(project: Project, columns: tuple[str, ...]) -> list[str]:
    extra = dict(project.extra)
    model = {"project_id": project.id, "cost": format_amount(project.cost), "name": project.name}
    return [model[c] if c in PROJECT_KEYS else extra.get(c, "") for c in columns]


def _vote_row(ballot: Ballot, columns: tuple[str, ...], points: bool) -> list[str]:
    extra = iter(ballot.extra)
    row = []
    for c in columns:
        if c == "voter_id":
            row.append(ballot.voter_id)
        elif c == "vote":
            row.append(",".join(ballot.projects))
        elif c == "points":
            row.append(",".join(map(str, ballot.points or ())) if points else "")
        else:
            row.append(next(extra, ""))
    return row


def _headers(election: Election) -> tuple[tuple[str, ...], tuple[str, ...]]:
    projects = election.project_columns or ("project_id", "cost", "name")
    votes = election.vote_columns or VOTE_KEYS[: 3 if election.vote_type in POINTS_TYPES else 2]
    if election.vote_type in POINTS_TYPES and "points" not in votes:
        votes = (*votes, "points")
    return projects, votes


def format_pabulib(election: Election) -> str:
    """The text of a Pabulib file for `election`."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(["META"])
    w.writerow(["key", "value"])
    w.writerows(_meta(election).items())
    project_columns, vote_columns = _headers(election)
    w.writerow(["PROJECTS"])
    w.writerow(project_columns)
    w.writerows(_project_row(p, project_columns) for p in election.projects)
    w.writerow(["VOTES"])
    w.writerow(vote_columns)
    points = election.vote_type in POINTS_TYPES
    w.writerows(_vote_row(b, vote_columns, points) for b in election.ballots)
    return out.getvalue()


def write_pabulib(election: Election, path: str | Path) -> None:
    """Write `election` to `path` as UTF-8 Pabulib."""
    Path(path).write_text(format_pabulib(election), encoding="utf-8")

