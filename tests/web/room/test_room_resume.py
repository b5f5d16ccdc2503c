"""A phone that drops and comes back gets exactly the events meant for it, in order, once."""

from __future__ import annotations

import asyncpg

from tests.web.conftest import Server
from tests.web.room.test_room_support import make_cast


async def test_reconnect_gets_each_missed_event_once_and_only_its_own(server: Server,
                                                                      db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=0, residents=4, observers=0)
    fac = cast.live(server.url, "staff")
    me, r1, r2, r3 = (cast.live(server.url, "residents", i) for i in range(4))
    for c in (fac, me, r1, r2, r3):
        await c.connect()
    for to in ("check_in", "deliberation"):
        assert (await fac.call("advance_phase", to=to))["ok"]
    await me.wait_for(lambda e: e.get("phase") == "deliberation")
    await me.close()
    seq_before = me.last_seq              # the lowest seq I do not know all below of (like room.js)
    live_before = {e["seq"] for e in me.applied}

    # 20+ events while I am away: room-wide, facilitators-only, and for other people alone.
    posted = [(await r.call("post_message", body=f"point {i}"))["message_id"]
              for i, r in enumerate((r1, r2, r3, r1, r2, r3))]
    for r in (r1, r2, r3):
        assert (await r.call("raise_hand", raised=True))["ok"]          # queue_changed + talk_times
    assert (await fac.call("call_speaker"))["ok"]                       # queue_changed + talk_times
    assert (await fac.call("moderate", command="hide", message_id=posted[0], reason="off topic"))["ok"]
    assert (await fac.call("moderate", command="mute", participant_id=cast.residents[2][0], minutes=5))["ok"]
    assert (await fac.call("moderate", command="mute", participant_id=cast.residents[0][0], minutes=5))["ok"]
    assert (await fac.call("moderate", command="slow_mode", seconds=10))["ok"]
    key = "retry-key-0001"
    first = await fac.call("post_message", key=key, body="only once")
    again = await fac.call("post_message", key=key, body="only once")
    assert first == again and first["ok"]

    rows = await db.fetch(
        """SELECT seq, type, audience, participant_id FROM room_events
            WHERE session_id = $1 AND seq > $2 ORDER BY seq""", cast.session_id, seq_before)
    assert len(rows) >= 20
    mine = [r["seq"] for r in rows if r["audience"] in ("public", "room")
            or (r["audience"] == "person" and r["participant_id"] == cast.residents[0][0])]
    others = {r["seq"] for r in rows} - set(mine)
    assert others, "the scenario must include events not meant for me"

    await me.connect()
    # A barrier: socket.io keeps order on a connection, so once this post reaches me every
    # event the server sent me before it (resumed or live) has arrived.
    barrier = (await fac.call("post_message", body="barrier"))["message_id"]
    last = await me.wait_for(lambda e: e["type"] == "message_posted" and e["message_id"] == barrier)
    after = [e["seq"] for e in me.applied if e["seq"] > seq_before and e is not last]
    assert after == mine
    assert me.applied[-1] is last
    assert len(me.applied) == len({e["seq"] for e in me.applied})  # nothing applied twice
    seqs = [e["seq"] for e in me.received]
    assert {s for s in seqs if seqs.count(s) > 1} <= live_before  # resume repeats only what came live
    types = [e["type"] for e in me.applied if e["seq"] > seq_before and e is not last]
    assert "talk_times" not in types and types.count("moderation_notice") == 1
    assert types.count("message_posted") == 7
    assert await db.fetchval("SELECT count(*) FROM room_messages WHERE body = 'only once'") == 1
    for c in (fac, me, r1, r2, r3):
        await c.close()
