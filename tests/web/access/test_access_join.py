"""Residents join with a code: once for single-use codes, up to the cap for open codes,
never with an expired or revoked one; the page flow works without JavaScript."""

from __future__ import annotations

import asyncio
import hashlib
import re
from datetime import UTC, datetime, timedelta

from tests.web.access.test_access_support import World, device_cookie, join, world  # noqa: F401
from tests.web.conftest import page_text


async def test_resident_joins_through_the_pages_with_a_sloppily_typed_code(world: World) -> None:
    [code] = await world.codes()
    c = world.client()
    try:
        typed = " " + code.lower().replace("-", " - ") + " "
        resp = await c.post_form("/join", {"code": typed})
        assert resp.status == 200 and resp.url.path == f"/join/{code.replace('-', '')}"
        assert "Green streets" in page_text(await resp.text())
        assert (await world.code_row(code))["uses"] == 0, "checking a code must not use it"

        resp = await c.post_form(resp.url.path, {"display_name": "  Ana  Lopez ", "name_public": "yes"})
        assert resp.status == 200 and resp.url.path == "/welcome"
        shown = re.search(r'id="recovery-code">([A-Z0-9-]+)<', await resp.text())
        assert shown and len(shown[1]) == 19, "four groups of four, dashed"
        set_cookie = next(h for h in resp.history[0].headers.getall("Set-Cookie") if h.startswith("oxp_device="))
        assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Max-Age=2592000" in set_cookie

        row = await world.db.fetchrow("SELECT id, display_name, name_public, recovery_hash, kind FROM participants")
        assert (row["display_name"], row["name_public"], row["kind"]) == ("Ana Lopez", True, "resident")
        assert row["recovery_hash"] == hashlib.sha256(shown[1].replace("-", "").encode()).digest()
        token = device_cookie(c)
        assert token and await world.db.fetchval(
            "SELECT participant_id FROM devices WHERE token_hash = $1", hashlib.sha256(token.encode()).digest()
        ) == row["id"]

        again = await c.get("/welcome")
        assert again.url.path == f"/i/{world.inquiry_id}", "the recovery code is shown once"
        assert shown[1] not in await again.text()
        assert "How should we spend the street fund?" in page_text(await again.text())
        assert f'href="/s/{world.session_id}"' in await again.text(), "the home page leads to the live room"
        assert (await world.code_row(code))["uses"] == 1
    finally:
        await c.close()


async def test_name_is_private_unless_ticked(world: World) -> None:
    [code] = await world.codes()
    c = world.client()
    try:
        resp = await c.get(f"/join/{code}")
        box = re.search(r'<input type="checkbox" id="name_public"[^>]*>', await resp.text())
        assert box and "checked" not in box[0]
        await c.post_form(f"/join/{code}", {"display_name": "Bo"})
        assert await world.db.fetchval("SELECT name_public FROM participants") is False
    finally:
        await c.close()


async def test_single_use_code_works_once(world: World) -> None:
    [code] = await world.codes()
    first, second = world.client(), world.client()
    try:
        assert (await join(first, code))[0] == 201
        status, body = await join(second, code, "Bo")
        assert status == 410 and "already been used" in str(body["error"])
        resp = await second.post_form(f"/join/{code}", {"display_name": "Bo"})
        assert resp.status == 410 and "already been used" in page_text(await resp.text())
        assert await world.participants() == 1
        assert (await world.code_row(code))["uses"] == 1
    finally:
        await first.close()
        await second.close()


async def test_two_phones_racing_for_one_code_only_one_gets_in(world: World) -> None:
    [code] = await world.codes()
    phones = [world.client() for _ in range(6)]
    try:
        results = await asyncio.gather(*(join(p, code, f"P{i}") for i, p in enumerate(phones)))
        assert sorted(s for s, _ in results) == [201, 410, 410, 410, 410, 410]
        assert await world.participants() == 1
    finally:
        for p in phones:
            await p.close()


