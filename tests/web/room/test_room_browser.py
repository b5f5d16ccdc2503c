"""In headless Chromium: a facilitator and two residents on phones see a message and a phase change live."""

from __future__ import annotations

import asyncpg
import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser import PHONE, screenshot_path
from tests.web.conftest import Server
from tests.web.room.test_room_support import Http, make_cast


async def open_page(browser: Browser, server: Server, cookie: tuple[str, str], path: str,
                    phone: bool) -> Page:
    context = await browser.new_context(**(PHONE if phone else {}))
    await context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": server.url}])
    page = await context.new_page()
    page.on("dialog", lambda d: d.accept())
    await page.goto(server.url + path)
    await expect(page.locator("[data-connection]")).to_have_text("Live.")
    return page


@pytest.mark.browser
async def test_message_and_phase_change_arrive_live(browser: Browser, server: Server,
                                                    db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=1, residents=2, observers=0)
    s = cast.session_id
    fac_http = Http(server.url, {"oxp_staff": cast.staff[0][1]})
    try:
        assert (await fac_http.act(s, "advance_phase", to="check_in"))[0] == 200
    finally:
        await fac_http.close()
    console = await open_page(browser, server, ("oxp_staff", cast.staff[0][1]), f"/s/{s}/console", False)
    alice = await open_page(browser, server, ("oxp_device", cast.residents[0][1]), f"/s/{s}", True)
    bob = await open_page(browser, server, ("oxp_device", cast.residents[1][1]), f"/s/{s}", True)

    await alice.get_by_label("Your message").fill("Can we plant more trees on Mill Road?")
    await alice.get_by_role("button", name="Send").click()
    for page in (bob, console, alice):
        await expect(page.locator("#messages")).to_contain_text("Can we plant more trees on Mill Road?")

    await console.get_by_role("button", name="Move to deliberation").click()
    for page in (alice, bob):
        await expect(page.locator("[data-phase-name]")).to_have_text("deliberation")
        await expect(page.get_by_role("button", name="Raise hand")).to_be_visible()
    await expect(alice.locator("[data-presence]").first).to_have_text("2")
    await alice.screenshot(path=screenshot_path("room-resident"), full_page=True)
    await expect(console.locator("#names")).to_contain_text("Resident 1 (resident)")
    await console.screenshot(path=screenshot_path("room-console"), full_page=True)
    for page in (console, alice, bob):  # close the sockets before the server stops
        await page.context.close()
