"""Live room over real socket.io clients: messages, audiences, resume, idempotency."""

from __future__ import annotations

import asyncpg

from tests.web.conftest import Server
from tests.web.room.test_room_support import Http, make_cast, new_key


async def test_message_reaches_the_room_but_not_the_expert(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=1, residents=2, observers=1)
    fac, res, obs, exp = (cast.live(server.url, "staff"), cast.live(server.url, "residents"),
                          cast.live(server.url, "observers"), cast.live(server.url, "experts"))
    for c in (fac, res, obs, exp):
        await c.connect()
    ack = await fac.call("advance_phase", to="check_in")
    assert ack == {"ok": True, "phase": "check_in", "expert_id": None}
    ack = await res.call("post_message", body="Hello room")
    assert ack["ok"], ack
    for c in (fac, res, obs):
        posted = await c.wait_for(lambda e: e["type"] == "message_posted")
        assert posted["body"] == "Hello room" and posted["author"] == "Resident 0"
    await exp.wait_for(lambda e: e["type"] == "phase_changed")
    # A barrier: a public event sent after the post; once it reaches the expert, the post would
    # have too (socket.io keeps order on a connection).
    assert (await fac.call("control_timer", command="extend", minutes=5))["ok"]
    await exp.wait_for(lambda e: e["type"] == "timer_changed")
    assert "message_posted" not in exp.types()
    refused = await obs.call("post_message", body="I only watch")
    assert refused["ok"] is False and refused["status"] == 403
    for c in (fac, res, obs, exp):
        await c.close()


async def test_same_key_twice_is_stored_once(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=0, residents=1, observers=0)
    fac = Http(server.url, {"oxp_staff": cast.staff[0][1]})
    res = Http(server.url, {"oxp_device": cast.residents[0][1]})
    try:
        assert (await fac.act(cast.session_id, "advance_phase", to="check_in"))[0] == 200
        key = new_key()
        first = await res.act(cast.session_id, "post_message", key=key, body="once")
        again = await res.act(cast.session_id, "post_message", key=key, body="once")
        assert first == again and first[0] == 200
        assert await db.fetchval("SELECT count(*) FROM room_messages") == 1
        status, log = await res.request("GET", f"/api/v1/sessions/{cast.session_id}/log?after=0")
        assert status == 200
        assert [e["type"] for e in log["events"]] == ["phase_changed", "message_posted"]
    finally:
        await fac.close()
        await res.close()
