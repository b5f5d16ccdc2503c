"""In headless Chromium: a resident's page loaded before the expert withdrew can ask them again,
sees recall requests and their votes arrive, and reads a facilitator's action inline (no alert)."""

from __future__ import annotations

import asyncpg
import pytest
from playwright.async_api import Browser, expect

from tests.browser import PHONE, screenshot_path
from tests.web.conftest import Server
from tests.web.room.test_room_support import make_cast


@pytest.mark.browser
async def test_recall_and_notices_reach_a_page_loaded_before_the_withdrawal(
        browser: Browser, server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=1, residents=2, observers=0)
    s, expert_id = cast.session_id, cast.experts[0][0]
    fac, other = cast.live(server.url, "staff"), cast.live(server.url, "residents", 1)
    for c in (fac, other):
        await c.connect()
    context = await browser.new_context(**PHONE)
    await context.add_cookies([{"name": "oxp_device", "value": cast.residents[0][1], "url": server.url}])
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    try:
        assert (await fac.call("advance_phase", to="check_in"))["ok"]
        await page.goto(f"{server.url}/s/{s}")
        await expect(page.locator("[data-connection]")).to_have_text("Live.")
        for to in ("briefing", "questioning"):
            assert (await fac.call("advance_phase", to=to, expert_id=expert_id))["ok"]
        assert (await fac.call("advance_phase", to="withdrawal", confirm=True))["ok"]
        assert (await fac.call("advance_phase", to="deliberation"))["ok"]
        await expect(page.locator("[data-phase-name]")).to_have_text("deliberation")

        form = page.locator("#recall-form")
        await expect(form).to_be_visible()
        await expect(page.locator("#recall-expert")).to_have_text("Expert A")
        await page.get_by_label("One written question").fill("What would the trees cost to water?")
        await form.get_by_role("button", name="Propose").click()
        request = page.locator("#recalls li").first
        await expect(request).to_contain_text("What would the trees cost to water?")
        await expect(request.locator("[data-votes]")).to_have_text("1")
        recall_id = (await db.fetchval("SELECT id FROM recall_requests WHERE session_id = $1", s))
        assert (await other.call("vote_recall", recall_id=recall_id))["ok"]
        await expect(request.locator("[data-votes]")).to_have_text("2")

        await page.get_by_label("Your message").fill("This is off topic")
        await page.get_by_role("button", name="Send").click()
        await expect(page.locator("#messages")).to_contain_text("This is off topic")
        message_id = await db.fetchval("SELECT max(id) FROM room_messages WHERE session_id = $1", s)
        assert (await fac.call("moderate", command="hide", message_id=message_id, reason="keep to trees"))["ok"]
        await expect(page.locator("#notice")).to_have_text("A facilitator hid your message. Reason: keep to trees")
        await expect(page.locator("#messages")).not_to_contain_text("This is off topic")
        await expect(page.locator("[data-presence]")).to_have_text("2")
        await page.screenshot(path=screenshot_path("room-recall-live"), full_page=True)
        assert dialogs == []
    finally:
        await context.close()
        for c in (fac, other):
            await c.close()
