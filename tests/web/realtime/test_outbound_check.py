"""An outbound event that does not match web/realtime/protocol.py fails the test that received it.

python-engineio runs a client's handlers in background tasks, where a raise is only logged;
tests/web/room/test_room_support.py's Live records what does not validate, raises it at the
test's next call or wait, and tests/web/conftest.py fails a test that never looked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.web.room.test_room_support import MALFORMED, OutboundError, check_outbound, make_cast
from web.app import create_app
from web.config import Config
from web.keys import SIO

POSTED = {"type": "message_posted", "seq": 3, "at": "2026-01-01T10:00:00+00:00", "message_id": 7,
          "author": "Resident 0", "author_role": "resident", "body": "Hello room"}


def test_the_checker_accepts_the_protocol_and_refuses_everything_else() -> None:
    check_outbound("message_posted", POSTED)
    check_outbound("presence", {"type": "presence", "residents": 2, "names": None})
    without_body = {k: v for k, v in POSTED.items() if k != "body"}
    for name, data, says in [
        ("message_posted", without_body, "body"),
        ("message_posted", {**POSTED, "author_id": 4}, "author_id"),       # a field the schema lacks
        ("message_posted", {**POSTED, "seq": "three"}, "seq"),
        ("message_posted", {**POSTED, "type": "message_hidden"}, "must carry type"),
        ("ballot_cast", {**POSTED, "type": "ballot_cast"}, "not in web/realtime/protocol.py"),
        ("presence", {"type": "presence", "residents": 2}, "names"),
    ]:
        with pytest.raises(OutboundError, match=says):
            check_outbound(name, data)


@pytest.fixture
async def app_and_url(db_url: str) -> AsyncIterator[tuple[web.Application, str]]:
    app = create_app(Config.from_env(database_url=db_url))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(shutdown_timeout=2.0)
    try:
        yield app, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_a_malformed_event_from_the_server_fails_the_receiving_test(
        app_and_url: tuple[web.Application, str], db: asyncpg.Connection) -> None:
    app, url = app_and_url
    cast = await make_cast(db, facilitators=0, experts=0, residents=1, observers=0)
    resident = cast.live(url, "residents")
    await resident.connect()
    try:
        broken: dict[str, Any] = {k: v for k, v in POSTED.items() if k != "body"}
        await app[SIO].emit("message_posted", broken, to=f"s{cast.session_id}:room")
        with pytest.raises(OutboundError, match=r"(?s)residents0 received event 'message_posted'.*body"):
            await resident.wait_for(lambda e: e["type"] == "message_posted")
        assert MALFORMED == []  # raised once, so this test itself ends clean
    finally:
        await resident.close()


INNER_CONFTEST = """
from tests.web.conftest import no_malformed_events_at_teardown, pytest_runtest_call
"""

INNER_TEST = """
import asyncio

from tests.web.room.test_room_support import Live


async def test_a_client_gets_a_malformed_event_and_never_looks():
    live = Live("http://127.0.0.1:9", {}, 1, "resident0")
    # As python-engineio delivers an event: the handler runs in a task of its own.
    await asyncio.get_running_loop().create_task(live._on_any("message_posted", {
        "type": "message_posted", "seq": 3, "at": "now", "message_id": 7,
        "author": "Resident 0", "author_role": "resident"}))


async def test_a_client_gets_only_good_events():
    live = Live("http://127.0.0.1:9", {}, 1, "resident1")
    await asyncio.get_running_loop().create_task(live._on_any("presence", {
        "type": "presence", "residents": 1, "names": None}))
    assert live.ephemeral
"""


def test_a_test_that_never_waits_for_the_malformed_event_still_fails(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_inner=INNER_TEST)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*FAILED*test_a_client_gets_a_malformed_event_and_never_looks*"])
    result.stdout.re_match_lines([r".*resident0 received event 'message_posted' does not match MessagePosted.*"])
