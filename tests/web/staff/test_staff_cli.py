"""`oxpecker create-staff` and `oxpecker reset-password`, run as an operator would."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from inquiry.kernel.errors import Invalid
from tests.web.conftest import Client, Server, page_text
from tests.web.staff.test_staff_support import PASSWORD, signed_in
from web.ops.admin import read_password

ROOT = Path(__file__).resolve().parents[3]


def oxpecker(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url}
    return subprocess.run([sys.executable, "-m", "web.ops.cli", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)


async def test_create_staff_then_sign_in_on_the_web(server: Server, client: Client, db: asyncpg.Connection) -> None:
    done = oxpecker(server.db_url, "create-staff", "Ana@Example.org", "--role", "convenor", "--name", "Ana Diaz",
                    "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert "Created convenor account ana@example.org" in done.stdout
    row = await db.fetchrow("SELECT display_name, role, password_hash FROM staff WHERE email = 'ana@example.org'")
    assert row["display_name"] == "Ana Diaz" and row["role"] == "convenor"
    assert row["password_hash"].startswith("$argon2id$")
    audit = await db.fetchrow("SELECT action, staff_id, detail->>'via' AS via FROM audit_log")
    assert (audit["action"], audit["staff_id"], audit["via"]) == ("staff.created", None, "command line")
    resp = await client.post_form("/login", {"email": "ana@example.org", "password": PASSWORD})
    assert resp.status == 200 and "Ana Diaz" in await resp.text()
    assert "the server operator (command line) created the account for ana@example.org" in page_text(await resp.text())


async def test_create_staff_refuses_clearly_and_writes_nothing(db_url: str, db: asyncpg.Connection) -> None:
    assert oxpecker(db_url, "create-staff", "ana@example.org", "--role", "facilitator", "--password-stdin",
                    stdin=PASSWORD).returncode == 0
    cases = [
        (("ana@example.org", "--role", "convenor"), PASSWORD, "already exists"),
        (("ana(at)example.org", "--role", "convenor"), PASSWORD, "is not an email address"),
        (("bea@example.org", "--role", "convenor"), "short\n", "at least 10 characters"),
    ]
    for args, stdin, words in cases:
        done = oxpecker(db_url, "create-staff", *args, "--password-stdin", stdin=stdin)
        assert done.returncode == 1 and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    bad_role = oxpecker(db_url, "create-staff", "bea@example.org", "--role", "admin", "--password-stdin")
    assert bad_role.returncode == 2 and "invalid choice" in bad_role.stderr
    assert await db.fetchval("SELECT count(*) FROM staff") == 1
    assert await db.fetchval("SELECT count(*) FROM audit_log") == 1


async def test_reset_password_signs_the_account_out_everywhere(server: Server, db: asyncpg.Connection) -> None:
    browser, staff_id = await signed_in(server, db, "ana@example.org")
    try:
        done = oxpecker(server.db_url, "reset-password", "ana@example.org", "--password-stdin",
                        stdin="another long passphrase\n")
        assert done.returncode == 0, done.stderr
        assert "1 sign-in ended" in done.stdout
        assert (await browser.api("GET", "/me")).status == 403
        resp = await browser.api("POST", "/login", {"email": "ana@example.org", "password": "another long passphrase"})
        assert resp.status == 200
        missing = oxpecker(server.db_url, "reset-password", "nobody@example.org", "--password-stdin",
                           stdin=PASSWORD)
        assert missing.returncode == 1 and "No staff account has the email nobody@example.org" in missing.stderr
        assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'staff.password_set'") == 1
    finally:
        await browser.close()


def test_the_prompt_asks_twice_and_refuses_two_different_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["correct horse battery", "correct horse battery", "correct horse battery", "correct horse batterie"])
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    assert read_password(False) == "correct horse battery"
    assert prompts == ["Password (at least 10 characters): ", "The same password again: "]
    with pytest.raises(Invalid, match="not the same"):
        read_password(False)
