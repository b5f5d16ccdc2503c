"""Staff accounts: creating, inviting, signing in and out, resetting, disabling.

Every change to an account is written to the audit log (inquiry_id NULL) in
the transaction that makes it. There is no mail: invitation and reset links are
handed to the convenor who asked for them, to pass on.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from asyncpg import Connection, Pool

from inquiry.kernel.audit_db import AuditEntry, insert_audit, select_audit
from inquiry.kernel.errors import Conflict, Gone, Invalid, NotAllowed, NotFound, TooMany
from inquiry.kernel.ratelimit_db import blocked, hit
from inquiry.kernel.roles import STAFF_ROLES, Role, Staff
from inquiry.kernel.tokens import hash_secret, new_secret
from inquiry.staff import db
from inquiry.staff.db import LinkPurpose, StaffAccount
from inquiry.staff.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    verify_password,
)

LOGIN_LIFETIME = timedelta(days=14)
LINK_LIFETIME = {LinkPurpose.INVITE: timedelta(days=7), LinkPurpose.RESET: timedelta(hours=24)}
# Failed sign-ins allowed per 15 minutes: 10 per email stops guessing one
# account's password; 30 per address lets a shared office connection mistype.
SIGNIN_WINDOW_SECONDS = 15 * 60
SIGNIN_LIMITS = {"signin-email": 10, "signin-addr": 30}
WRONG_CREDENTIALS = "Wrong email or password."
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
EMAIL_MAX = 254  # RFC 5321's limit on a forward path
NAME_MAX = 80

CREATED, INVITED, LINK_USED = "staff.created", "staff.invited", "staff.link_used"
RESET_LINK, PASSWORD_SET, DISABLED, ENABLED = "staff.reset_link", "staff.password_set", "staff.disabled", "staff.enabled"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new login: `cookie` goes into `oxp_staff`; only its hash is stored."""

    staff: Staff
    cookie: str
    max_age: int


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A one-time link's secret, shown once to the convenor who made it."""

    account: StaffAccount
    secret: str
    purpose: LinkPurpose
    expires_at: datetime


def normalise_email(typed: str) -> str:
    """An email as stored (trimmed, lower case), or Invalid saying what is wrong."""
    email = typed.strip().lower()
    if not email:
        raise Invalid("Enter an email address.")
    if len(email) > EMAIL_MAX or not EMAIL_PATTERN.fullmatch(email):
        raise Invalid(f"“{typed.strip()[:80]}” is not an email address (like name@example.org).")
    return email


def parse_role(typed: str) -> Role:
    if typed not in {str(r) for r in STAFF_ROLES}:
        raise Invalid("Choose the role: convenor or facilitator.")
    return Role(typed)


def clean_name(typed: str) -> str:
    name = " ".join(typed.split())
    if len(name) > NAME_MAX:
        raise Invalid(f"Keep the name under {NAME_MAX} characters.")
    return name


def _require_convenor(by: Staff) -> None:
    if by.role is not Role.CONVENOR:
        raise NotAllowed("Only a convenor can manage staff accounts.")


def _detail(account: StaffAccount, **extra: object) -> dict[str, object]:
    return {"account_id": account.id, "email": account.email, "role": str(account.role), **extra}


async def _new_login(conn: Connection, account: StaffAccount) -> SignedIn:
    cookie = new_secret()
    await db.insert_login(conn, hash_secret(cookie), account.id, datetime.now(UTC) + LOGIN_LIFETIME)
    return SignedIn(account.as_staff(), cookie, int(LOGIN_LIFETIME.total_seconds()))


async def create_staff(pool: Pool, email: str, role: str, name: str, password: str) -> StaffAccount:
    """An account with a password, made by an operator on the server (`oxpecker create-staff`)."""
    email, staff_role, name = normalise_email(email), parse_role(role), clean_name(name)
    password_hash = await asyncio.to_thread(hash_password, password)
    async with pool.acquire() as conn, conn.transaction():
        account = await db.insert_staff(conn, email, name, staff_role, password_hash)
        if account is None:
            raise Conflict(f"A staff account with the email {email} already exists.")
        await insert_audit(conn, CREATED, staff_id=None, detail=_detail(account, via="command line"))
        return account


