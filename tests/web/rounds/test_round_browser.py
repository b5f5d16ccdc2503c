"""On a phone: a knapsack ballot over budget, fixed, a receipt, and the ballot found after close."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.browser import PHONE, screenshot_path
from tests.web.conftest import Server
from tests.web.rounds_setup import open_round, world


@pytest.mark.browser
async def test_resident_fixes_an_over_budget_ballot_and_finds_it_after_close(server: Server,
                                                                              browser: Browser) -> None:
    w = await world(server, residents=20)
    try:
        rid = await open_round(w)
        for n, c in enumerate(w.residents[1:]):  # 19 others, so 20 ballots are published
            resp = await c.api("POST", f"/rounds/{rid}/ballot",
                               {"projects": [["1"], ["2", "4"], ["3"]][n % 3], "idempotency_key": f"other-key-{n}"})
            assert resp.status == 200
        device = next(c.value for c in w.residents[0].session.cookie_jar if c.key == "oxp_device")
        context = await browser.new_context(**PHONE)
        await context.add_cookies([{"name": "oxp_device", "value": device, "url": server.url}])
        page = await context.new_page()
        await page.goto(f"{server.url}/rounds/{rid}/ballot")
        await page.get_by_label("Trees on Mill Street").check()
        await page.get_by_label("Youth club roof").check()
        assert "Over by 5,000.00 EUR" in await page.locator(".tally").inner_text()
        await page.get_by_role("button", name="Cast my ballot").click()
        error = page.locator("#ballot-error")
        assert "5,000.00 EUR over the 50,000.00 EUR you can spend" in await error.inner_text()
        await page.screenshot(path=screenshot_path("round-ballot-over-budget"), full_page=True)
        await page.get_by_label("Youth club roof").uncheck()
        await page.get_by_label("Benches in the park").check()
        assert "Left to spend: 22,000.00 EUR" in await page.locator(".tally").inner_text()
        await page.get_by_role("button", name="Cast my ballot").click()
        receipt = (await page.locator("#receipt").inner_text()).strip()
        await page.screenshot(path=screenshot_path("round-receipt"), full_page=True)
        assert (await w.convenor.api("POST", f"/rounds/{rid}/close")).status == 200
        await page.goto(f"{server.url}/decisions/{rid}")
        await page.get_by_label("Your receipt").fill(receipt.lower())
        await page.get_by_role("button", name="Find my ballot").click()
        found = await page.locator(".found").inner_text()
        assert "Trees on Mill Street" in found and "Benches in the park" in found
        assert "Youth club roof" not in found
        await page.screenshot(path=screenshot_path("round-decision-found"), full_page=True)
        await context.close()
    finally:
        await w.close()
