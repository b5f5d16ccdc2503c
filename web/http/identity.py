"""Who is asking: the staff member or participant behind the request's cookies.

Guards raise `NotAllowed`, so a resident's cookie on a staff page or API gets
403, and nobody's cookie gets a page the server did not mean for them.
"""

from __future__ import annotations

from aiohttp import web

from inquiry.access.identity_db import (
    select_participant_by_device,
    select_staff_by_login,
)
from inquiry.kernel.errors import NotAllowed, SignInRequired
from inquiry.kernel.roles import Participant, Role, Staff
from inquiry.kernel.tokens import hash_secret
from web.http.security import Handler
from web.keys import POOL

STAFF_COOKIE = "oxp_staff"
DEVICE_COOKIE = "oxp_device"
SOCKETIO_PATH = "/socket.io/"  # python-socketio's default path (web/app.py attaches it there)
STAFF_KEY: web.RequestKey[Staff | None] = web.RequestKey("staff", Staff | None)  # type: ignore[arg-type]
PARTICIPANT_KEY: web.RequestKey[Participant | None] = web.RequestKey(
    "participant", Participant | None)  # type: ignore[arg-type]


@web.middleware
async def identity_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(SOCKETIO_PATH):
        return await handler(request)  # web/realtime/events.py reads these cookies in its one connect statement
    staff_cookie = request.cookies.get(STAFF_COOKIE)
    device_cookie = request.cookies.get(DEVICE_COOKIE)
    if staff_cookie or device_cookie:
        async with request.app[POOL].acquire() as conn:
            if staff_cookie:
                request[STAFF_KEY] = await select_staff_by_login(conn, hash_secret(staff_cookie))
            if device_cookie:
                request[PARTICIPANT_KEY] = await select_participant_by_device(
                    conn, hash_secret(device_cookie)
                )
    return await handler(request)


def current_staff(request: web.Request) -> Staff | None:
    staff: Staff | None = request.get(STAFF_KEY)
    return staff


def current_participant(request: web.Request) -> Participant | None:
    participant: Participant | None = request.get(PARTICIPANT_KEY)
    return participant


def require_staff(request: web.Request, *roles: Role) -> Staff:
    """The signed-in staff member, if they hold one of `roles` (any staff role if none given)."""
    staff = current_staff(request)
    if staff is None and current_participant(request) is not None:
        # A resident's (expert's, observer's) phone is refused outright, not sent to a sign-in page.
        raise NotAllowed("This is for staff only; you are taking part with a participant's access.")
    if staff is None:
        raise SignInRequired("Sign in as staff to do this.")
    if roles and staff.role not in roles:
        raise NotAllowed(f"This needs a {' or '.join(roles)} account; you are signed in as {staff.role}.")
    return staff


def require_participant(request: web.Request, *roles: Role) -> Participant:
    participant = current_participant(request)
    if participant is None:
        raise NotAllowed("Join with your code or link first.")
    if roles and participant.role not in roles:
        raise NotAllowed(f"This is for {' or '.join(roles)}s only.")
    return participant
