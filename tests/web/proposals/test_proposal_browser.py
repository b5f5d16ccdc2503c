"""In headless Chromium on a phone: draft a proposal through the form, meet an edit conflict
with both texts shown, and the convenor's shortlist review."""

from __future__ import annotations

import asyncpg
import pytest
from playwright.async_api import Browser, expect

from tests.browser import screenshot_path
from tests.web.conftest import Server
from tests.web.proposals.test_proposal_support import as_, key, make_cast, set_phase, text
from tests.web.ranking.test_ranking_browser import phone


@pytest.mark.browser
async def test_draft_conflict_and_shortlist_review_on_a_phone(browser: Browser, server: Server,
                                                              db: asyncpg.Connection) -> None:
    cast = await make_cast(db)
    s = cast.session_id
    alice = await phone(browser, server, cast.cookies["r0"], f"/s/{s}/proposals")
    await alice.get_by_label("Title").fill("Community fridge")
    await alice.get_by_label("What should be done, and why").fill("A shared fridge by the library.")
    await alice.get_by_label("Estimated cost (EUR)").fill("4500")
    await alice.get_by_label("Category (optional)").fill("food")
    await alice.get_by_role("button", name="Save draft").click()
    await expect(alice.locator("h1")).to_have_text("Community fridge")
    await expect(alice.locator("#current")).to_contain_text("4,500.00 EUR")
    pid = int(alice.url.rsplit("/", 1)[1])

    watcher = await phone(browser, server, cast.cookies["observer"], f"/s/{s}/proposals")
    await expect(watcher.locator("#proposals-state[data-live='1']")).to_have_count(1)
    await expect(watcher.locator("#changed")).to_be_hidden()
    bob = await phone(browser, server, cast.cookies["r1"], f"/proposals/{pid}")
    await bob.get_by_label("Title").fill("Community fridge and pantry")
    # Alice saves first, from her own (older) page.
    await alice.get_by_label("Title").fill("Library fridge")
    await alice.get_by_role("button", name="Save changes").click()
    await expect(alice.locator("h1")).to_have_text("Library fridge")
    await bob.get_by_role("button", name="Send amendment").click()
    await expect(bob.locator("#form-error")).to_contain_text("Your text was not saved")
    await expect(bob.locator(".compare")).to_contain_text("Library fridge")
    await expect(bob.get_by_label("Title")).to_have_value("Community fridge and pantry")
    await bob.screenshot(path=screenshot_path("proposal-conflict"), full_page=True)
    await expect(watcher.locator("#changed")).to_be_visible()            # Alice's edit, live
    await bob.get_by_role("button", name="Send amendment").click()       # based on the current revision now
    await expect(bob.locator("#amendments")).to_contain_text("Community fridge and pantry")

    r2 = as_(server, cast, "r2")
    await r2.api("POST", f"/sessions/{s}/proposals", text("Bike lane", 4_000_000))
    await set_phase(db, cast, "ranking")
    assert (await r2.api("POST", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": [pid]})).status == 200
    await r2.close()
    await set_phase(db, cast, "closed")
    fac = await phone(browser, server, cast.cookies["facilitator"], f"/s/{s}/ranking/result")
    await fac.get_by_role("button", name="Propose shortlist to the convenor").click()
    await expect(fac.locator("#status")).to_have_text("proposed")
    convenor = await phone(browser, server, cast.cookies["convenor"], fac.url.removeprefix(server.url))
    await convenor.get_by_label("Estimated cost (EUR)").first.fill("5200")
    await convenor.screenshot(path=screenshot_path("shortlist-review"), full_page=True)
    await convenor.get_by_role("button", name="Save and accept as round candidates").click()
    await expect(convenor.locator("#status")).to_have_text("accepted")
    await expect(convenor.locator("#total")).to_have_text("45,200.00 EUR")
    await convenor.get_by_role("link", name="Create an allocation round from it").click()
    await expect(convenor.locator("#candidates")).to_have_value("Library fridge; 5,200.00\nBike lane; 40,000.00")  # as money fields write it
