"""A whole session, scripted with real socket.io clients: 2 facilitators, 2 experts, 8 residents."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest
import socketio

from tests.web.conftest import Server
from tests.web.room.test_room_support import Cast, Http, Live, make_cast


async def ok(ack: dict[str, Any]) -> dict[str, Any]:
    assert ack["ok"] is True, ack
    return ack


async def expert_cycle(cast: Cast, fac: list[Live], expert: Live, residents: list[Live], expert_id: int,
                       server: Server) -> None:
    await ok(await fac[1].call("advance_phase", to="briefing", expert_id=expert_id, minutes=10))
    await ok(await expert.call("share_link", title="Slides", url="https://example.org/slides"))
    await residents[3].wait_for(lambda e: e["type"] == "material_shared" and e["title"] == "Slides")
    q1 = (await ok(await residents[0].call("ask_question", body="What does it cost?")))["question_id"]
    q2 = (await ok(await residents[1].call("ask_question", body="Off topic")))["question_id"]
    q3 = (await ok(await residents[2].call("ask_question", body="How much is it?")))["question_id"]
    for r in residents[3:6]:
        await ok(await r.call("upvote_question", question_id=q1))
    await ok(await residents[4].call("upvote_question", question_id=q3))
    await ok(await residents[5].call("flag_clarity", kind="jargon"))
    flag = await expert.wait_for(lambda e: e["type"] == "clarity_flagged")
    assert flag["jargon"] == 1
    await ok(await fac[0].call("advance_phase", to="questioning"))
    await ok(await fac[0].call("curate_question", question_id=q3, command="merge", into_id=q1))
    await ok(await fac[1].call("curate_question", question_id=q2, command="skip"))
    await ok(await fac[0].call("curate_question", question_id=q1, command="release"))
    released = await expert.wait_for(lambda e: e["type"] == "question_released")
    assert released["body"] == "What does it cost?" and released["upvotes"] == 3
    await ok(await expert.call("answer_question", question_id=q1, answer="About 40,000 EUR."))
    for r in residents:
        await r.wait_for(lambda e: e["type"] == "question_answered" and e["question_id"] == q1)
    # The expert never saw the residents' discussion or unreleased questions, nor any author.
    assert not {"message_posted", "question_asked", "question_skipped"} & set(expert.types())
    assert all("author" not in e for e in expert.applied if e["type"].startswith("question"))
    refused = await fac[0].call("advance_phase", to="withdrawal")
    assert refused["ok"] is False and "confirm" in refused["error"]
    await ok(await fac[1].call("advance_phase", to="withdrawal", confirm=True))


async def assert_withdrawn_refused(server: Server, cast: Cast, expert: Live, cookie: str, q_open: int) -> None:
    """Every way back in is refused, over socket.io and HTTP."""
    await expert.wait_left()
    assert not expert.sio.connected
    again = Live(server.url, {"oxp_device": cookie}, cast.session_id, "again")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await again.connect()
    assert "withdrawn" in again.refusal
    http = Http(server.url, {"oxp_device": cookie})
    try:
        s = cast.session_id
        assert (await http.request("GET", f"/api/v1/sessions/{s}/log?after=0"))[0] == 403
        assert (await http.act(s, "post_message", body="let me back"))[0] == 403
        assert (await http.act(s, "upvote_question", question_id=q_open))[0] == 403
        assert (await http.act(s, "vote_recall", recall_id=1))[0] == 403
        assert (await http.act(s, "answer_question", question_id=q_open, answer="x"))[0] == 403
        assert (await http.act(s, "share_link", title="x", url="https://x.org"))[0] == 403
        assert (await http.request("GET", f"/s/{s}"))[0] == 403
    finally:
        await http.close()


async def test_a_whole_session(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=2, experts=2, residents=8, observers=1)
    fac = [cast.live(server.url, "staff", i) for i in range(2)]
    experts = [cast.live(server.url, "experts", i) for i in range(2)]
    residents = [cast.live(server.url, "residents", i) for i in range(8)]
    observer = cast.live(server.url, "observers")
    everyone = [*fac, *experts, *residents, observer]
    await asyncio.gather(*(c.connect() for c in everyone))
    a_id, b_id = cast.experts[0][0], cast.experts[1][0]

    await ok(await fac[0].call("advance_phase", to="check_in"))
    await ok(await residents[0].call("post_message", body="Hi all"))
    await expert_cycle(cast, fac, experts[0], residents, a_id, server)
    await assert_withdrawn_refused(server, cast, experts[0], cast.experts[0][1], q_open=1)

    await expert_cycle(cast, fac, experts[1], residents, b_id, server)
    await ok(await fac[0].call("advance_phase", to="deliberation"))
    for r in residents[:2]:
        await ok(await r.call("raise_hand", raised=True))
    await ok(await fac[1].call("call_speaker"))
    queue = await residents[7].wait_for(lambda e: e["type"] == "queue_changed" and e["speaking"] is not None)
    assert queue == {**queue, "speaking": "Resident 0", "waiting": ["Resident 1"]}
    times = await fac[0].wait_for(lambda e: e["type"] == "talk_times" and e["speakers"])
    assert times["speakers"][0]["name"] == "Resident 0"

    # Recall: 8 residents present need ceil(8/3) = 3 votes; the facilitator approves.
    recall = await ok(await residents[0].call("propose_recall", expert_id=a_id, question="Is it safe?"))
    early = await fac[0].call("approve_recall", recall_id=recall["recall_id"])
    assert early["ok"] is False and "of the 3 votes" in early["error"]
    for r in residents[1:3]:
        await ok(await r.call("vote_recall", recall_id=recall["recall_id"]))
    await ok(await fac[0].call("approve_recall", recall_id=recall["recall_id"]))
    a_http = Http(server.url, {"oxp_device": cast.experts[0][1]})
    try:
        status, page = await a_http.request("GET", f"/s/{cast.session_id}")
        assert status == 200 and "Is it safe?" in page and "Resident" not in page
        assert (await a_http.act(cast.session_id, "answer_recall", recall_id=recall["recall_id"],
                                 answer="Yes, tested."))[0] == 200
        again = await a_http.act(cast.session_id, "answer_recall", recall_id=recall["recall_id"], answer="More")
        assert again[0] == 409
    finally:
        await a_http.close()
    answered = await residents[5].wait_for(lambda e: e["type"] == "recall_answered")
    assert answered["answer"] == "Yes, tested." and "author" not in answered
    await ok(await fac[1].call("advance_phase", to="deliberation"))
    await assert_withdrawn_refused(server, cast, experts[0], cast.experts[0][1], q_open=1)
    early = Http(server.url, {})
    try:
        assert (await early.request("GET", f"/api/v1/sessions/{cast.session_id}/record"))[0] == 409
    finally:
        await early.close()
    await ok(await fac[0].call("advance_phase", to="ranking"))
    await ok(await fac[1].call("advance_phase", to="closed"))
    for c in [*fac, *residents, observer]:
        await c.wait_for(lambda e: e["type"] == "phase_changed" and e["phase"] == "closed")
    phases = [e["phase"] for e in residents[0].applied if e["type"] == "phase_changed"]
    assert phases == ["check_in", "briefing", "questioning", "withdrawal", "briefing", "questioning",
                      "withdrawal", "deliberation", "recall", "deliberation", "ranking", "closed"]
    public = Http(server.url, {})
    try:
        status, record = await public.request("GET", f"/api/v1/sessions/{cast.session_id}/record")
        assert status == 200
        assert [p["phase"] for p in record["phases"]] == phases
        assert {"author": "Resident 0", "body": "Hi all"} in [
            {k: m[k] for k in ("author", "body")} for m in record["messages"]]
        assert [q["answer"] for q in record["questions"]] == ["About 40,000 EUR.", "About 40,000 EUR."]
        assert record["recalls"][0]["answer"] == "Yes, tested."
        status, html = await public.request("GET", f"/s/{cast.session_id}/record")
        assert status == 200 and "Is it safe?" in html
    finally:
        await public.close()
    for c in everyone:
        if c.sio.connected:
            await c.close()