async def test_open_code_stops_at_its_cap(world: World) -> None:
    [code] = await world.codes("resident_open", max_uses=2, expires_days=7)
    phones = [world.client() for _ in range(3)]
    try:
        assert [(await join(p, code))[0] for p in phones[:2]] == [201, 201]
        status, body = await join(phones[2], code)
        assert status == 410 and "limit of 2 people" in str(body["error"])
        assert await world.participants() == 2
    finally:
        for p in phones:
            await p.close()


async def test_expired_and_revoked_codes_are_refused_and_reissue_works(world: World) -> None:
    expired, revoked = await world.codes(count=2)
    await world.db.execute("UPDATE access_codes SET expires_at = now() - interval '1 hour' WHERE code = $1",
                           expired.replace("-", ""))
    revoked_id = (await world.code_row(revoked))["id"]
    assert (await world.staff.api("POST", f"/codes/{revoked_id}/revoke")).status == 200
    c = world.client()
    try:
        status, body = await join(c, expired)
        assert status == 410 and "expired on" in str(body["error"])
        status, body = await join(c, revoked)
        assert status == 410 and "withdrawn" in str(body["error"])

        old_id = (await world.code_row(expired))["id"]
        resp = await world.staff.api("POST", f"/codes/{old_id}/reissue")
        assert resp.status == 201
        new = await resp.json()
        assert new["replaces"] == old_id and new["status"] == "unused"
        assert datetime.fromisoformat(new["expires_at"]) > datetime.now(UTC) + timedelta(minutes=1)
        assert (await join(c, new["code"]))[0] == 201
        assert (await world.code_row(expired))["revoked_at"] is not None
    finally:
        await c.close()


async def test_unknown_and_malformed_codes_get_clear_messages(world: World) -> None:
    c = world.client()
    try:
        resp = await c.post_form("/join", {"code": "ACDE-FGHJ"})
        assert resp.status == 404 and "There is no code ACDE-FGHJ" in page_text(await resp.text())
        assert 'value="ACDE-FGHJ"' in await resp.text(), "what was typed stays in the form"
        resp = await c.post_form("/join", {"code": "1234"})
        assert resp.status == 400 and "never contain 1, 2" in page_text(await resp.text())
        resp = await c.post_form("/join", {"code": ""})
        assert resp.status == 400
        resp = await c.get("/join/ACDEFGH")
        assert resp.status == 400 and "8 characters" in page_text(await resp.text())
    finally:
        await c.close()


async def test_bad_names_are_refused_and_change_nothing(world: World) -> None:
    [code] = await world.codes()
    c = world.client()
    try:
        for name, words in (("", "Choose a name"), ("x" * 61, "keep it to 60"), ("a\u0007b", "cannot be shown")):
            resp = await c.post_form(f"/join/{code}", {"display_name": name})
            assert resp.status == 400 and words in page_text(await resp.text())
            status, body = await join(c, code, name)
            assert status == 400 and words in str(body["error"])
        resp = await c.api("POST", "/join", {"code": code, "display_name": "Ana", "extra": 1})
        assert resp.status == 400 and "extra" in (await resp.json())["error"]
        resp = await c.api("POST", "/join", {"code": code, "display_name": "Ana", "name_public": "yes"})
        assert resp.status == 400
        assert (await world.code_row(code))["uses"] == 0 and await world.participants() == 0
    finally:
        await c.close()


async def test_a_browser_cannot_join_the_same_inquiry_twice(world: World) -> None:
    first, second = await world.codes(count=2)
    c = world.client()
    try:
        assert (await join(c, first))[0] == 201
        status, body = await join(c, second, "Again")
        assert status == 409 and "already joined this inquiry as Ana" in str(body["error"])
        assert (await world.code_row(second))["uses"] == 0
        resp = await c.get(f"/join/{second}")
        assert "already joined as" in page_text(await resp.text())
    finally:
        await c.close()
