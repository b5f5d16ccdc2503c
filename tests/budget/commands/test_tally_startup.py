"""`oxpecker tally` loads only what the chosen rule needs, and `--exact` counts the same as the fast path."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.budget.instances import DATA

ASSEN = str(DATA / "Netherlands_Assen_2024.pb")
HEAVY = ("aiohttp", "pydantic", "jinja2", "asyncpg", "socketio", "web.app")

# After a run, the modules of interest that it loaded (printed on stderr, one line).
LOADED = """
import sys
from web.ops.cli import main
main(["tally", *sys.argv[1:]])
names = ("budget.engine.rules.mes.rule", "budget.engine.rules.phragmen.rule", "json") + {heavy!r}
print(" ".join(n for n in names if n in sys.modules), file=sys.stderr)
"""


def loaded(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", LOADED.format(heavy=HEAVY), *args],
                          capture_output=True, text=True, timeout=120, check=True)
    return set(done.stderr.split())


@pytest.mark.parametrize(("args", "want"), [
    (("--rule", "greedy"), set()),
    (("--rule", "greedy", "--json"), {"json"}),
    (("--rule", "mes"), {"budget.engine.rules.mes.rule"}),
    (("--rule", "phragmen", "--json"), {"budget.engine.rules.phragmen.rule", "json"}),
])
def test_a_tally_loads_only_its_rule_and_never_the_web_stack(args: tuple[str, ...], want: set[str]) -> None:
    assert loaded(ASSEN, *args) == want


@pytest.mark.parametrize("args", [
    ("Poland_Swiecie_2023.pb", "--rule", "mes", "--then-greedy", "--tie-break", "min-cost-max-votes"),
    ("Switzerland_Zurich_D10.pb", "--rule", "mes", "--satisfaction", "additive", "--comparison"),
    ("Netherlands_Assen_2024.pb", "--rule", "greedy"),
])
def test_exact_prints_what_the_fast_path_prints(args: tuple[str, ...]) -> None:
    name, *options = args
    command = [sys.executable, "-m", "budget.commands.tally", str(DATA / name), *options, "--json"]
    fast = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    exact = subprocess.run([*command, "--exact"], capture_output=True, text=True, timeout=120, check=True)
    assert exact.stdout == fast.stdout
    assert '"explanations": {' in exact.stdout


def test_help_names_the_exact_path() -> None:
    done = subprocess.run([sys.executable, "-m", "budget.commands.tally", "--help"],
                          capture_output=True, text=True, timeout=60, check=True)
    assert "--exact" in done.stdout and "textbook reference" in done.stdout
