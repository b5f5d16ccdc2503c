"""Events that cross in flight (two processes commit within milliseconds) still reach the view.

The server side: `resume` from the lowest seq a client does not know returns every
event above it that the client may see, already-applied ones included, and its
`last_seq` bounds what the ack covers. The client side: room.js in Chromium,
fed crossed events through socket.io-client's own `onAny` listener.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from playwright.async_api import Browser, expect

from tests.browser import PHONE, screenshot_path
from tests.web.conftest import Server
from tests.web.room.test_room_support import make_cast


async def test_resume_from_a_lower_seq_repeats_what_was_applied_and_covers_up_to_last_seq(
        server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=1, residents=2, observers=0)
    fac, me, other = cast.live(server.url, "staff"), cast.live(server.url, "residents", 0), \
        cast.live(server.url, "residents", 1)
    for c in (fac, me, other):
        await c.connect()
    try:
        assert (await fac.call("advance_phase", to="check_in"))["ok"]
        ids = [(await other.call("post_message", body=f"point {i}"))["message_id"] for i in range(3)]
        await me.wait_for(lambda e: e.get("message_id") == ids[-1])
        low = me.applied[0]["seq"] - 1
        ack: dict[str, Any] = await me.sio.call("resume", {"last_seq": low}, timeout=10)
        assert ack["ok"] and not ack["more"]
        assert [e["seq"] for e in ack["events"]] == [e["seq"] for e in me.applied]
        assert ack["last_seq"] == await db.fetchval("SELECT last_seq FROM sessions WHERE id = $1", cast.session_id)
        # Seqs the resident may not see (the facilitators' talk times) are left out, below last_seq or not.
        assert (await fac.call("advance_phase", to="deliberation"))["ok"]
        assert (await other.call("raise_hand", raised=True))["ok"]  # queue_changed (room), talk_times (staff)
        ack = await me.sio.call("resume", {"last_seq": 0}, timeout=10)
        rows = await db.fetch("SELECT seq, audience FROM room_events WHERE session_id = $1 AND seq <= $2 ORDER BY seq",
                              cast.session_id, ack["last_seq"])
        assert "staff" in {r["audience"] for r in rows}
        assert [e["seq"] for e in ack["events"]] == [r["seq"] for r in rows if r["audience"] in ("public", "room")]
    finally:
        for c in (fac, me, other):
            await c.close()


# Wrap socket.io-client's io() to keep the socket room.js makes, so the test can feed its onAny listener.
KEEP_SOCKET = """(() => { let real;
  Object.defineProperty(window, "io", {configurable: true, set: v => { real = v; },
    get: () => real && ((...a) => { const s = real(...a); window.roomSocket = s; return s; })});
})();"""


@pytest.mark.browser
async def test_room_js_applies_a_late_lower_seq_where_it_belongs(browser: Browser, server: Server,
                                                                 db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=0, residents=1, observers=0)
    s = cast.session_id
    await db.execute("UPDATE sessions SET phase = 'deliberation' WHERE id = $1", s)
    context = await browser.new_context(**PHONE)
    await context.add_init_script(KEEP_SOCKET)
    await context.add_cookies([{"name": "oxp_device", "value": cast.residents[0][1], "url": server.url}])
    page = await context.new_page()
    try:
        await page.goto(f"{server.url}/s/{s}")
        await expect(page.locator("[data-connection]")).to_have_text("Live.")
        base = int(await page.locator("#room").get_attribute("data-last-seq") or "0")

        def posted(seq: int, mid: int, body: str) -> dict[str, Any]:
            return {"type": "message_posted", "seq": base + seq, "at": "", "message_id": 1000 + mid,
                    "author": "Resident 0", "author_role": "resident", "body": body}

        def queue(seq: int, speaking: str) -> dict[str, Any]:
            return {"type": "queue_changed", "seq": base + seq, "at": "", "speaking": speaking, "waiting": []}

        crossed = [posted(3, 2, "second"), posted(2, 1, "first"),          # 2 committed first, arrives last
                   queue(5, "Newer Speaker"), queue(4, "Older Speaker"),   # the older state must not win
                   {"type": "message_hidden", "seq": base + 7, "at": "", "message_id": 1003},
                   posted(6, 3, "hidden before it arrived"),
                   posted(3, 2, "a repeat of seq 3")]
        await page.evaluate("""events => { const on = window.roomSocket.listenersAny()[0];
                                           events.forEach(e => on(e.type, e)); }""", crossed)
        items = page.locator("#messages li")
        await expect(items).to_have_text(["Resident 0 first", "Resident 0 second"])
        await expect(page.locator("#speaking")).to_have_text("Newer Speaker")
        await page.screenshot(path=screenshot_path("room-crossed-events"), full_page=True)
    finally:
        await context.close()
