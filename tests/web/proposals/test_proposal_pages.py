"""Proposal, ranking, result and shortlist pages through forms, as a phone without JavaScript."""

from __future__ import annotations

import re

import asyncpg

from tests.web.conftest import Client, Server, page_text
from tests.web.proposals.test_proposal_support import as_, key, make_cast, set_phase, text


async def draft(c: Client, session_id: int, title: str, cost: str = "12000") -> int:
    resp = await c.post_form(f"/s/{session_id}/proposals", {
        "key": key(), "title": title, "description": f"{title}, described.", "cost": cost, "category": "parks"})
    assert resp.status == 200, page_text(await resp.text())
    found = re.search(r"/proposals/(\d+)$", str(resp.url))
    assert found, resp.url
    return int(found[1])


async def test_stale_edit_form_shows_both_texts_and_keeps_yours_in_the_form(
        server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    author, other = as_(server, cast, "r0"), as_(server, cast, "r1")
    try:
        pid = await draft(author, cast.session_id, "Community fridge")
        page = await other.get(f"/proposals/{pid}")
        assert "Suggest an amendment" in await page.text()
        await author.post_form(f"/proposals/{pid}/amend", {
            "key": key(), "based_on": "1", "title": "Community fridge and pantry", "description": "Both.",
            "cost": "15000", "category": "food"})
        resp = await other.post_form(f"/proposals/{pid}/amend", {
            "key": key(), "based_on": "1", "title": "Two fridges", "description": "One each side.",
            "cost": "24000.50", "category": "food"})
        body = await resp.text()
        assert resp.status == 409
        shown = page_text(body)
        assert "Now (revision 2)" in shown and "Community fridge and pantry" in shown
        assert "Yours (not saved)" in shown and "Two fridges" in shown and "24,000.50 EUR" in shown
        assert 'name="based_on" value="2"' in body and 'value="Two fridges"' in body
        history = page_text(await (await other.get(f"/proposals/{pid}")).text())
        assert "Revision 2: edited by the author" in history and "Revision 1: drafted" in history
    finally:
        await author.close(), await other.close()


async def test_ranking_form_standings_hidden_until_close_then_result_and_shortlist_to_round(
        server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    r = [as_(server, cast, f"r{n}") for n in range(3)]
    fac, convenor, observer = (as_(server, cast, w) for w in ("facilitator", "convenor", "observer"))
    try:
        s = cast.session_id
        ids = [await draft(r[n], s, t, c) for n, (t, c) in enumerate(
            [("Benches", "3000"), ("Bike lane", "40000"), ("Library hours", "9000.50")])]
        await fac.post_form(f"/s/{s}/ranking/method", {"key": key(), "method": "ranked_pairs"})
        assert await db.fetchval("SELECT detail->>'after' FROM audit_log WHERE action = 'ranking_method_chosen'"
                                 ) == "ranked_pairs"
        await set_phase(db, cast, "ranking")
        for client, order in zip(r, ([ids[1], ids[0]], [ids[1]], [ids[0], ids[1], ids[2]]), strict=True):
            form = {"key": key(), **{f"rank_{pid}": "" for pid in ids}}
            form.update({f"rank_{pid}": str(n) for n, pid in enumerate(order, start=1)})
            resp = await client.post_form(f"/s/{s}/ranking", form)
            assert resp.status == 200 and "Your ranking is saved" in await resp.text()
        page = page_text(await (await observer.get(f"/s/{s}/ranking")).text())
        assert "3 residents have ranked" in page
        hidden = await observer.get(f"/s/{s}/ranking/result")
        assert hidden.status == 403 and "until then nobody sees the standings" in await hidden.text()
        api = await r[0].api("GET", f"/sessions/{s}/ranking/result")
        assert api.status == 403
        await set_phase(db, cast, "closed")
        result = page_text(await (await observer.get(f"/s/{s}/ranking/result")).text())
        assert "First: Bike lane" in result and "Ranked pairs over 3 ballots" in result
        assert f"#{ids[1]} Bike lane — 2–1 3–0" in result    # the winner's pairwise row
        resp = await fac.post_form(f"/s/{s}/shortlists", {"top": "2"})
        shortlist = int(str(resp.url).rsplit("/", 1)[1])
        page = page_text(await resp.text())
        assert "1. Bike lane" in page and "2. Benches" in page and "Library" not in page
        resp = await convenor.post_form(f"/shortlists/{shortlist}", {
            f"cost_{ids[1]}": "42000", f"cost_{ids[0]}": "3000", "then": "accept"})
        page = page_text(await resp.text())
        assert "1 cost changed" in page and "proposed at 40,000.00 EUR" in page and "accepted" in page
        audit = await db.fetchval("SELECT detail::text FROM audit_log WHERE action = 'shortlist_cost_changed'")
        assert '"before": 4000000' in audit and '"after": 4200000' in audit
        listed = page_text(await (await convenor.get(f"/s/{s}/ranking/result")).text())
        assert f"Shortlist {shortlist} — accepted" in listed
        new_round = await (await convenor.get(f"/rounds/new?shortlist={shortlist}")).text()
        assert "Bike lane; 42,000.00\nBenches; 3,000.00" in new_round  # as the form field writes money
    finally:
        for c in (*r, fac, convenor, observer):
            await c.close()


async def test_an_expert_sees_no_proposals_and_an_observer_cannot_draft(
        server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    author, expert, observer = as_(server, cast, "r0"), as_(server, cast, "expert"), as_(server, cast, "observer")
    try:
        await author.api("POST", f"/sessions/{cast.session_id}/proposals", text())
        page = await expert.get(f"/s/{cast.session_id}/proposals")
        assert page.status == 403 and "Shade trees" not in await page.text()
        listing = await observer.get(f"/s/{cast.session_id}/proposals")
        assert "Shade trees" in await listing.text() and "Draft a proposal" not in await listing.text()
        refused = await observer.post_form(f"/s/{cast.session_id}/proposals", {
            "key": key(), "title": "X", "description": "Y", "cost": "10"})
        assert refused.status == 403
    finally:
        await author.close(), await expert.close(), await observer.close()


async def test_questions_drawn_on_follow_the_proposal_to_the_shortlist(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    s = cast.session_id
    q = [await db.fetchval(
        """INSERT INTO questions (session_id, expert_id, author_id, body, status)
           VALUES ($1, $2, $3, $4, $5) RETURNING id""", s, cast.ids["expert"], cast.ids["r1"], body, status)
        for body, status in (("How much does a tree cost?", "answered"), ("Who waters them?", "released"),
                             ("Not yet released", "open"))]
    author, fac, convenor = as_(server, cast, "r0"), as_(server, cast, "facilitator"), as_(server, cast, "convenor")
    try:
        page = page_text(await (await author.get(f"/s/{s}/proposals")).text())
        assert "How much does a tree cost?" in page and "Not yet released" not in page
        resp = await author.post_form(f"/s/{s}/proposals", {
            "key": key(), "title": "Trees", "description": "Plant.", "cost": "900", "question_ids": str(q[0])})
        pid = int(str(resp.url).rsplit("/", 1)[1])
        form = {"key": key(), "based_on": "1", "title": "Trees", "description": "Plant.", "cost": "900",
                "questions_shown": "1"}
        resp = await author.session.post(f"{server.url}/proposals/{pid}/amend", data=[
            *form.items(), ("csrf_token", author.csrf()), ("question_ids", str(q[0])), ("question_ids", str(q[1]))])
        assert resp.status == 200
        assert await db.fetchval("SELECT question_ids FROM proposals WHERE id = $1", pid) == [q[0], q[1]]
        await set_phase(db, cast, "ranking")
        assert "earlier-drafted one goes higher" in page_text(await (await author.get(f"/s/{s}/ranking")).text())
        await author.api("POST", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": [pid]})
        await set_phase(db, cast, "closed")
        shortlist = (await (await fac.api("POST", f"/sessions/{s}/shortlists", {})).json())
        assert shortlist["items"][0]["questions"] == ["How much does a tree cost?", "Who waters them?"]
        page = page_text(await (await convenor.get(f"/shortlists/{shortlist['id']}")).text())
        assert "Draws on: “How much does a tree cost?”; “Who waters them?”" in page
    finally:
        for c in (author, fac, convenor):
            await c.close()
