"""Expert links work once and only when confirmed; observer links are reusable and read-only."""

from __future__ import annotations

from tests.web.access.test_access_support import World, join, world  # noqa: F401
from tests.web.conftest import page_text


async def expert_link(world: World, name: str = "Dr Rhino") -> tuple[int, str]:
    resp = await world.staff.api("POST", f"/inquiries/{world.inquiry_id}/expert-links",
                                 {"label": name, "session_id": world.session_id, "expires_days": 10})
    assert resp.status == 201, await resp.text()
    body = await resp.json()
    return body["id"], body["url"].split(world.server.url)[1]


async def test_opening_an_expert_link_does_not_use_it_confirming_does_once(world: World) -> None:
    code_id, path = await expert_link(world)
    scanner, expert, late = world.client(), world.client(), world.client()
    try:
        for _ in range(3):  # a mail scanner, a preview, the expert reading it
            resp = await scanner.get(path)
            assert resp.status == 200
            assert "Dr Rhino" in page_text(await resp.text()) and "Session 1" in page_text(await resp.text())
        assert await world.db.fetchval("SELECT uses FROM access_codes WHERE id = $1", code_id) == 0
        assert await world.participants() == 0

        resp = await expert.post_form(path, {})
        assert resp.status == 200 and resp.url.path == f"/i/{world.inquiry_id}"
        me = await (await expert.api("GET", "/me/participant")).json()
        assert (me["role"], me["session_id"], me["display_name"]) == ("expert", world.session_id, "Dr Rhino")

        resp = await late.post_form(path, {})
        assert resp.status == 410 and "already been used" in page_text(await resp.text())
        assert (await late.get(path)).status == 410
        assert await world.participants() == 1
    finally:
        for c in (scanner, expert, late):
            await c.close()


async def test_expert_link_through_the_api(world: World) -> None:
    _, path = await expert_link(world)
    secret = path.rsplit("/", 1)[1]
    c, other = world.client(), world.client()
    try:
        resp = await c.api("POST", "/expert-links/use", {"secret": secret})
        assert resp.status == 201 and (await resp.json())["role"] == "expert"
        resp = await other.api("POST", "/expert-links/use", {"secret": secret})
        assert resp.status == 410
        resp = await other.api("POST", "/observer-links/use", {"secret": secret})
        assert resp.status == 404, "an expert link is not an observer link"
    finally:
        await c.close()
        await other.close()


async def test_observer_link_is_reusable_and_read_only(world: World) -> None:
    resp = await world.staff.api("POST", f"/inquiries/{world.inquiry_id}/observer-links",
                                 {"label": "Oversight panel"})
    assert resp.status == 201
    path = (await resp.json())["url"].split(world.server.url)[1]
    assert path.startswith("/observe/")
    watchers = [world.client() for _ in range(2)]
    try:
        for w in watchers:
            assert (await w.get(path)).status == 200
            resp = await w.post_form(path, {})
            assert resp.url.path == f"/i/{world.inquiry_id}"
            assert "observer, read-only" in page_text(await resp.text())
        kinds = [r["kind"] for r in await world.db.fetch("SELECT kind FROM participants")]
        assert kinds == ["observer", "observer"]
    finally:
        for w in watchers:
            await w.close()


async def test_unknown_and_revoked_links_are_refused(world: World) -> None:
    code_id, path = await expert_link(world)
    c = world.client()
    try:
        resp = await c.get("/expert/not-a-real-secret")
        assert resp.status == 404 and "not valid" in page_text(await resp.text())
        assert (await world.staff.api("POST", f"/codes/{code_id}/revoke")).status == 200
        resp = await c.get(path)
        assert resp.status == 410 and "withdrawn" in page_text(await resp.text())
        assert (await c.post_form(path, {})).status == 410
        assert await world.participants() == 0
    finally:
        await c.close()


async def test_an_expert_link_can_be_reissued_and_the_old_one_stops(world: World) -> None:
    code_id, old_path = await expert_link(world)
    resp = await world.staff.post_form(f"/access/codes/{code_id}/reissue", {})
    assert resp.status == 200
    text = page_text(await resp.text())
    assert "shown only once" in text
    new_path = "/expert/" + text.split("/expert/")[1].split()[0]
    c = world.client()
    try:
        assert (await c.get(old_path)).status == 410
        assert (await c.post_form(new_path, {})).url.path == f"/i/{world.inquiry_id}"
    finally:
        await c.close()
