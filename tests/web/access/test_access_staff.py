"""Convenors and the inquiry's facilitators manage codes and participants; nobody else
can, and bad input is refused with a clear message and changes nothing."""

from __future__ import annotations

import pytest

from tests.factories import login_cookie, make_inquiry, make_staff
from tests.web.access.test_access_support import World, join, signed_in, world  # noqa: F401
from tests.web.conftest import page_text


async def test_generate_list_print_and_audit_through_the_pages(world: World) -> None:
    iid = world.inquiry_id
    resp = await world.staff.post_form(f"/inquiries/{iid}/access/codes",
                                       {"kind": "resident_single", "count": "3", "label": "Panel A",
                                        "max_uses": "", "expires_days": ""})
    assert resp.status == 200 and resp.url.path == f"/inquiries/{iid}/access"
    text = page_text(await resp.text())
    assert "3 new codes made" in text and text.count("Panel A") == 3
    resp = await world.staff.post_form(f"/inquiries/{iid}/access/codes",
                                       {"kind": "resident_open", "count": "1", "label": "Library poster",
                                        "max_uses": "40", "expires_days": "14"})
    assert "0 / 40" in page_text(await resp.text())
    codes = [r["code"] for r in await world.db.fetch("SELECT code FROM access_codes ORDER BY id")]
    assert len(codes) == 4

    resp = await world.staff.get(f"/inquiries/{iid}/access/print")
    html = await resp.text()
    assert resp.status == 200 and html.count("<svg") == 4
    for code in codes:
        assert f"{code[:4]}-{code[4:]}" in html and f"/join/{code}" in html
    css = await world.staff.get("/static/access.css")
    assert "@media print" in await css.text() and 'href="/static/access.css"' in html
    audit = await world.db.fetch("SELECT action, detail::text FROM audit_log ORDER BY id")
    assert [a["action"] for a in audit] == ["access.codes_generated", "access.codes_generated"]
    assert '"count": 3' in audit[0]["detail"]


async def test_only_convenors_and_assigned_facilitators_manage(world: World) -> None:
    facilitator = await make_staff(world.db, "fac@example.org", "facilitator")
    fac = signed_in(world.server, await login_cookie(world.db, facilitator))
    try:
        assert (await fac.get(f"/inquiries/{world.inquiry_id}/access")).status == 403
        resp = await fac.api("POST", f"/inquiries/{world.inquiry_id}/codes", {"kind": "resident_single"})
        assert resp.status == 403 and "facilitators" in (await resp.json())["error"]
        await world.db.execute("INSERT INTO inquiry_staff (inquiry_id, staff_id) VALUES ($1, $2)",
                               world.inquiry_id, facilitator)
        assert (await fac.get(f"/inquiries/{world.inquiry_id}/access")).status == 200
        resp = await fac.api("POST", f"/inquiries/{world.inquiry_id}/codes", {"kind": "resident_single"})
        assert resp.status == 201
        other = await make_inquiry(world.db, world.staff_id, "Other")
        assert (await fac.api("GET", f"/inquiries/{other}/codes")).status == 403
    finally:
        await fac.close()


async def test_a_residents_device_cannot_reach_staff_pages_or_api(world: World) -> None:
    [code] = await world.codes()
    c = world.client()
    try:
        _, joined = await join(c, code)
        iid, pid = world.inquiry_id, joined["participant_id"]
        for path in (f"/inquiries/{iid}/access", f"/inquiries/{iid}/access/print", f"/inquiries/{iid}/participants"):
            resp = await c.get(path, allow_redirects=False)
            assert resp.status == 403 and code not in await resp.text()
        for method, path in (("GET", f"/inquiries/{iid}/codes"), ("POST", f"/inquiries/{iid}/codes"),
                             ("GET", f"/inquiries/{iid}/participants"), ("POST", "/codes/1/revoke"),
                             ("POST", "/codes/1/reissue"), ("POST", f"/inquiries/{iid}/expert-links"),
                             ("POST", f"/participants/{pid}/reissue-access")):
            resp = await c.api(method, path, {"kind": "resident_single"} if path.endswith("codes") else None)
            assert resp.status == 403, (path, resp.status)
            assert "staff only" in (await resp.json())["error"]
        resp = await c.post_form(f"/inquiries/{iid}/access/codes", {"kind": "resident_single", "count": "5"})
        assert resp.status == 403
        assert await world.db.fetchval("SELECT count(*) FROM access_codes") == 1
        assert (await world.code_row(code))["revoked_at"] is None
    finally:
        await c.close()


