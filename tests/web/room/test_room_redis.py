"""Withdrawal across processes: two servers on one database, fanned out through the Redis at
$OXPECKER_TEST_REDIS_URL (tests/conftest.py deselects these tests without it)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from aiohttp.test_utils import TestServer

from tests.web.room.test_room_support import Live, make_cast
from web.app import create_app
from web.config import Config


@pytest.fixture
async def two_servers(db_url: str, redis_url: str) -> AsyncIterator[tuple[str, str]]:
    servers = [TestServer(create_app(Config.from_env(database_url=db_url, redis_url=redis_url)), host="127.0.0.1")
               for _ in range(2)]
    for s in servers:
        await s.start_server(shutdown_timeout=2.0)
    try:
        yield tuple(str(s.make_url("")).rstrip("/") for s in servers)  # type: ignore[misc]
    finally:
        for s in servers:
            await s.close()


@pytest.mark.redis
async def test_expert_on_b_is_removed_when_a_withdraws_them(two_servers: tuple[str, str],
                                                            db: asyncpg.Connection) -> None:
    a, b = two_servers
    cast = await make_cast(db, facilitators=1, experts=1, residents=2, observers=0)
    fac = cast.live(a, "staff")
    expert = cast.live(b, "experts")
    res_a = cast.live(a, "residents", 0)
    res_b = cast.live(b, "residents", 1)
    for c in (fac, expert, res_a, res_b):
        await c.connect()
    e_id = cast.experts[0][0]
    for to in ("check_in", "briefing", "questioning"):
        assert (await fac.call("advance_phase", to=to, expert_id=e_id))["ok"]
    await expert.wait_for(lambda e: e.get("phase") == "questioning")
    assert (await fac.call("advance_phase", to="withdrawal", confirm=True))["ok"]
    assert (await fac.call("advance_phase", to="deliberation"))["ok"]
    for r in (res_a, res_b):
        await r.wait_for(lambda e: e.get("phase") == "deliberation")
    await expert.wait_left()
    assert not expert.sio.connected
    assert expert.applied[-1]["phase"] == "questioning"  # neither later event reached them
    assert any(e["type"] == "session_left" for e in expert.ephemeral)
    assert await db.fetchval("SELECT count(*) FROM room_connections WHERE participant_id = $1", e_id) == 0
    again = Live(a, expert.cookies, cast.session_id)
    with pytest.raises(Exception):
        await again.connect()
    assert "withdrawn" in again.refusal
    for c in (fac, res_a, res_b):
        await c.close()
