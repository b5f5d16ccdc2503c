"""`/healthz` for load balancers and `/` for people."""

from __future__ import annotations

from aiohttp import web

from web.http.render import render
from web.keys import POOL


async def healthz(request: web.Request) -> web.Response:
    try:
        async with request.app[POOL].acquire(timeout=5) as conn:
            await conn.fetchval("SELECT 1")
    except Exception as err:  # any failure to reach the database is "unhealthy"
        return web.json_response({"status": "unavailable", "database": str(err)}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})


async def home(request: web.Request) -> web.Response:
    return render(request, "home.html")
