"""What one phone's connect costs the database: statements per resident connect + resume.

    .venv/bin/python bench/room_connect.py [--residents 20]

Needs a PostgreSQL where it may create a database (OXPECKER_BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/postgres). One Oxpecker server runs
in this process; every statement any connection sends is counted while residents
connect and resume one after another, on a warm pool. It prints the statements of
each connect beside the reference: 2 (join, which records the connection, and the
log read of resume), the figure tests/web/room/test_room_connect.py asserted before
issue 11 moved counts out of the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from aiohttp.test_utils import TestServer
from asyncpg.connection import Connection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REFERENCE = 2
# Not a connect's cost: the deadline watcher polls once a second whatever the room does;
# asyncpg's pool resets each connection it gets back; the first use of a pool connection
# looks up the types of our parameters (once per connection).
NOT_THE_CONNECT = ("deadline_announced", "pg_advisory_unlock_all", "typeinfo_tree", "'jit'")

seen: list[str] = []


def count_statements() -> None:
    execute, do_execute = Connection.execute, Connection._do_execute

    async def counted_execute(self: Connection, query: str, *args: Any, **kw: Any) -> Any:
        if not args:  # with arguments it goes through _do_execute, counted there
            seen.append(query)
        return await execute(self, query, *args, **kw)

    async def counted_do_execute(self: Connection, query: str, *args: Any, **kw: Any) -> Any:
        seen.append(query)
        return await do_execute(self, query, *args, **kw)

    Connection.execute = counted_execute
    Connection._do_execute = counted_do_execute


async def measure(db_url: str, residents: int) -> list[list[str]]:
    from tests.web.room.test_room_support import make_cast
    from web.app import create_app
    from web.config import Config

    conn = await asyncpg.connect(db_url)
    cast = await make_cast(conn, facilitators=1, experts=1, residents=residents + 1, observers=0)
    await conn.close()
    server = TestServer(create_app(Config.from_env(database_url=db_url)), host="127.0.0.1")
    await server.start_server(shutdown_timeout=2.0)
    url = str(server.make_url("")).rstrip("/")
    per_connect: list[list[str]] = []
    try:
        fac = cast.live(url, "staff")
        await fac.connect()
        assert (await fac.call("advance_phase", to="check_in"))["ok"]
        assert (await fac.call("post_message", body="welcome"))["ok"]
        warm = cast.live(url, "residents", residents)  # the pool's connection prepares the statements once
        await warm.connect()
        await warm.close()
        for i in range(residents):
            me = cast.live(url, "residents", i)
            await asyncio.sleep(1.2)  # let the presence broadcast of the connects before pass
            seen.clear()
            ack = await me.connect()
            mine = [q for q in seen if not any(mark in q for mark in NOT_THE_CONNECT)]
            if not ack["ok"]:
                raise SystemExit(f"connect refused: {ack}")
            per_connect.append(mine)
            await me.close()
        await fac.close()
    finally:
        await server.close()
    return per_connect


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=5)
    ap.add_argument("--show", action="store_true", help="print the statements of the first connect")
    args = ap.parse_args()
    admin_url = os.environ.get("OXPECKER_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    from web.ops.migrations import migrate

    name = f"oxp_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f"CREATE DATABASE {name}")
    db_url = urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    try:
        conn = await asyncpg.connect(db_url)
        await migrate(conn)
        await conn.close()
        count_statements()
        per_connect = await measure(db_url, args.residents)
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()
    counts = [len(q) for q in per_connect]
    print(f"statements per resident connect + resume: median {statistics.median(counts):g}, "
          f"max {max(counts)} over {len(counts)} connects (reference: {REFERENCE})")
    if args.show or max(counts) != REFERENCE:
        print("\n\n".join(per_connect[counts.index(max(counts))]))


if __name__ == "__main__":
    asyncio.run(main())
