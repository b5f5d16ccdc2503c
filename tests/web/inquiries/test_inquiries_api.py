"""The inquiries JSON API on a real server: who may do what, audit entries, refusals change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from yarl import URL

from tests.factories import login_cookie, make_inquiry, make_participant, make_staff
from tests.web.conftest import Client, Server

START = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0).isoformat()
NEW = {"title": "Green streets", "question": "How should we spend the street fund?",
       "description": "Trees, benches, crossings.", "fund_minor": 5_000_000, "currency": "EUR",
       "languages": ["en", "cy"], "timezone": "Europe/London"}


async def sign_in(server: Server, db: asyncpg.Connection, role: str = "convenor",
                  email: str | None = None) -> tuple[Client, int]:
    """A client holding a live staff login cookie, and that staff member's id."""
    staff_id = await make_staff(db, email or f"{role}@example.org", role)
    c = server.client()
    c.session.cookie_jar.update_cookies({"oxp_staff": await login_cookie(db, staff_id)}, URL(server.url))
    return c, staff_id


async def counts(db: asyncpg.Connection) -> tuple[int, ...]:
    """Rows in every table these endpoints write, to show that a refusal changed nothing."""
    return tuple([await db.fetchval(f"SELECT count(*) FROM {t}")
                  for t in ("inquiries", "sessions", "inquiry_staff", "audit_log")])


@pytest.fixture
async def convenor(server: Server, db: asyncpg.Connection):  # type: ignore[no-untyped-def]
    c, _ = await sign_in(server, db)
    yield c
    await c.close()


async def test_convenor_creates_reads_and_lists_an_inquiry(convenor: Client) -> None:
    resp = await convenor.api("POST", "/inquiries", NEW)
    assert resp.status == 201, await resp.text()
    created = await resp.json()
    assert created["fund_minor"] == 5_000_000 and created["languages"] == ["en", "cy"]
    got = await (await convenor.api("GET", f"/inquiries/{created['id']}")).json()
    assert got["title"] == "Green streets" and got["facilitator_ids"] == []
    listed = await (await convenor.api("GET", "/inquiries")).json()
    assert [i["id"] for i in listed] == [created["id"]]


async def test_patch_changes_only_given_fields_and_audits_before_and_after(
        convenor: Client, db: asyncpg.Connection) -> None:
    inquiry = await (await convenor.api("POST", "/inquiries", NEW)).json()
    resp = await convenor.api("PATCH", f"/inquiries/{inquiry['id']}", {"fund_minor": 6_000_000, "title": "Greener"})
    assert resp.status == 200, await resp.text()
    after = await resp.json()
    assert (after["fund_minor"], after["title"], after["question"]) == (6_000_000, "Greener", NEW["question"])
    log = await (await convenor.api("GET", f"/inquiries/{inquiry['id']}/audit")).json()
    assert [e["action"] for e in log] == ["inquiry.updated", "inquiry.created"]
    assert log[0]["detail"] == {"before": {"title": "Green streets", "fund_minor": 5_000_000},
                                "after": {"title": "Greener", "fund_minor": 6_000_000}}
    assert log[0]["staff_email"] == "convenor@example.org"
    assert log[1]["detail"]["before"] is None and log[1]["detail"]["after"]["currency"] == "EUR"


async def test_patch_that_changes_nothing_writes_no_audit_entry(convenor: Client, db: asyncpg.Connection) -> None:
    inquiry = await (await convenor.api("POST", "/inquiries", NEW)).json()
    resp = await convenor.api("PATCH", f"/inquiries/{inquiry['id']}", {"title": "Green streets"})
    assert resp.status == 200
    assert await db.fetchval("SELECT count(*) FROM audit_log") == 1


async def test_patch_based_on_a_stale_version_is_refused_and_changes_nothing(convenor: Client) -> None:
    read = await (await convenor.api("POST", "/inquiries", NEW)).json()
    first = await convenor.api("PATCH", f"/inquiries/{read['id']}", {"title": "Greener", "version": read["version"]})
    assert first.status == 200
    stale = await convenor.api("PATCH", f"/inquiries/{read['id']}", {"fund_minor": 1, "version": read["version"]})
    assert stale.status == 409 and "Someone else changed this inquiry" in (await stale.json())["error"]
    now = await (await convenor.api("GET", f"/inquiries/{read['id']}")).json()
    assert (now["title"], now["fund_minor"]) == ("Greener", NEW["fund_minor"])