@pytest.mark.parametrize("body, words", [
    ({"kind": "resident_single", "count": 0}, "between 1 and 500"),
    ({"kind": "resident_single", "count": 501}, "between 1 and 500"),
    ({"kind": "resident_single", "count": "5"}, "count"),
    ({"kind": "resident_single", "max_uses": 3}, "single-use code is used once"),
    ({"kind": "resident_open", "expires_days": 5}, "limit on how many"),
    ({"kind": "resident_open", "max_uses": 5}, "needs an expiry"),
    ({"kind": "resident_open", "max_uses": 5, "expires_days": 400}, "between 1 and 366"),
    ({"kind": "expert"}, "kind"),
    ({"kind": "resident_single", "label": "x" * 101}, "label"),
    ({"kind": "resident_single", "surprise": True}, "surprise"),
])
async def test_bad_code_requests_are_refused_and_change_nothing(world: World, body: dict[str, object],
                                                                 words: str) -> None:
    resp = await world.staff.api("POST", f"/inquiries/{world.inquiry_id}/codes", body)
    assert resp.status == 400 and words in (await resp.json())["error"]
    assert await world.db.fetchval("SELECT count(*) FROM access_codes") == 0
    assert await world.db.fetchval("SELECT count(*) FROM audit_log") == 0


async def test_bad_link_requests_and_forms_are_refused(world: World) -> None:
    iid = world.inquiry_id
    other_session = await world.db.fetchval(
        "INSERT INTO sessions (inquiry_id, title, scheduled_at) VALUES ($1, 'X', now()) RETURNING id",
        await make_inquiry(world.db, world.staff_id, "Other"))
    for body, words in (({"label": "Dr R"}, "Choose the session"),
                        ({"session_id": world.session_id}, "expert's name"),
                        ({"label": "Dr R", "session_id": other_session}, "not part of this inquiry"),
                        ({"label": "Dr R", "session_id": world.session_id, "max_uses": 3}, "Only observer")):
        resp = await world.staff.api("POST", f"/inquiries/{iid}/expert-links", body)
        assert resp.status == 400 and words in (await resp.json())["error"], body
    resp = await world.staff.post_form(f"/inquiries/{iid}/access/codes", {"kind": "resident_open", "count": "two"})
    assert resp.status == 400 and "whole number" in page_text(await resp.text())
    resp = await world.staff.post_form(f"/inquiries/{iid}/access/links", {"kind": "resident", "label": "x"})
    assert resp.status == 400
    assert (await world.staff.api("GET", "/inquiries/999/codes")).status == 404
    assert (await world.staff.api("POST", "/codes/999/revoke")).status == 404
    assert await world.db.fetchval("SELECT count(*) FROM access_codes") == 0


async def test_revoke_twice_and_reissue_of_a_used_code_are_refused(world: World) -> None:
    used, fresh = await world.codes(count=2)
    c = world.client()
    try:
        await join(c, used)
        used_id, fresh_id = (await world.code_row(used))["id"], (await world.code_row(fresh))["id"]
        resp = await world.staff.api("POST", f"/codes/{used_id}/reissue")
        assert resp.status == 409 and "participants page" in (await resp.json())["error"]
        assert (await world.staff.api("POST", f"/codes/{fresh_id}/revoke")).status == 200
        resp = await world.staff.api("POST", f"/codes/{fresh_id}/revoke")
        assert resp.status == 409 and "already revoked" in (await resp.json())["error"]
        assert (await world.staff.api("POST", f"/codes/{fresh_id}/reissue")).status == 201
        resp = await world.staff.api("POST", f"/codes/{fresh_id}/reissue")
        assert resp.status == 409 and "already re-issued" in (await resp.json())["error"]
        assert await world.db.fetchval("SELECT count(*) FROM access_codes") == 3
    finally:
        await c.close()


async def test_participants_page_lists_people_with_their_devices(world: World) -> None:
    first, second = await world.codes(count=2, label="Panel A")
    a, b = world.client(), world.client()
    try:
        await join(a, first, "Ana")
        await join(b, second, "Bo <b>", public=True)
        resp = await world.staff.get(f"/inquiries/{world.inquiry_id}/participants")
        assert "Bo &lt;b&gt;" in await resp.text(), "names are shown as typed, never as markup"
        text = page_text(await resp.text())
        assert "Participants (2)" in text and "Ana (Panel A)" in text
        resp = await world.staff.api("GET", f"/inquiries/{world.inquiry_id}/participants")
        people = await resp.json()
        assert [(p["display_name"], p["live_devices"], p["name_public"]) for p in people] == [
            ("Ana", 1, False), ("Bo <b>", 1, True)]
    finally:
        await a.close()
        await b.close()


async def test_api_is_in_the_openapi_document(world: World) -> None:
    paths = (await (await world.staff.get("/api/v1/openapi.json")).json())["paths"]
    for path in ("/api/v1/join", "/api/v1/recover", "/api/v1/me/participant",
                 r"/api/v1/inquiries/{inquiry_id}/codes", r"/api/v1/codes/{code_id}/reissue",
                 r"/api/v1/inquiries/{inquiry_id}/expert-links"):
        assert path in paths, path
