"""300 residents vote at once against a real `oxpecker serve` subprocess, which is
killed with SIGKILL mid-round and restarted: every acknowledged ballot is
counted, none twice, and the server's log holds no ballot content."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from budget.engine.pabulib import parse_pabulib
from tests.factories import login_cookie, make_inquiry, make_participant, make_staff
from tests.web.rounds_setup import round_body

VOTERS = 300
KILL_AFTER = 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": db_url}
    oxpecker = Path(sys.executable).with_name("oxpecker")
    with log.open("ab") as out:
        return subprocess.Popen([str(oxpecker), "serve", "--port", str(port)], env=env, stdout=out, stderr=out)


async def wait_up(base: str) -> None:
    """Until the server process answers /healthz (it tells us nothing when it is up), 20 s at most."""
    async with aiohttp.ClientSession() as s:
        for _ in range(200):
            try:
                async with s.get(base + "/healthz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("the server did not come up")


async def seed(db_url: str) -> tuple[str, int, list[str]]:
    conn = await asyncpg.connect(db_url)
    try:
        staff = await make_staff(conn)
        inquiry = await make_inquiry(conn, staff)
        devices = [(await make_participant(conn, inquiry, name=f"R{n}"))[1] for n in range(VOTERS)]
        return await login_cookie(conn, staff), inquiry, devices
    finally:
        await conn.close()


def api(session: aiohttp.ClientSession, base: str, method: str, path: str, json: object = None
        ) -> aiohttp.client._RequestContextManager:
    return session.request(method, f"{base}/api/v1{path}", json=json, headers={"X-CSRF-Token": "t"})


def jar(**cookies: str) -> aiohttp.CookieJar:
    j = aiohttp.CookieJar(unsafe=True)
    j.update_cookies({"oxp_csrf": "t", **cookies})
    return j


async def vote(base: str, rid: int, device: str, ballot: list[str], key: str, acked: dict[str, list[str]],
               half: asyncio.Event) -> None:
    """Retry (same idempotency key) until acknowledged, as a phone on a bad connection would."""
    async with aiohttp.ClientSession(cookie_jar=jar(oxp_device=device)) as s:
        while True:
            try:
                async with api(s, base, "POST", f"/rounds/{rid}/ballot",
                               {"projects": ballot, "idempotency_key": key}) as r:
                    if r.status == 200:
                        acked[(await r.json())["receipt"]] = ballot
                        if len(acked) >= KILL_AFTER:
                            half.set()
                        return
                    assert r.status >= 500, await r.text()
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.2)  # a phone's pause before it retries; nothing asserts after it


@pytest.mark.load
async def test_every_acknowledged_ballot_survives_sigkill_and_counts_once(db_url: str, tmp_path: Path) -> None:
    cookie, inquiry, devices = await seed(db_url)
    port, log = free_port(), tmp_path / "server.log"
    base = f"http://127.0.0.1:{port}"
    proc = start(db_url, port, log)
    try:
        await wait_up(base)
        body = round_body(inquiry, closes_at=(datetime.now(UTC) + timedelta(hours=1)).isoformat())
        async with aiohttp.ClientSession(cookie_jar=jar(oxp_staff=cookie)) as staff:
            async with api(staff, base, "POST", "/rounds", body) as r:
                rid = (await r.json())["id"]
            async with api(staff, base, "POST", f"/rounds/{rid}/open") as r:
                assert r.status == 200
        rng = random.Random(7)
        ballots = [sorted(rng.sample(["1", "2", "4"], rng.randint(1, 3))) or ["3"] for _ in devices]
        acked: dict[str, list[str]] = {}
        half = asyncio.Event()
        tasks = [asyncio.create_task(vote(base, rid, d, b, f"load-key-{n:04d}", acked, half))
                 for n, (d, b) in enumerate(zip(devices, ballots))]
        await asyncio.wait_for(half.wait(), 60)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_at = len(acked)
        proc = start(db_url, port, log)
        await asyncio.wait_for(asyncio.gather(*tasks), 120)
        assert killed_at < VOTERS and len(acked) == VOTERS
        async with aiohttp.ClientSession(cookie_jar=jar(oxp_staff=cookie)) as staff:
            async with api(staff, base, "POST", f"/rounds/{rid}/close") as r:
                assert r.status == 200, await r.text()
            async with staff.get(f"{base}/decisions/{rid}.pb") as r:
                published = parse_pabulib(await r.text())
        counted = {b.voter_id: sorted(b.projects) for b in published.ballots}
        assert len(published.ballots) == VOTERS == len(counted)  # none twice
        assert counted == acked  # every acknowledged ballot, as cast
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    text = log.read_text()
    assert "POST /api/v1/rounds" in text  # the access log was captured
    for receipt, ballot in acked.items():
        assert receipt not in text
    assert '"projects"' not in text and "load-key-" not in text and "idempotency" not in text
