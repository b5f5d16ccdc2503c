"""The domain packages type-check under mypy --strict (STYLE.md), and stay pure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_inquiry_and_budget_pass_mypy_strict() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_domain_never_imports_the_web_stack() -> None:
    offenders = []
    for package in ("inquiry", "budget"):
        for path in (ROOT / package).glob("*.py"):
            for n, line in enumerate(path.read_text().splitlines(), 1):
                words = line.split()
                if words[:1] in (["import"], ["from"]) and len(words) > 1:
                    module = words[1].split(".")[0]
                    if module in {"aiohttp", "socketio", "engineio", "web"}:
                        offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
