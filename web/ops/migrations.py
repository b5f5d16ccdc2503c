"""Numbered, forward-only SQL migrations from the `sql` package.

All pending files are applied in one transaction under an advisory lock, so
two server processes starting together apply each file once. A database that
has a migration this code does not know is newer than the code: we refuse it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import asyncpg

# An arbitrary constant that names "oxpecker migrations" among advisory locks.
MIGRATION_LOCK = 0x0C_BEC_E7


class MigrationError(Exception):
    """The database and the code disagree about the schema."""


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    name: str
    sql: str


def available() -> list[Migration]:
    found = []
    for entry in resources.files("sql").iterdir():
        match = re.fullmatch(r"(\d{3})_([a-z0-9_]+)\.sql", entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.number)


async def migrate(conn: asyncpg.Connection) -> list[str]:
    """Apply pending migrations; return the names applied."""
    known = available()
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   number int PRIMARY KEY,
                   name text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        applied = {r["number"] for r in await conn.fetch("SELECT number FROM schema_migrations")}
        newest_known = known[-1].number if known else 0
        ahead = sorted(n for n in applied if n > newest_known)
        if ahead:
            raise MigrationError(
                f"the database has migration {ahead[-1]:03d} but this Oxpecker only knows up to "
                f"{newest_known:03d}: the database is newer than the code; upgrade Oxpecker"
            )
        done = []
        for m in known:
            if m.number in applied:
                continue
            await conn.execute(m.sql)
            await conn.execute(
                "INSERT INTO schema_migrations (number, name) VALUES ($1, $2)", m.number, m.name
            )
            done.append(m.name)
        return done
