"""Who may use which staff route: residents none, facilitators their own, convenors all.
Forged requests (no CSRF token, another site's Origin) are refused on forms and the API."""

from __future__ import annotations

import asyncpg

from tests.web.conftest import Client, Server
from tests.web.staff.test_staff_support import account, counts, resident, signed_in

# (method, path, JSON body) of every staff route; {id} is another account.
PAGES = [("GET", "/staff", None), ("POST", "/staff/invite", {"email": "x@example.org", "role": "convenor"}),
         ("POST", "/staff/{id}/reset-link", {}), ("POST", "/staff/{id}/disable", {}),
         ("POST", "/staff/{id}/enable", {}), ("POST", "/logout", {})]
API = [("GET", "/me", None), ("POST", "/logout", None), ("GET", "/staff", None), ("GET", "/staff/audit", None),
       ("POST", "/staff", {"email": "x@example.org", "role": "convenor"}),
       ("POST", "/staff/{id}/reset-link", None), ("POST", "/staff/{id}/disable", None),
       ("POST", "/staff/{id}/enable", None)]
CONVENOR_ONLY_PAGES = [p for p in PAGES if p[1] not in ("/staff", "/logout")]
CONVENOR_ONLY_API = [a for a in API if a[1].startswith("/staff")]


async def request(client: Client, kind: str, method: str, path: str, body: dict[str, str] | None,
                  other: int) -> int:
    path = path.replace("{id}", str(other))
    if kind == "api":
        return (await client.api(method, path, body)).status
    if method == "GET":
        return (await client.get(path, allow_redirects=False)).status
    return (await client.post_form(path, body or {}, allow_redirects=False)).status


async def test_a_residents_phone_gets_403_on_every_staff_route(server: Server, db: asyncpg.Connection) -> None:
    phone = await resident(server, db)
    other = await account(db, "other@example.org", "facilitator")
    before = await counts(db)
    try:
        refused = {(kind, m, p): await request(phone, kind, m, p, body, other)
                   for kind, routes in (("page", PAGES), ("api", API)) for m, p, body in routes}
    finally:
        await phone.close()
    assert refused == {route: 403 for route in refused}
    assert await counts(db) == before


async def test_a_facilitator_gets_403_on_convenor_routes(server: Server, db: asyncpg.Connection) -> None:
    facilitator, _ = await signed_in(server, db, "fac@example.org", "facilitator")
    other = await account(db, "other@example.org", "facilitator")
    await db.execute("UPDATE staff SET disabled_at = now() WHERE id = $1", other)  # so enable would change it
    before = await counts(db)
    try:
        refused = {(kind, m, p): await request(facilitator, kind, m, p, body, other)
                   for kind, routes in (("page", CONVENOR_ONLY_PAGES), ("api", CONVENOR_ONLY_API))
                   for m, p, body in routes}
    finally:
        await facilitator.close()
    assert refused == {route: 403 for route in refused}
    assert len(refused) == 10
    assert await counts(db) == before
    assert await db.fetchval("SELECT disabled_at IS NOT NULL FROM staff WHERE id = $1", other)


async def test_a_facilitator_sees_their_own_account_only(server: Server, db: asyncpg.Connection) -> None:
    facilitator, _ = await signed_in(server, db, "fac@example.org", "facilitator")
    await account(db, "secret-colleague@example.org")
    try:
        resp = await facilitator.get("/staff")
        html = await resp.text()
        assert resp.status == 200 and "fac@example.org" in html and 'href="/inquiries"' in html
        assert "secret-colleague" not in html and "Invite a colleague" not in html
    finally:
        await facilitator.close()


async def test_nobody_signed_in_is_sent_to_sign_in_or_refused(client: Client, db: asyncpg.Connection) -> None:
    other = await account(db, "other@example.org")
    resp = await client.get("/staff", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/login?next=/staff"
    for method, path, body in API:
        assert await request(client, "api", method, path, body, other) == 403
    for method, path, body in CONVENOR_ONLY_PAGES:
        assert await request(client, "page", method, path, body, other) == 403


async def test_api_without_the_csrf_header_or_from_another_site_is_refused(
        server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    other = await account(db, "other@example.org", "facilitator")
    posts = [("POST", "/login", {"email": "a@example.org", "password": "x" * 12})] + [a for a in API if a[0] == "POST"]
    before = await counts(db)
    try:
        for method, path, body in posts:
            url = server.url + "/api/v1" + path.replace("{id}", str(other))
            no_token = await boss.session.request(method, url, json=body)
            assert no_token.status == 403, path
            assert "did not come from this site" in (await no_token.json())["error"]
            foreign = await boss.session.request(method, url, json=body, headers={
                "X-CSRF-Token": boss.csrf(), "Origin": "https://evil.example"})
            assert foreign.status == 403 and "another site" in (await foreign.json())["error"], path
        assert (await boss.api("GET", "/me")).status == 200  # still signed in: logout was refused too
    finally:
        await boss.close()
    assert await counts(db) == before


async def test_forms_without_the_token_or_from_another_site_are_refused(
        server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    other = await account(db, "other@example.org", "facilitator")
    form = {"email": "x@example.org", "role": "convenor"}
    before = await counts(db)
    try:
        for path in ("/staff/invite", "/staff/{id}/disable", "/staff/{id}/reset-link", "/logout"):
            url = server.url + path.replace("{id}", str(other))
            assert (await boss.session.post(url, data=form)).status == 403, path
            foreign = await boss.session.post(url, data={**form, "csrf_token": boss.csrf()},
                                              headers={"Origin": "https://evil.example"})
            assert foreign.status == 403, path
    finally:
        await boss.close()
    assert await counts(db) == before
