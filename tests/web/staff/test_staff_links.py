"""Invitation and password-reset links: made by a convenor, used once, then gone."""

from __future__ import annotations

import re

import asyncpg

from tests.factories import login_cookie
from tests.web.conftest import Client, Server, page_text
from tests.web.staff.test_staff_support import PASSWORD, account, counts, logins, signed_in

NEW_PASSWORD = "a brand new passphrase"


def link_in(html: str, purpose: str) -> str:
    found = re.search(rf'>(http://[^<]+/{purpose}/[A-Za-z0-9_-]+)<', html)
    assert found, "the page shows no link"
    return found[1]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def test_invited_colleague_sets_a_password_once_and_is_signed_in(
        server: Server, db: asyncpg.Connection) -> None:
    boss, boss_id = await signed_in(server, db)
    newcomer = server.client()
    try:
        resp = await boss.post_form("/staff/invite", {"email": "Fay@Example.org", "display_name": "Fay",
                                                       "role": "facilitator"})
        assert resp.status == 201
        html = await resp.text()
        assert "shown only once" in html and 'name="referrer" content="same-origin"' in html
        url = link_in(html, "invite")
        row = await db.fetchrow("SELECT id, role, password_hash FROM staff WHERE email = 'fay@example.org'")
        assert row["role"] == "facilitator" and row["password_hash"] is None
        expires = await db.fetchval("SELECT expires_at - created_at FROM staff_tokens WHERE staff_id = $1", row["id"])
        assert expires.days == 7

        page = await newcomer.get(path_of(url))
        assert page.status == 200 and "Welcome to Oxpecker" in await page.text()
        resp = await newcomer.post_form(path_of(url), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
                                        allow_redirects=False)
        assert resp.status == 303 and resp.headers["Location"] == "/staff?done=signed-in"
        me = await newcomer.api("GET", "/me")
        assert (await me.json())["email"] == "fay@example.org"
        stored = await db.fetchval("SELECT password_hash FROM staff WHERE id = $1", row["id"])
        assert stored.startswith("$argon2id$")

        for again in (await newcomer.get(path_of(url)),
                      await newcomer.post_form(path_of(url), {"password": "x" * 12, "password_again": "x" * 12})):
            assert again.status == 410 and "already been used" in await again.text()
        audit = await db.fetch("SELECT action, staff_id, inquiry_id FROM audit_log ORDER BY id")
        assert [(a["action"], a["staff_id"], a["inquiry_id"]) for a in audit] == [
            ("staff.invited", boss_id, None), ("staff.link_used", row["id"], None)]
    finally:
        await boss.close()
        await newcomer.close()


async def test_expired_and_unknown_links_get_clear_pages(server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    try:
        resp = await boss.api("POST", "/staff", {"email": "late@example.org", "role": "convenor"})
        assert resp.status == 201
        url = (await resp.json())["url"]
        await db.execute("UPDATE staff_tokens SET expires_at = now() - interval '1 second'")
        before = await counts(db)
        page = await boss.get(path_of(url))
        assert page.status == 410 and "This link has expired" in page_text(await page.text())
        resp = await boss.post_form(path_of(url), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
        assert resp.status == 410
        for wrong in (url[:-3] + "abc", url.replace("/invite/", "/reset/")):
            resp = await boss.get(path_of(wrong))
            assert resp.status == 404 and "not valid" in await resp.text()
        assert await counts(db) == before
        assert await db.fetchval("SELECT password_hash FROM staff WHERE email = 'late@example.org'") is None
    finally:
        await boss.close()


async def test_reset_link_signs_out_every_other_login(server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    worker, worker_id = await signed_in(server, db, "worker@example.org", "facilitator")
    helper = server.client()
    try:
        await login_cookie(db, worker_id)  # a second browser of the worker's, somewhere
        assert await logins(db, worker_id) == 2
        resp = await boss.api("POST", f"/staff/{worker_id}/reset-link")
        assert resp.status == 201
        body = await resp.json()
        assert body["purpose"] == "reset" and body["staff"]["email"] == "worker@example.org"
        hours = await db.fetchval("SELECT extract(epoch FROM expires_at - created_at) / 3600 FROM staff_tokens")
        assert round(hours) == 24
        page = await helper.get(path_of(body["url"]))
        assert page.status == 200 and "Choose a new password" in await page.text()
        resp = await helper.post_form(path_of(body["url"]), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
        assert resp.status == 200
        assert await logins(db, worker_id) == 1  # only the browser that used the link
        assert (await worker.api("GET", "/me")).status == 403
        old = await helper.api("POST", "/login", {"email": "worker@example.org", "password": PASSWORD})
        assert old.status == 400
        new = await helper.api("POST", "/login", {"email": "worker@example.org", "password": NEW_PASSWORD})
        assert new.status == 200
    finally:
        for c in (boss, worker, helper):
            await c.close()


async def test_a_new_password_uses_up_the_accounts_other_links(server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    worker_id = await account(db, "worker@example.org", "facilitator")
    try:
        first = (await (await boss.api("POST", f"/staff/{worker_id}/reset-link")).json())["url"]
        second = (await (await boss.api("POST", f"/staff/{worker_id}/reset-link")).json())["url"]
        resp = await boss.post_form(path_of(second), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
        assert resp.status == 200
        assert (await boss.get(path_of(first))).status == 410
    finally:
        await boss.close()


async def test_refused_password_shows_the_form_again_and_keeps_the_link(
        server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    try:
        url = link_in(await (await boss.post_form("/staff/invite", {"email": "gil@example.org",
                                                                    "role": "facilitator"})).text(), "invite")
        before = await counts(db)
        for password, again, words in (("short", "short", "at least 10 characters"),
                                       (NEW_PASSWORD, NEW_PASSWORD + "!", "not the same"),
                                       ("", "", "at least 10 characters")):
            resp = await boss.post_form(path_of(url), {"password": password, "password_again": again})
            assert resp.status == 400 and words in page_text(await resp.text())
        assert await counts(db) == before
        assert await db.fetchval("SELECT used_at FROM staff_tokens") is None
        resp = await boss.post_form(path_of(url), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
        assert resp.status == 200
    finally:
        await boss.close()


async def test_link_for_a_disabled_account_is_gone_and_none_can_be_made(
        server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    worker_id = await account(db, "worker@example.org", "facilitator")
    try:
        url = (await (await boss.api("POST", f"/staff/{worker_id}/reset-link")).json())["url"]
        assert (await boss.api("POST", f"/staff/{worker_id}/disable")).status == 200
        assert (await boss.get(path_of(url))).status == 410
        resp = await boss.api("POST", f"/staff/{worker_id}/reset-link")
        assert resp.status == 409 and "enable the account first" in (await resp.json())["error"]
    finally:
        await boss.close()


async def test_forgot_page_says_plainly_that_no_mail_is_sent(client: Client) -> None:
    resp = await client.get("/forgot")
    text = page_text(await resp.text())
    assert resp.status == 200
    assert "does not send email" in text and "Ask a convenor" in text
