"""The JSON API under /api/v1: typed endpoints and their OpenAPI document.

An endpoint is an aiohttp handler wrapped by `endpoint(...)`: the request body
is parsed into a pydantic model (extra fields forbidden; a clear 400 names the
field), and a returned model is sent as JSON. The OpenAPI document is built
from the same models, by walking the router, so it cannot drift from the code.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from inquiry.kernel.errors import Invalid

API_PREFIX = "/api/v1"


@dataclass(frozen=True, slots=True)
class EndpointDoc:
    summary: str
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    auth: str
    status: int


def describe_validation(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        where = ".".join(str(x) for x in e["loc"]) or "body"
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)


async def parse_body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    try:
        raw = await request.json() if request.can_read_body else {}
    except json.JSONDecodeError as err:
        raise Invalid(f"The body is not valid JSON ({err.msg} at position {err.pos}).") from err
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        raise Invalid(describe_validation(err)) from err


def endpoint(summary: str, *, body: type[BaseModel] | None = None,
             response: type[BaseModel] | None = None, auth: str = "staff", status: int = 200,
             ) -> Callable[[Callable[..., Awaitable[Any]]], Callable[[web.Request], Awaitable[web.StreamResponse]]]:
    """Declare an API handler: `handler(request, body)` returning a model, a list of models, or a Response."""

    def wrap(fn: Callable[..., Awaitable[Any]]) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        @functools.wraps(fn)
        async def handler(request: web.Request) -> web.StreamResponse:
            args = [await parse_body(request, body)] if body is not None else []
            result = await fn(request, *args)
            if isinstance(result, web.StreamResponse):
                return result
            if isinstance(result, BaseModel):
                return web.Response(text=result.model_dump_json(), status=status, content_type="application/json")
            if isinstance(result, list):
                data = "[" + ",".join(m.model_dump_json() for m in result) + "]"
                return web.Response(text=data, status=status, content_type="application/json")
            return web.json_response(result, status=status)

        handler.__api__ = EndpointDoc(summary, body, response, auth, status)  # type: ignore[attr-defined]
        return handler

    return wrap


def openapi_document(app: web.Application) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    for route in app.router.routes():
        doc: EndpointDoc | None = getattr(route.handler, "__api__", None)
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if doc is None or not path:
            continue
        op: dict[str, Any] = {"summary": doc.summary, "x-auth": doc.auth, "responses": {}}
        for model, slot in ((doc.body, "request"), (doc.response, "response")):
            if model is None:
                continue
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
            ref = {"$ref": f"#/components/schemas/{model.__name__}"}
            if slot == "request":
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref}}}
            else:
                op["responses"][str(doc.status)] = {"description": "OK", "content": {"application/json": {"schema": ref}}}
        op["responses"].setdefault(str(doc.status), {"description": "OK"})
        op["responses"]["4XX"] = {"description": "Refused; nothing changed. Body: {error, status}."}
        paths.setdefault(path, {})[route.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Oxpecker API", "version": "1"},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": schemas},
    }


async def openapi_handler(request: web.Request) -> web.Response:
    return web.json_response(openapi_document(request.app))