async def sign_in(pool: Pool, email: str, password: str, address: str) -> SignedIn:
    """Sign in with email and password. Failures say only WRONG_CREDENTIALS and are
    counted per email and per address; over the limit, even a right password waits."""
    if not email.strip() or not password:
        raise Invalid("Enter your email address and your password.")
    email = email.strip().lower()
    if len(email) > EMAIL_MAX:
        raise Invalid(WRONG_CREDENTIALS)  # no account has it; and it would not fit a counter's key
    buckets = {f"signin-email:{email}": SIGNIN_LIMITS["signin-email"],
               f"signin-addr:{address}": SIGNIN_LIMITS["signin-addr"]}
    async with pool.acquire() as conn:
        waits = [await blocked(conn, b, n, SIGNIN_WINDOW_SECONDS) for b, n in buckets.items()]
        found = await db.select_credentials(conn, email)
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        raise TooMany(f"Too many failed sign-ins. Try again in {(wait + 59) // 60} minutes, "
                      "or ask a convenor for a password-reset link.", wait)
    # argon2 takes ~0.1-0.5 s of CPU: verify with no connection held and off the event loop.
    stored = found[1] if found else None
    matched = await asyncio.to_thread(verify_password, stored, password)
    async with pool.acquire() as conn, conn.transaction():
        if matched and found and stored:
            account = found[0]
            if account.disabled_at is not None:
                raise NotAllowed("This account has been disabled. Ask a convenor to enable it.")
            if needs_rehash(stored):
                await db.update_password(conn, account.id, await asyncio.to_thread(hash_password, password))
            return await _new_login(conn, account)
        for bucket, limit in buckets.items():
            await hit(conn, bucket, limit, SIGNIN_WINDOW_SECONDS)
    # Raised after the commit, so the failure stays counted.
    raise Invalid(WRONG_CREDENTIALS)


async def sign_out(pool: Pool, cookie: str) -> None:
    """End one login (the browser's); other browsers stay signed in."""
    async with pool.acquire() as conn, conn.transaction():
        await db.delete_login(conn, hash_secret(cookie))


async def list_staff(pool: Pool, by: Staff) -> list[StaffAccount]:
    _require_convenor(by)
    async with pool.acquire() as conn:
        return await db.select_staff_list(conn)


async def account_audit(pool: Pool, by: Staff) -> list[AuditEntry]:
    """Changes to staff accounts, newest first."""
    _require_convenor(by)
    async with pool.acquire() as conn:
        return [e for e in await select_audit(conn, None, limit=200) if e.action.startswith("staff.")]


async def invite_staff(pool: Pool, by: Staff, email: str, role: str, name: str) -> IssuedLink:
    """A convenor adds an account with no password and a 7-day link to set one."""
    _require_convenor(by)
    email, staff_role, name = normalise_email(email), parse_role(role), clean_name(name)
    async with pool.acquire() as conn, conn.transaction():
        account = await db.insert_staff(conn, email, name, staff_role, None)
        if account is None:
            raise Conflict(f"{email} already has an account. To let them set a password, "
                           "create a password-reset link for it.")
        link = await _issue_link(conn, by, account, LinkPurpose.INVITE)
        await insert_audit(conn, INVITED, staff_id=by.id, detail=_detail(account))
        return link


async def create_reset_link(pool: Pool, by: Staff, staff_id: int) -> IssuedLink:
    """A convenor makes a one-time, 24-hour link for a colleague to choose a new password."""
    _require_convenor(by)
    async with pool.acquire() as conn, conn.transaction():
        account = await db.select_staff_for_update(conn, staff_id)
        if account is None:
            raise NotFound(f"There is no staff account number {staff_id}.")
        if account.disabled_at is not None:
            raise Conflict(f"{account.email} is disabled; enable the account first.")
        link = await _issue_link(conn, by, account, LinkPurpose.RESET)
        await insert_audit(conn, RESET_LINK, staff_id=by.id, detail=_detail(account))
        return link


