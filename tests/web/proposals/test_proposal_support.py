"""A session for proposal tests: a convenor, a facilitator, residents, an observer, an expert."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from tests.factories import login_cookie, make_inquiry, make_participant, make_session, make_staff
from tests.web.conftest import Client, Server


def key() -> str:
    return uuid.uuid4().hex


@dataclass
class Cast:
    inquiry_id: int
    session_id: int
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


async def make_cast(db: asyncpg.Connection, phase: str = "deliberation", residents: int = 3) -> Cast:
    convenor = await make_staff(db, "convenor@example.org", "convenor", name="Connie")
    facilitator = await make_staff(db, "fac@example.org", "facilitator", name="Faye")
    inquiry_id = await make_inquiry(db, convenor)
    await db.execute("INSERT INTO inquiry_staff (inquiry_id, staff_id) VALUES ($1, $2)", inquiry_id, facilitator)
    session_id = await make_session(db, inquiry_id)
    await db.execute("UPDATE sessions SET phase = $2 WHERE id = $1", session_id, phase)
    cast = Cast(inquiry_id, session_id)
    cast.cookies["convenor"] = {"oxp_staff": await login_cookie(db, convenor)}
    cast.cookies["facilitator"] = {"oxp_staff": await login_cookie(db, facilitator)}
    cast.ids["convenor"], cast.ids["facilitator"] = convenor, facilitator
    for n in range(residents):
        pid, cookie = await make_participant(db, inquiry_id, name=f"Resident {n}")
        cast.cookies[f"r{n}"], cast.ids[f"r{n}"] = {"oxp_device": cookie}, pid
    pid, cookie = await make_participant(db, inquiry_id, "observer", name="Olive")
    cast.cookies["observer"], cast.ids["observer"] = {"oxp_device": cookie}, pid
    pid, cookie = await make_participant(db, inquiry_id, "expert", name="Dr Expert", session_id=session_id)
    cast.cookies["expert"], cast.ids["expert"] = {"oxp_device": cookie}, pid
    return cast


def as_(server: Server, cast: Cast, who: str) -> Client:
    c = server.client()
    c.session.cookie_jar.update_cookies(cast.cookies[who])
    return c


async def set_phase(db: asyncpg.Connection, cast: Cast, phase: str) -> None:
    await db.execute("UPDATE sessions SET phase = $2 WHERE id = $1", cast.session_id, phase)


def text(title: str = "Shade trees on Mill Road", cost: int = 1_200_000, **extra: Any) -> dict[str, Any]:
    return {"key": key(), "title": title, "description": "Plant 40 trees along the road.",
            "cost_minor": cost, "category": "streets", **extra}
