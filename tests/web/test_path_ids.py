"""Ids in URLs that name nothing (beyond a bigint, letters, other scripts' digits) get a clear 404, never a 500."""

from __future__ import annotations

import asyncpg

from tests.factories import login_cookie, make_staff
from tests.web.conftest import Server

HUGE = "99999999999999999999"  # above 2**63 - 1, PostgreSQL's bigint
BAD = (HUGE, "٣", "é")
PAGES = ("/s/{}", "/s/{}/record", "/s/{}/proposals", "/s/{}/ranking", "/proposals/{}", "/rounds/{}",
         "/decisions/{}", "/shortlists/{}", "/inquiries/{}", "/inquiries/{}/audit")
API = ("/api/v1/sessions/{}/log", "/api/v1/sessions/{}/record", "/api/v1/proposals/{}", "/api/v1/rounds/{}",
       "/api/v1/shortlists/{}", "/api/v1/inquiries/{}")


async def test_ids_that_name_nothing_are_not_found(server: Server, db: asyncpg.Connection) -> None:
    staff = await login_cookie(db, await make_staff(db))
    problems = []
    c = server.client()
    try:
        c.session.cookie_jar.update_cookies({"oxp_staff": staff})
        for bad in BAD:
            for path in (p.format(bad) for p in PAGES + API):
                resp = await c.get(path)
                body = await resp.text()
                # Ours say "There is no session '...'"; the router's own (a pattern of digits) "Not Found".
                if resp.status != 404 or not ("there is no " in body.lower() or "not found" in body.lower()):
                    problems.append(f"{path}: {resp.status} {body[:120]!r}")
        resp = await c.get(f"/api/v1/sessions/1/log?after={HUGE}")
        if resp.status >= 500:
            problems.append(f"log?after={HUGE}: {resp.status}")
    finally:
        await c.close()
    assert not problems, "\n".join(problems)