async def _issue_link(conn: Connection, by: Staff, account: StaffAccount, purpose: LinkPurpose) -> IssuedLink:
    secret = new_secret()
    expires_at = datetime.now(UTC) + LINK_LIFETIME[purpose]
    await db.insert_link(conn, hash_secret(secret), account.id, purpose, by.id, expires_at)
    return IssuedLink(account, secret, purpose, expires_at)


async def _open(conn: Connection, secret: str, purpose: LinkPurpose, lock: bool) -> StaffAccount:
    link = await db.select_link(conn, hash_secret(secret), for_update=lock)
    if link is None or link.purpose is not purpose:
        raise NotFound("This link is not valid. Check that you copied all of it, or ask a convenor for a new one.")
    if link.used_at is not None:
        raise Gone("This link has already been used. Sign in, or ask a convenor for a new link.")
    if link.expired:
        raise Gone("This link has expired. Ask a convenor for a new one.")
    account = await db.select_staff_for_update(conn, link.staff_id)
    if account is None or account.disabled_at is not None:
        raise Gone("This account has been disabled. Ask a convenor to enable it.")
    return account


async def open_link(pool: Pool, secret: str, purpose: LinkPurpose) -> StaffAccount:
    """The account a still-usable link is for (NotFound / Gone otherwise); changes nothing."""
    async with pool.acquire() as conn, conn.transaction():
        return await _open(conn, secret, purpose, lock=False)


async def use_link(pool: Pool, secret: str, purpose: LinkPurpose, password: str) -> SignedIn:
    """Set the password through a link: the link and the account's other open links are used
    up, every existing login of the account ends, and this browser is signed in."""
    check_password(password)
    password_hash = await asyncio.to_thread(hash_password, password)
    async with pool.acquire() as conn, conn.transaction():
        account = await _open(conn, secret, purpose, lock=True)
        await db.update_password(conn, account.id, password_hash)
        await db.update_links_used(conn, account.id)
        ended = await db.delete_logins_of(conn, account.id)
        await insert_audit(conn, LINK_USED, staff_id=account.id,
                           detail=_detail(account, link=str(purpose), logins_ended=ended))
        return await _new_login(conn, account)


async def set_password(pool: Pool, email: str, password: str) -> int:
    """An operator sets a password on the server (`oxpecker reset-password`); returns the
    number of logins ended."""
    email = normalise_email(email)
    password_hash = await asyncio.to_thread(hash_password, password)
    async with pool.acquire() as conn, conn.transaction():
        found = await db.select_credentials(conn, email)
        account = await db.select_staff_for_update(conn, found[0].id) if found else None
        if account is None:
            raise NotFound(f"No staff account has the email {email}.")
        await db.update_password(conn, account.id, password_hash)
        await db.update_links_used(conn, account.id)
        ended = await db.delete_logins_of(conn, account.id)
        await insert_audit(conn, PASSWORD_SET, staff_id=None,
                           detail=_detail(account, via="command line", logins_ended=ended))
        return ended


async def set_disabled(pool: Pool, by: Staff, staff_id: int, disabled: bool) -> StaffAccount:
    """Disable (every login ends at once) or enable an account. Asking for the state it
    is already in changes nothing and is not logged."""
    _require_convenor(by)
    if disabled and staff_id == by.id:
        raise Conflict("You cannot disable your own account; ask another convenor.")
    async with pool.acquire() as conn, conn.transaction():
        account = await db.select_staff_for_update(conn, staff_id)
        if account is None:
            raise NotFound(f"There is no staff account number {staff_id}.")
        if (account.disabled_at is not None) == disabled:
            return account
        changed = await db.update_disabled(conn, staff_id, disabled)
        if changed is None:
            raise NotFound(f"There is no staff account number {staff_id}.")
        ended = await db.delete_logins_of(conn, staff_id) if disabled else 0
        extra = {"logins_ended": ended} if disabled else {}
        await insert_audit(conn, DISABLED if disabled else ENABLED, staff_id=by.id,
                           detail=_detail(account, **extra))
        return changed
