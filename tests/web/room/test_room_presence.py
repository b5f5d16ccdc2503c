"""Presence after a crash: connections left by a dead process neither count nor stay."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
from aiohttp.test_utils import TestServer

from tests.web.conftest import Server
from tests.web.room.test_room_support import Http, make_cast
from web.app import create_app
from web.config import Config


async def crashed_process(db: asyncpg.Connection, session_id: int, residents: list[int], server_id: str,
                          beat_ago: timedelta) -> None:
    """Rows a process leaves when it is killed: its heartbeat, and its residents' connections."""
    await db.execute("INSERT INTO room_servers (server_id, heartbeat_at) VALUES ($1, now() - $2::interval)",
                     server_id, beat_ago)
    for pid in residents:
        await db.execute(
            """INSERT INTO room_connections (sid, session_id, server_id, role, participant_id)
               VALUES ($1, $2, $3, 'resident', $4)""", f"{server_id}-{pid}", session_id, server_id, pid)


async def test_residents_of_a_dead_process_are_not_counted_present(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=0, residents=4, observers=0)
    others = [p for p, _ in cast.residents[1:]]
    await crashed_process(db, cast.session_id, others, "dead-host:1:x", timedelta(minutes=2))
    fac = cast.live(server.url, "staff")
    me = cast.live(server.url, "residents", 0)
    for c in (fac, me):
        await c.connect()
    try:
        # Facilitators get the room's count (no names) and their own (with names).
        presence = await fac.wait_for_ephemeral(lambda e: e["type"] == "presence" and e["names"] is not None)
        assert presence["residents"] == 1
        assert presence["names"] == ["Facilitator 0 (facilitator)", "Resident 0 (resident)"]
        http = Http(server.url, cast.live(server.url, "residents", 0).cookies)
        try:
            status, page = await http.request("GET", f"/s/{cast.session_id}")
        finally:
            await http.close()
        assert status == 200 and "Residents here: <span data-presence>1</span>." in page
    finally:
        for c in (fac, me):
            await c.close()


async def test_a_starting_process_forgets_the_connections_of_dead_ones(db_url: str, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=0, residents=4, observers=0)
    ids = [p for p, _ in cast.residents]
    await crashed_process(db, cast.session_id, ids[:2], "dead-host:1:x", timedelta(minutes=2))
    await crashed_process(db, cast.session_id, ids[2:], "busy-host:2:y", timedelta(seconds=3))  # alive, elsewhere
    server = TestServer(create_app(Config.from_env(database_url=db_url)), host="127.0.0.1")
    await server.start_server(shutdown_timeout=2.0)
    try:
        left = await db.fetch("SELECT participant_id FROM room_connections ORDER BY participant_id")
        assert [r["participant_id"] for r in left] == ids[2:]
        servers = await db.fetch("SELECT server_id FROM room_servers ORDER BY server_id")
        assert [r["server_id"] for r in servers][0] == "busy-host:2:y" and len(servers) == 2
    finally:
        await server.close()
    assert await db.fetchval("SELECT count(*) FROM room_servers") == 1  # a clean stop removes its own row
