"""Before close, nothing but turnout depends on the ballots: the same pages and API answers for
opposite standings with the same number of ballots."""

from __future__ import annotations

import re

import asyncpg

from tests.web.conftest import Client, Server, page_text
from tests.web.proposals.test_proposal_support import as_, key, make_cast, set_phase, text


def masked(body: str) -> str:
    """Per-render secrets (CSRF token, idempotency keys) differ on every load."""
    return re.sub(r'(name="csrf-token" content=|name="csrf_token" value=|name="key" value=)"[^"]*"', r'\1"…"', body)


async def everything(clients: dict[str, Client], s: int, ids: list[int]) -> dict[str, str]:
    seen = {}
    for who, c in clients.items():
        for path in (f"/s/{s}/proposals", f"/s/{s}/ranking", f"/s/{s}/ranking/result",
                     *(f"/proposals/{p}" for p in ids), f"/api/v1/sessions/{s}/proposals",
                     f"/api/v1/sessions/{s}/ranking", f"/api/v1/sessions/{s}/ranking/result"):
            resp = await c.get(path)
            seen[f"{who} {path}"] = f"{resp.status} {masked(await resp.text())}"
    return seen


async def test_opposite_standings_look_the_same_before_close(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, residents=4)
    s = cast.session_id
    voters = [as_(server, cast, f"r{n}") for n in range(3)]
    watchers = {w: as_(server, cast, w) for w in ("observer", "facilitator", "r3")}
    try:
        ids = [(await (await voters[0].api("POST", f"/sessions/{s}/proposals", text(t))).json())["proposal_id"]
               for t in ("One", "Two", "Three")]
        await set_phase(db, cast, "ranking")
        for v in voters:
            assert (await v.api("POST", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": ids})).status == 200
        first = await everything(watchers, s, ids)
        for v in voters:
            back = {"key": key(), "ranking": list(reversed(ids))}
            assert (await v.api("POST", f"/sessions/{s}/ranking/ballot", back)).status == 200
        second = await everything(watchers, s, ids)
        assert first == second
        assert "3 residents have ranked" in page_text(first[f"observer /s/{s}/ranking"])
        await set_phase(db, cast, "closed")
        result = await (await watchers["observer"].api("GET", f"/sessions/{s}/ranking/result")).json()
        assert result["order"] == [f"#{i}" for i in reversed(ids)]      # the revisions were counted
    finally:
        for c in (*voters, *watchers.values()):
            await c.close()
