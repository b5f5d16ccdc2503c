"""The convenor's staff page: every account with its state, and the account audit log."""

from __future__ import annotations

import asyncpg

from tests.factories import make_staff
from tests.web.conftest import Server, page_text
from tests.web.staff.test_staff_support import account, signed_in


async def test_convenor_sees_accounts_their_states_and_every_change(server: Server, db: asyncpg.Connection) -> None:
    boss, boss_id = await signed_in(server, db, "boss@example.org")
    worker = await account(db, "worker@example.org", "facilitator")
    await make_staff(db, "pending@example.org", "facilitator")
    try:
        await boss.post_form("/staff/invite", {"email": "fay@example.org", "role": "convenor", "display_name": "Fay"})
        await boss.post_form(f"/staff/{worker}/disable", {})
        await boss.post_form(f"/staff/{worker}/reset-link", {})  # refused: disabled; not logged
        resp = await boss.post_form(f"/staff/{worker}/enable", {})
        assert resp.status == 200 and "Account enabled." in await resp.text()
        text = page_text(await (await boss.get("/staff")).text())
        listed = await (await boss.api("GET", "/staff")).json()
        audit_api = await (await boss.api("GET", "/staff/audit")).json()
    finally:
        await boss.close()
    assert "pending@example.org facilitator · invited (no password yet)" in text
    assert "worker@example.org facilitator · active" in text
    log = text[text.index("Account changes"):]
    assert log.index("boss@example.org enabled worker@example.org") < log.index(
        "boss@example.org disabled worker@example.org") < log.index("boss@example.org invited fay@example.org")
    assert "made a password-reset link" not in log
    states = {a["email"]: (a["role"], a["state"]) for a in listed}
    assert states == {"boss@example.org": ("convenor", "active"), "worker@example.org": ("facilitator", "active"),
                      "pending@example.org": ("facilitator", "invited"), "fay@example.org": ("convenor", "invited")}
    assert [(e["by"], e["action"], e["detail"]["email"]) for e in audit_api] == [
        ("boss@example.org", "staff.enabled", "worker@example.org"),
        ("boss@example.org", "staff.disabled", "worker@example.org"),
        ("boss@example.org", "staff.invited", "fay@example.org")]
    audit = await db.fetch("SELECT action, staff_id, inquiry_id, detail->>'email' AS email FROM audit_log ORDER BY id")
    assert [(a["action"], a["staff_id"], a["inquiry_id"], a["email"]) for a in audit] == [
        ("staff.invited", boss_id, None, "fay@example.org"), ("staff.disabled", boss_id, None, "worker@example.org"),
        ("staff.enabled", boss_id, None, "worker@example.org")]


async def test_the_audit_log_never_holds_a_secret(server: Server, db: asyncpg.Connection) -> None:
    boss, _ = await signed_in(server, db)
    try:
        url = (await (await boss.api("POST", "/staff", {"email": "fay@example.org", "role": "convenor"})).json())["url"]
    finally:
        await boss.close()
    secret = url.rsplit("/", 1)[1]
    dumped = await db.fetchval("SELECT string_agg(detail::text, ' ') FROM audit_log")
    stored = await db.fetchval("SELECT encode(token_hash, 'escape') FROM staff_tokens")
    assert secret not in dumped and secret not in stored
