"""Moderation, presence, timers, materials, pages without JavaScript, and the expert's browser mark."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp
import asyncpg
import pytest
import socketio

from inquiry.room.db import select_due_deadlines
from tests.web.conftest import Server
from tests.web.room.test_room_support import Http, Live, make_cast
from web.realtime import events


async def live_session(server: Server, db: asyncpg.Connection, phase: str = "deliberation",
                       experts: int = 0) -> tuple[object, Http, list[Http]]:
    cast = await make_cast(db, facilitators=1, experts=experts, residents=3, observers=0)
    fac = Http(server.url, {"oxp_staff": cast.staff[0][1]})
    residents = [Http(server.url, {"oxp_device": d}) for _, d in cast.residents]
    for to in {"deliberation": ["check_in", "deliberation"], "check_in": ["check_in"], "scheduled": []}[phase]:
        assert (await fac.act(cast.session_id, "advance_phase", to=to))[0] == 200
    return cast, fac, residents


async def test_hide_mute_remove_slow_mode_and_the_csv_log(server: Server, db: asyncpg.Connection) -> None:
    cast, fac, (author, other, third) = await live_session(server, db)
    s = cast.session_id  # type: ignore[attr-defined]
    watcher = cast.live(server.url, "residents", 1)  # type: ignore[attr-defined]
    removed = cast.live(server.url, "residents", 2)  # type: ignore[attr-defined]
    await watcher.connect()
    await removed.connect()
    try:
        message_id = (await author.act(s, "post_message", body="Rude words"))[1]["message_id"]
        assert (await fac.act(s, "moderate", command="hide", message_id=message_id, reason="Be kind"))[0] == 200
        await watcher.wait_for(lambda e: e["type"] == "message_hidden" and e["message_id"] == message_id)
        assert "Rude words" not in (await other.request("GET", f"/s/{s}"))[1]
        own = (await author.request("GET", f"/s/{s}"))[1]
        assert "Rude words" in own and "Hidden by a facilitator: Be kind" in own
        status, log = await author.request("GET", f"/api/v1/sessions/{s}/log?after=0")
        notice = [e for e in log["events"] if e["type"] == "moderation_notice"]
        assert notice == [{**notice[0], "action": "hide", "reason": "Be kind", "message_id": message_id}]
        assert not [e for e in (await other.request("GET", f"/api/v1/sessions/{s}/log?after=0"))[1]["events"]
                    if e["type"] == "moderation_notice"]

        author_id = cast.residents[0][0]  # type: ignore[attr-defined]
        assert (await fac.act(s, "moderate", command="mute", participant_id=author_id, minutes=5))[0] == 200
        status, body = await author.act(s, "post_message", body="still here")
        assert status == 409 and "muted" in body["error"]
        assert (await fac.act(s, "moderate", command="unmute", participant_id=author_id))[0] == 200
        assert (await author.act(s, "post_message", body="thanks"))[0] == 200

        assert (await fac.act(s, "moderate", command="slow_mode", seconds=30))[0] == 200
        assert (await other.act(s, "post_message", body="one"))[0] == 200
        status, body = await other.act(s, "post_message", body="two")
        assert status == 429 and "Slow mode" in body["error"]

        third_id = cast.residents[2][0]  # type: ignore[attr-defined]
        assert (await fac.act(s, "moderate", command="remove", participant_id=third_id))[0] == 200
        await removed.wait_left()
        assert not removed.sio.connected
        again = Live(server.url, removed.cookies, s)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await again.connect()
        assert "removed" in again.refusal
        assert (await third.act(s, "post_message", body="let me in"))[0] == 403

        status, csv_text = await fac.request("GET", f"/s/{s}/moderation.csv")
        assert status == 200
        lines = csv_text.strip().splitlines()
        assert lines[0] == "at,staff,action,participant,message_id,reason"
        assert [line.split(",")[2] for line in lines[1:]] == ["hide", "mute", "unmute", "slow_mode", "remove"]
        assert (await other.request("GET", f"/s/{s}/moderation.csv"))[0] == 403
    finally:
        await watcher.close()
        for h in (fac, author, other, third):
            await h.close()


async def test_presence_count_for_residents_and_names_for_facilitators(server: Server,
                                                                       db: asyncpg.Connection) -> None:
    cast, fac_http, residents = await live_session(server, db, phase="check_in")
    fac = cast.live(server.url, "staff")  # type: ignore[attr-defined]
    r0, r1 = (cast.live(server.url, "residents", i) for i in range(2))  # type: ignore[attr-defined]
    for c in (fac, r0, r1):
        await c.connect()
    two = await r0.wait_for_ephemeral(lambda e: e["type"] == "presence" and e["residents"] == 2)
    assert two == {"type": "presence", "residents": 2, "names": None}
    # Facilitators get the room's count too; theirs is the one with names.
    names = (await fac.wait_for_ephemeral(lambda e: e["type"] == "presence" and e["residents"] == 2
                                          and e["names"] is not None))["names"]
    assert "Resident 0 (resident)" in names and "Facilitator 0 (facilitator)" in names
    for c in (fac, r0, r1):
        await c.close()
    for h in (fac_http, *residents):
        await h.close()


async def test_a_form_post_without_javascript_shows_on_reload(server: Server, db: asyncpg.Connection) -> None:
    cast, fac, residents = await live_session(server, db, phase="check_in")
    s = cast.session_id  # type: ignore[attr-defined]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        browser.cookie_jar.update_cookies({"oxp_device": cast.residents[0][1]},  # type: ignore[attr-defined]
                                          aiohttp.client.URL(server.url))
        page = await (await browser.get(f"{server.url}/s/{s}")).text()
        assert "Your message" in page
        csrf = next(c.value for c in browser.cookie_jar if c.key == "oxp_csrf")
        resp = await browser.post(f"{server.url}/s/{s}/do/post_message",
                                  data={"csrf_token": csrf, "key": "form-key-0001", "body": "Posted without JS"})
        assert resp.status == 200 and str(resp.url).endswith(f"/s/{s}")
        assert "Posted without JS" in await resp.text()
    for h in (fac, *residents):
        await h.close()


class Polls:
    """Counts the deadline watcher's looks at the timers, so a test can wait for the next ones."""

    def __init__(self, real: Callable[[asyncpg.Connection], Awaitable[list[int]]]) -> None:
        self.real, self.count, self.changed = real, 0, asyncio.Event()

    async def __call__(self, conn: asyncpg.Connection) -> list[int]:
        try:
            return await self.real(conn)
        finally:
            self.count += 1
            self.changed.set()

    async def reach(self, n: int, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while self.count < n:
                self.changed.clear()
                await self.changed.wait()


async def test_timer_runs_on_the_server_and_is_announced_once(server: Server, db: asyncpg.Connection,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    polls = Polls(select_due_deadlines)
    monkeypatch.setattr(events, "select_due_deadlines", polls)
    cast, fac, residents = await live_session(server, db, phase="check_in")
    s = cast.session_id  # type: ignore[attr-defined]
    r0 = cast.live(server.url, "residents", 0)  # type: ignore[attr-defined]
    await r0.connect()
    assert (await fac.act(s, "control_timer", command="extend", minutes=2))[0] == 200
    changed = await r0.wait_for(lambda e: e["type"] == "timer_changed")
    assert 110 <= changed["seconds_left"] <= 120
    await db.execute("UPDATE sessions SET deadline = now() - interval '1 second' WHERE id = $1", s)
    await r0.wait_for(lambda e: e["type"] == "timer_expired", timeout=5)
    # Two more looks at the timers after the one that announced it (one a second), then a
    # post as a barrier: a second announcement would have reached r0 before it.
    await polls.reach(polls.count + 2, timeout=3 * events.DEADLINE_POLL + 5)
    barrier = (await fac.act(s, "post_message", body="barrier"))[1]["message_id"]
    await r0.wait_for(lambda e: e["type"] == "message_posted" and e["message_id"] == barrier)
    assert r0.types().count("timer_expired") == 1
    await r0.close()
    for h in (fac, *residents):
        await h.close()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_pdf_reaches_residents_when_the_briefing_starts(server: Server, db: asyncpg.Connection) -> None:
    cast, fac, residents = await live_session(server, db, phase="check_in", experts=1)
    s = cast.session_id  # type: ignore[attr-defined]
    expert_id, expert_cookie = cast.experts[0]  # type: ignore[attr-defined]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as expert:
        expert.cookie_jar.update_cookies({"oxp_device": expert_cookie}, aiohttp.client.URL(server.url))
        assert (await expert.get(f"{server.url}/s/{s}")).status == 200
        csrf = next(c.value for c in expert.cookie_jar if c.key == "oxp_csrf")
        form = aiohttp.FormData()
        form.add_field("csrf_token", csrf)
        form.add_field("title", "Costings")
        form.add_field("pdf", PDF, filename="costings.pdf", content_type="application/pdf")
        assert (await expert.post(f"{server.url}/s/{s}/materials", data=form)).status == 200
    material_id = await db.fetchval("SELECT id FROM expert_materials WHERE session_id = $1", s)
    assert (await residents[0].request("GET", f"/s/{s}/materials/{material_id}"))[0] == 404
    assert (await fac.act(s, "advance_phase", to="briefing", expert_id=expert_id))[0] == 200
    status, log = await residents[0].request("GET", f"/api/v1/sessions/{s}/log?after=0")
    shared = [e for e in log["events"] if e["type"] == "material_shared"]
    assert shared[0]["title"] == "Costings" and shared[0]["url"] == f"/s/{s}/materials/{material_id}"
    async with aiohttp.ClientSession() as plain:
        resp = await plain.get(f"{server.url}{shared[0]['url']}", headers={"Cookie": f"oxp_device={cast.residents[0][1]}"})  # type: ignore[attr-defined]
        assert resp.status == 200 and await resp.read() == PDF
    for h in (fac, *residents):
        await h.close()


async def test_a_withdrawn_experts_browser_cannot_return_as_a_resident(server: Server,
                                                                       db: asyncpg.Connection) -> None:
    cast, fac, residents = await live_session(server, db, phase="check_in", experts=1)
    s = cast.session_id  # type: ignore[attr-defined]
    expert_id, expert_cookie = cast.experts[0]  # type: ignore[attr-defined]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        browser.cookie_jar.update_cookies({"oxp_device": expert_cookie}, aiohttp.client.URL(server.url))
        assert (await browser.get(f"{server.url}/s/{s}")).status == 200
        mark = next(c.value for c in browser.cookie_jar if c.key == "oxp_expert_mark")
        for to in ("briefing", "questioning", "withdrawal"):
            assert (await fac.act(s, "advance_phase", to=to, expert_id=expert_id, confirm=True))[0] == 200
        # The same browser now joins as a resident (a new device cookie); the mark stays.
        browser.cookie_jar.update_cookies({"oxp_device": cast.residents[0][1]},  # type: ignore[attr-defined]
                                          aiohttp.client.URL(server.url))
        assert (await browser.get(f"{server.url}/s/{s}")).status == 403
    comeback = Live(server.url, {"oxp_device": cast.residents[0][1], "oxp_expert_mark": mark}, s)  # type: ignore[attr-defined]
    with pytest.raises(socketio.exceptions.ConnectionError):
        await comeback.connect()
    assert "withdrawn" in comeback.refusal
    assert (await residents[1].request("GET", f"/s/{s}"))[0] == 200  # other residents are unaffected
    for h in (fac, *residents):
        await h.close()
