"""Bad input to every proposal, ranking and shortlist form and endpoint: a clear 4xx, nothing changed."""

from __future__ import annotations

from typing import Any

import asyncpg

from tests.web.conftest import Client, Server, page_text
from tests.web.proposals.test_proposal_support import as_, key, make_cast, set_phase, text

TABLES = ("proposals", "proposal_revisions", "proposal_amendments", "proposal_comments", "ranking_ballots",
          "shortlists", "shortlist_items", "audit_log", "room_events")


async def snapshot(db: asyncpg.Connection) -> dict[str, Any]:
    """Every row of every table these requests could touch, plus the session's method."""
    state: dict[str, Any] = {t: await db.fetch(f"SELECT * FROM {t} ORDER BY 1, 2") for t in TABLES}
    state["method"] = await db.fetch("SELECT id, ranking_method FROM sessions ORDER BY id")
    return state


async def refused(db: asyncpg.Connection, c: Client, cases: list[tuple[str, str, Any, str]]) -> None:
    """Each (kind, path, body, words): kind 'api' sends JSON, 'form' posts a form, 'raw' posts text."""
    problems = []
    for kind, path, body, words in cases:
        before = await snapshot(db)
        if kind == "api":
            resp = await c.api("POST", path, body)
            message = (await resp.json())["error"] if resp.status < 500 else await resp.text()
        elif kind == "raw":
            resp = await c.session.post(c.base + "/api/v1" + path, data=body,
                                        headers={"X-CSRF-Token": c.csrf(), "Content-Type": "application/json"})
            message = (await resp.json())["error"]
        else:
            resp = await c.post_form(path, {"key": key(), **body})
            message = page_text(await resp.text())
        if not 400 <= resp.status < 500 or words.lower() not in message.lower():
            problems.append(f"{kind} {path} {body!r}: {resp.status} {message[:300]}")
        if await snapshot(db) != before:
            problems.append(f"{kind} {path} {body!r}: changed the database")
    assert not problems, "\n".join(problems)


