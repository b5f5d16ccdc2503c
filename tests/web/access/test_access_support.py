"""What the access tests share: an inquiry with a signed-in convenor, and short ways to join.

(Named test_access_* to stay in the access tests' files; it holds no tests itself.)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest

from tests.factories import login_cookie, make_inquiry, make_session, make_staff
from tests.web.conftest import Client, Server


@dataclass
class World:
    server: Server
    db: asyncpg.Connection
    staff: Client
    staff_id: int
    inquiry_id: int
    session_id: int

    def client(self) -> Client:
        return self.server.client()

    async def codes(self, kind: str = "resident_single", count: int = 1, **extra: object) -> list[str]:
        """New resident codes as printed (ACDE-FGHJ), made through the staff API."""
        resp = await self.staff.api("POST", f"/inquiries/{self.inquiry_id}/codes",
                                    {"kind": kind, "count": count, **extra})
        assert resp.status == 201, await resp.text()
        return [c["code"] for c in await resp.json()]

    async def code_row(self, printed: str) -> asyncpg.Record:
        return await self.db.fetchrow("SELECT * FROM access_codes WHERE code = $1", printed.replace("-", ""))

    async def participants(self) -> int:
        count: int = await self.db.fetchval("SELECT count(*) FROM participants")
        return count


def signed_in(server: Server, cookie: str) -> Client:
    c = server.client()
    c.session.cookie_jar.update_cookies({"oxp_staff": cookie})
    return c


async def make_world(server: Server, db: asyncpg.Connection) -> World:
    staff_id = await make_staff(db)
    inquiry_id = await make_inquiry(db, staff_id)
    session_id = await make_session(db, inquiry_id)
    return World(server, db, signed_in(server, await login_cookie(db, staff_id)), staff_id, inquiry_id,
                 session_id)


@pytest.fixture
async def world(server: Server, db: asyncpg.Connection) -> AsyncIterator[World]:
    w = await make_world(server, db)
    try:
        yield w
    finally:
        await w.staff.close()


async def join(c: Client, code: str, name: str = "Ana", public: bool = False) -> tuple[int, dict[str, object]]:
    """Join through the JSON API; (status, body)."""
    resp = await c.api("POST", "/join", {"code": code, "display_name": name, "name_public": public})
    return resp.status, await resp.json()


def device_cookie(c: Client) -> str | None:
    return next((k.value for k in c.session.cookie_jar if k.key == "oxp_device"), None)


async def fresh_window(window: int = 60, margin: int = 8) -> None:
    """Wait for a new rate-limit window if this one ends within `margin` seconds,
    so a test's burst of attempts falls inside one window."""
    left = window - time.time() % window
    if left < margin:
        await asyncio.sleep(left + 0.2)
