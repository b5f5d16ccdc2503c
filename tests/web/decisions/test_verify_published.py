"""`oxpecker verify` re-counts a published decision, and names what was changed in its files."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.web.conftest import Server
from tests.web.rounds_setup import cast, open_round, world

CHOICES = [["1", "2"], ["3"], ["2", "4"], ["1", "4"], ["3", "4"]]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


async def verify(target: str) -> Result:
    """Run the real command; asynchronously, because the server it may fetch from runs on this loop."""
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "web.ops.cli", "verify", target,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return Result(proc.returncode or 0, out.decode(), err.decode())


@pytest.fixture
async def published(server: Server, tmp_path: Path) -> tuple[Path, str]:
    w = await world(server, residents=22)
    try:
        rid = await open_round(w, rule={"rule": "greedy", "tie_break": "min-cost-max-votes"})
        for n, c in enumerate(w.residents):
            assert (await cast(c, rid, CHOICES[n % len(CHOICES)], f"verify-key-{n}"))["http_status"] == 200
        assert (await w.convenor.api("POST", f"/rounds/{rid}/close")).status == 200
        (tmp_path / "decision.json").write_text(await (await w.convenor.get(f"/decisions/{rid}.json")).text())
        (tmp_path / "ballots.pb").write_text(await (await w.convenor.get(f"/decisions/{rid}.pb")).text())
        return tmp_path, f"{server.url}/decisions/{rid}"
    finally:
        await w.close()


async def test_verify_passes_on_the_published_files_and_url(published: tuple[Path, str]) -> None:
    folder, url = published
    for target in (str(folder), url):
        result = await verify(target)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "OK: decision" in result.stdout


async def test_verify_names_a_changed_ballot(published: tuple[Path, str]) -> None:
    folder, _ = published
    pb = (folder / "ballots.pb").read_text().splitlines()
    votes = pb.index("VOTES") + 2
    receipt, vote = pb[votes].split(";")[:2]
    pb[votes] = f"{receipt};{'3' if vote != '3' else '1'}"
    (folder / "ballots.pb").write_text("\n".join(pb) + "\n")
    result = await verify(str(folder))
    assert result.returncode == 1
    assert f"ballot 1 (receipt {receipt}) differs from the ballot committed in the chain" in result.stdout


async def test_verify_names_a_changed_cost(published: tuple[Path, str]) -> None:
    folder, _ = published
    text = (folder / "ballots.pb").read_text().replace("\n2;8000;", "\n2;7000;")
    (folder / "ballots.pb").write_text(text)
    result = await verify(str(folder))
    assert result.returncode == 1
    assert "ballots.pb: project 2 costs 7000, the frozen configuration says 8000" in result.stdout


async def test_verify_names_a_changed_rule_option(published: tuple[Path, str]) -> None:
    folder, _ = published
    doc = json.loads((folder / "decision.json").read_text())
    doc["configuration"]["rule"]["tie_break"] = "lexicographic"
    (folder / "decision.json").write_text(json.dumps(doc))
    result = await verify(str(folder))
    assert result.returncode == 1
    assert 'rule.tie_break: "lexicographic" vs "min-cost-max-votes"' in result.stdout


def test_verify_does_not_load_the_web_stack() -> None:
    code = "import sys, budget.commands.verify; print(sorted(m for m in ('aiohttp', 'socketio', 'web') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
