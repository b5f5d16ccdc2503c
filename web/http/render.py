"""Server-rendered pages (jinja2) and the one error page/JSON shape."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from aiohttp import web

from inquiry.kernel.errors import ActionError, SignInRequired, TooMany
from inquiry.kernel.money import format_money, format_plain
from inquiry.kernel.tokens import format_code
from web.http.identity import current_participant, current_staff
from web.http.security import Handler, csrf_token
from web.keys import TEMPLATES

log = logging.getLogger("oxpecker.web")


def make_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parents[1] / "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["code"] = format_code
    env.filters["money"] = format_money
    env.globals["units"] = format_plain  # an amount as typed back into a form field
    return env


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    env = request.app[TEMPLATES]
    body = env.get_template(template).render(
        request=request,
        csrf_token=csrf_token(request),
        staff=current_staff(request),
        participant=current_participant(request),
        **context,
    )
    return web.Response(text=body, status=status, content_type="text/html")


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def error_response(request: web.Request, status: int, message: str) -> web.Response:
    if wants_json(request):
        return web.json_response({"error": message, "status": status}, status=status)
    return render(request, "error.html", status=status, message=message, error_status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Domain errors become 4xx with the same message as HTML or JSON; nothing else leaks."""
    try:
        return await handler(request)
    except SignInRequired as err:
        if request.method == "GET" and not wants_json(request):
            raise web.HTTPSeeOther(f"/login?next={quote(request.path_qs)}") from err
        return error_response(request, 403, str(err))
    except TooMany as err:
        response = error_response(request, err.status, str(err))
        response.headers["Retry-After"] = str(err.retry_after)
        return response
    except ActionError as err:
        return error_response(request, err.status, str(err))
    except web.HTTPException as err:
        if err.status >= 400:
            return error_response(request, err.status, err.text or err.reason)
        raise
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(request, 500, "Something went wrong on our side; nothing was changed.")
