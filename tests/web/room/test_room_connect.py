"""A phone's connect, and that its cheap path still refuses a withdrawal or removal in flight.

What a connect costs the database (statements) is printed by bench/room_connect.py."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from inquiry.access.identity_db import select_participant_by_device
from inquiry.kernel.errors import NotAllowed
from inquiry.kernel.tokens import hash_secret
from inquiry.room import actions as room_actions
from inquiry.room import messages as room_messages
from inquiry.room.runner import Who
from tests.waiting import until_blocked_on_a_lock
from tests.web.conftest import Server
from tests.web.room.test_room_support import make_cast


async def test_a_resident_connects_and_resumes_into_the_room(server: Server, db: asyncpg.Connection) -> None:
    # How many statements this costs is printed by bench/room_connect.py (reference: 2).
    cast = await make_cast(db, facilitators=1, experts=1, residents=2, observers=0)
    fac = cast.live(server.url, "staff")
    await fac.connect()
    assert (await fac.call("advance_phase", to="check_in"))["ok"]
    assert (await fac.call("post_message", body="welcome"))["ok"]
    me = cast.live(server.url, "residents", 0)
    ack = await me.connect()
    try:
        assert ack["ok"] and [e["type"] for e in ack["events"]] == ["phase_changed", "message_posted"]
        assert await db.fetchval("SELECT role FROM room_connections WHERE participant_id = $1",
                                 cast.residents[0][0]) == "resident"
    finally:
        await me.close()
        await fac.close()


async def test_a_connect_waiting_on_a_withdrawal_is_refused_and_not_recorded(db_url: str,
                                                                             db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=1, residents=0, observers=0)
    expert_id, device = cast.experts[0]
    s = cast.session_id
    await db.execute("UPDATE sessions SET phase = 'questioning', expert_id = $2 WHERE id = $1", s, expert_id)
    pool = await asyncpg.create_pool(db_url, min_size=1, max_size=2)
    withdrawal = await asyncpg.connect(db_url)
    try:
        # The facilitator's withdrawal holds the session row, as room_actions.move does.
        tx = withdrawal.transaction()
        await tx.start()
        await withdrawal.execute("SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", s)
        cookies = room_actions.Cookies(None, hash_secret(device), ())
        joining = asyncio.ensure_future(room_actions.join(pool, s, cookies, "sid-racing", "server-test"))
        await until_blocked_on_a_lock(db)
        assert not joining.done(), "the connect must wait for the withdrawal's lock"
        await withdrawal.execute("UPDATE sessions SET phase = 'withdrawal', last_seq = last_seq + 1 WHERE id = $1", s)
        await withdrawal.execute(
            "INSERT INTO expert_withdrawals (session_id, participant_id, staff_id) VALUES ($1, $2, $3)",
            s, expert_id, cast.staff[0][0])
        assert await withdrawal.fetchval("SELECT count(*) FROM room_connections WHERE session_id = $1", s) == 0
        await tx.commit()
        with pytest.raises(NotAllowed):
            await joining
        assert await db.fetchval("SELECT count(*) FROM room_connections WHERE sid = 'sid-racing'") == 0
    finally:
        await withdrawal.close()
        await pool.close()


async def test_a_post_waiting_on_a_removal_is_refused(db_url: str, db: asyncpg.Connection) -> None:
    """A request reads the session, the standing and the active experts in one statement; the
    statement that waited for the lock reads again, so it sees the removal that held it."""
    cast = await make_cast(db, facilitators=1, experts=0, residents=1, observers=0)
    resident_id, device = cast.residents[0]
    s = cast.session_id
    await db.execute("UPDATE sessions SET phase = 'deliberation' WHERE id = $1", s)
    pool = await asyncpg.create_pool(db_url, min_size=1, max_size=2)
    removal = await asyncpg.connect(db_url)
    try:
        who = await room_runner_who(db, device)
        tx = removal.transaction()
        await tx.start()
        await removal.execute("SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", s)
        posting = asyncio.ensure_future(room_messages.post_message(pool, s, who, "k" * 16, "still here?"))
        await until_blocked_on_a_lock(db)
        assert not posting.done(), "the post must wait for the removal's lock"
        await removal.execute(
            "INSERT INTO room_sanctions (session_id, participant_id, kind) VALUES ($1, $2, 'remove')", s, resident_id)
        await removal.execute("UPDATE sessions SET last_seq = last_seq + 1 WHERE id = $1", s)
        await tx.commit()
        with pytest.raises(NotAllowed):
            await posting
        assert await db.fetchval("SELECT count(*) FROM room_messages WHERE session_id = $1", s) == 0
    finally:
        await removal.close()
        await pool.close()


async def room_runner_who(db: asyncpg.Connection, device: str) -> Who:
    participant = await select_participant_by_device(db, hash_secret(device))
    return Who(None, participant)
