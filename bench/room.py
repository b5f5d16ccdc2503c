"""Room benchmark: N residents in one room, a facilitator posting at a fixed rate.

    .venv/bin/python bench/room.py --residents 1000 --rate 5 --seconds 15

Needs a PostgreSQL where it may create a database (OXPECKER_BENCH_DATABASE_URL,
default postgresql://postgres@127.0.0.1:5432/postgres). It runs, one after the
other and with the same clients and payloads: (1) an Oxpecker server process
(`create_app`), (2) a bare python-socketio server that only broadcasts. For each
it prints connect time, delivery latency (send -> receipt at each resident)
p50/p99, and delivered events per server CPU-second, then the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve_bare(port: int) -> None:
    from aiohttp import web
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=None)
    app = web.Application()
    sio.attach(app)
    seq = 0

    @sio.event
    async def connect(sid, environ, auth):  # type: ignore[no-untyped-def]
        await sio.enter_room(sid, "room")

    @sio.event
    async def post_message(sid, data):  # type: ignore[no-untyped-def]
        nonlocal seq
        seq += 1
        await sio.emit("message_posted", {"type": "message_posted", "seq": seq, "at": "", "message_id": seq,
                                          "author": "Facilitator", "author_role": "facilitator",
                                          "body": data["body"]}, to="room")
        return {"ok": True, "message_id": seq}

    web.run_app(app, host="127.0.0.1", port=port, print=None)


def serve_app(db_url: str, port: int) -> None:
    from aiohttp import web

    from web.app import create_app
    from web.config import Config
    web.run_app(create_app(Config.from_env(database_url=db_url)), host="127.0.0.1", port=port, print=None)


async def seed(admin_url: str, residents: int) -> tuple[str, int, str, list[str]]:
    from tests.factories import login_cookie, make_inquiry, make_participant, make_session, make_staff
    from web.ops.migrations import migrate
    name = f"oxp_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    url = urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    conn = await asyncpg.connect(url)
    await migrate(conn)
    staff = await make_staff(conn, "fac@example.org", role="facilitator")
    inquiry = await make_inquiry(conn, staff)
    await conn.execute("INSERT INTO inquiry_staff VALUES ($1, $2)", inquiry, staff)
    session = await make_session(conn, inquiry)
    await conn.execute("UPDATE sessions SET phase = 'deliberation' WHERE id = $1", session)
    devices = [(await make_participant(conn, inquiry, "resident", f"R{i}"))[1] for i in range(residents)]
    fac = await login_cookie(conn, staff)
    await conn.close()
    return url, session, fac, devices


class Resident:
    """A lean socket.io client (engine.io 4 over one websocket, spoken directly), so that
    1,000 of them fit in one process next to the server on 2 cores; the facilitator
    uses python-socketio's own client."""

    def __init__(self, http: aiohttp.ClientSession, latencies: list[float]) -> None:
        self.http = http
        self.latencies = latencies
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.task: asyncio.Task[None] | None = None

    async def connect(self, url: str, cookie: str, session: int, resume: bool) -> float:
        t = time.perf_counter()
        ws = await self.http.ws_connect(url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
                                        headers={"Cookie": cookie}, autoping=False)
        await ws.receive_str()                                   # engine.io open
        await ws.send_str("40" + json.dumps({"session_id": session}))
        reply = await ws.receive_str()
        if not reply.startswith("40"):
            raise SystemExit(f"connect refused: {reply}")
        if resume:
            await ws.send_str('420["resume",{"last_seq":0}]')
            while not (await ws.receive_str()).startswith("430"):
                pass
        self.ws = ws
        self.task = asyncio.get_running_loop().create_task(self.listen())
        return time.perf_counter() - t

    async def listen(self) -> None:
        if self.ws is None:
            return
        async for msg in self.ws:
            data = msg.data
            if data == "2":
                await self.ws.send_str("3")                      # pong
            elif data.startswith('42["message_posted"'):
                self.latencies.append(time.time() - float(json.loads(data[2:])[1]["body"]))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def connect(client: socketio.AsyncClient, url: str, cookie: str, session: int, resume: bool) -> float:
    t = time.perf_counter()
    why: list[object] = []
    client.on("connect_error", why.append)
    try:
        await client.connect(url, headers={"Cookie": cookie}, auth={"session_id": session},
                             transports=["websocket"], wait_timeout=60)
    except socketio.exceptions.ConnectionError as err:
        raise SystemExit(f"connect refused: {why}") from err
    if resume:
        await client.call("resume", {"last_seq": 0}, timeout=60)
    return time.perf_counter() - t


