"""The room over HTTP (JSON): the same requests as socket.io, through the same actions.

`POST /api/v1/sessions/{session_id}/{request}` takes the socket.io payload of
that request (web/realtime/protocol.py) and returns the same ack; `GET .../log?after=n`
reads the log like `resume`. DISPATCH maps each request to its one action.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from inquiry.room import actions as room_actions
from inquiry.room import record_actions
from inquiry.room.runner import Who
from web.http.api import endpoint
from web.http.forms import MAX_ID, path_id
from web.http.identity import current_participant, current_staff
from web.keys import POOL
from web.realtime import protocol as p
from web.realtime.events import HUB, MARK_COOKIE, marks_from


def who_of(request: web.Request) -> Who:
    return Who(current_staff(request), current_participant(request), marks_from(request.cookies.get(MARK_COOKIE)))


def session_id_of(request: web.Request) -> int:
    return path_id(request, "session_id")


class LogResponse(BaseModel):
    state: p.PhaseState
    events: list[dict[str, Any]]
    more: bool
    last_seq: int


def request_handler(name: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    model = p.INBOUND[name]

    @endpoint(f"Room request `{name}` (same payload and ack as over socket.io)", body=model,
              response=p.Ack, auth="participant or staff of the session")
    async def handler(request: web.Request, body: BaseModel) -> dict[str, Any]:
        return await request.app[HUB].perform(session_id_of(request), who_of(request), name, body)
    return handler


@endpoint("Room events after `after` that you may see, in order (like socket.io `resume`)",
          response=LogResponse, auth="participant or staff of the session")
async def read_log(request: web.Request) -> LogResponse:
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        after = 0
    # Sequence numbers are bigints: nothing comes after the largest one (a larger number names no event).
    after = max(0, min(after, MAX_ID))
    page = await room_actions.read_log(request.app[POOL], session_id_of(request), who_of(request), after)
    return LogResponse(state=p.PhaseState(**page.state), events=[e.wire() for e in page.events],
                       more=page.more, last_seq=page.last_seq)


class SessionRecord(BaseModel):
    session_id: int
    title: str
    phases: list[dict[str, Any]]
    questions: list[dict[str, Any]]
    recalls: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    moderation: dict[str, int]
    ranking: dict[str, Any] | None = None  # the ranking result (order, pairwise table, reasons)


@endpoint("The public record of a closed session", response=SessionRecord, auth="public")
async def read_record(request: web.Request) -> SessionRecord:
    return SessionRecord(**await record_actions.session_record(request.app[POOL], session_id_of(request)))
