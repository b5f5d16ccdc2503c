"""The new-round form: what a convenor types (or a `.pb` file) as a `RoundIn`.

Money is typed in currency units ("60000" or "60,000.50") and stored in minor
units. Candidates are one per line, "title; cost", or imported from a Pabulib
file (its projects, costs and budget).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from multidict import MultiDictProxy
from pydantic import ValidationError

from budget.engine.pabulib import PabulibError, parse_pabulib
from budget.rounds.config import MINOR_PER_UNIT
from inquiry.kernel.errors import Invalid
from web.http.api import describe_validation
from web.rounds.api import RoundIn


def parse_money(text: str, what: str) -> int:
    """'60,000.50' -> 6000050 (minor units)."""
    try:
        value = Decimal(text.replace(",", "").replace(" ", "").strip())
    except InvalidOperation as err:
        raise Invalid(f"{what}: “{text}” is not an amount; write it like 60000 or 60000.50.") from err
    minor = value * MINOR_PER_UNIT
    if minor != minor.to_integral_value() or minor <= 0:
        raise Invalid(f"{what}: “{text}” must be above zero with at most two decimals.")
    return int(minor)


def _optional_int(form: MultiDictProxy[Any], name: str) -> int | None:
    raw = str(form.get(name, "")).strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Invalid(f"“{raw}” is not a whole number.")
    return int(raw)


def _time(raw: str) -> datetime | None:
    """A datetime-local value, read as UTC (the form says so)."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as err:
        raise Invalid(f"“{raw}” is not a date and time.") from err
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _candidates_from_text(text: str) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        title, sep, cost = line.rpartition(";")
        if not sep or not title.strip():
            raise Invalid(f"Candidates, line {n}: write “title; cost”, for example “New benches; 12000”.")
        out.append({"title": title.strip(), "cost_minor": parse_money(cost, f"Candidates, line {n}")})
    return out


def _from_pb(raw: bytes) -> tuple[list[dict[str, Any]], int]:
    try:
        election = parse_pabulib(raw.decode("utf-8-sig"))
    except (PabulibError, UnicodeDecodeError) as err:
        raise Invalid(f"The .pb file could not be read: {err}") from err
    cands = [{"id": p.id, "title": p.name or p.id, "cost_minor": int(p.cost * MINOR_PER_UNIT)}
             for p in election.projects]
    return cands, int(election.budget * MINOR_PER_UNIT)


def round_from_form(form: MultiDictProxy[Any]) -> RoundIn:
    """The submitted form as a round; Invalid names the field to fix."""
    upload = form.get("pb_file")
    pb = upload.file.read() if upload is not None and hasattr(upload, "file") else b""
    if pb:
        candidates, budget = _from_pb(pb)
    else:
        candidates = _candidates_from_text(str(form.get("candidates", "")))
        budget = parse_money(str(form.get("budget", "")), "Budget")
    if str(form.get("budget", "")).strip():
        budget = parse_money(str(form["budget"]), "Budget")
    max_cost = str(form.get("max_cost", "")).strip()
    data = {
        "inquiry_id": _optional_int(form, "inquiry_id"),
        "title": str(form.get("title", "")), "currency": str(form.get("currency", "EUR")),
        "budget_minor": budget, "candidates": candidates,
        "ballot": {"kind": form.get("ballot_kind"), "max_count": _optional_int(form, "max_count"),
                   "max_cost_minor": parse_money(max_cost, "Spending limit") if max_cost else None,
                   "total_points": _optional_int(form, "total_points")},
        "rule": {"rule": form.get("rule", "greedy"), "satisfaction": form.get("satisfaction", "cost"),
                 "completion": form.get("completion", "none"), "then_greedy": "then_greedy" in form,
                 "comparison": "comparison" in form, "tie_break": form.get("tie_break", "lexicographic")},
        "eligibility": form.get("eligibility"),
        "opens_at": _time(str(form.get("opens_at", ""))),
        "closes_at": _time(str(form.get("closes_at", ""))),
        "allow_early_close": "allow_early_close" in form,
    }
    if data["ballot"]["kind"] == "knapsack" and data["ballot"]["max_cost_minor"] is None:  # type: ignore[index]
        data["ballot"]["max_cost_minor"] = budget  # type: ignore[index]
    try:
        return RoundIn.model_validate(data)
    except ValidationError as err:
        raise Invalid(describe_validation(err)) from err
