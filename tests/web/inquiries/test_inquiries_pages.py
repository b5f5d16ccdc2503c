"""The convenor's inquiry pages, submitted like a browser (no JavaScript) on a real server."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import asyncpg
import pytest
from playwright.async_api import Browser
from yarl import URL

from tests.browser import PHONE, screenshot_path
from tests.factories import login_cookie, make_inquiry, make_participant, make_staff
from tests.web.conftest import Client, Server, page_text
from tests.web.inquiries.test_inquiries_api import counts, sign_in

FORM = {"title": "Safer crossings", "question": "Where should the new crossings go?",
        "description": "Three crossings this year.", "fund": "1,234.50", "currency": "eur",
        "languages": "en, CY", "timezone": "Europe/London"}
NEXT_JULY = f"{datetime.now(UTC).year + 1}-07-01T18:30"


@pytest.fixture
async def convenor(server: Server, db: asyncpg.Connection):  # type: ignore[no-untyped-def]
    c, _ = await sign_in(server, db)
    yield c
    await c.close()


async def create(client: Client, **changes: str) -> int:
    resp = await client.post_form("/inquiries", {**FORM, **changes})
    assert resp.status == 200 and "Inquiry created." in await resp.text()
    return int(resp.url.path.rsplit("/", 1)[1])


async def test_convenor_creates_an_inquiry_from_the_form(convenor: Client, db: asyncpg.Connection) -> None:
    inquiry_id = await create(convenor)
    row = await db.fetchrow("SELECT fund_minor, currency, languages, timezone FROM inquiries WHERE id = $1",
                            inquiry_id)
    assert tuple(row) == (123_450, "EUR", ["en", "cy"], "Europe/London")
    text = page_text(await (await convenor.get(f"/inquiries/{inquiry_id}")).text())
    assert "1,234.50 EUR" in text and "Where should the new crossings go?" in text
    assert f'href="/inquiries/{inquiry_id}/access"' in await (await convenor.get(f"/inquiries/{inquiry_id}")).text()
    listing = page_text(await (await convenor.get("/inquiries")).text())
    assert "Safer crossings" in listing and "0 sessions" in listing


async def test_zero_decimal_currency_is_read_in_whole_units(convenor: Client, db: asyncpg.Connection) -> None:
    inquiry_id = await create(convenor, fund="2,000,000", currency="JPY")
    assert await db.fetchval("SELECT fund_minor FROM inquiries WHERE id = $1", inquiry_id) == 2_000_000


BAD_FORMS = [
    ({"fund": "12.345"}, "EUR has 2 decimal places"),
    ({"fund": "-10"}, "plain amount"),
    ({"fund": "1.234,50"}, "plain amount"),
    ({"fund": "ten euros"}, "plain amount"),
    ({"currency": "EURO"}, "three-letter ISO 4217"),
    ({"languages": "English"}, "not a language code"),
    ({"languages": ""}, "at least one language"),
    ({"timezone": "Europe/Atlantis"}, "not a time zone"),
    ({"title": " "}, "title cannot be empty"),
    ({"question": ""}, "question cannot be empty"),
    ({"title": "x" * 201}, "title is too long"),
]


@pytest.mark.parametrize(("changes", "says"), BAD_FORMS)
async def test_bad_create_form_is_shown_again_with_the_reason_and_nothing_is_written(
        convenor: Client, db: asyncpg.Connection, changes: dict[str, str], says: str) -> None:
    resp = await convenor.post_form("/inquiries", {**FORM, **changes})
    html = await resp.text()
    assert resp.status == 400 and says in page_text(html)
    assert 'value="Europe/London"' in html or changes.get("timezone")  # what was typed is kept
    assert await counts(db) == (0, 0, 0, 0)


async def test_edit_form_changes_settings_and_the_audit_page_shows_before_and_after(
        convenor: Client, db: asyncpg.Connection) -> None:
    inquiry_id = await create(convenor)
    form = await (await convenor.get(f"/inquiries/{inquiry_id}/edit")).text()
    assert 'value="1,234.50"' in form and 'value="en, cy"' in form
    resp = await convenor.post_form(f"/inquiries/{inquiry_id}/edit", {**FORM, "fund": "2,000", "title": "Crossings"})
    assert resp.status == 200 and "Changes saved." in await resp.text()
    assert await db.fetchval("SELECT fund_minor FROM inquiries WHERE id = $1", inquiry_id) == 200_000
    audit = page_text(await (await convenor.get(f"/inquiries/{inquiry_id}/audit")).text())
    assert "inquiry.updated" in audit and "inquiry.created" in audit
    assert "fund minor 123450 → 200000" in audit and "title Safer crossings → Crossings" in audit


async def test_an_edit_over_someone_elses_change_is_refused_then_can_be_confirmed(
        convenor: Client, db: asyncpg.Connection) -> None:
    inquiry_id = await create(convenor)
    form = await (await convenor.get(f"/inquiries/{inquiry_id}/edit")).text()
    version = re.search(r'name="version" value="([0-9a-f]+)"', form)[1]  # type: ignore[index]
    resp = await convenor.api("PATCH", f"/inquiries/{inquiry_id}", {"fund_minor": 999})  # a colleague, meanwhile
    assert resp.status == 200
    mine = {**FORM, "title": "Mine", "version": version}
    refused = await convenor.post_form(f"/inquiries/{inquiry_id}/edit", mine)
    assert refused.status == 409 and "Someone else changed this inquiry" in page_text(await refused.text())
    assert await db.fetchval("SELECT title FROM inquiries") == "Safer crossings"
    again = re.search(r'name="version" value="([0-9a-f]+)"', await refused.text())[1]  # type: ignore[index]
    saved = await convenor.post_form(f"/inquiries/{inquiry_id}/edit", {**mine, "version": again})
    assert saved.status == 200 and "Changes saved." in await saved.text()
    assert tuple(await db.fetchrow("SELECT title, fund_minor FROM inquiries")) == ("Mine", 123_450)


async def test_bad_edit_is_refused_and_changes_nothing(convenor: Client, db: asyncpg.Connection) -> None:
    inquiry_id = await create(convenor)
    before = await counts(db), await db.fetchrow("SELECT * FROM inquiries")
    resp = await convenor.post_form(f"/inquiries/{inquiry_id}/edit", {**FORM, "fund": "1,23"})
    assert resp.status == 400 and "plain amount" in page_text(await resp.text())
    assert 'value="1,23"' in await resp.text()
    assert (await counts(db), await db.fetchrow("SELECT * FROM inquiries")) == before


async def test_sessions_are_added_in_the_inquiry_time_zone(convenor: Client, db: asyncpg.Connection) -> None:
    inquiry_id = await create(convenor)
    resp = await convenor.post_form(f"/inquiries/{inquiry_id}/sessions",
                                    {"title": "Opening evening", "scheduled_at": NEXT_JULY})
    assert resp.status == 200 and "Session added." in await resp.text()
    session_id, at = await db.fetchrow("SELECT id, scheduled_at FROM sessions WHERE inquiry_id = $1", inquiry_id)
    assert at.astimezone(UTC).strftime("%H:%M") == "17:30"  # 18:30 in London in July is 17:30 UTC
    assert f'href="/s/{session_id}/console"' in await resp.text()
    assert "Opening evening" in page_text(await resp.text()) and "18:30" in page_text(await resp.text())


@pytest.mark.parametrize(("typed", "says"), [
    ({"title": "S", "scheduled_at": "tomorrow"}, "date and time"),
    ({"title": "S", "scheduled_at": "2000-01-01T10:00"}, "in the past"),
    ({"title": "", "scheduled_at": NEXT_JULY}, "session title cannot be empty"),
])
async def test_bad_session_form_is_refused(convenor: Client, db: asyncpg.Connection,
                                           typed: dict[str, str], says: str) -> None:
    inquiry_id = await create(convenor)
    before = await counts(db)
    resp = await convenor.post_form(f"/inquiries/{inquiry_id}/sessions", typed)
    assert resp.status == 400 and says in page_text(await resp.text())
    assert await counts(db) == before


async def test_assign_and_unassign_a_facilitator_from_the_page(
        server: Server, convenor: Client, db: asyncpg.Connection) -> None:
    inquiry_id = await create(convenor)
    facilitator, fid = await sign_in(server, db, "facilitator")
    try:
        page = await (await convenor.get(f"/inquiries/{inquiry_id}")).text()
        assert f'<option value="{fid}">' in page
        resp = await convenor.post_form(f"/inquiries/{inquiry_id}/facilitators", {"staff_id": str(fid)})
        assert "Facilitator assigned." in await resp.text()
        seen = page_text(await (await facilitator.get("/inquiries")).text())
        assert "Safer crossings" in seen and "New inquiry" not in seen
        resp = await convenor.post_form(f"/inquiries/{inquiry_id}/facilitators/{fid}/remove", {})
        assert "Facilitator unassigned." in await resp.text()
        assert (await facilitator.get(f"/inquiries/{inquiry_id}")).status == 404
        bad = await convenor.post_form(f"/inquiries/{inquiry_id}/facilitators", {"staff_id": "nobody"})
        assert bad.status == 400 and "Choose a facilitator" in page_text(await bad.text())
        assert await db.fetchval("SELECT count(*) FROM inquiry_staff") == 0
    finally:
        await facilitator.close()


async def test_facilitator_pages_refuse_configuration(server: Server, db: asyncpg.Connection) -> None:
    convenor_id = await make_staff(db)
    inquiry_id = await make_inquiry(db, convenor_id)
    facilitator, fid = await sign_in(server, db, "facilitator")
    await db.execute("INSERT INTO inquiry_staff (inquiry_id, staff_id) VALUES ($1, $2)", inquiry_id, fid)
    try:
        page = await (await facilitator.get(f"/inquiries/{inquiry_id}")).text()
        assert "Edit settings" not in page and "Audit log" not in page and "Add a session" in page
        before = await counts(db)
        for path, form in (("/inquiries", FORM), (f"/inquiries/{inquiry_id}/edit", FORM),
                           (f"/inquiries/{inquiry_id}/facilitators", {"staff_id": str(fid)})):
            resp = await facilitator.post_form(path, form)
            assert resp.status == 403, path
            assert "facilitator account cannot" in page_text(await resp.text())
        assert (await facilitator.get(f"/inquiries/{inquiry_id}/edit")).status == 403
        assert (await facilitator.get(f"/inquiries/{inquiry_id}/audit")).status == 403
        assert await counts(db) == before
    finally:
        await facilitator.close()


async def test_resident_gets_403_on_inquiry_pages(server: Server, db: asyncpg.Connection) -> None:
    inquiry_id = await make_inquiry(db, await make_staff(db))
    _, device = await make_participant(db, inquiry_id)
    c = server.client()
    c.session.cookie_jar.update_cookies({"oxp_device": device}, URL(server.url))
    try:
        for path in ("/inquiries", f"/inquiries/{inquiry_id}", f"/inquiries/{inquiry_id}/audit"):
            assert (await c.get(path, allow_redirects=False)).status == 403, path
        assert (await c.post_form("/inquiries", FORM)).status == 403
        assert await db.fetchval("SELECT count(*) FROM inquiries") == 1
    finally:
        await c.close()


@pytest.mark.browser
async def test_a_convenor_creates_an_inquiry_and_a_session_on_a_phone(
        server: Server, db: asyncpg.Connection, browser: Browser) -> None:
    staff_id = await make_staff(db)
    context = await browser.new_context(**PHONE)  # type: ignore[arg-type]
    await context.add_cookies([{"name": "oxp_staff", "value": await login_cookie(db, staff_id),
                                "url": server.url}])
    page = await context.new_page()
    await page.goto(server.url + "/inquiries")
    await page.get_by_label("Title").fill("Safer crossings")
    await page.get_by_label("Question put to residents").fill("Where should the new crossings go?")
    await page.get_by_label("Fund").fill("12,500.00")
    await page.get_by_label("Currency").fill("GBP")
    await page.get_by_label("Time zone of the sessions").fill("Europe/London")
    await page.get_by_role("button", name="Create inquiry").click()
    await page.wait_for_url("**/inquiries/*?notice=created")
    assert await page.get_by_role("status").inner_text() == "Inquiry created."
    await page.get_by_label("Title").fill("Opening evening")
    await page.get_by_label("Starts (Europe/London)").fill(NEXT_JULY)
    await page.get_by_role("button", name="Add session").click()
    await page.wait_for_url("**notice=session*")
    assert "Opening evening" in await page.locator("#sessions").inner_text()
    assert "12,500.00 GBP" in await page.locator("main").inner_text()
    await page.screenshot(path=screenshot_path("inquiry-detail-phone"), full_page=True)
    await context.close()
