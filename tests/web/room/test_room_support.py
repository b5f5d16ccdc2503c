"""Shared pieces for the room tests (no tests here): a live client that behaves like room.js,
and a cast of staff, experts and residents for one session."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import asyncpg
import socketio
from pydantic import BaseModel, ValidationError

from tests.factories import login_cookie, make_inquiry, make_participant, make_session, make_staff
from web.realtime.protocol import EPHEMERAL, OUTBOUND, Ack, ResumeAck


def new_key() -> str:
    return uuid.uuid4().hex


class OutboundError(AssertionError):
    """The server sent a payload that web/realtime/protocol.py does not declare."""


# What every Live received that protocol.py does not allow, in this test. python-engineio runs
# a client's event handlers in background tasks, where a raise is only logged; so a handler
# records here instead, Live raises it in the test's own task at its next call or wait, and
# tests/web/conftest.py fails the test with whatever is left when the test returns.
MALFORMED: list[str] = []


def check_outbound(name: str, data: Any) -> None:
    """Raise OutboundError unless `data` is what protocol.py declares for the event `name`."""
    model: type[BaseModel] | None = OUTBOUND.get(name) or EPHEMERAL.get(name)
    if model is None:
        raise OutboundError(f"event {name!r} is not in web/realtime/protocol.py")
    if not isinstance(data, dict) or data.get("type") != name:
        raise OutboundError(f"event {name!r} must carry type {name!r}: {data!r}")
    validate(model, data, f"event {name!r}")


def validate(model: type[BaseModel], data: Any, what: str) -> None:
    try:
        model.model_validate(data)
    except ValidationError as err:
        raise OutboundError(f"{what} does not match {model.__name__}: {err}") from None


def raise_malformed() -> None:
    """Fail now if any client of this test received a payload protocol.py does not allow
    (each is reported once: the list is emptied as it is raised)."""
    if MALFORMED:
        found = "\n".join(MALFORMED)
        MALFORMED.clear()
        raise OutboundError(f"the server sent payloads protocol.py does not allow:\n{found}")


class Live:
    """A socket.io client: resumes on every connect from the highest seq it knows all below of,
    and applies each seq once (like room.js: a late lower seq is applied, a repeat is not)."""

    def __init__(self, url: str, cookies: dict[str, str], session_id: int, name: str = "") -> None:
        self.url, self.cookies, self.session_id, self.name = url, cookies, session_id, name
        self.sio = socketio.AsyncClient(reconnection=False)
        self.applied: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []
        self.ephemeral: list[dict[str, Any]] = []
        self.last_seq = 0                      # every seq up to here is applied or not for us
        self.seen: set[int] = set()             # seqs above last_seq applied so far
        self.refusal = ""
        self.left = asyncio.Event()             # set when the server drops this socket
        self._arrived = asyncio.Event()         # set on every event, ephemeral or disconnect
        self.sio.on("*", self._on_any)
        self.sio.on("connect_error", self._on_refused)
        self.sio.on("disconnect", self._on_disconnect)

    async def connect(self) -> dict[str, Any]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.left.clear()
        await self.sio.connect(self.url, headers={"Cookie": cookie}, auth={"session_id": self.session_id},
                               transports=["websocket"], wait_timeout=10)
        ack: dict[str, Any] = await self.sio.call("resume", {"last_seq": self.last_seq}, timeout=10)
        validate(ResumeAck if ack.get("ok") else Ack, ack, "the resume ack")
        for event in ack.get("events", []):
            if event.get("type") not in OUTBOUND:
                raise OutboundError(f"the resume ack carries an unlogged event: {event!r}")
            check_outbound(event["type"], event)
            self._apply(event)
        if ack.get("ok"):
            self.last_seq = max(self.last_seq, ack["events"][-1]["seq"] if ack["more"] else ack["last_seq"])
        raise_malformed()
        return ack

    async def _on_refused(self, data: Any) -> None:
        self.refusal = str(data.get("message") if isinstance(data, dict) else data)

    async def close(self) -> None:
        await self.sio.disconnect()

    async def _on_disconnect(self, reason: Any = None) -> None:
        self.left.set()
        self._arrived.set()

    async def _on_any(self, event: str, data: Any) -> None:
        self._arrived.set()
        try:
            check_outbound(event, data)
        except OutboundError as err:
            MALFORMED.append(f"{self.name or 'a client'} received {err}")
            return
        if event in OUTBOUND:
            self._apply(data)
        else:
            self.ephemeral.append(data)

    def _apply(self, event: dict[str, Any]) -> None:
        self.received.append(event)
        if event["seq"] > self.last_seq and event["seq"] not in self.seen:
            self.seen.add(event["seq"])
            self.applied.append(event)

    async def call(self, name: str, **payload: Any) -> dict[str, Any]:
        payload.setdefault("key", new_key())
        ack: dict[str, Any] = await self.sio.call(name, payload, timeout=10)
        validate(Ack, ack, f"the ack of {name}")
        raise_malformed()
        return ack

    def types(self) -> list[str]:
        return [e["type"] for e in self.applied]

    async def wait_for(self, test: Callable[[dict[str, Any]], bool], timeout: float = 5) -> dict[str, Any]:
        """The first applied event that passes `test`, waiting for arrivals up to `timeout` seconds."""
        return await self._wait(self.applied, test, timeout)

    async def wait_for_ephemeral(self, test: Callable[[dict[str, Any]], bool],
                                 timeout: float = 5) -> dict[str, Any]:
        """The first ephemeral event (presence, session_left) that passes `test`."""
        return await self._wait(self.ephemeral, test, timeout)

    async def wait_left(self, timeout: float = 5) -> None:
        """Until the server has dropped this socket."""
        try:
            await asyncio.wait_for(self.left.wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"{self.name} is still connected after {timeout} s") from None

    async def _wait(self, events: list[dict[str, Any]], test: Callable[[dict[str, Any]], bool],
                    timeout: float) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self._arrived.clear()  # before looking: an arrival after the look sets it again
            raise_malformed()
            for event in events:
                if test(event):
                    return event
            try:
                await asyncio.wait_for(self._arrived.wait(), deadline - loop.time())
            except TimeoutError:
                raise AssertionError(f"{self.name} never got the event; had {self.types()}, "
                                     f"ephemeral {[e['type'] for e in self.ephemeral]}") from None


@dataclass
class Cast:
    session_id: int
    inquiry_id: int
    staff: list[tuple[int, str]] = field(default_factory=list)           # (staff id, oxp_staff)
    experts: list[tuple[int, str]] = field(default_factory=list)         # (participant id, oxp_device)
    residents: list[tuple[int, str]] = field(default_factory=list)
    observers: list[tuple[int, str]] = field(default_factory=list)

    def live(self, url: str, who: str, i: int = 0) -> Live:
        group = getattr(self, who)
        cookie = "oxp_staff" if who == "staff" else "oxp_device"
        return Live(url, {cookie: group[i][1]}, self.session_id, f"{who}{i}")


async def make_cast(db: asyncpg.Connection, facilitators: int = 2, experts: int = 2, residents: int = 8,
                    observers: int = 1) -> Cast:
    convenor = await make_staff(db, "convenor@example.org")
    inquiry = await make_inquiry(db, convenor)
    session = await make_session(db, inquiry)
    cast = Cast(session, inquiry)
    for i in range(facilitators):
        sid = await make_staff(db, f"fac{i}@example.org", role="facilitator", name=f"Facilitator {i}")
        await db.execute("INSERT INTO inquiry_staff (inquiry_id, staff_id) VALUES ($1, $2)", inquiry, sid)
        cast.staff.append((sid, await login_cookie(db, sid)))
    for i in range(experts):
        cast.experts.append(await make_participant(db, inquiry, "expert", f"Expert {'ABCDEFGH'[i]}", session_id=session))
    for i in range(residents):
        cast.residents.append(await make_participant(db, inquiry, "resident", f"Resident {i}",
                                                     name_public=i % 2 == 0))
    for i in range(observers):
        cast.observers.append(await make_participant(db, inquiry, "observer", f"Observer {i}"))
    return cast


class Http:
    """HTTP with one role's cookie (JSON API and pages)."""

    def __init__(self, base: str, cookies: dict[str, str]) -> None:
        self.base = base
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.cookies = {**cookies, "oxp_csrf": "t" * 20}

    async def _on_refused(self, data: Any) -> None:
        self.refusal = str(data.get("message") if isinstance(data, dict) else data)

    async def close(self) -> None:
        await self.session.close()

    async def request(self, method: str, path: str, json: Any = None) -> tuple[int, Any]:
        headers = {"X-CSRF-Token": "t" * 20,
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        async with self.session.request(method, self.base + path, json=json, headers=headers,
                                        allow_redirects=False) as resp:
            body = await resp.json() if resp.content_type == "application/json" else await resp.text()
            return resp.status, body

    async def act(self, session_id: int, name: str, **payload: Any) -> tuple[int, Any]:
        payload.setdefault("key", new_key())
        return await self.request("POST", f"/api/v1/sessions/{session_id}/{name}", payload)
