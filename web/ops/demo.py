"""`oxpecker demo`: a demo inquiry to try the product with, and how to get in.

Each run adds a new inquiry with one session tomorrow, a new convenor and a new
facilitator (numbered, so a second run never clashes with the first), five
single-use resident codes, one open resident code and an expert link, made by
the same actions as the staff pages (so they are audited the same way). The
passwords and the expert link are printed once: only their hashes are stored.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import asyncpg

from inquiry.access import staff_actions as access
from inquiry.access.rules import CodeKind, CodeRequest, LinkRequest
from inquiry.inquiries import actions as inquiries
from inquiry.inquiries.input import InquiryDraft
from inquiry.kernel.errors import ActionError
from inquiry.kernel.roles import Staff
from inquiry.kernel.tokens import format_code
from inquiry.staff import actions as staff_actions
from web.config import Config
from web.ops.database import open_database
from web.ops.migrations import MigrationError, migrate

RESIDENT_CODES = 5
OPEN_CODE_USES = 50
OPEN_CODE_DAYS = 30


@dataclass(frozen=True, slots=True)
class Seeded:
    run: int
    inquiry_id: int
    session_id: int
    logins: list[tuple[str, str, str]]  # role, email, password
    resident_codes: list[str]
    open_code: str
    expert_secret: str


async def _staff(pool: asyncpg.Pool, role: str, run: int) -> tuple[Staff, str]:
    password = secrets.token_urlsafe(12)
    account = await staff_actions.create_staff(pool, f"demo-{role}-{run}@example.org", role,
                                               f"Demo {role} {run}", password)
    return Staff(account.id, account.email, account.display_name, account.role, active=True), password


async def seed(pool: asyncpg.Pool) -> Seeded:
    async with pool.acquire() as conn:
        run = 1 + await conn.fetchval("SELECT count(*) FROM staff WHERE email LIKE 'demo-convenor-%'")
    convenor, convenor_password = await _staff(pool, "convenor", run)
    facilitator, facilitator_password = await _staff(pool, "facilitator", run)
    inquiry = await inquiries.create_inquiry(pool, convenor, InquiryDraft(
        title=f"Greener streets (demo {run})",
        question="How should we spend 50,000 EUR to make our streets greener and safer?",
        description="A demo inquiry made by `oxpecker demo`. Try it from a phone with a resident code.",
        fund_minor=5_000_000, currency="EUR", languages=["en"], timezone="UTC"))
    tomorrow = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), time(18, 0), UTC)
    session = await inquiries.add_session(pool, convenor, inquiry.id, "Evening session", tomorrow)
    await inquiries.assign_facilitator(pool, convenor, inquiry.id, facilitator.id)
    residents = await access.generate_codes(pool, convenor, inquiry.id, CodeRequest(
        CodeKind.RESIDENT_SINGLE, count=RESIDENT_CODES, label="demo"))
    open_code = await access.generate_codes(pool, convenor, inquiry.id, CodeRequest(
        CodeKind.RESIDENT_OPEN, label="demo, open", max_uses=OPEN_CODE_USES, expires_days=OPEN_CODE_DAYS))
    expert = await access.create_link(pool, convenor, inquiry.id, LinkRequest(
        CodeKind.EXPERT, label="Dr Demo, urban ecologist", session_id=session.id))
    codes = [c.code for c in residents if c.code]
    if len(codes) != RESIDENT_CODES or not open_code[0].code or not expert.secret:
        raise RuntimeError("the access actions returned codes without their values")
    return Seeded(run, inquiry.id, session.id,
                  [("convenor", convenor.email, convenor_password),
                   ("facilitator", facilitator.email, facilitator_password)],
                  codes, open_code[0].code, expert.secret)


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
Open resident code, up to {OPEN_CODE_USES} people for {OPEN_CODE_DAYS} days: {format_code(s.open_code)}   {site}/join/{s.open_code}

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
    except (MigrationError, ActionError) as err:
        print(f"oxpecker: demo not created: {err}", file=sys.stderr)
        return 1
    print(explain(seeded, site_url(config)))
    return 0
