"""`oxpecker demo`: a demo inquiry to try the product with, and how to get in.

Each run adds a new inquiry with one session tomorrow, a new convenor and a new
facilitator (numbered, so a second run never clashes with the first), five
single-use resident codes, one open resident code and an expert link. The
passwords and the expert link are printed once: only their hashes are stored.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import asyncpg

from inquiry import inquiries_actions as inquiries
from inquiry.audit_db import insert_audit
from inquiry.identity_db import staff_from_row
from inquiry.inquiries_input import InquiryDraft
from inquiry.passwords import hash_password
from inquiry.roles import Staff
from inquiry.tokens import format_code, hash_secret, new_code, new_secret
from web.config import Config
from web.database import open_database
from web.migrations import MigrationError, migrate

RESIDENT_CODES = 5
OPEN_CODE_USES = 50


@dataclass(frozen=True, slots=True)
class Seeded:
    run: int
    inquiry_id: int
    session_id: int
    logins: list[tuple[str, str, str]]  # role, email, password
    resident_codes: list[str]
    open_code: str
    expert_secret: str


async def _staff(conn: asyncpg.Connection, role: str, run: int) -> tuple[Staff, str]:
    password = secrets.token_urlsafe(12)
    row = await conn.fetchrow(
        """INSERT INTO staff (email, display_name, role, password_hash)
           VALUES ($1, $2, $3, $4)
           RETURNING id, email, display_name, role, disabled_at""",
        f"demo-{role}-{run}@example.org", f"Demo {role} {run}", role, hash_password(password),
    )
    return staff_from_row(row), password


async def _code(conn: asyncpg.Connection, inquiry_id: int, by: int, kind: str, max_uses: int) -> str:
    while True:  # 23**8 codes: a clash is rare, and drawing again settles it
        code = new_code()
        inserted = await conn.fetchval(
            """INSERT INTO access_codes (inquiry_id, kind, code, label, max_uses, created_by)
               VALUES ($1, $2, $3, 'demo', $4, $5)
               ON CONFLICT (code) DO NOTHING
               RETURNING id""",
            inquiry_id, kind, code, max_uses, by,
        )
        if inserted is not None:
            return code


async def seed(pool: asyncpg.Pool) -> Seeded:
    async with pool.acquire() as conn, conn.transaction():
        run = 1 + await conn.fetchval("SELECT count(*) FROM staff WHERE email LIKE 'demo-convenor-%'")
        convenor, convenor_password = await _staff(conn, "convenor", run)
        facilitator, facilitator_password = await _staff(conn, "facilitator", run)
    inquiry = await inquiries.create_inquiry(pool, convenor, InquiryDraft(
        title=f"Greener streets (demo {run})",
        question="How should we spend 50,000 EUR to make our streets greener and safer?",
        description="A demo inquiry made by `oxpecker demo`. Try it from a phone with a resident code.",
        fund_minor=5_000_000, currency="EUR", languages=["en"], timezone="UTC"))
    tomorrow = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), time(18, 0), UTC)
    session = await inquiries.add_session(pool, convenor, inquiry.id, "Evening session", tomorrow)
    await inquiries.assign_facilitator(pool, convenor, inquiry.id, facilitator.id)
    async with pool.acquire() as conn, conn.transaction():
        codes = [await _code(conn, inquiry.id, convenor.id, "resident_single", 1) for _ in range(RESIDENT_CODES)]
        open_code = await _code(conn, inquiry.id, convenor.id, "resident_open", OPEN_CODE_USES)
        expert_secret = new_secret()
        await conn.execute(
            """INSERT INTO access_codes (inquiry_id, session_id, kind, secret_hash, label, max_uses, created_by)
               VALUES ($1, $2, 'expert', $3, 'demo expert', 1, $4)""",
            inquiry.id, session.id, hash_secret(expert_secret), convenor.id,
        )
        await insert_audit(conn, "demo.seeded", staff_id=convenor.id, inquiry_id=inquiry.id,
                           detail={"resident_codes": RESIDENT_CODES, "open_code_uses": OPEN_CODE_USES,
                                   "expert_links": 1})
    return Seeded(run, inquiry.id, session.id,
                  [("convenor", convenor.email, convenor_password),
                   ("facilitator", facilitator.email, facilitator_password)],
                  codes, open_code, expert_secret)


def site_url(config: Config) -> str:
    if config.public_url:
        return config.public_url.rstrip("/")
    host = "127.0.0.1" if config.host in ("0.0.0.0", "::", "") else config.host
    return f"http://{host}:{config.port}"


def explain(s: Seeded, site: str) -> str:
    logins = "\n".join(f"  {role:<12} {email}   password: {password}" for role, email, password in s.logins)
    codes = "\n".join(f"  {format_code(c)}   {site}/join/{c}" for c in s.resident_codes)
    return f"""Demo inquiry {s.run} created: {site}/inquiries/{s.inquiry_id}

Staff sign-in at {site}/login (these passwords are shown only now):
{logins}

Resident codes (single use; type one at {site}/join, or open its link on a phone):
{codes}
Open resident code, up to {OPEN_CODE_USES} people: {format_code(s.open_code)}   {site}/join/{s.open_code}

Expert link for session {s.session_id} (single use, shown only now):
  {site}/expert/{s.expert_secret}

Start the server with `oxpecker serve` (same --data-dir or DATABASE_URL) and open the links above."""


async def _run(url: str) -> Seeded:
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        return await seed(pool)
    finally:
        await pool.close()


def demo_command(config: Config) -> int:
    try:
        with open_database(config) as db:
            seeded = asyncio.run(_run(db.url))
    except MigrationError as err:
        print(f"oxpecker: {err}", file=sys.stderr)
        return 1
    print(explain(seeded, site_url(config)))
    return 0
