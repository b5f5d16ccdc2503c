"""The server starts on a real database and refuses what it must."""

from __future__ import annotations

import asyncpg

from tests.web.conftest import Client, Server
from web.ops.migrations import MigrationError, migrate


async def test_healthz_reports_the_database(client: Client) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert (await resp.json())["database"] == "ok"


async def test_openapi_document_is_served(client: Client) -> None:
    resp = await client.get("/api/v1/openapi.json")
    assert resp.status == 200
    assert (await resp.json())["openapi"].startswith("3.")


async def test_post_without_csrf_token_is_refused(server: Server) -> None:
    c = server.client()
    try:
        await c.get("/")
        resp = await c.session.post(server.url + "/login", data={"email": "a@b.c", "password": "x"})
        assert resp.status == 403
        assert "expired or did not come from this site" in await resp.text()
    finally:
        await c.close()


async def test_post_from_a_foreign_origin_is_refused(client: Client) -> None:
    await client.get("/")
    resp = await client.session.post(
        client.base + "/login", data={"csrf_token": client.csrf(), "email": "a@b.c", "password": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert resp.status == 403
    assert "another site" in await resp.text()


async def test_database_newer_than_code_is_refused(db: asyncpg.Connection) -> None:
    await db.execute("INSERT INTO schema_migrations (number, name) VALUES (999, '999_future.sql')")
    try:
        await migrate(db)
    except MigrationError as err:
        assert "newer than the code" in str(err)
    else:
        raise AssertionError("a database ahead of the code was accepted")


async def test_unknown_page_is_a_clear_404(client: Client) -> None:
    resp = await client.get("/no/such/page")
    assert resp.status == 404
    assert "Not found" in await resp.text()
