"""A private PostgreSQL for one machine, through `pgserver`.

The data folder defaults to the per-user data folder (`platformdirs`), or
`/var/lib/oxpecker` when running as root. Run as root, pgserver runs
PostgreSQL as a system user `pgserver` and adds read+traverse permission for
everyone to *every parent folder* of the data folder; we therefore refuse a data
folder whose parents are not already traversable by everyone (for example one
under `/root`, mode 0700), instead of silently opening them up.

A PostgreSQL left running by a killed `oxpecker` (pgserver leaks one after
SIGKILL) is found through its `postmaster.pid` and reused; the dead process is
dropped from pgserver's handle list so that this run stops the server on exit.
"""

from __future__ import annotations

import json
import os
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path

import platformdirs


class DataDirError(Exception):
    """The data folder cannot be used safely."""


def default_data_dir() -> Path:
    if os.geteuid() == 0:
        return Path("/var/lib/oxpecker")
    return Path(platformdirs.user_data_dir("oxpecker"))


def check_data_dir(data_dir: Path) -> None:
    """Refuse, as root, a folder whose parents pgserver would have to open up."""
    if os.geteuid() != 0:
        return
    traverse = stat.S_IXOTH
    for parent in data_dir.resolve().parents:
        if not parent.exists():
            continue
        mode = parent.stat().st_mode
        if not mode & traverse:
            raise DataDirError(
                f"refusing data folder {data_dir}: running as root, the embedded PostgreSQL "
                f"would make {parent} (mode {stat.filemode(mode)}) readable by every user. "
                f"Use --data-dir under a folder that is already public, e.g. /var/lib/oxpecker "
                f"(the default for root), or set DATABASE_URL."
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


@dataclass
class EmbeddedPostgres:
    """A running embedded server; `stop()` stops it unless another process uses it."""

    pgdata: Path
    url: str
    reused_orphan: bool
    _server: object

    @classmethod
    def start(cls, data_dir: Path) -> EmbeddedPostgres:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (root, containers); its fallback is fine.
            warnings.simplefilter("ignore")
            import pgserver  # imported here: starting it is the only reason to load it

        check_data_dir(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        pgdata = data_dir / "pgdata"
        orphans = _prune_dead_handles(pgdata) if pgdata.exists() else []
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
        return cls(pgdata=pgdata, url=server.get_uri(), reused_orphan=bool(orphans), _server=server)

    def database_url(self, database: str = "postgres") -> str:
        return self._server.get_uri(database)  # type: ignore[attr-defined,no-any-return]

    def ensure_database(self, name: str) -> str:
        """Create database `name` if missing; return its URL. `name` is ours, never user input."""
        if "(1 row)" not in self._server.psql(  # type: ignore[attr-defined]
            f"SELECT 1 FROM pg_database WHERE datname = '{name}';"
        ):
            self._server.psql(f"CREATE DATABASE {name};")  # type: ignore[attr-defined]
        return self.database_url(name)

    def stop(self) -> None:
        self._server.cleanup()  # type: ignore[attr-defined]
