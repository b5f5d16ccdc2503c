"""A resident joins on a phone in a real Chromium, and comes back in a new browser."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.browser import PHONE, screenshot_path
from tests.web.access.test_access_support import World, world  # noqa: F401

pytestmark = pytest.mark.browser


async def test_resident_joins_sees_recovery_code_and_comes_back_in_a_new_browser(
        world: World, browser: Browser) -> None:
    [code] = await world.codes()
    base = world.server.url
    phone = await browser.new_context(**PHONE)
    page = await phone.new_page()

    await page.goto(base + "/join")
    await page.get_by_label("Your code").fill("acdf-" + "9" * 4)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("alert")).to_contain_text("There is no code ACDF-9999")

    typed = code.lower()  # as printed, with its dash, typed in lower case
    await page.get_by_label("Your code").fill(typed)
    await page.get_by_role("button", name="Continue").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Green streets")
    await page.get_by_label("Your name, as others will see it").fill("Ana")
    assert not await page.get_by_label("Show my name in the public record").is_checked()
    await page.screenshot(path=screenshot_path("join-name-phone"), full_page=True)
    await page.get_by_role("button", name="Join").click()

    recovery = (await page.locator("#recovery-code").inner_text()).strip()
    assert len(recovery) == 19 and recovery.count("-") == 3
    await page.screenshot(path=screenshot_path("join-recovery-phone"), full_page=True)
    await page.get_by_role("link", name="I have saved it — continue").click()
    await expect(page).to_have_url(f"{base}/i/{world.inquiry_id}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Green streets")
    await expect(page.get_by_text("Session 1")).to_be_visible()
    await page.screenshot(path=screenshot_path("join-home-phone"), full_page=True)
    first_id = await world.db.fetchval("SELECT id FROM participants")
    await phone.close()

    new_phone = await browser.new_context(**PHONE)
    page = await new_phone.new_page()
    await page.goto(f"{base}/i/{world.inquiry_id}")
    await expect(page.get_by_role("alert")).to_contain_text("Join with your code or link first")
    await page.goto(base + "/recover")
    await page.get_by_label("Recovery code").fill(recovery.lower())
    await page.get_by_role("button", name="Come back in").click()
    await expect(page).to_have_url(f"{base}/i/{world.inquiry_id}")
    await expect(page.get_by_text("You are here as Ana")).to_be_visible()
    assert await world.db.fetchval("SELECT count(*) FROM participants") == 1
    assert await world.db.fetchval("SELECT count(DISTINCT participant_id) FROM devices") == 1
    assert await world.db.fetchval("SELECT id FROM participants") == first_id
    await new_phone.close()
