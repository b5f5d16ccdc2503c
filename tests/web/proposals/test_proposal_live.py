"""Live: proposal and turnout events reach the room, never an expert; a retried ballot counts once."""

from __future__ import annotations

import asyncio

import asyncpg

from tests.web.conftest import Server
from tests.web.proposals.test_proposal_support import as_, key, make_cast, text
from tests.web.room.test_room_support import Live


async def test_events_reach_residents_and_observers_never_experts(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    s = cast.session_id
    live = {w: Live(server.url, cast.cookies[w], s, w) for w in ("r1", "observer", "expert")}
    author, fac = as_(server, cast, "r0"), as_(server, cast, "facilitator")
    try:
        for client in live.values():
            await client.connect()
        pid = (await (await author.api("POST", f"/sessions/{s}/proposals", text())).json())["proposal_id"]
        await author.api("POST", f"/proposals/{pid}/amend", text("Shade trees", based_on=1))
        for who in ("r1", "observer"):
            event = await live[who].wait_for(lambda e: e["type"] == "proposal_changed" and e["revision"] == 2)
            assert event["title"] == "Shade trees" and event["change"] == "edited by the author"
        assert (await fac.api("POST", f"/sessions/{s}/advance_phase", {"key": key(), "to": "ranking"})).status == 200
        await live["expert"].wait_for(lambda e: e["type"] == "phase_changed" and e["phase"] == "ranking")
        ballot = {"key": key(), "ranking": [pid]}
        acks = await asyncio.gather(*(author.api("POST", f"/sessions/{s}/ranking/ballot", ballot) for _ in range(3)))
        assert [a.status for a in acks] == [200, 200, 200]
        assert all([await a.json() == await acks[0].json() for a in acks])  # the same ack each time
        again = await author.api("POST", f"/sessions/{s}/ranking/ballot", ballot)
        assert await again.json() == await acks[0].json() == {"ok": True, "ranked_proposals": 1, "submissions": 1}
        assert await db.fetchval("SELECT revisions FROM ranking_ballots WHERE session_id = $1", s) == 1
        count = await live["observer"].wait_for(lambda e: e["type"] == "ranking_count_changed")
        assert count["ranked"] == 1
        await author.api("POST", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": [pid]})  # a revision
        assert (await fac.api("POST", f"/sessions/{s}/advance_phase", {"key": key(), "to": "closed"})).status == 200
        await live["r1"].wait_for(lambda e: e["type"] == "phase_changed" and e["phase"] == "closed")
        assert [e["ranked"] for e in live["r1"].applied if e["type"] == "ranking_count_changed"] == [1]
        await live["expert"].wait_for(lambda e: e["type"] == "phase_changed" and e["phase"] == "closed")
        assert not {"proposal_changed", "ranking_count_changed"} & set(live["expert"].types())
    finally:
        for client in live.values():
            await client.close()
        await author.close(), await fac.close()


async def test_merge_keeps_both_histories_withdraw_and_comments(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    s = cast.session_id
    r0, r1, fac = as_(server, cast, "r0"), as_(server, cast, "r1"), as_(server, cast, "facilitator")
    try:
        keep = (await (await r0.api("POST", f"/sessions/{s}/proposals", text("Trees"))).json())["proposal_id"]
        dup = (await (await r1.api("POST", f"/sessions/{s}/proposals", text("More trees"))).json())["proposal_id"]
        gone = (await (await r1.api("POST", f"/sessions/{s}/proposals", text("Fountain"))).json())["proposal_id"]
        await r1.api("POST", f"/proposals/{dup}/amend", text("More trees, please", based_on=1))
        merged = await fac.api("POST", f"/proposals/{dup}/merge", {"key": key(), "into_id": keep})
        assert merged.status == 200 and (await merged.json())["revision"] == 2
        kept = await (await r1.api("GET", f"/proposals/{keep}")).json()
        assert "More trees, please" in kept["revisions"][0]["note"] and kept["title"] == "Trees"
        old = await (await r1.api("GET", f"/proposals/{dup}")).json()
        assert old["status"] == "merged" and old["merged_into"] == keep and len(old["revisions"]) == 2
        assert (await r1.api("POST", f"/proposals/{gone}/withdraw", {"key": key()})).status == 200
        listed = await (await fac.api("GET", f"/sessions/{s}/proposals")).json()
        assert [(p["title"], p["status"]) for p in listed] == [
            ("Trees", "active"), ("More trees, please", "merged"), ("Fountain", "withdrawn")]
        assert (await fac.api("POST", f"/proposals/{keep}/comments", {"key": key(), "body": "Costed?"})).status == 201
        assert (await r1.api("POST", f"/proposals/{keep}/comments", {"key": key(), "body": "Yes."})).status == 201
        comments = (await (await r0.api("GET", f"/proposals/{keep}")).json())["comments"]
        assert [(c["by"], c["body"]) for c in comments] == [("Faye", "Costed?"), ("Resident 1", "Yes.")]
        ranking = await (await r0.api("GET", f"/sessions/{s}/ranking")).json()
        assert [c["title"] for c in ranking["candidates"]] == ["Trees"]
    finally:
        for c in (r0, r1, fac):
            await c.close()
