"""Administrative commands that talk to the database: migrate, staff accounts."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from inquiry.kernel.errors import ActionError, Invalid
from inquiry.staff import actions as staff_actions
from inquiry.staff.passwords import check_password
from web.config import Config
from web.ops.database import open_database
from web.ops.migrations import MigrationError, migrate

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


def with_pool(config: Config, work: Callable[[asyncpg.Pool], Awaitable[T]]) -> T:
    """Run `work` with a small pool on the migrated database: actions take a pool."""

    async def run(url: str) -> T:
        conn = await asyncpg.connect(url)
        try:
            await migrate(conn)
        finally:
            await conn.close()
        pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
        try:
            return await work(pool)
        finally:
            await pool.close()

    with open_database(config) as db:
        return asyncio.run(run(db.url))


def read_password(password_stdin: bool) -> str:
    """One line of standard input, or asked twice at a prompt that does not echo."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password (at least 10 characters): ")
        if getpass.getpass("The same password again: ") != password:
            raise Invalid("The two passwords are not the same; nothing was changed.")
    check_password(password)
    return password


def create_staff_command(config: Config, email: str, role: str, name: str, password_stdin: bool) -> int:
    try:
        # Check what was typed before starting a database: a typo fails in a moment.
        email = staff_actions.normalise_email(email)
        staff_actions.parse_role(role)
        password = read_password(password_stdin)
        account = with_pool(config, lambda pool: staff_actions.create_staff(pool, email, role, name, password))
    except (ActionError, MigrationError) as err:
        print(f"oxpecker: {err}", file=sys.stderr)
        return 1
    print(f"Created {account.role} account {account.email} (id {account.id}); they can sign in at /login.")
    return 0


def reset_password_command(config: Config, email: str, password_stdin: bool) -> int:
    try:
        email = staff_actions.normalise_email(email)
        password = read_password(password_stdin)
        ended = with_pool(config, lambda pool: staff_actions.set_password(pool, email, password))
    except (ActionError, MigrationError) as err:
        print(f"oxpecker: {err}", file=sys.stderr)
        return 1
    print(f"New password set for {email}; {ended} sign-in{'' if ended == 1 else 's'} ended.")
    return 0
