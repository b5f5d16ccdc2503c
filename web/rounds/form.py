"""The new-round form: what a convenor types (or a `.pb` file) as a `RoundIn`.

Money is typed in currency units ("60000" or "60,000.50") and stored in the
currency's minor units (`inquiry.kernel.money`). Candidates are one per line, "title; cost", or imported from a Pabulib
file (its projects, costs and budget).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from multidict import MultiDictProxy
from pydantic import ValidationError

from budget.engine.pabulib import PabulibError, parse_pabulib
from inquiry.kernel.errors import Invalid
from inquiry.kernel.money import parse_money, per_unit
from web.http.api import describe_validation
from web.rounds.api import RoundIn


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


def _candidates_from_text(text: str, currency: str) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        title, sep, cost = line.rpartition(";")
        if not sep or not title.strip():
            raise Invalid(f"Candidates, line {n}: write “title; cost”, for example “New benches; 12000”.")
        cost_minor = parse_money(cost, currency, f"Candidates, line {n}", positive=True)
        out.append({"title": title.strip(), "cost_minor": cost_minor})
    return out


def _from_pb(raw: bytes, currency: str) -> tuple[list[dict[str, Any]], int]:
    try:
        election = parse_pabulib(raw.decode("utf-8-sig"))
    except (PabulibError, UnicodeDecodeError) as err:
        raise Invalid(f"The .pb file could not be read: {err}") from err
    cands = [{"id": p.id, "title": p.name or p.id, "cost_minor": int(p.cost * per_unit(currency))}
             for p in election.projects]
    return cands, int(election.budget * per_unit(currency))


def round_from_form(form: MultiDictProxy[Any]) -> RoundIn:
    """The submitted form as a round; Invalid names the field to fix."""
    currency = str(form.get("currency", "EUR")).strip().upper()
    upload = form.get("pb_file")
    pb = upload.file.read() if upload is not None and hasattr(upload, "file") else b""
    if pb:
        candidates, budget = _from_pb(pb, currency)
    else:
        candidates = _candidates_from_text(str(form.get("candidates", "")), currency)
        budget = parse_money(str(form.get("budget", "")), currency, "Budget", positive=True)
    if str(form.get("budget", "")).strip():
        budget = parse_money(str(form["budget"]), currency, "Budget", positive=True)
    max_cost = str(form.get("max_cost", "")).strip()
    ballot: dict[str, Any] = {
        "kind": form.get("ballot_kind"), "max_count": _optional_int(form, "max_count"),
        "max_cost_minor": parse_money(max_cost, currency, "Spending limit", positive=True) if max_cost else None,
        "total_points": _optional_int(form, "total_points")}
    if ballot["kind"] == "knapsack" and ballot["max_cost_minor"] is None:
        ballot["max_cost_minor"] = budget  # a knapsack ballot spends at most the budget unless told less
    data = {
        "inquiry_id": _optional_int(form, "inquiry_id"),
        "title": str(form.get("title", "")), "currency": currency,
        "budget_minor": budget, "candidates": candidates, "ballot": ballot,
        "rule": {"rule": form.get("rule", "greedy"), "satisfaction": form.get("satisfaction", "cost"),
                 "completion": form.get("completion", "none"), "then_greedy": "then_greedy" in form,
                 "comparison": "comparison" in form, "tie_break": form.get("tie_break", "lexicographic")},
        "eligibility": form.get("eligibility"),
        "opens_at": _time(str(form.get("opens_at", ""))),
        "closes_at": _time(str(form.get("closes_at", ""))),
        "allow_early_close": "allow_early_close" in form,
    }
    try:
        return RoundIn.model_validate(data)
    except ValidationError as err:
        raise Invalid(describe_validation(err)) from err