async def test_sessions_are_added_listed_in_start_order_and_audited(convenor: Client) -> None:
    inquiry = await (await convenor.api("POST", "/inquiries", NEW)).json()
    later = (datetime.now(UTC) + timedelta(days=14)).isoformat()
    for title, at in (("Second", later), ("First", START)):
        resp = await convenor.api("POST", f"/inquiries/{inquiry['id']}/sessions", {"title": title, "scheduled_at": at})
        assert resp.status == 201, await resp.text()
    sessions = await (await convenor.api("GET", f"/inquiries/{inquiry['id']}/sessions")).json()
    assert [(s["title"], s["phase"]) for s in sessions] == [("First", "scheduled"), ("Second", "scheduled")]
    log = await (await convenor.api("GET", f"/inquiries/{inquiry['id']}/audit")).json()
    assert log[0]["action"] == "session.added" and log[0]["detail"]["after"]["title"] == "First"


async def test_facilitator_sees_only_assigned_inquiries_and_cannot_configure(
        server: Server, db: asyncpg.Connection, convenor: Client) -> None:
    facilitator, fid = await sign_in(server, db, "facilitator")
    try:
        mine = await (await convenor.api("POST", "/inquiries", NEW)).json()
        other = await (await convenor.api("POST", "/inquiries", {**NEW, "title": "Other"})).json()
        resp = await convenor.api("POST", f"/inquiries/{mine['id']}/facilitators/{fid}")
        assert resp.status == 200 and (await resp.json())["assigned"] is True
        assert [i["id"] for i in await (await facilitator.api("GET", "/inquiries")).json()] == [mine["id"]]
        assert (await facilitator.api("GET", f"/inquiries/{mine['id']}")).status == 200
        assert (await facilitator.api("GET", f"/inquiries/{other['id']}")).status == 404
        before = await counts(db)
        refused = [
            await facilitator.api("POST", "/inquiries", NEW),
            await facilitator.api("PATCH", f"/inquiries/{mine['id']}", {"fund_minor": 1}),
            await facilitator.api("PATCH", f"/inquiries/{mine['id']}", {"title": "Mine now"}),
            await facilitator.api("POST", f"/inquiries/{mine['id']}/facilitators/{fid}"),
            await facilitator.api("DELETE", f"/inquiries/{mine['id']}/facilitators/{fid}"),
            await facilitator.api("GET", f"/inquiries/{mine['id']}/audit"),
        ]
        assert [r.status for r in refused] == [403] * 6
        assert "facilitator account cannot" in (await refused[1].json())["error"]
        assert await counts(db) == before
        resp = await facilitator.api("POST", f"/inquiries/{mine['id']}/sessions", {"title": "S", "scheduled_at": START})
        assert resp.status == 201
    finally:
        await facilitator.close()


async def test_unassigning_removes_access_and_is_audited(
        server: Server, db: asyncpg.Connection, convenor: Client) -> None:
    facilitator, fid = await sign_in(server, db, "facilitator")
    try:
        inquiry = await (await convenor.api("POST", "/inquiries", NEW)).json()
        await convenor.api("POST", f"/inquiries/{inquiry['id']}/facilitators/{fid}")
        assert (await convenor.api("DELETE", f"/inquiries/{inquiry['id']}/facilitators/{fid}")).status == 204
        assert (await facilitator.api("GET", f"/inquiries/{inquiry['id']}")).status == 404
        log = await (await convenor.api("GET", f"/inquiries/{inquiry['id']}/audit")).json()
        assert log[0]["action"] == "facilitator.unassigned"
        assert log[0]["detail"] == {"before": {"staff_id": fid, "email": "facilitator@example.org"}, "after": None}
        assert (await convenor.api("DELETE", f"/inquiries/{inquiry['id']}/facilitators/{fid}")).status == 404
    finally:
        await facilitator.close()


async def test_residents_experts_and_strangers_get_403(server: Server, db: asyncpg.Connection) -> None:
    staff_id = await make_staff(db)
    inquiry_id = await make_inquiry(db, staff_id)
    for kind in ("resident", "expert", "observer"):
        _, device = await make_participant(db, inquiry_id, kind)
        c = server.client()
        c.session.cookie_jar.update_cookies({"oxp_device": device}, URL(server.url))
        try:
            for method, path in (("GET", "/inquiries"), ("GET", f"/inquiries/{inquiry_id}"),
                                 ("POST", "/inquiries"), ("GET", f"/inquiries/{inquiry_id}/audit")):
                resp = await c.api(method, path, NEW if method == "POST" else None)
                assert resp.status == 403, (kind, path)
        finally:
            await c.close()
    assert await db.fetchval("SELECT count(*) FROM inquiries") == 1