async def test_bad_input_while_drafting(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    s = cast.session_id
    author, other, fac = as_(server, cast, "r0"), as_(server, cast, "r1"), as_(server, cast, "facilitator")
    try:
        pid = (await (await author.api("POST", f"/sessions/{s}/proposals", text())).json())["proposal_id"]
        pid2 = (await (await other.api("POST", f"/sessions/{s}/proposals", text("Other"))).json())["proposal_id"]
        amendment = (await (await other.api("POST", f"/proposals/{pid}/amend",
                                            text("Sugg", based_on=1))).json())["amendment_id"]
        await refused(db, author, [
            ("api", f"/sessions/{s}/proposals", {**text(), "title": ""}, "title"),
            ("api", f"/sessions/{s}/proposals", {**text(), "title": "   "}, "title of 1 to 120"),
            ("api", f"/sessions/{s}/proposals", {**text(), "title": "x" * 121}, "title"),
            ("api", f"/sessions/{s}/proposals", {**text(), "cost_minor": 0}, "cost_minor"),
            ("api", f"/sessions/{s}/proposals", {**text(), "cost_minor": "lots"}, "cost_minor"),
            ("api", f"/sessions/{s}/proposals", {**text(), "owner": "me"}, "extra"),
            ("api", f"/sessions/{s}/proposals", {**text(), "key": "no"}, "key"),
            ("api", f"/sessions/{s}/proposals", {**text(), "question_ids": [999]}, "released"),
            ("raw", f"/sessions/{s}/proposals", "{not json", "not valid JSON"),
            ("api", f"/proposals/{pid}/amend", text("New"), "based_on"),
            ("api", f"/proposals/{pid}/amend", text("New", based_on=0), "based_on"),
            ("api", f"/proposals/{pid}/amend", text("New", based_on=7), "revision 7"),
            ("api", f"/proposals/{pid}/amend", {**text(), "based_on": 1, "description": ""}, "description"),
            ("api", "/proposals/999/amend", text("New", based_on=1), "no such proposal"),
            ("api", f"/amendments/{amendment}/decide", {"key": key(), "accept": "maybe"}, "accept"),
            ("api", "/amendments/999/decide", {"key": key(), "accept": True}, "no such amendment"),
            ("api", f"/proposals/{pid}/comments", {"key": key(), "body": ""}, "body"),
            ("api", f"/proposals/{pid}/comments", {"key": key(), "body": "x" * 2001}, "body"),
            ("api", f"/proposals/{pid}/comments", {"key": key(), "body": "  "}, "1 to 2000"),
            ("api", f"/proposals/{pid2}/withdraw", {"key": key()}, "only the author"),
            ("api", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": [pid]}, "cannot rank"),
            ("form", f"/s/{s}/proposals", {"title": "T", "description": "D", "cost": "free"}, "not an amount"),
            ("form", f"/s/{s}/proposals", {"title": "T", "description": "D", "cost": "12.999"}, "two decimals"),
            ("form", f"/s/{s}/proposals", {"title": "", "description": "D", "cost": "12"}, "title"),
            ("form", f"/s/{s}/proposals", {"title": "T", "description": "D", "cost": ""}, "estimated cost"),
            ("form", f"/s/{s}/proposals", {"title": "T", "description": "D", "cost": "9",
                                           "question_ids": "x"}, "not a number"),
            ("form", f"/proposals/{pid}/amend", {"based_on": "abc", "title": "T", "description": "D",
                                                 "cost": "5"}, "revision is not a number"),
            ("form", f"/proposals/{pid}/amend", {"based_on": "1", "title": "T", "description": "D",
                                                 "cost": "-5"}, "above zero"),
            ("form", f"/amendments/{amendment}/decide", {"decision": "maybe"}, "accept or decline"),
            ("form", f"/proposals/{pid}/comments", {"body": ""}, "1 to 2000"),
            ("form", "/proposals/abc/comments", {"body": "Hi"}, "not found"),
        ])
        await refused(db, fac, [
            ("api", f"/proposals/{pid}/merge", {"key": key(), "into_id": pid}, "another proposal"),
            ("api", f"/proposals/{pid}/merge", {"key": key(), "into_id": 999}, "no such proposal"),
            ("api", f"/proposals/{pid}/merge", {"key": key()}, "into_id"),
            ("api", f"/sessions/{s}/ranking/method", {"key": key(), "method": "plurality"}, "method"),
            ("form", f"/proposals/{pid}/merge", {"into_id": "abc"}, "not a number"),
            ("form", f"/s/{s}/ranking/method", {"method": "plurality"}, "no ranking method"),
        ])
    finally:
        for c in (author, other, fac):
            await c.close()


async def test_bad_ballots_and_shortlists(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    s = cast.session_id
    r0, fac, convenor = as_(server, cast, "r0"), as_(server, cast, "facilitator"), as_(server, cast, "convenor")
    try:
        ids = [(await (await r0.api("POST", f"/sessions/{s}/proposals", text(t))).json())["proposal_id"]
               for t in ("One", "Two")]
        await set_phase(db, cast, "ranking")
        await refused(db, r0, [
            ("api", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": []}, "ranking"),
            ("api", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": [ids[0], ids[0]]}, "only one rank"),
            ("api", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": [999]}, "not one of the proposals"),
            ("api", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": ["first"]}, "ranking"),
            ("api", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": [ids[0]], "weight": 2}, "extra"),
            ("form", f"/s/{s}/ranking", {f"rank_{ids[0]}": "x"}, "whole number"),
            ("form", f"/s/{s}/ranking", {f"rank_{ids[0]}": "0"}, "whole number"),
            ("form", f"/s/{s}/ranking", {f"rank_{ids[0]}": "1", f"rank_{ids[1]}": "1"}, "two proposals have rank 1"),
            ("form", f"/s/{s}/ranking", {f"rank_{ids[0]}": ""}, "at least one"),
            ("form", f"/s/{s}/ranking", {"rank_999": "1"}, "not one of the proposals"),
        ])
        await refused(db, fac, [
            ("api", f"/sessions/{s}/shortlists", {"top": 1}, "ranking is shown when"),
            ("api", f"/sessions/{s}/ranking/method", {"key": key(), "method": "borda"}, "cannot choose method"),
        ])
        assert (await r0.api("POST", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": ids})).status == 200
        await set_phase(db, cast, "closed")
        await refused(db, fac, [
            ("api", f"/sessions/{s}/shortlists", {"top": 0}, "top"),
            ("api", f"/sessions/{s}/shortlists", {"top": 3}, "between 1 and 2"),
            ("form", f"/s/{s}/shortlists", {"top": "two"}, "whole number"),
        ])
        shortlist = (await (await fac.api("POST", f"/sessions/{s}/shortlists", {})).json())["id"]
        await refused(db, fac, [
            ("api", f"/shortlists/{shortlist}/costs", {"costs": {str(ids[0]): 5}}, "convenor account"),
            ("api", f"/shortlists/{shortlist}/accept", None, "convenor account"),
        ])
        await refused(db, convenor, [
            ("api", f"/shortlists/{shortlist}/costs", {"costs": {str(ids[0]): -5}}, "above zero"),
            ("api", f"/shortlists/{shortlist}/costs", {"costs": {"999": 5}}, "not on this shortlist"),
            ("api", f"/shortlists/{shortlist}/costs", {"costs": {"x": 5}}, "costs"),
            ("api", "/shortlists/999/accept", None, "no such shortlist"),
            ("form", f"/shortlists/{shortlist}", {f"cost_{ids[0]}": "abc"}, "not an amount"),
            ("form", f"/shortlists/{shortlist}", {f"cost_{ids[0]}": "0"}, "above zero"),
        ])
        prefill = await convenor.get(f"/rounds/new?shortlist={shortlist}")
        assert prefill.status == 409 and "Accept the shortlist" in await prefill.text()
        assert (await convenor.api("POST", f"/shortlists/{shortlist}/accept")).status == 200
        await refused(db, convenor, [
            ("api", f"/shortlists/{shortlist}/accept", None, "already been accepted"),
            ("api", f"/shortlists/{shortlist}/costs", {"costs": {str(ids[0]): 500}}, "no longer change"),
        ])
    finally:
        for c in (r0, fac, convenor):
            await c.close()
