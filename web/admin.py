"""Administrative commands that talk to the database: migrate, staff accounts."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from web.config import Config
from web.database import open_database
from web.migrations import MigrationError, migrate

T = TypeVar("T")


def with_connection(config: Config, work: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Run `work` on one connection to the configured (or embedded) database."""

    async def run(url: str) -> T:
        conn = await asyncpg.connect(url)
        try:
            await migrate(conn)
            return await work(conn)
        finally:
            await conn.close()

    with open_database(config) as db:
        return asyncio.run(run(db.url))


def migrate_command(config: Config) -> int:
    async def noop(conn: asyncpg.Connection) -> None:
        applied = await conn.fetch("SELECT name FROM schema_migrations ORDER BY number")
        print(f"Database is at migration {applied[-1]['name'] if applied else 'none'}.")

    try:
        with_connection(config, noop)
    except MigrationError as err:
        print(f"oxpecker: {err}", file=sys.stderr)
        return 1
    return 0
