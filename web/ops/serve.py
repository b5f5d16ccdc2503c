"""`oxpecker serve`: the web server, on the embedded database unless DATABASE_URL is set."""

from __future__ import annotations

import asyncio
import signal
import sys
from dataclasses import replace

from aiohttp import web

from web.app import create_app
from web.config import Config
from web.ops.database import open_database
from web.ops.logs import configure
from web.ops.migrations import MigrationError


async def _run(config: Config) -> None:
    app = create_app(config)
    # Ctrl-C waits at most 5 s for open requests and websockets (aiohttp's default is 60 s).
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=5.0)
    await runner.setup()
    site = web.TCPSite(runner, config.host, config.port)
    await site.start()
    print(f"Oxpecker is running on http://{config.host}:{config.port}/ (Ctrl-C stops it)",
          file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        print("Stopping…", file=sys.stderr, flush=True)
        await runner.cleanup()


def serve(config: Config) -> int:
    configure(config.log_format)
    with open_database(config) as db:
        try:
            asyncio.run(_run(replace(config, database_url=db.url)))
        except MigrationError as err:
            print(f"oxpecker: {err}", file=sys.stderr)
            return 1
        except OSError as err:
            print(f"oxpecker: cannot listen on {config.host}:{config.port}: {err.strerror}", file=sys.stderr)
            return 1
    return 0
