"""Helpers for the staff-account tests (no tests here): signed-in clients, a resident, row counts.

Accounts are written with tests.factories and one argon2id hash computed once
(hashing costs ~0.3 s), so each test pays only for the sign-ins it is about.
"""

from __future__ import annotations

import functools

import asyncpg
from yarl import URL

from inquiry.staff.passwords import hash_password
from tests.factories import login_cookie, make_inquiry, make_participant, make_staff
from tests.web.conftest import Client, Server

PASSWORD = "correct horse battery"
COUNTED = ("staff", "staff_logins", "staff_tokens", "audit_log")


@functools.cache
def password_hash() -> str:
    return hash_password(PASSWORD)


async def account(db: asyncpg.Connection, email: str, role: str = "convenor") -> int:
    """An active account whose password is PASSWORD."""
    return await make_staff(db, email, role, password_hash())


async def signed_in(server: Server, db: asyncpg.Connection, email: str = "convenor@example.org",
                    role: str = "convenor") -> tuple[Client, int]:
    """A browser signed in as a new account (its login row written directly)."""
    staff_id = await account(db, email, role)
    client = server.client()
    client.session.cookie_jar.update_cookies({"oxp_staff": await login_cookie(db, staff_id)}, URL(server.url))
    await client.get("/")  # the CSRF cookie, as a browser gets it on its first page
    return client, staff_id


async def resident(server: Server, db: asyncpg.Connection) -> Client:
    """A browser holding a resident's device cookie (and no staff login)."""
    owner = await make_staff(db, "owner@example.org")
    _, device = await make_participant(db, await make_inquiry(db, owner))
    client = server.client()
    client.session.cookie_jar.update_cookies({"oxp_device": device}, URL(server.url))
    await client.get("/")
    return client


async def counts(db: asyncpg.Connection) -> dict[str, int]:
    """Rows in the tables staff actions write: compare before and after a refused request."""
    return {t: await db.fetchval(f"SELECT count(*) FROM {t}") for t in COUNTED}


async def logins(db: asyncpg.Connection, staff_id: int) -> int:
    n: int = await db.fetchval("SELECT count(*) FROM staff_logins WHERE staff_id = $1", staff_id)
    return n