BAD_CREATES = [
    ({**NEW, "fund_minor": -1}, "fund_minor"),
    ({**NEW, "fund_minor": 12.5}, "fund_minor"),
    ({**NEW, "fund_minor": "5000"}, "fund_minor"),
    ({**NEW, "currency": "EURO"}, "currency"),
    ({**NEW, "currency": "E1R"}, "currency"),
    ({**NEW, "languages": []}, "languages"),
    ({**NEW, "languages": ["english!"]}, "language code"),
    ({**NEW, "timezone": "Mars/Olympus"}, "time zone"),
    ({**NEW, "timezone": "../../etc/passwd"}, "time zone"),
    ({**NEW, "title": ""}, "title"),
    ({**NEW, "title": "   "}, "title cannot be empty"),
    ({**NEW, "question": "x" * 1001}, "question"),
    ({**NEW, "secret": 1}, "secret"),
    ({k: v for k, v in NEW.items() if k != "fund_minor"}, "fund_minor"),
    ({**NEW, "fund_minor": 10**16}, "too large"),
]


@pytest.mark.parametrize(("body", "named"), BAD_CREATES)
async def test_bad_create_is_a_clear_400_and_writes_nothing(
        convenor: Client, db: asyncpg.Connection, body: dict[str, object], named: str) -> None:
    resp = await convenor.api("POST", "/inquiries", body)
    assert resp.status == 400
    error = await resp.json()
    assert named in error["error"] and error["status"] == 400
    assert await counts(db) == (0, 0, 0, 0)


async def test_bad_patch_session_and_facilitator_requests_change_nothing(
        server: Server, convenor: Client, db: asyncpg.Connection) -> None:
    inquiry = await (await convenor.api("POST", "/inquiries", NEW)).json()
    other_convenor = await make_staff(db, "second@example.org", "convenor")
    base = f"/inquiries/{inquiry['id']}"
    before = await counts(db)
    past = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    cases = [
        (await convenor.api("PATCH", base, {"fund_minor": -5}), 400),
        (await convenor.api("PATCH", base, {"title": None}), 400),
        (await convenor.api("PATCH", base, {"currency": "eu"}), 400),
        (await convenor.api("PATCH", base, {"owner": 3}), 400),
        (await convenor.api("PATCH", "/inquiries/999999", {"title": "x"}), 404),
        (await convenor.api("PATCH", "/inquiries/abc", {"title": "x"}), 404),
        (await convenor.api("POST", base + "/sessions", {"title": "S", "scheduled_at": "2026-05-04T18:30:00"}), 400),
        (await convenor.api("POST", base + "/sessions", {"title": "S", "scheduled_at": past}), 400),
        (await convenor.api("POST", base + "/sessions", {"title": "S", "scheduled_at": "soon"}), 400),
        (await convenor.api("POST", base + "/sessions", {"title": "", "scheduled_at": START}), 400),
        (await convenor.api("POST", base + "/facilitators/999999"), 404),
        (await convenor.api("POST", base + f"/facilitators/{other_convenor}"), 400),
    ]
    assert [r.status for r, _ in cases] == [expected for _, expected in cases]
    for r, _ in cases:
        assert (await r.json())["error"]
    assert await counts(db) == before


async def test_bad_json_is_a_clear_400(convenor: Client, db: asyncpg.Connection) -> None:
    await convenor.get("/")
    resp = await convenor.session.post(convenor.base + "/api/v1/inquiries", data="{not json",
                                       headers={"X-CSRF-Token": convenor.csrf(), "Content-Type": "application/json"})
    assert resp.status == 400 and "not valid JSON" in (await resp.json())["error"]
    assert await counts(db) == (0, 0, 0, 0)


async def test_openapi_lists_the_inquiry_endpoints(convenor: Client) -> None:
    doc = await (await convenor.get("/api/v1/openapi.json")).json()
    paths = doc["paths"]
    assert {"get", "patch"} <= set(paths["/api/v1/inquiries/{inquiry_id}"])
    assert {"post", "delete"} <= set(paths["/api/v1/inquiries/{inquiry_id}/facilitators/{staff_id}"])
    assert "InquiryCreate" in doc["components"]["schemas"]
