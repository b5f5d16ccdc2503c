"""Setting up rounds for web tests: a convenor, an inquiry, residents and an open round."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from tests.factories import login_cookie, make_inquiry, make_participant, make_staff
from tests.web.conftest import Client, Server

CANDIDATES = [
    {"title": "Trees on Mill Street", "cost_minor": 2_000_000},
    {"title": "Benches in the park", "cost_minor": 800_000},
    {"title": "Youth club roof", "cost_minor": 3_500_000},
    {"title": "Bike racks", "cost_minor": 400_000},
]


def round_body(inquiry_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "inquiry_id": inquiry_id, "title": "Street fund 2025", "currency": "EUR", "budget_minor": 5_000_000,
        "candidates": CANDIDATES, "ballot": {"kind": "knapsack", "max_cost_minor": 5_000_000},
        "eligibility": "joined_before_close",
        "closes_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    }
    body.update(overrides)
    return body


@dataclass
class World:
    server: Server
    convenor: Client
    inquiry_id: int
    residents: list[Client] = field(default_factory=list)

    async def close(self) -> None:
        for c in [self.convenor, *self.residents]:
            await c.close()


async def world(server: Server, residents: int = 3) -> World:
    conn = await asyncpg.connect(server.db_url)
    try:
        staff = await make_staff(conn)
        cookie = await login_cookie(conn, staff)
        inquiry = await make_inquiry(conn, staff)
        convenor = server.client()
        convenor.session.cookie_jar.update_cookies({"oxp_staff": cookie})
        w = World(server, convenor, inquiry)
        for n in range(residents):
            _, device = await make_participant(conn, inquiry, name=f"Resident {n}")
            c = server.client()
            c.session.cookie_jar.update_cookies({"oxp_device": device})
            w.residents.append(c)
        return w
    finally:
        await conn.close()


async def open_round(w: World, **overrides: Any) -> int:
    resp = await w.convenor.api("POST", "/rounds", round_body(w.inquiry_id, **overrides))
    assert resp.status == 201, await resp.text()
    round_id: int = (await resp.json())["id"]
    resp = await w.convenor.api("POST", f"/rounds/{round_id}/open")
    assert resp.status == 200, await resp.text()
    return round_id


async def cast(c: Client, round_id: int, projects: list[str], key: str, points: list[int] | None = None
               ) -> dict[str, Any]:
    resp = await c.api("POST", f"/rounds/{round_id}/ballot",
                       {"projects": projects, "points": points, "idempotency_key": key})
    data: dict[str, Any] = await resp.json()
    data["http_status"] = resp.status
    return data
