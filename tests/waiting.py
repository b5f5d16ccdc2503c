"""Waiting for state that announces nothing: the last resort of a test, with a deadline.

Prefer the event itself (`Live.wait_for`, `Live.wait_left`, an asyncio.Event the test
holds). Use `until` only where the system under test offers nothing to wait on, such
as another process's health, a PostgreSQL backend waiting on a lock, or a background
clock, and say at the call why.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg

EVERY = 0.05  # seconds between looks: cheap for what we look at, short beside any timeout


async def until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 5.0) -> None:
    """Return once `check()` is true; fail naming `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"{what}: still not so after {timeout} s")
        await asyncio.sleep(EVERY)


async def until_blocked_on_a_lock(db: asyncpg.Connection, timeout: float = 5.0) -> None:
    """Until another backend of this database waits for a lock. PostgreSQL tells no client
    when a statement starts waiting; pg_stat_activity is where it shows."""
    async def blocked() -> bool:
        return bool(await db.fetchval(
            """SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"""))
    await until(blocked, "no statement waits for the lock", timeout)
