"""Signing in and out with email and password, as a browser and over the API."""

from __future__ import annotations

import asyncpg
from argon2 import PasswordHasher

from inquiry.staff.actions import SIGNIN_LIMITS
from tests.factories import make_staff
from tests.web.conftest import Client, Server, page_text
from tests.web.staff.test_staff_support import PASSWORD, account, counts, logins, signed_in


def staff_cookie_header(resp: object) -> str:
    headers = resp.headers.getall("Set-Cookie", [])  # type: ignore[attr-defined]
    return next(h for h in headers if h.startswith("oxp_staff="))


async def test_sign_in_sets_a_14_day_httponly_cookie_and_opens_the_dashboard(
        client: Client, db: asyncpg.Connection) -> None:
    staff_id = await account(db, "ana@example.org")
    resp = await client.post_form("/login", {"email": " Ana@Example.org ", "password": PASSWORD},
                                  allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/staff"
    cookie = staff_cookie_header(resp)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=1209600" in cookie
    assert await logins(db, staff_id) == 1
    stored = await db.fetchval("SELECT expires_at - created_at FROM staff_logins WHERE staff_id = $1", staff_id)
    assert stored.days == 14
    page = await client.get("/staff")
    assert page.status == 200 and "ana@example.org" in await page.text()


async def test_sign_in_goes_back_to_next_but_only_on_this_site(client: Client, db: asyncpg.Connection) -> None:
    await account(db, "ana@example.org")
    resp = await client.get("/staff")
    assert str(resp.url).endswith("/login?next=/staff")
    for target, expected in (("/inquiries?x=1", "/inquiries?x=1"), ("//evil.example/", "/staff"),
                             ("https://evil.example/", "/staff"), ("/\\evil.example", "/staff")):
        resp = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD,
                                                 "next": target}, allow_redirects=False)
        assert resp.headers["Location"] == expected


async def test_wrong_password_and_unknown_email_get_the_same_answer(client: Client, db: asyncpg.Connection) -> None:
    await account(db, "ana@example.org")
    before = await counts(db)
    texts = []
    for email, password in (("ana@example.org", "not the password"), ("nobody@example.org", PASSWORD)):
        resp = await client.post_form("/login", {"email": email, "password": password})
        assert resp.status == 400
        texts.append(page_text(await resp.text()))
    assert all("Wrong email or password." in t for t in texts)
    assert texts[0].replace("ana@example.org", "X") == texts[1].replace("nobody@example.org", "X")
    assert await counts(db) == before


async def test_invited_account_without_password_cannot_sign_in(client: Client, db: asyncpg.Connection) -> None:
    await make_staff(db, "new@example.org", "facilitator")
    resp = await client.post_form("/login", {"email": "new@example.org", "password": PASSWORD})
    assert resp.status == 400 and "Wrong email or password." in await resp.text()


async def test_sign_out_ends_this_login_only(server: Server, db: asyncpg.Connection) -> None:
    phone, staff_id = await signed_in(server, db)
    laptop = server.client()
    try:
        resp = await laptop.post_form("/login", {"email": "convenor@example.org", "password": PASSWORD})
        assert resp.status == 200 and await logins(db, staff_id) == 2
        resp = await phone.post_form("/logout", {}, allow_redirects=False)
        assert resp.status == 303 and resp.headers["Location"] == "/"
        assert await logins(db, staff_id) == 1
        assert str((await phone.get("/staff")).url).endswith("/login?next=/staff")
        assert (await laptop.get("/staff")).status == 200
    finally:
        await phone.close()
        await laptop.close()


async def test_disabled_account_cannot_sign_in_and_its_logins_stop_at_once(
        server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db, "boss@example.org")
    worker, worker_id = await signed_in(server, db, "worker@example.org", "facilitator")
    try:
        assert (await worker.api("GET", "/me")).status == 200
        resp = await boss.post_form(f"/staff/{worker_id}/disable", {})
        assert resp.status == 200 and "Account disabled" in await resp.text()
        assert (await worker.api("GET", "/me")).status == 403
        assert await logins(db, worker_id) == 0
        resp = await worker.post_form("/login", {"email": "worker@example.org", "password": PASSWORD})
        assert resp.status == 403 and "disabled" in await resp.text()
        assert await logins(db, worker_id) == 0
        await boss.post_form(f"/staff/{worker_id}/enable", {})
        resp = await worker.post_form("/login", {"email": "worker@example.org", "password": PASSWORD})
        assert resp.status == 200 and await logins(db, worker_id) == 1
    finally:
        await boss.close()
        await worker.close()


