"""Cross-site request forgery protection and cookie settings.

Every browser gets a random `oxp_csrf` cookie. A state-changing request
(anything but GET, HEAD, OPTIONS) must repeat it: forms in a hidden
`csrf_token` field, scripts in an `X-CSRF-Token` header, which other sites
cannot read or set. A request whose Origin (or, without Origin, Referer) names
another site is refused before that. socket.io connections are checked by
python-socketio itself: it accepts only our own origin.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from inquiry.kernel.tokens import new_secret
from web.keys import CONFIG

CSRF_COOKIE = "oxp_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_NEW = web.RequestKey("csrf_new", str)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def own_origin(request: web.Request) -> str:
    public = request.app[CONFIG].public_url
    if public:
        parts = urlsplit(public)
        return f"{parts.scheme}://{parts.netloc}"
    return f"{request.scheme}://{request.host}"


def client_address(request: web.Request) -> str:
    """The peer address; the first X-Forwarded-For hop only when OXPECKER_TRUST_PROXY=1."""
    if request.app[CONFIG].trust_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.remote or "unknown"


def csrf_token(request: web.Request) -> str:
    """The browser's token, creating one on its first visit."""
    token = request.cookies.get(CSRF_COOKIE) or request.get(CSRF_NEW)
    if not token:
        token = new_secret()
        request[CSRF_NEW] = token
    return token


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str,
               max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="Lax", path="/",
        secure=request.app[CONFIG].cookie_secure,
    )


def _foreign_origin(request: web.Request) -> str | None:
    origin = request.headers.get("Origin")
    if origin is None and "Referer" in request.headers:
        parts = urlsplit(request.headers["Referer"])
        origin = f"{parts.scheme}://{parts.netloc}"
    if origin is not None and origin != own_origin(request):
        return origin
    return None


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in SAFE_METHODS:
        foreign = _foreign_origin(request)
        if foreign:
            raise web.HTTPForbidden(text=f"Refused: this request came from another site ({foreign}).")
        expected = request.cookies.get(CSRF_COOKIE, "")
        sent = request.headers.get(CSRF_HEADER)
        if sent is None and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"
        ):
            sent = str((await request.post()).get(CSRF_FIELD, ""))
        if not expected or not sent or not hmac.compare_digest(expected, sent):
            raise web.HTTPForbidden(
                text="Refused: this form has expired or did not come from this site. "
                "Reload the page and try again."
            )
    response = await handler(request)
    if CSRF_NEW in request and not request.cookies.get(CSRF_COOKIE):
        set_cookie(request, response, CSRF_COOKIE, request[CSRF_NEW])
    return response
