"""A convenor on a phone invites a colleague, who sets a password from the link: real Chromium."""

from __future__ import annotations

import asyncpg
import pytest
from playwright.async_api import Browser, expect

from tests.browser import PHONE, screenshot_path
from tests.web.conftest import Server
from tests.web.staff.test_staff_support import PASSWORD, account


@pytest.mark.browser
async def test_invite_a_colleague_on_a_phone(server: Server, db: asyncpg.Connection, browser: Browser) -> None:
    await account(db, "boss@example.org")
    boss = await browser.new_context(**PHONE)  # type: ignore[arg-type]
    page = await boss.new_page()
    await page.goto(server.url + "/staff")
    await expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    await page.get_by_label("Email").fill("boss@example.org")
    await page.get_by_label("Password").fill("not my password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    await page.screenshot(path=screenshot_path("staff-login-wrong-password"), full_page=True)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(server.url + "/staff")

    await page.get_by_label("Email").fill("fay@example.org")
    await page.get_by_label("Name").fill("Fay")
    await page.get_by_label("Facilitator").check()
    await page.screenshot(path=screenshot_path("staff-dashboard-convenor"), full_page=True)
    await page.get_by_role("button", name="Create invitation link").click()
    await expect(page.get_by_role("heading", name="Invitation for fay@example.org")).to_be_visible()
    link = await page.get_by_label("Link").input_value()
    await page.screenshot(path=screenshot_path("staff-invitation-link"), full_page=True)

    fay = await browser.new_context(**PHONE)  # type: ignore[arg-type]
    invited = await fay.new_page()
    await invited.goto(link)
    await expect(invited.get_by_role("heading", name="Welcome to Oxpecker")).to_be_visible()
    await invited.get_by_label("New password").fill("fay's own long passphrase")
    await invited.get_by_label("The same password again").fill("fay's own long passphrase")
    await invited.screenshot(path=screenshot_path("staff-invitation-set-password"), full_page=True)
    await invited.get_by_role("button", name="Set password and sign in").click()
    await expect(invited.get_by_role("status")).to_have_text("You are signed in.")
    await expect(invited.get_by_text("fay@example.org · facilitator")).to_be_visible()
    await invited.screenshot(path=screenshot_path("staff-dashboard-facilitator"), full_page=True)

    await page.goto(server.url + "/staff")
    await expect(page.locator(".staff-list li").filter(has_text="fay@example.org")).to_contain_text("facilitator · active")
    await page.get_by_role("button", name="Disable fay@example.org").click()
    await expect(page.get_by_role("status")).to_contain_text("Account disabled")
    await invited.reload()
    await expect(invited.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    await boss.close()
    await fay.close()
