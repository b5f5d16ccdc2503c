"""A real Oxpecker server on loopback, and HTTP clients that behave like browsers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.web.room.test_room_support import MALFORMED, raise_malformed
from web.app import create_app
from web.config import Config

# Open websockets (a browser page left on a room) would hold aiohttp's graceful
# shutdown for its default 60 s; a test server need not wait that long.
SHUTDOWN_SECONDS = 2.0


@dataclass
class Server:
    url: str
    db_url: str

    def client(self) -> Client:
        return Client(self.url)


class Client:
    """A browser-like client: keeps cookies, sends the CSRF token like our pages do."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def close(self) -> None:
        await self.session.close()

    def csrf(self) -> str:
        for cookie in self.session.cookie_jar:
            if cookie.key == "oxp_csrf":
                return cookie.value
        return ""

    async def get(self, path: str, **kw: object) -> aiohttp.ClientResponse:
        resp = await self.session.get(self.base + path, **kw)  # type: ignore[arg-type]
        await resp.read()
        return resp

    async def post_form(self, path: str, data: dict[str, str], **kw: object) -> aiohttp.ClientResponse:
        """Submit a form the way a browser does after loading the page (token from the cookie)."""
        if not self.csrf():
            await self.get("/")
        form = {"csrf_token": self.csrf(), **data}
        kw.setdefault("allow_redirects", True)  # pass allow_redirects=False to see the 303 itself
        resp = await self.session.post(self.base + path, data=form, **kw)  # type: ignore[arg-type]
        await resp.read()
        return resp

    async def api(self, method: str, path: str, json: object = None) -> aiohttp.ClientResponse:
        if not self.csrf():
            await self.get("/")
        resp = await self.session.request(method, self.base + "/api/v1" + path, json=json,
                                          headers={"X-CSRF-Token": self.csrf()})
        await resp.read()
        return resp


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
async def server(db_url: str) -> AsyncIterator[Server]:
    app = create_app(Config.from_env(database_url=db_url))
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server(shutdown_timeout=SHUTDOWN_SECONDS)
    try:
        yield Server(url=str(test_server.make_url("")).rstrip("/"), db_url=db_url)
    finally:
        await test_server.close()


@pytest.fixture
async def client(server: Server) -> AsyncIterator[Client]:
    c = server.client()
    try:
        yield c
    finally:
        await c.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test itself if a live client received an event protocol.py does not allow,
    even one the test never waited for (its handler ran in a background task)."""
    MALFORMED.clear()
    result = yield
    raise_malformed()
    return result


@pytest.fixture(autouse=True)
def no_malformed_events_at_teardown() -> Iterator[None]:
    """And the same for what arrives while the test's clients and servers shut down."""
    yield
    raise_malformed()
