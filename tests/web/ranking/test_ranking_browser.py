"""In headless Chromium on phones: one resident ranks by drag and drop, one by keyboard only, one
revises; nobody sees standings until the facilitator closes the phase; then the result and its
pairwise table appear."""

from __future__ import annotations

import asyncpg
import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser import PHONE, screenshot_path
from tests.web.conftest import Server
from tests.web.proposals.test_proposal_support import as_, key, make_cast, text


async def phone(browser: Browser, server: Server, cookies: dict[str, str], path: str) -> Page:
    context = await browser.new_context(**PHONE)
    await context.add_cookies([{"name": k, "value": v, "url": server.url} for k, v in cookies.items()])
    page = await context.new_page()
    await page.goto(server.url + path)
    return page


async def drag(page: Page, item: str, onto: str, below: bool = False) -> None:
    """Press on the item's grip and move to the target, as a finger or mouse would
    (with "Your ranking" scrolled to the top of the phone's screen, as a person would)."""
    await page.locator("#mine-h").evaluate("h => h.scrollIntoView()")
    grip = page.locator(f'.rank-item:has-text("{item}") .grip')
    target = page.locator(onto)
    g, t = await grip.bounding_box(), await target.bounding_box()
    assert g and t
    await page.mouse.move(g["x"] + g["width"] / 2, g["y"] + g["height"] / 2)
    await page.mouse.down()
    y = t["y"] + (t["height"] * 0.8 if below else t["height"] * 0.2)
    await page.mouse.move(t["x"] + t["width"] / 2, y, steps=8)
    await page.mouse.up()


async def tab_to(page: Page, element_id: str) -> None:
    for _ in range(40):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"could not reach #{element_id} with Tab")


@pytest.mark.browser
async def test_rank_by_drag_by_keyboard_and_revise_then_result(browser: Browser, server: Server,
                                                               db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    s = cast.session_id
    fac = as_(server, cast, "facilitator")
    ids = {}
    for n, (title, cost) in enumerate([("Benches", 300_000), ("Bike lane", 4_000_000), ("Library hours", 900_050)]):
        c = as_(server, cast, f"r{n}")
        ids[title] = (await (await c.api("POST", f"/sessions/{s}/proposals", text(title, cost))).json())["proposal_id"]
        await c.close()
    resp = await fac.api("POST", f"/sessions/{s}/advance_phase", {"key": key(), "to": "ranking"})
    assert resp.status == 200, await resp.text()

    alice = await phone(browser, server, cast.cookies["r0"], f"/s/{s}/ranking")
    await drag(alice, "Bike lane", "#ranked")
    await drag(alice, "Benches", '#ranked .rank-item:has-text("Bike lane")', below=True)
    await expect(alice.locator(f"#rank_{ids['Bike lane']}")).to_have_value("1")
    await expect(alice.locator(f"#rank_{ids['Benches']}")).to_have_value("2")
    await alice.get_by_role("button", name="Submit my ranking").click()
    await expect(alice.locator("#saved")).to_be_visible()
    await expect(alice.locator("[data-ranked]")).to_have_text("1")

    bob = await phone(browser, server, cast.cookies["r1"], f"/s/{s}/ranking")
    await tab_to(bob, f"rank_{ids['Library hours']}")
    await bob.keyboard.press("ArrowDown")                    # "Not ranked" -> 1
    await expect(bob.locator(f"#rank_{ids['Library hours']}")).to_have_value("1")
    await tab_to(bob, f"rank_{ids['Bike lane']}")
    await bob.keyboard.press("ArrowDown")
    await bob.keyboard.press("ArrowDown")                    # -> 2
    await tab_to(bob, "rank-submit")
    await bob.keyboard.press("Enter")
    await expect(bob.locator("#saved")).to_be_visible()
    await expect(bob.locator("[data-ranked]")).to_have_text("2")

    carol = await phone(browser, server, cast.cookies["r2"], f"/s/{s}/ranking")
    await carol.select_option(f"#rank_{ids['Benches']}", "1")
    await carol.get_by_role("button", name="Submit my ranking").click()
    await expect(carol.locator("#saved")).to_be_visible()
    await drag(carol, "Bike lane", '#ranked .rank-item:has-text("Benches")')   # revise: Bike lane first
    await carol.get_by_role("button", name="Save my new ranking").click()
    await expect(carol.locator("#saved")).to_be_visible()
    await expect(carol.locator(f"#rank_{ids['Bike lane']}")).to_have_value("1")

    # Alice's page learns the turnout live, over the room's socket; nothing shows the standings.
    await expect(alice.locator("#ranking-state[data-live='1']")).to_have_count(1)
    await expect(alice.locator("[data-ranked]")).to_have_text("3")
    for page in (alice, bob, carol):
        assert "First:" not in await page.content()
    await alice.screenshot(path=screenshot_path("ranking-open"), full_page=True)
    refused = await bob.goto(f"{server.url}/s/{s}/ranking/result")
    assert refused is not None and refused.status == 403

    resp = await fac.api("POST", f"/sessions/{s}/advance_phase", {"key": key(), "to": "closed"})
    assert resp.status == 200, await resp.text()
    await fac.close()
    await alice.get_by_role("link", name="See the result").click()   # phase_changed reloads the page
    await expect(alice.locator("#winner")).to_contain_text("Bike lane")
    await expect(alice.locator("#order li")).to_have_count(3)
    row = alice.locator("#pairwise tbody tr").first
    await expect(row).to_contain_text("Bike lane")
    # Carol's revision counted: all three put Bike lane above Benches; Bob put Library hours above it.
    await expect(row.locator("td").nth(1)).to_have_text("3–0")
    await expect(row.locator("td").nth(2)).to_have_text("2–1")
    await alice.screenshot(path=screenshot_path("ranking-result"), full_page=True)
