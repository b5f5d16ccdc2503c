"""Staff pages for the ways in: codes, links, printable join cards, participants.

Secrets of new links and re-issued recovery codes are shown once, on the page that
answers the POST: only their hashes are kept, so there is nothing to show later.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import segno
from aiohttp import web
from markupsafe import Markup
from multidict import MultiDictProxy

from inquiry.access import member_actions as members
from inquiry.access import staff_actions as manage
from inquiry.access.rules import (
    RESIDENT_KINDS,
    AccessCode,
    CodeKind,
    CodeRequest,
    LinkRequest,
)
from inquiry.kernel.errors import Invalid
from web.http.forms import optional_int, path_id
from web.http.identity import require_staff
from web.http.render import render
from web.http.security import own_origin
from web.keys import CONFIG, POOL

FormData = MultiDictProxy[str | bytes | web.FileField]


def site_url(request: web.Request) -> str:
    public = request.app[CONFIG].public_url
    return public.rstrip("/") if public else own_origin(request)


def code_url(request: web.Request, code: AccessCode, secret: str | None = None) -> str | None:
    """The link to hand out: join links for resident codes; expert and observer links need the secret."""
    if code.code:
        return f"{site_url(request)}/join/{code.code}"
    if secret:
        return f"{site_url(request)}/{'expert' if code.kind is CodeKind.EXPERT else 'observe'}/{secret}"
    return None


def issued_page(request: web.Request, **context: Any) -> web.Response:
    """A page holding a secret shown once: no cache may keep it."""
    response = render(request, "access/staff_issued.html", **context)
    response.headers["Cache-Control"] = "no-store"
    return response


async def access_page(request: web.Request) -> web.Response:
    view = await manage.overview(request.app[POOL], require_staff(request), path_id(request, "inquiry_id"))
    return render(request, "access/staff_access.html", view=view, now=datetime.now(UTC),
                  made=request.query.get("made", ""), links=RESIDENT_KINDS)


async def generate(request: web.Request) -> web.Response:
    staff, inquiry_id, data = require_staff(request), path_id(request, "inquiry_id"), await request.post()
    kind = str(data.get("kind", ""))
    if kind not in RESIDENT_KINDS:
        raise Invalid("Choose single-use codes or an open code.")
    made = await manage.generate_codes(request.app[POOL], staff, inquiry_id, CodeRequest(
        kind=CodeKind(kind), count=optional_int(data, "count", "How many") or 1,
        label=str(data.get("label", "")).strip(),
        max_uses=optional_int(data, "max_uses", "The limit of people") if kind == CodeKind.RESIDENT_OPEN else None,
        expires_days=optional_int(data, "expires_days", "Days until expiry"),
    ))
    raise web.HTTPSeeOther(f"/inquiries/{inquiry_id}/access?made={len(made)}")


async def create_link(request: web.Request) -> web.Response:
    staff, inquiry_id, data = require_staff(request), path_id(request, "inquiry_id"), await request.post()
    kind = str(data.get("kind", ""))
    if kind not in (CodeKind.EXPERT, CodeKind.OBSERVER):
        raise Invalid("Choose an expert link or an observer link.")
    issued = await manage.create_link(request.app[POOL], staff, inquiry_id, LinkRequest(
        kind=CodeKind(kind), label=str(data.get("label", "")),
        session_id=optional_int(data, "session_id", "The session"),
        expires_days=optional_int(data, "expires_days", "Days until expiry"),
        max_uses=optional_int(data, "max_uses", "The limit of people"),
    ))
    return issued_page(request, code=issued.code,
                       url=code_url(request, issued.code, issued.secret), recovery_code=None, member=None)


async def revoke(request: web.Request) -> web.Response:
    code = await manage.revoke_code(request.app[POOL], require_staff(request), path_id(request, "code_id"))
    raise web.HTTPSeeOther(f"/inquiries/{code.inquiry_id}/access")


async def reissue(request: web.Request) -> web.Response:
    issued = await manage.reissue_code(request.app[POOL], require_staff(request), path_id(request, "code_id"))
    return issued_page(request, code=issued.code,
                       url=code_url(request, issued.code, issued.secret), recovery_code=None, member=None)


def qr_svg(url: str) -> Markup:
    # segno writes the SVG itself from the URL alone; nothing user-typed reaches it unescaped.
    return Markup(segno.make(url, error="m").svg_inline(scale=4, border=2, title="QR code to join"))


async def print_page(request: web.Request) -> web.Response:
    view = await manage.overview(request.app[POOL], require_staff(request), path_id(request, "inquiry_id"))
    now, label = datetime.now(UTC), request.query.get("label")
    cards = [(c, code_url(request, c), qr_svg(code_url(request, c) or ""))
             for c in view.codes
             if c.kind in RESIDENT_KINDS and c.usable(now) and (label is None or c.label == label)]
    return render(request, "access/staff_print.html", view=view, cards=cards, site=site_url(request))


async def participants_page(request: web.Request) -> web.Response:
    inquiry, people = await members.list_members(request.app[POOL], require_staff(request),
                                                 path_id(request, "inquiry_id"))
    return render(request, "access/staff_participants.html", inquiry=inquiry, people=people)


async def member_action(request: web.Request) -> web.Response:
    staff, pool, participant_id = require_staff(request), request.app[POOL], path_id(request, "participant_id")
    action = request.match_info["action"]
    if action == "reissue-access":
        member, code = await members.reissue_access(pool, staff, participant_id)
        return issued_page(request, code=None, member=member, recovery_code=code,
                      url=f"{site_url(request)}/recover/{code}")
    if action == "revoke-devices":
        member, _ = await members.revoke_devices(pool, staff, participant_id)
    else:
        member = await members.remove_participant(pool, staff, participant_id)
    raise web.HTTPSeeOther(f"/inquiries/{member.inquiry_id}/participants")
