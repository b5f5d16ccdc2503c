"""Shortlists: a facilitator proposes the ranked proposals (all or the top k) with costs and
provenance; the convenor reviews the costs (each change audited) and accepts the list as the
candidates of an allocation round. An accepted shortlist no longer changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asyncpg import Pool

from inquiry.kernel.audit_db import insert_audit
from inquiry.kernel.errors import Conflict, Invalid, NotAllowed, NotFound
from inquiry.kernel.money import format_plain
from inquiry.kernel.roles import Role, Staff
from inquiry.proposals import shortlist_db as db
from inquiry.proposals.shortlist_db import Item, Shortlist
from inquiry.ranking import actions as ranking_ballots_actions
from inquiry.room import db as room_db
from inquiry.room.runner import Who


async def propose(pool: Pool, session_id: int, who: Who, top: int | None) -> int:
    """A shortlist of the session's result order, cut to the first `top` (None: all)."""
    if who.staff is None:
        raise NotAllowed("A facilitator proposes the shortlist.")
    result = await ranking_ballots_actions.result(pool, session_id, who)   # refuses before close
    order = [int(c.removeprefix("#")) for c in result["order"]]
    if top is not None and not 1 <= top <= len(order):
        raise Invalid(f"Choose between 1 and {len(order)} proposals for the shortlist.")
    chosen = order[:top] if top else order
    async with pool.acquire() as conn, conn.transaction():
        session = await room_db.select_session(conn, session_id)
        if session is None:
            raise NotFound("There is no such session.")
        shortlist_id = await db.insert_shortlist(conn, session.inquiry_id, session_id, who.staff.id)
        await db.insert_items(conn, shortlist_id, chosen)
        await insert_audit(conn, "shortlist_proposed", staff_id=who.staff.id, inquiry_id=session.inquiry_id,
                           detail={"shortlist_id": shortlist_id, "session_id": session_id, "proposals": chosen})
    return shortlist_id


@dataclass
class ShortlistView:
    shortlist: Shortlist
    items: list[Item]

    @property
    def total_minor(self) -> int:
        return sum(i.cost_minor for i in self.items)


async def _staff_of(pool: Pool, staff: Staff, inquiry_id: int) -> None:
    if staff.role is Role.CONVENOR:
        return
    async with pool.acquire() as conn:
        if not await room_db.is_staff_of_inquiry(conn, staff.id, inquiry_id):
            raise NotAllowed("You are not a facilitator of this inquiry.")


async def show(pool: Pool, shortlist_id: int, staff: Staff) -> ShortlistView:
    async with pool.acquire() as conn:
        found = await db.select_shortlist(conn, shortlist_id)
        if found is None:
            raise NotFound("There is no such shortlist.")
        view = ShortlistView(found, await db.select_items(conn, shortlist_id))
    await _staff_of(pool, staff, found.inquiry_id)
    return view


async def review_costs(pool: Pool, shortlist_id: int, staff: Staff, costs: dict[int, int]) -> int:
    """The convenor's cost estimates, by proposal id; returns how many changed (each is audited)."""
    if staff.role is not Role.CONVENOR:
        raise NotAllowed("The convenor reviews the costs of a shortlist.")
    if any(c <= 0 for c in costs.values()):
        raise Invalid("Every cost must be above zero.")
    async with pool.acquire() as conn, conn.transaction():
        found = await db.select_shortlist(conn, shortlist_id, for_update=True)
        if found is None:
            raise NotFound("There is no such shortlist.")
        if found.status != "proposed":
            raise Conflict("This shortlist has been accepted; its costs no longer change.")
        items = {i.proposal_id: i for i in await db.select_items(conn, shortlist_id)}
        unknown = sorted(set(costs) - set(items))
        if unknown:
            raise Invalid(f"Proposal {unknown[0]} is not on this shortlist.")
        changed = 0
        for pid, cost in sorted(costs.items()):
            if items[pid].cost_minor == cost:
                continue
            await db.update_item_cost(conn, shortlist_id, pid, cost)
            await insert_audit(conn, "shortlist_cost_changed", staff_id=staff.id, inquiry_id=found.inquiry_id,
                               detail={"shortlist_id": shortlist_id, "proposal_id": pid, "title": items[pid].title,
                                       "cost_minor": {"before": items[pid].cost_minor, "after": cost}})
            changed += 1
        return changed


async def accept(pool: Pool, shortlist_id: int, staff: Staff) -> None:
    if staff.role is not Role.CONVENOR:
        raise NotAllowed("The convenor accepts a shortlist.")
    async with pool.acquire() as conn, conn.transaction():
        found = await db.select_shortlist(conn, shortlist_id, for_update=True)
        if found is None:
            raise NotFound("There is no such shortlist.")
        if found.status != "proposed":
            raise Conflict("This shortlist has already been accepted.")
        await db.update_accepted(conn, shortlist_id, staff.id)
        await insert_audit(conn, "shortlist_accepted", staff_id=staff.id, inquiry_id=found.inquiry_id,
                           detail={"shortlist_id": shortlist_id})


def as_candidates(view: ShortlistView) -> list[dict[str, Any]]:
    """The round's candidates: id "p<proposal id>", title, reviewed cost, in ranked order."""
    return [{"id": f"p{i.proposal_id}", "title": " ".join(i.title.split()), "cost_minor": i.cost_minor}
            for i in view.items]


async def round_prefill(pool: Pool, shortlist_id: int, staff: Staff) -> dict[str, str]:
    """The new-round form's fields from an accepted shortlist (candidates as "title; cost" lines)."""
    view = await show(pool, shortlist_id, staff)
    if view.shortlist.status != "accepted":
        raise Conflict("Accept the shortlist before creating a round from it.")
    currency = view.shortlist.currency
    lines = [f"{c['title']}; {format_plain(c['cost_minor'], currency)}" for c in as_candidates(view)]
    return {"inquiry_id": str(view.shortlist.inquiry_id), "currency": view.shortlist.currency,
            "title": f"{view.shortlist.session_title}: shortlist", "candidates": "\n".join(lines)}


async def session_shortlists(pool: Pool, session_id: int) -> list[tuple[int, str]]:
    """(id, status) of the session's shortlists, oldest first."""
    async with pool.acquire() as conn:
        return await db.select_session_shortlists(conn, session_id)
