"""`create_app()` wires everything; resources live in `cleanup_ctx`.

Nothing happens at import time: the pool, the socket.io server and the
templates are created when the application starts, and closed in reverse order
even if a later step fails.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import asyncpg
import socketio
from aiohttp import web

from web.config import Config
from web.http.identity import identity_middleware
from web.http.render import error_middleware, make_templates
from web.http.security import csrf_middleware
from web.keys import CONFIG, POOL, SIO, TEMPLATES
from web.ops.migrations import migrate
from web.realtime import events
from web.rounds.views import round_clock
from web.routes import setup_routes

log = logging.getLogger("oxpecker.app")


async def _database(app: web.Application) -> AsyncIterator[None]:
    dsn = app[CONFIG].database_url
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=10)
    try:
        async with pool.acquire() as conn:
            applied = await migrate(conn)
        if applied:
            log.info("applied migrations: %s", ", ".join(applied))
        app[POOL] = pool
        yield
    finally:
        await pool.close()


def _socketio(app: web.Application) -> socketio.AsyncServer:
    config = app[CONFIG]
    manager = socketio.AsyncRedisManager(config.redis_url) if config.redis_url else None
    # cors_allowed_origins=None: python-socketio accepts only our own origin.
    sio = socketio.AsyncServer(async_mode="aiohttp", client_manager=manager, cors_allowed_origins=None)
    sio.attach(app)
    return sio


def create_app(config: Config) -> web.Application:
    if not config.database_url:
        raise ValueError("create_app needs a database URL; `oxpecker serve` starts one if none is set")
    app = web.Application(middlewares=[error_middleware, csrf_middleware, identity_middleware],
                          client_max_size=20 * 1024 * 1024)
    app[CONFIG] = config
    app[TEMPLATES] = make_templates()
    app[SIO] = _socketio(app)
    app.cleanup_ctx.append(_database)
    events.attach(app)  # the live room's hub and its socket.io handlers
    app.cleanup_ctx.append(round_clock)  # closes rounds whose closing time has come
    setup_routes(app)
    return app
