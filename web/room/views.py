"""Live session pages: the resident room, facilitator console, expert and observer views.

`/s/{id}` picks the view by role; `/s/{id}/console` is for facilitators. Every
page shows the current state on reload without JavaScript, and its forms post
to `/s/{id}/do/{request}`, which runs the same action as socket.io, then
redirect back (POST-redirect-GET). setup() also attaches the socket.io handlers
and the JSON API of the room.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from inquiry.kernel.errors import Invalid, NotFound
from inquiry.kernel.tokens import hash_secret, new_secret
from inquiry.moderation import db as moderation_db
from inquiry.room import materials as room_materials
from inquiry.room import record_actions
from inquiry.room.db import insert_expert_mark
from inquiry.room.permissions import RoomRole
from inquiry.room.view import refuse_staff_only, snapshot
from web.http.api import describe_validation
from web.http.forms import form_key, path_id
from web.http.render import render
from web.http.security import set_cookie
from web.keys import POOL
from web.realtime.events import DISPATCH, HUB, MARK_COOKIE
from web.realtime.protocol import INBOUND
from web.room.api import session_id_of, who_of

MAX_PDF = 15 * 1024 * 1024  # bytes; a slide deck, not a video


async def room_page(request: web.Request) -> web.StreamResponse:
    session_id = session_id_of(request)
    snap = await snapshot(request.app[POOL], session_id, who_of(request))
    role = snap.actor.role
    if role is RoomRole.FACILITATOR:
        raise web.HTTPSeeOther(f"/s/{session_id}/console")
    if role is RoomRole.WITHDRAWN:
        return render(request, "room/withdrawn.html", snap=snap, key=form_key())
    response = render(request, "room/room.html", snap=snap, role=role.value, key=form_key)
    if role is RoomRole.EXPERT and snap.actor.participant_id is not None:
        await _mark_expert_browser(request, response, snap.actor.participant_id)
    return response


async def _mark_expert_browser(request: web.Request, response: web.StreamResponse, participant_id: int) -> None:
    """Remember that this browser held an expert's access (see PRODUCT.md on withdrawal)."""
    marks = [m for m in request.cookies.get(MARK_COOKIE, "").split(".") if m]
    mark = new_secret()
    async with request.app[POOL].acquire() as conn:
        await insert_expert_mark(conn, hash_secret(mark), participant_id)
    set_cookie(request, response, MARK_COOKIE, ".".join([mark, *marks][:5]), max_age=365 * 86400)


async def console_page(request: web.Request) -> web.StreamResponse:
    snap = await snapshot(request.app[POOL], session_id_of(request), who_of(request))
    refuse_staff_only(snap.actor)
    return render(request, "room/console.html", snap=snap, key=form_key)


async def form_action(request: web.Request) -> web.StreamResponse:
    """A form post: the same request model and action as socket.io, then back to the page."""
    name = request.match_info["name"]
    if name not in DISPATCH:
        raise NotFound("There is no such room request.")
    form = await request.post()
    fields: dict[str, Any] = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "back") and str(v) != ""}
    try:
        body = INBOUND[name].model_validate(fields)
    except ValidationError as err:
        raise Invalid(describe_validation(err)) from None
    session_id = session_id_of(request)
    await request.app[HUB].perform(session_id, who_of(request), name, body)
    back = str(form.get("back", ""))
    raise web.HTTPSeeOther(back if back.startswith(f"/s/{session_id}") else f"/s/{session_id}")


async def upload_pdf(request: web.Request) -> web.StreamResponse:
    session_id = session_id_of(request)
    form = await request.post()
    upload = form.get("pdf")
    if not isinstance(upload, web.FileField):
        raise Invalid("Choose a PDF file to upload.")
    data = upload.file.read(MAX_PDF + 1)
    if len(data) > MAX_PDF:
        raise Invalid("That PDF is larger than 15 MB.")
    await request.app[HUB].run(session_id, lambda: room_materials.share_material(
        request.app[POOL], session_id, who_of(request), str(form.get("key", "")) or None,
        str(form.get("title", "")), None, data))
    raise web.HTTPSeeOther(f"/s/{session_id}")


async def material(request: web.Request) -> web.StreamResponse:
    session_id = session_id_of(request)
    snap = await snapshot(request.app[POOL], session_id, who_of(request))
    wanted = path_id(request, "material_id")
    if not any(m["id"] == wanted for m in snap.materials):
        raise NotFound("There is no such material, or it is not shown yet.")
    async with request.app[POOL].acquire() as conn:
        pdf = await conn.fetchval("SELECT pdf FROM expert_materials WHERE id = $1", wanted)
    if pdf is None:
        raise NotFound("That material is a link, not a file.")
    return web.Response(body=pdf, content_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="material-{wanted}.pdf"',
                                 # An uploaded file must not run script in our origin.
                                 "Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"})


async def moderation_csv(request: web.Request) -> web.StreamResponse:
    session_id = session_id_of(request)
    snap = await snapshot(request.app[POOL], session_id, who_of(request))
    refuse_staff_only(snap.actor)
    async with request.app[POOL].acquire() as conn:
        entries = await moderation_db.select_moderation(conn, session_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "staff", "action", "participant", "message_id", "reason"])
    for e in entries:
        writer.writerow([e.at.isoformat(), e.staff, e.action, e.participant or "", e.message_id or "", e.reason])
    return web.Response(text=out.getvalue(), content_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="session-{session_id}-moderation.csv"'})


async def record_page(request: web.Request) -> web.StreamResponse:
    record = await record_actions.session_record(request.app[POOL], session_id_of(request))
    return render(request, "room/record.html", record=record)
