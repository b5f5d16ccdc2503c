"""What a phone's connect costs the database, and that the cheap path still refuses a withdrawal in flight."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from asyncpg.connection import Connection

from inquiry.room import actions as room_actions
from inquiry.room import messages as room_messages
from inquiry.kernel.errors import NotAllowed
from inquiry.access.identity_db import select_participant_by_device
from inquiry.room.runner import Who
from inquiry.kernel.tokens import hash_secret
from tests.web.conftest import Server
from tests.web.room.test_room_support import make_cast


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement any connection in this process sends (the server runs in-process)."""
    seen: list[str] = []
    execute, do_execute = Connection.execute, Connection._do_execute

    async def counted_execute(self: Connection, query: str, *args: Any, **kw: Any) -> Any:
        if not args:  # with arguments it goes through _do_execute, counted there
            seen.append(query)
        return await execute(self, query, *args, **kw)

    async def counted_do_execute(self: Connection, query: str, *args: Any, **kw: Any) -> Any:
        seen.append(query)
        return await do_execute(self, query, *args, **kw)

    monkeypatch.setattr(Connection, "execute", counted_execute)
    monkeypatch.setattr(Connection, "_do_execute", counted_do_execute)
    yield seen


async def test_a_resident_connects_and_resumes_in_two_statements(server: Server, db: asyncpg.Connection,
                                                                 statements: list[str]) -> None:
    cast = await make_cast(db, facilitators=1, experts=1, residents=2, observers=0)
    fac = cast.live(server.url, "staff")
    await fac.connect()
    assert (await fac.call("advance_phase", to="check_in"))["ok"]
    assert (await fac.call("post_message", body="welcome"))["ok"]
    warm = cast.live(server.url, "residents", 1)  # the pool's connection prepares the statements once
    await warm.connect()
    await warm.close()
    me = cast.live(server.url, "residents", 0)
    await asyncio.sleep(1.2)  # let the presence broadcasts of the connects above pass
    statements.clear()
    ack = await me.connect()
    # Not the connect's cost: the deadline watcher polls once a second whatever the room does;
    # asyncpg's pool resets each connection it gets back, and the first use of a pool connection
    # looks up the types of our parameters (once per connection).
    mine = [q for q in statements if not any(
        mark in q for mark in ("deadline_announced", "pg_advisory_unlock_all", "typeinfo_tree", "'jit'"))]
    assert ack["ok"] and [e["type"] for e in ack["events"]] == ["phase_changed", "message_posted"]
    try:
        assert len(mine) == 2, "\n\n".join(mine)
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
        await asyncio.sleep(0.3)
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
        await asyncio.sleep(0.3)
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
