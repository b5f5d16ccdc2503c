"""Many residents in one room: every message reaches every resident exactly once, in order."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from tests.web.conftest import Server
from tests.web.room.test_room_support import make_cast

RESIDENTS = 60
MESSAGES = 20


@pytest.mark.load
async def test_sixty_residents_each_get_every_message_once(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=0, residents=RESIDENTS, observers=0)
    fac = cast.live(server.url, "staff")
    residents = [cast.live(server.url, "residents", i) for i in range(RESIDENTS)]
    await fac.connect()
    for i in range(0, RESIDENTS, 20):
        await asyncio.gather(*(r.connect() for r in residents[i:i + 20]))
    assert (await fac.call("advance_phase", to="check_in"))["ok"]
    acks = await asyncio.gather(*(fac.call("post_message", body=f"m{i}") for i in range(MESSAGES)))
    assert all(a["ok"] for a in acks)
    last = max(a["message_id"] for a in acks)
    for r in residents:
        await r.wait_for(lambda e, last=last: e["type"] == "message_posted" and e["message_id"] == last, timeout=20)
    for r in residents:
        got = [e["message_id"] for e in r.applied if e["type"] == "message_posted"]
        assert got == sorted(got) and len(got) == MESSAGES
        assert len(r.received) == len(r.applied)
    await asyncio.gather(*(c.close() for c in (fac, *residents)))
