"""Guessing is throttled per client address and per code, across server processes, while
a hall of residents joining from one address is not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiohttp.test_utils import TestServer

from tests.web.access.test_access_support import World, fresh_window, join, world  # noqa: F401
from tests.web.conftest import Client, Server, page_text
from web.app import create_app
from web.config import Config


@asynccontextmanager
async def another_server(db_url: str, **config: object) -> AsyncIterator[Server]:
    """A second server process on the same database (its own pool and app)."""
    test_server = TestServer(create_app(Config.from_env(database_url=db_url, **config)), host="127.0.0.1")
    await test_server.start_server(shutdown_timeout=2.0)
    try:
        yield Server(url=str(test_server.make_url("")).rstrip("/"), db_url=db_url)
    finally:
        await test_server.close()


async def guess(c: Client, code: str, forwarded: str | None = None) -> aiohttp.ClientResponse:
    headers = {"X-CSRF-Token": c.csrf(), **({"X-Forwarded-For": forwarded} if forwarded else {})}
    if not c.csrf():
        await c.get("/")
        headers["X-CSRF-Token"] = c.csrf()
    resp = await c.session.post(c.base + "/api/v1/join", json={"code": code, "display_name": "X"},
                                headers=headers)
    await resp.read()
    return resp


def wrong(i: int) -> str:
    return "ACDEFG" + "HJKMNPQRTW"[i // 10] + "HJKMNPQRTW"[i % 10]


async def test_twenty_wrong_codes_from_one_client_are_throttled(world: World) -> None:
    [good] = await world.codes()
    await fresh_window()
    c = world.client()
    try:
        statuses = [(await guess(c, wrong(i))).status for i in range(20)]
        assert statuses == [404] * 9 + [429] * 11
        resp = await guess(c, good)
        assert resp.status == 429, "while throttled, even a right code waits"
        assert 1 <= int(resp.headers["Retry-After"]) <= 60
        assert "Too many wrong tries" in (await resp.json())["error"]
        page = await c.post_form("/join", {"code": wrong(0)})
        assert page.status == 429 and "Wait" in page_text(await page.text()) and page.headers["Retry-After"]
        assert (await world.code_row(good))["uses"] == 0
    finally:
        await c.close()


async def test_thirty_residents_joining_from_one_address_are_not_throttled(world: World) -> None:
    codes = await world.codes(count=30)
    await fresh_window()
    phones = [world.client() for _ in codes]
    try:
        for i, (phone, code) in enumerate(zip(phones, codes)):
            if i % 6 == 0:  # some mistype first, as people do
                assert (await join(phone, wrong(i)))[0] == 404
            assert (await join(phone, code, f"Resident {i}"))[0] == 201
        assert await world.participants() == 30
    finally:
        for p in phones:
            await p.close()


async def test_the_limit_holds_across_two_server_processes(world: World) -> None:
    await fresh_window()
    async with another_server(world.server.db_url) as second:
        a, b = world.client(), second.client()
        try:
            assert [(await guess(a, wrong(i))).status for i in range(5)] == [404] * 5
            assert [(await guess(b, wrong(i))).status for i in range(5, 9)] == [404] * 4
            assert (await guess(b, wrong(9))).status == 429
            assert (await guess(a, wrong(10))).status == 429
        finally:
            await a.close()
            await b.close()


async def test_one_code_tried_from_many_addresses_is_throttled_behind_a_trusted_proxy(world: World) -> None:
    [used] = await world.codes()
    spender = world.client()
    await join(spender, used)  # the code is now spent
    await spender.close()
    await fresh_window()
    async with another_server(world.server.db_url, trust_proxy=True) as proxied:
        c = proxied.client()
        try:
            statuses = [(await guess(c, used, f"198.51.100.{i}, 10.0.0.1")).status for i in range(10)]
            assert statuses == [410] * 9 + [429]
            assert "this code" in (await (await guess(c, used, "198.51.100.99")).json())["error"]
            assert (await guess(c, wrong(1), "198.51.100.99")).status == 404, "other codes, other address: fine"
        finally:
            await c.close()


async def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(world: World) -> None:
    await fresh_window()
    c = world.client()
    try:
        statuses = [(await guess(c, wrong(i), f"203.0.113.{i}")).status for i in range(10)]
        assert statuses == [404] * 9 + [429], "a made-up X-Forwarded-For does not dodge the limit"
    finally:
        await c.close()
