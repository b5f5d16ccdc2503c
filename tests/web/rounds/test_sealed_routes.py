"""Sealed: before close, no route shows anything that depends on the ballots cast.

Two servers on two databases are set up identically, then the same number of
residents vote differently in each. Every GET route of the application
(walking `app.router`) is fetched as every role in both; after masking what is
random by design (CSRF tokens, form keys, receipts, clock times) the responses
must be identical: same status, same bytes, hence same size and order.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import with_database
from tests.factories import login_cookie, make_participant, make_session, make_staff
from tests.web.conftest import Client, Server
from tests.web.rounds_setup import cast, open_round, world
from web.app import create_app
from web.config import Config

CLOSES = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0).isoformat()
MASKS = [
    (re.compile(r'name="csrf_token" value="[^"]+"'), 'name="csrf_token" value="-"'),
    (re.compile(r'name="csrf-token" content="[^"]+"'), 'name="csrf-token" content="-"'),
    (re.compile(r'name="(idempotency_key|key)" value="[^"]+"'), r'name="\1" value="-"'),  # per-form keys
    (re.compile(r"(?:[34679ACDEFGHJKMNPQRTWXY]{4}-){3}[34679ACDEFGHJKMNPQRTWXY]{4}"), "RECEIPT"),
    (re.compile(r'"receipt":"[^"]+"'), '"receipt":"-"'),
    (re.compile(r"127\.0\.0\.1:\d+"), "HOST"),
    (re.compile(r"[A-Za-z0-9_-]{40,}"), "TOKEN"),  # per-page secrets of other areas (e.g. socket tokens)
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(\+00:00|Z| UTC)?"), "TIME"),
]


def mask(body: str) -> str:
    for pattern, replacement in MASKS:
        body = pattern.sub(replacement, body)
    return body


@pytest.fixture
async def server_b(pg_admin_url: str, template_db: str) -> AsyncIterator[Server]:
    name = f"oxp_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(pg_admin_url)
    await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template_db}")
    url = with_database(pg_admin_url, name)
    test_server = TestServer(create_app(Config.from_env(database_url=url)), host="127.0.0.1")
    await test_server.start_server(shutdown_timeout=2.0)
    try:
        yield Server(url=str(test_server.make_url("")).rstrip("/"), db_url=url)
    finally:
        await test_server.close()
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def _roles(server: Server, inquiry_id: int) -> dict[str, Client]:
    """Extra roles beyond the convenor and residents: a facilitator, an observer, an expert, the public."""
    conn = await asyncpg.connect(server.db_url)
    try:
        fac = await login_cookie(conn, await make_staff(conn, "fac@example.org", "facilitator"))
        session = await make_session(conn, inquiry_id)
        _, observer = await make_participant(conn, inquiry_id, kind="observer", name="Observer")
        _, expert = await make_participant(conn, inquiry_id, kind="expert", name="Expert", session_id=session)
    finally:
        await conn.close()
    clients = {"public": server.client(), "facilitator": server.client(), "observer": server.client(),
               "expert": server.client()}
    clients["facilitator"].session.cookie_jar.update_cookies({"oxp_staff": fac})
    clients["observer"].session.cookie_jar.update_cookies({"oxp_device": observer})
    clients["expert"].session.cookie_jar.update_cookies({"oxp_device": expert})
    return clients


def get_paths(app_server: Server, ids: dict[str, str]) -> list[str]:
    app = create_app(Config.from_env(database_url=app_server.db_url))
    paths = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        if route.method != "GET" or "directory" in info:
            continue
        path = info.get("path") or info.get("formatter")
        if path:
            paths.add(re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: ids.get(m[1], "1"), path))
    return sorted(paths)


async def _vote_world(server: Server, choices: list[list[str]]
                      ) -> tuple[int, dict[str, Client], list[str], list[Client]]:
    w = await world(server, residents=len(choices) + 2)
    rid = await open_round(w, closes_at=CLOSES)
    acks = []
    for n, c in enumerate(w.residents[: len(choices)]):
        acks.append(await cast(c, rid, choices[n], f"sealed-key-{n}"))
    me_voted, me_not = w.residents[-2], w.residents[-1]
    acks.append(await cast(me_voted, rid, ["2"], "sealed-key-me"))
    roles = {"convenor": w.convenor, "resident_voted": me_voted, "resident_not_voted": me_not,
             **await _roles(server, w.inquiry_id)}
    # The receipt is random per round; its length is not.
    return rid, roles, [str({**a, "receipt": len(a["receipt"])}) for a in acks], w.residents


async def test_no_route_reveals_anything_that_depends_on_the_ballots(server: Server, server_b: Server) -> None:
    rid_a, roles_a, acks_a, voters_a = await _vote_world(server, [["1"], ["1"], ["1", "4"], ["1"]])
    rid_b, roles_b, acks_b, voters_b = await _vote_world(server_b, [["3", "4"], ["3"], ["2"], ["4"]])
    assert rid_a == rid_b
    assert acks_a == acks_b  # acknowledgements have the same shape and size
    paths = get_paths(server, {"round_id": str(rid_a), "inquiry_id": "1", "staff_id": "1", "participant_id": "1",
                               "session_id": "1", "code_id": "1"})
    assert f"/rounds/{rid_a}" in paths and f"/rounds/{rid_a}/ballot" in paths and "/decisions" in paths
    try:
        compared = throttled = 0
        for role in roles_a:
            for path in paths:
                a = await roles_a[role].get(path, allow_redirects=False)
                b = await roles_b[role].get(path, allow_redirects=False)
                if 429 in (a.status, b.status):
                    # The link-guessing throttle counts per fixed clock window
                    # (inquiry/kernel/ratelimit_db.py): the two crawls may straddle a
                    # window's end. That depends on the clock, never on ballots.
                    throttled += 1
                    continue
                body_a, body_b = mask(await a.text()), mask(await b.text())
                if body_a != body_b:
                    diff = next(i for i, (x, y) in enumerate(zip(body_a, body_b)) if x != y)
                    raise AssertionError(f"{role} GET {path} depends on the ballots: "
                                         f"{body_a[diff - 80:diff + 80]!r} vs {body_b[diff - 80:diff + 80]!r}")
                assert a.status == b.status, f"{role} GET {path} depends on the ballots"
                assert "supporters" not in body_a, f"{role} GET {path} shows a count"
                compared += 1
        assert compared + throttled == len(roles_a) * len(paths)
        assert compared >= 0.9 * len(roles_a) * len(paths)  # only link-guessing routes are ever throttled
    finally:
        for c in {*roles_a.values(), *roles_b.values(), *voters_a, *voters_b}:
            await c.close()
