"""Bad input to every staff form and endpoint gets a clear 4xx and changes nothing."""

from __future__ import annotations

import asyncpg

from tests.web.conftest import Client, Server, page_text
from tests.web.staff.test_staff_support import account, counts, signed_in

LONG_NAME = "n" * 81
INVITES = [
    ({"email": "", "role": "facilitator"}, 400, "Enter an email address"),
    ({"email": "not-an-email", "role": "facilitator"}, 400, "is not an email address"),
    ({"email": "a@b", "role": "facilitator"}, 400, "is not an email address"),
    ({"email": "ok@example.org", "role": "admin"}, 400, "Choose the role"),
    ({"email": "ok@example.org"}, 400, "Choose the role"),
    ({"email": "ok@example.org", "role": "facilitator", "display_name": LONG_NAME}, 400, "under 80 characters"),
    ({"email": "Convenor@Example.org", "role": "facilitator"}, 409, "already has an account"),
]
API_INVITES = [
    ({"email": "ok@example.org", "role": "admin"}, "role"),
    ({"email": "ok@example.org"}, "role: Field required"),
    ({"email": "ok@example.org", "role": "convenor", "is_admin": True}, "is_admin: Extra inputs are not permitted"),
    ({"email": 7, "role": "convenor"}, "email: Input should be a valid string"),
    ({"email": "ok@example.org", "role": "convenor", "display_name": LONG_NAME}, "display_name"),
    ({"email": "bad", "role": "convenor"}, "is not an email address"),
]


async def test_invite_form_refuses_bad_input_and_keeps_what_was_typed(
        server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    before = await counts(db)
    try:
        for form, status, words in INVITES:
            resp = await boss.post_form("/staff/invite", form)
            html = await resp.text()
            assert resp.status == status and words in page_text(html), form
            assert 'role="alert"' in html and f'value="{form["email"]}"' in html, form
    finally:
        await boss.close()
    assert await counts(db) == before


async def test_invite_api_refuses_bad_input(server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    before = await counts(db)
    try:
        for body, words in API_INVITES:
            resp = await boss.api("POST", "/staff", body)
            error = await resp.json()
            assert resp.status == 400 and error["status"] == 400 and words in error["error"], body
    finally:
        await boss.close()
    assert await counts(db) == before


async def test_invite_api_refuses_an_email_that_has_an_account(server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    before = await counts(db)
    try:
        resp = await boss.api("POST", "/staff", {"email": "CONVENOR@example.org", "role": "convenor"})
    finally:
        await boss.close()
    assert resp.status == 409 and "already has an account" in (await resp.json())["error"]
    assert await counts(db) == before


async def test_account_actions_on_an_unknown_account_are_404(server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    before = await counts(db)
    try:
        for action in ("reset-link", "disable", "enable"):
            api = await boss.api("POST", f"/staff/99999/{action}")
            assert api.status == 404 and "no staff account number 99999" in (await api.json())["error"]
            page = await boss.post_form(f"/staff/99999/{action}", {})
            assert page.status == 404 and "no staff account number 99999" in await page.text()
            assert (await boss.api("POST", f"/staff/abc/{action}")).status == 404
    finally:
        await boss.close()
    assert await counts(db) == before


async def test_a_convenor_cannot_disable_themselves(server: Server, db: asyncpg.Connection) -> None:
    boss, boss_id = await signed_in(server, db)
    before = await counts(db)
    try:
        api = await boss.api("POST", f"/staff/{boss_id}/disable")
        page = await boss.post_form(f"/staff/{boss_id}/disable", {})
        assert (await boss.api("GET", "/me")).status == 200
    finally:
        await boss.close()
    assert api.status == 409 and "cannot disable your own account" in (await api.json())["error"]
    assert page.status == 409
    assert await counts(db) == before


async def test_disabling_twice_changes_nothing_the_second_time(server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    other = await account(db, "other@example.org", "facilitator")
    try:
        first = await boss.api("POST", f"/staff/{other}/disable")
        after_first = await counts(db)
        second = await boss.api("POST", f"/staff/{other}/disable")
    finally:
        await boss.close()
    assert first.status == second.status == 200 and (await second.json())["state"] == "disabled"
    assert await counts(db) == after_first


LOGIN_FORMS = [({"email": "", "password": ""}, "Enter your email address and your password"),
               ({"email": "convenor@example.org"}, "Enter your email address"),
               ({"password": "correct horse battery"}, "Enter your email address"),
               ({"email": "a" * 5000 + "@example.org", "password": "correct horse battery"}, "Wrong email or password.")]
LOGIN_BODIES = [
    ({"email": "convenor@example.org"}, "password: Field required"),
    ({"email": "convenor@example.org", "password": "correct horse battery", "remember": True}, "Extra inputs"),
    ({"email": ["x"], "password": "correct horse battery"}, "email: Input should be a valid string"),
    ({"email": "convenor@example.org", "password": "p" * 1001}, "password: String should have at most 1000"),
    ("not an object", "Input should be a valid dictionary"),
]


async def test_login_refuses_missing_fields_and_malformed_bodies(client: Client, db: asyncpg.Connection) -> None:
    await account(db, "convenor@example.org")
    before = await counts(db)
    for form, words in LOGIN_FORMS:
        resp = await client.post_form("/login", form)
        assert resp.status == 400 and words in page_text(await resp.text()), form
    for body, words in LOGIN_BODIES:
        resp = await client.api("POST", "/login", body)
        assert resp.status == 400 and words in (await resp.json())["error"], body
    assert await counts(db) == before
    assert await db.fetchval("SELECT count(*) FROM rate_limits") == 0  # none of these was a guess


async def test_login_api_refuses_a_body_that_is_not_json(client: Client) -> None:
    await client.get("/")
    resp = await client.session.post(client.base + "/api/v1/login", data=b"{email",
                                     headers={"X-CSRF-Token": client.csrf(), "Content-Type": "application/json"})
    assert resp.status == 400 and "not valid JSON" in (await resp.json())["error"]