async def test_api_sign_in_me_and_sign_out(client: Client, db: asyncpg.Connection) -> None:
    staff_id = await account(db, "ana@example.org", "facilitator")
    resp = await client.api("POST", "/login", {"email": "ana@example.org", "password": PASSWORD})
    assert resp.status == 200
    assert await resp.json() == {"id": staff_id, "email": "ana@example.org", "display_name": "Ana",
                                 "role": "facilitator"}
    assert "HttpOnly" in staff_cookie_header(resp)
    assert (await (await client.api("GET", "/me")).json())["id"] == staff_id
    resp = await client.api("POST", "/logout")
    assert resp.status == 200 and await resp.json() == {"signed_out": True}
    assert await logins(db, staff_id) == 0
    resp = await client.api("GET", "/me")
    assert resp.status == 403 and (await resp.json())["status"] == 403


async def test_api_wrong_password_is_a_400_with_the_same_words(client: Client, db: asyncpg.Connection) -> None:
    await account(db, "ana@example.org")
    resp = await client.api("POST", "/login", {"email": "ana@example.org", "password": "wrong password"})
    assert resp.status == 400
    assert await resp.json() == {"error": "Wrong email or password.", "status": 400}


async def test_failed_sign_ins_are_limited_per_email_even_for_the_right_password(
        client: Client, db: asyncpg.Connection) -> None:
    staff_id = await account(db, "ana@example.org")
    # All but two failures happened earlier (each real one costs an argon2 hash, ~0.3 s).
    await db.execute(
        """INSERT INTO rate_limits (bucket, window_start, hits)
           VALUES ('signin-email:ana@example.org', to_timestamp(floor(extract(epoch FROM now()) / 900) * 900), $1)""",
        SIGNIN_LIMITS["signin-email"] - 2,
    )
    for _ in range(2):
        resp = await client.api("POST", "/login", {"email": "ana@example.org", "password": "guess guess guess"})
        assert resp.status == 400
    resp = await client.api("POST", "/login", {"email": "ANA@example.org", "password": PASSWORD})
    assert resp.status == 429
    assert 1 <= int(resp.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins" in (await resp.json())["error"]
    assert await logins(db, staff_id) == 0
    # Another account from the same address is not locked out by ana's bucket.
    other = await account(db, "bea@example.org")
    resp = await client.post_form("/login", {"email": "bea@example.org", "password": PASSWORD})
    assert resp.status == 200 and await logins(db, other) == 1


async def test_failed_sign_ins_are_limited_per_address(client: Client, db: asyncpg.Connection) -> None:
    await account(db, "ana@example.org")
    # Counters are shared through the database: pre-fill the address's window as other processes would.
    await db.execute(
        """INSERT INTO rate_limits (bucket, window_start, hits)
           VALUES ('signin-addr:127.0.0.1', to_timestamp(floor(extract(epoch FROM now()) / 900) * 900), $1)""",
        SIGNIN_LIMITS["signin-addr"] - 1,
    )
    resp = await client.post_form("/login", {"email": "someone@example.org", "password": "guess guess"})
    assert resp.status == 400
    resp = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD})
    assert resp.status == 429 and "Retry-After" in resp.headers
    assert "Too many failed sign-ins" in page_text(await resp.text())


async def test_an_old_weaker_hash_is_upgraded_at_sign_in(client: Client, db: asyncpg.Connection) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    staff_id = await make_staff(db, "old@example.org", password_hash=weak)
    resp = await client.post_form("/login", {"email": "old@example.org", "password": PASSWORD})
    assert resp.status == 200
    stored = await db.fetchval("SELECT password_hash FROM staff WHERE id = $1", staff_id)
    assert stored != weak and stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
