"""Proposals through the JSON API: draft, amend, accept, withdraw, merge, comment; concurrent edits."""

from __future__ import annotations

import asyncio

import asyncpg

from tests.web.conftest import Server
from tests.web.proposals.test_proposal_support import as_, key, make_cast, text


async def test_draft_amend_accept_keeps_every_revision(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    author, other, fac = as_(server, cast, "r0"), as_(server, cast, "r1"), as_(server, cast, "facilitator")
    try:
        s = cast.session_id
        resp = await author.api("POST", f"/sessions/{s}/proposals", text())
        assert resp.status == 201, await resp.text()
        pid = (await resp.json())["proposal_id"]
        edited = await author.api("POST", f"/proposals/{pid}/amend", text("Shade trees", based_on=1))
        assert (await edited.json())["revision"] == 2
        suggested = await other.api("POST", f"/proposals/{pid}/amend", text("Shade trees and benches", based_on=2))
        amendment = (await suggested.json())["amendment_id"]
        assert amendment and (await suggested.json())["revision"] == 2
        accepted = await fac.api("POST", f"/amendments/{amendment}/decide", {"key": key(), "accept": True})
        assert accepted.status == 200, await accepted.text()
        detail = await (await other.api("GET", f"/proposals/{pid}")).json()
        assert detail["title"] == "Shade trees and benches" and detail["revision"] == 3
        assert [r["title"] for r in detail["revisions"]] == [
            "Shade trees and benches", "Shade trees", "Shade trees on Mill Road"]
        assert detail["revisions"][0]["by"] == "Resident 1"
        assert "accepted by Faye" in detail["revisions"][0]["note"]
    finally:
        for c in (author, other, fac):
            await c.close()


async def test_two_amendments_on_the_same_revision_one_wins_the_other_gets_both_texts(
        server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    author, a, b = as_(server, cast, "r0"), as_(server, cast, "r1"), as_(server, cast, "r2")
    try:
        pid = (await (await author.api("POST", f"/sessions/{cast.session_id}/proposals", text())).json())["proposal_id"]
        await a.get("/"), await b.get("/")
        ra, rb = await asyncio.gather(
            a.api("POST", f"/proposals/{pid}/amend", text("A: trees and a fountain", based_on=1)),
            b.api("POST", f"/proposals/{pid}/amend", text("B: trees and a bike rack", based_on=1)))
        statuses = sorted([ra.status, rb.status])
        assert statuses == [200, 409], (await ra.text(), await rb.text())
        loser, winner = (ra, rb) if ra.status == 409 else (rb, ra)
        body = await loser.json()
        won_title = "A: trees and a fountain" if winner is ra else "B: trees and a bike rack"
        lost_title = "B: trees and a bike rack" if winner is ra else "A: trees and a fountain"
        assert body["yours"]["title"] == lost_title and body["current"]["title"] == won_title
        assert "not saved" in body["error"]
    finally:
        for c in (author, a, b):
            await c.close()


async def test_author_and_facilitator_racing_on_one_revision_lose_nothing(
        server: Server, db: asyncpg.Connection) -> None:
    """The author's edit and the acceptance of an amendment, both based on revision 1."""
    cast = await make_cast(db)
    author, other, fac = as_(server, cast, "r0"), as_(server, cast, "r1"), as_(server, cast, "facilitator")
    try:
        pid = (await (await author.api("POST", f"/sessions/{cast.session_id}/proposals", text())).json())["proposal_id"]
        amendment = (await (await other.api("POST", f"/proposals/{pid}/amend",
                                            text("Trees, amended", based_on=1))).json())["amendment_id"]
        await fac.get("/")
        edit, accept = await asyncio.gather(
            author.api("POST", f"/proposals/{pid}/amend", text("Trees, edited", based_on=1)),
            fac.api("POST", f"/amendments/{amendment}/decide", {"key": key(), "accept": True}))
        assert sorted([edit.status, accept.status]) == [200, 409]
        detail = await (await other.api("GET", f"/proposals/{pid}")).json()
        assert detail["revision"] == 2
        titles = {detail["title"], (await (edit if edit.status == 409 else accept).json())["yours"]["title"]}
        assert titles == {"Trees, amended", "Trees, edited"}
    finally:
        for c in (author, other, fac):
            await c.close()


async def test_the_api_is_in_the_openapi_document(server: Server) -> None:
    client = server.client()
    try:
        doc = await (await client.get("/api/v1/openapi.json")).json()
    finally:
        await client.close()
    paths = doc["paths"]
    for path, method in [("/api/v1/sessions/{session_id}/proposals", "post"),
                         ("/api/v1/proposals/{proposal_id}/amend", "post"),
                         ("/api/v1/sessions/{session_id}/ranking/ballot", "post"),
                         ("/api/v1/sessions/{session_id}/ranking/result", "get"),
                         ("/api/v1/shortlists/{shortlist_id}/costs", "post")]:
        assert method in paths[path], path
    assert doc["components"]["schemas"]["BallotIn"]["additionalProperties"] is False


async def test_author_and_another_resident_amending_at_once_one_wins_nothing_lost(
        server: Server, db: asyncpg.Connection) -> None:
    """Whichever commits first wins: the author's edit becomes the current revision, or the other's
    amendment waits for a decision; the loser gets 409 with their own text and the winner's."""
    cast = await make_cast(db)
    author, other = as_(server, cast, "r0"), as_(server, cast, "r1")
    try:
        pid = (await (await author.api("POST", f"/sessions/{cast.session_id}/proposals", text())).json())["proposal_id"]
        await other.get("/")
        mine, theirs = await asyncio.gather(
            author.api("POST", f"/proposals/{pid}/amend", text("Author: trees and shade", based_on=1)),
            other.api("POST", f"/proposals/{pid}/amend", text("Other: trees and water", based_on=1)))
        assert sorted([mine.status, theirs.status]) == [200, 409]
        detail = await (await other.api("GET", f"/proposals/{pid}")).json()
        if mine.status == 200:
            assert detail["title"] == "Author: trees and shade" and detail["revision"] == 2
            lost = await theirs.json()
            assert lost["yours"]["title"] == "Other: trees and water"
            assert lost["current"]["title"] == "Author: trees and shade"
        else:
            assert detail["revision"] == 1
            assert [a["title"] for a in detail["amendments"] if a["status"] == "open"] == ["Other: trees and water"]
            lost = await mine.json()
            assert lost["yours"]["title"] == "Author: trees and shade" and "your decision" in lost["error"]
    finally:
        await author.close(), await other.close()