async def run(url: str, pid: int, session: int, fac_cookie: str, devices: list[str], rate: float,
              seconds: float, oxpecker: bool) -> dict[str, float]:
    latencies: list[float] = []
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    residents = [Resident(http, latencies) for _ in devices]
    t0 = time.perf_counter()
    times: list[float] = []
    for i in range(0, len(residents), 50):
        batch = residents[i:i + 50]
        times += await asyncio.gather(*(r.connect(url, f"oxp_device={d}", session, oxpecker)
                                        for r, d in zip(batch, devices[i:i + 50], strict=True)))
    connect_total = time.perf_counter() - t0
    fac = socketio.AsyncClient(reconnection=False)
    await connect(fac, url, f"oxp_staff={fac_cookie}", session, oxpecker)
    await asyncio.sleep(2)  # presence settles
    cpu0 = cpu_seconds(pid)
    sent = 0
    acks: list[asyncio.Future[object]] = []
    start = time.perf_counter()
    # Send on a fixed clock, not after each ack, so a slow server cannot lower the rate.
    while time.perf_counter() - start < seconds:
        acks.append(asyncio.ensure_future(fac.call("post_message", {"key": uuid.uuid4().hex,
                                                                   "body": repr(time.time())}, timeout=60)))
        sent += 1
        await asyncio.sleep(max(0.0, start + sent / rate - time.perf_counter()))
    for ack in await asyncio.gather(*acks):
        if not isinstance(ack, dict) or not ack.get("ok"):
            raise SystemExit(f"refused: {ack}")
    expected = sent * len(residents)
    deadline = time.perf_counter() + 30
    while len(latencies) < expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    cpu = cpu_seconds(pid) - cpu0
    for r in residents:
        await r.close()
    await http.close()
    await fac.disconnect()
    lat = sorted(latencies)
    return {"connect_s": connect_total, "connect_p99_ms": sorted(times)[int(len(times) * .99) - 1] * 1000,
            "sent": sent, "delivered": len(lat), "expected": expected,
            "p50_ms": statistics.median(lat) * 1000, "p99_ms": lat[int(len(lat) * .99) - 1] * 1000,
            "server_cpu_s": cpu, "per_cpu_s": len(lat) / cpu if cpu else float("inf")}


def start(args: list[str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, __file__, *args, "--port", str(port)], cwd=ROOT)
    for _ in range(200):
        try:
            import socket
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def show(name: str, r: dict[str, float]) -> None:
    print(f"{name:10} connect {r['connect_s']:.1f} s (p99 {r['connect_p99_ms']:.0f} ms)  "
          f"delivered {r['delivered']}/{r['expected']}  p50 {r['p50_ms']:.1f} ms  p99 {r['p99_ms']:.1f} ms  "
          f"server CPU {r['server_cpu_s']:.2f} s  {r['per_cpu_s']:.0f} events/CPU-s")


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=5.0, help="messages per second")
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--port", type=int, default=0, help="0: a free port")
    args = ap.parse_args()
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    admin = os.environ.get("OXPECKER_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    db_url, session, fac, devices = await seed(admin, args.residents)
    if not args.port:
        import socket
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    results = {}
    try:
        for name, cmd in (("oxpecker", ["--serve-app", db_url]), ("bare", ["--serve-bare"])):
            proc = start(cmd, args.port)
            try:
                results[name] = await run(f"http://127.0.0.1:{args.port}", proc.pid, session, fac, devices,
                                          args.rate, args.seconds, name == "oxpecker")
            finally:
                proc.terminate()
                proc.wait()
            show(name, results[name])
    finally:  # each run seeds its own database; leave none behind
        admin_conn = await asyncpg.connect(admin)
        await admin_conn.execute(f"DROP DATABASE IF EXISTS {urlsplit(db_url).path.lstrip('/')}")
        await admin_conn.close()
    print(f"ratio (oxpecker / bare, delivered events per server CPU-second): "
          f"{results['oxpecker']['per_cpu_s'] / results['bare']['per_cpu_s']:.2f}")
    print("load average at end: %.2f %.2f %.2f (other work on the machine skews both servers)" % os.getloadavg())


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-bare":
        serve_bare(int(sys.argv[sys.argv.index("--port") + 1]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--serve-app":
        serve_app(sys.argv[2], int(sys.argv[sys.argv.index("--port") + 1]))
    else:
        asyncio.run(main())
