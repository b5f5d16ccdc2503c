"""A resident who changes phone comes back as the same resident; revoked, expired and
removed access is refused; staff can re-issue a resident's access."""

from __future__ import annotations

from tests.web.access.test_access_support import World, join, world  # noqa: F401
from tests.web.conftest import page_text


async def test_recovery_code_brings_back_the_same_resident_on_a_new_client(world: World) -> None:
    [code] = await world.codes()
    old, new, api = world.client(), world.client(), world.client()
    try:
        status, body = await join(old, code)
        recovery = str(body["recovery_code"])
        assert status == 201 and len(recovery) == 16
        resp = await new.post_form("/recover", {"recovery_code": recovery.lower()[:8] + " " + recovery[8:]})
        assert resp.status == 200 and resp.url.path == f"/i/{world.inquiry_id}"
        me = await (await new.api("GET", "/me/participant")).json()
        assert me["id"] == body["participant_id"] and me["display_name"] == "Ana"

        resp = await api.api("POST", "/recover", {"recovery_code": recovery})
        assert resp.status == 201 and (await resp.json())["participant_id"] == body["participant_id"]
        assert "recovery_code" not in (await resp.json()) or (await resp.json())["recovery_code"] is None
        assert (await old.get(f"/i/{world.inquiry_id}")).status == 200, "other devices keep working"
        assert await world.participants() == 1
    finally:
        for c in (old, new, api):
            await c.close()


async def test_wrong_recovery_code_is_refused_clearly(world: World) -> None:
    c = world.client()
    try:
        resp = await c.post_form("/recover", {"recovery_code": "ACDE-FGHJ-KMNP-QRTW"})
        assert resp.status == 404 and "does not match anyone" in page_text(await resp.text())
        resp = await c.post_form("/recover", {"recovery_code": "short"})
        assert resp.status == 400 and "16 characters" in page_text(await resp.text())
        resp = await c.api("POST", "/recover", {"recovery_code": 1234})
        assert resp.status == 400
        assert (await c.get(f"/i/{world.inquiry_id}")).status == 403
    finally:
        await c.close()


async def test_revoked_and_expired_devices_are_refused(world: World) -> None:
    first, second = await world.codes(count=2)
    revoked, expired = world.client(), world.client()
    try:
        _, a = await join(revoked, first)
        _, b = await join(expired, second, "Bo")
        resp = await world.staff.api("POST", f"/participants/{a['participant_id']}/revoke-devices")
        assert resp.status == 200 and (await resp.json())["devices_revoked"] == 1
        await world.db.execute("UPDATE devices SET expires_at = now() - interval '1 second' "
                               "WHERE participant_id = $1", b["participant_id"])
        for c in (revoked, expired):
            page = await c.get(f"/i/{world.inquiry_id}")
            assert page.status == 403 and "Join with your code" in page_text(await page.text())
            assert (await c.api("GET", "/me/participant")).status == 403
    finally:
        await revoked.close()
        await expired.close()


async def test_staff_reissue_access_signs_out_old_devices_and_replaces_the_recovery_code(world: World) -> None:
    [code] = await world.codes()
    old, new = world.client(), world.client()
    try:
        _, joined = await join(old, code)
        pid = joined["participant_id"]
        resp = await world.staff.post_form(f"/participants/{pid}/reissue-access", {})
        assert resp.status == 200
        text = page_text(await resp.text())
        assert "New access for Ana" in text and "/recover/" in text
        fresh = text.split("/recover/")[1].split()[0]
        assert (await old.get(f"/i/{world.inquiry_id}")).status == 403
        assert (await old.api("POST", "/recover", {"recovery_code": joined["recovery_code"]})).status == 404

        link = await new.get(f"/recover/{fresh}")
        assert fresh in await link.text(), "the link fills in the code; opening it uses nothing"
        resp = await new.post_form("/recover", {"recovery_code": fresh})
        assert resp.url.path == f"/i/{world.inquiry_id}"
        assert (await (await new.api("GET", "/me/participant")).json())["id"] == pid
        actions = [r["action"] for r in await world.db.fetch("SELECT action FROM audit_log ORDER BY id")]
        assert "access.access_reissued" in actions
    finally:
        await old.close()
        await new.close()


async def test_removed_participant_cannot_come_back(world: World) -> None:
    [code] = await world.codes()
    c, again = world.client(), world.client()
    try:
        _, joined = await join(c, code)
        resp = await world.staff.post_form(f"/participants/{joined['participant_id']}/remove", {})
        assert resp.status == 200 and resp.url.path == f"/inquiries/{world.inquiry_id}/participants"
        assert "removed" in page_text(await resp.text())
        assert (await c.get(f"/i/{world.inquiry_id}")).status == 403
        assert (await again.api("POST", "/recover", {"recovery_code": joined["recovery_code"]})).status == 404
        resp = await world.staff.api("POST", f"/participants/{joined['participant_id']}/remove")
        assert resp.status == 409 and "already removed" in (await resp.json())["error"]
    finally:
        await c.close()
        await again.close()
