"""socket.io: the live room. Handlers are tiny: validate, call one action, emit; the return is the ack.

A client connects with `auth={"session_id": n}` and its cookies (`oxp_device`
or `oxp_staff`), then calls `resume(last_seq)` on every connect: the ack holds
the events it missed and may see, in order, and only then does its socket
enter the socket.io rooms that carry live events. Socket.io rooms, per session:
`s{n}:room` (residents, observers, facilitators), `s{n}:staff`, and
`s{n}:p{participant}` (one person). `public` events go to the room plus the
person rooms of experts who have not withdrawn, so an expert's sockets are
never addressed once the withdrawal is committed, on any process.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any

import asyncpg
import socketio
from aiohttp import web
from asyncpg import Pool
from pydantic import BaseModel, ValidationError

from inquiry.kernel.errors import ActionError, NotAllowed
from inquiry.kernel.tokens import hash_secret, new_secret
from inquiry.moderation import actions as moderation_actions
from inquiry.questions import actions as questions_actions
from inquiry.questions import recall_actions
from inquiry.room import actions as room_actions
from inquiry.room import materials as room_materials
from inquiry.room import messages as room_messages
from inquiry.room import queue_actions
from inquiry.room.db import RoomEvent, select_due_deadlines, select_presence
from inquiry.room.permissions import RoomRole
from inquiry.room.runner import Outcome, Who
from inquiry.room.servers_db import (
    HEARTBEAT,
    delete_dead_connections,
    delete_server,
    update_heartbeat,
)
from web.http.api import describe_validation
from web.http.identity import DEVICE_COOKIE, STAFF_COOKIE
from web.keys import POOL, SIO
from web.realtime.protocol import INBOUND, ConnectAuth, Inbound, Resume

log = logging.getLogger("oxpecker.room")

MARK_COOKIE = "oxp_expert_mark"
PRESENCE_DELAY = 1.0  # seconds: 1,000 phones joining send one count a second, not 1,000,000 messages

Dispatch = Callable[[Pool, int, Who, Any], Awaitable[Outcome]]

DISPATCH: dict[str, Dispatch] = {
    "post_message": lambda pool, s, who, r: room_messages.post_message(pool, s, who, r.key, r.body),
    "advance_phase": lambda pool, s, who, r: room_actions.advance_phase(
        pool, s, who, r.key, r.to, r.expert_id, r.minutes, r.confirm),
    "control_timer": lambda pool, s, who, r: room_actions.control_timer(pool, s, who, r.key, r.command, r.minutes),
    "share_link": lambda pool, s, who, r: room_materials.share_material(pool, s, who, r.key, r.title, r.url, None),
    "ask_question": lambda pool, s, who, r: questions_actions.ask(pool, s, who, r.key, r.body),
    "upvote_question": lambda pool, s, who, r: questions_actions.upvote(pool, s, who, r.key, r.question_id),
    "flag_clarity": lambda pool, s, who, r: questions_actions.flag(pool, s, who, r.key, r.kind),
    "answer_question": lambda pool, s, who, r: questions_actions.answer(
        pool, s, who, r.key, r.question_id, r.answer),
    "curate_question": lambda pool, s, who, r: questions_actions.curate(
        pool, s, who, r.key, r.question_id, r.command, r.into_id),
    "raise_hand": lambda pool, s, who, r: queue_actions.raise_hand(pool, s, who, r.key, r.raised),
    "call_speaker": lambda pool, s, who, r: queue_actions.call_next(pool, s, who, r.key),
    "moderate": lambda pool, s, who, r: moderation_actions.moderate(
        pool, s, who, r.key, r.command, r.message_id, r.participant_id, r.reason, r.minutes, r.seconds),
    "propose_recall": lambda pool, s, who, r: recall_actions.propose(pool, s, who, r.key, r.expert_id, r.question),
    "vote_recall": lambda pool, s, who, r: recall_actions.vote(pool, s, who, r.key, r.recall_id),
    "approve_recall": lambda pool, s, who, r: recall_actions.approve(pool, s, who, r.key, r.recall_id),
    "answer_recall": lambda pool, s, who, r: recall_actions.answer(pool, s, who, r.key, r.recall_id, r.answer),
}


def marks_from(value: str | None) -> tuple[bytes, ...]:
    return tuple(hash_secret(m) for m in (value or "").split(".") if m)[:5]


def cookies_from(header: str) -> room_actions.Cookies:
    """The hashes of the room's cookies in a handshake's Cookie header (the lookup is in `join`)."""
    jar = {k: m.value for k, m in SimpleCookie(header).items()}
    staff, device = jar.get(STAFF_COOKIE), jar.get(DEVICE_COOKIE)
    return room_actions.Cookies(hash_secret(staff) if staff else None, hash_secret(device) if device else None,
                                marks_from(jar.get(MARK_COOKIE)))


def room_names(session_id: int, role: RoomRole, participant_id: int | None) -> list[str]:
    names = []
    if role in (RoomRole.FACILITATOR, RoomRole.RESIDENT, RoomRole.OBSERVER):
        names.append(f"s{session_id}:room")
    if role is RoomRole.FACILITATOR:
        names.append(f"s{session_id}:staff")
    if participant_id is not None:
        names.append(f"s{session_id}:p{participant_id}")
    return names


def recipients(event: RoomEvent, active_experts: list[int]) -> list[str]:
    s = event.session_id
    if event.audience == "public":
        return [f"s{s}:room", *(f"s{s}:p{e}" for e in active_experts)]
    if event.audience == "person":
        return [f"s{s}:p{event.participant_id}"]
    return [f"s{s}:{event.audience}"]


class RoomHub:
    """Runs room actions and sends their events in sequence order (per session, per process)."""

    def __init__(self, sio: socketio.AsyncServer, pool: Callable[[], asyncpg.Pool], server_id: str) -> None:
        self.sio = sio
        self.pool = pool
        self.server_id = server_id
        self.locks: dict[int, asyncio.Lock] = {}
        self.presence_due: set[int] = set()
        self.closing = False

    async def perform(self, session_id: int, who: Who, name: str, request: BaseModel) -> dict[str, Any]:
        async with self.locks.setdefault(session_id, asyncio.Lock()):
            outcome = await DISPATCH[name](self.pool(), session_id, who, request)
            await self.deliver(outcome)
        return {"ok": True, **outcome.ack}

    async def run(self, session_id: int, action: Callable[[], Awaitable[Outcome]]) -> Outcome:
        async with self.locks.setdefault(session_id, asyncio.Lock()):
            outcome = await action()
            await self.deliver(outcome)
        return outcome

    async def deliver(self, outcome: Outcome) -> None:
        """Drop sockets first (across processes), then send each event to its audience."""
        for sid in outcome.disconnect:
            await self.sio.emit("session_left", {"type": "session_left",
                                                 "reason": "You have left this session."}, to=sid)
            await self.sio.disconnect(sid)
        for event in outcome.events:
            await self.sio.emit(event.type, event.wire(), to=recipients(event, outcome.active_experts))

    def presence_soon(self, session_id: int) -> None:
        if session_id not in self.presence_due:
            self.presence_due.add(session_id)
            asyncio.get_running_loop().create_task(self._presence(session_id))

    async def _presence(self, session_id: int) -> None:
        await asyncio.sleep(PRESENCE_DELAY)
        self.presence_due.discard(session_id)
        if self.closing:
            return
        async with self.pool().acquire() as conn:
            p = await select_presence(conn, session_id)
        await self.sio.emit("presence", {"type": "presence", "residents": p.residents, "names": None},
                            to=f"s{session_id}:room")
        await self.sio.emit("presence", {"type": "presence", "residents": p.residents, "names": p.names},
                            to=f"s{session_id}:staff")


def refusal(err: ActionError) -> dict[str, Any]:
    return {"ok": False, "error": str(err), "status": err.status}


def register(sio: socketio.AsyncServer, hub: RoomHub) -> None:
    """Attach the handlers; one generic handler per inbound request name."""

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
        try:
            request = ConnectAuth.model_validate(auth or {})
        except ValidationError as err:
            raise socketio.exceptions.ConnectionRefusedError(describe_validation(err)) from None
        cookies = cookies_from(environ.get("HTTP_COOKIE", ""))
        try:
            joined = await room_actions.join(hub.pool(), request.session_id, cookies, sid, hub.server_id)
        except ActionError as err:
            raise socketio.exceptions.ConnectionRefusedError(str(err)) from None
        await sio.save_session(sid, {"session_id": request.session_id, "who": joined.who,
                                     "role": joined.actor.role, "pid": joined.actor.participant_id})
        hub.presence_soon(joined.session_id)

    @sio.event
    async def disconnect(sid: str, reason: Any = None) -> None:
        if hub.closing:  # the pool is going; _hub forgets this process's connections at once
            return
        session_id = await room_actions.leave(hub.pool(), sid)
        if session_id is not None:
            hub.presence_soon(session_id)

    @sio.event
    async def resume(sid: str, data: Any) -> dict[str, Any]:
        s = await sio.get_session(sid)
        try:
            request = Resume.model_validate(data)
            # Enter the live rooms first: an event racing the read arrives twice, and the
            # client drops any seq it has already applied; none is lost.
            for room in room_names(s["session_id"], s["role"], s["pid"]):
                await sio.enter_room(sid, room)
            page = await room_actions.read_log(hub.pool(), s["session_id"], s["who"], request.last_seq)
        except ValidationError as err:
            return {"ok": False, "error": describe_validation(err), "status": 400}
        except NotAllowed as err:
            await sio.disconnect(sid)
            return refusal(err)
        except ActionError as err:
            return refusal(err)
        return {"ok": True, "state": page.state, "events": [e.wire() for e in page.events],
                "more": page.more, "last_seq": page.last_seq}

    for name in DISPATCH:
        sio.on(name, handler=_handler(sio, hub, name, INBOUND[name]))


def _handler(sio: socketio.AsyncServer, hub: RoomHub, name: str,
             model: type[Inbound]) -> Callable[[str, Any], Awaitable[dict[str, Any]]]:
    async def handle(sid: str, data: Any) -> dict[str, Any]:
        s = await sio.get_session(sid)
        try:
            return await hub.perform(s["session_id"], s["who"], name, model.model_validate(data))
        except ValidationError as err:
            return {"ok": False, "error": describe_validation(err), "status": 400}
        except ActionError as err:
            return refusal(err)
    return handle


HUB = web.AppKey("room_hub", RoomHub)

DEADLINE_POLL = 1.0  # seconds between checks for phase timers that ran out


async def _hub(app: web.Application) -> AsyncIterator[None]:
    hub = app[HUB]
    async with app[POOL].acquire() as conn:
        await update_heartbeat(conn, hub.server_id)  # before any socket: our connections count from the start
        await delete_dead_connections(conn)
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(_watch_deadlines(hub)), loop.create_task(_keep_alive(hub))]
    try:
        yield
    finally:
        hub.closing = True
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        async with app[POOL].acquire() as conn:
            await delete_server(conn, hub.server_id)


async def _keep_alive(hub: RoomHub) -> None:
    """Beat, and forget the connections of processes that stopped beating (a crash leaves them)."""
    while True:
        await asyncio.sleep(HEARTBEAT)
        try:
            async with hub.pool().acquire() as conn:
                await update_heartbeat(conn, hub.server_id)
                changed = await delete_dead_connections(conn)
            for session_id in changed:
                hub.presence_soon(session_id)
        except Exception:  # keep beating through a database restart
            log.exception("room heartbeat failed; retrying")


async def _watch_deadlines(hub: RoomHub) -> None:
    """Announce each expired phase timer once, whichever process sees it first."""
    while True:
        await asyncio.sleep(DEADLINE_POLL)
        try:
            async with hub.pool().acquire() as conn:
                due = await select_due_deadlines(conn)
            for session_id in due:
                await hub.run(session_id, functools.partial(room_actions.announce_deadline, hub.pool(), session_id))
        except Exception:  # keep the watcher alive through a database restart
            log.exception("deadline watcher failed; retrying")


def attach(app: web.Application) -> None:
    """Create this process's hub, attach the handlers, watch the timers."""
    server_id = f"{socket.gethostname()}:{os.getpid()}:{new_secret()[:8]}"
    hub = RoomHub(app[SIO], lambda: app[POOL], server_id)
    app[HUB] = hub
    register(app[SIO], hub)
    app.cleanup_ctx.append(_hub)
