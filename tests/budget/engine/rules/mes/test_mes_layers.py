"""The exact path never reaches into `budget.engine.rules.mes.fast`: only the switch in `rule.py` does.

If an exact module imported a float, batch or span shortcut, `fast=False`
could run it without anyone noticing; this reads every import statement.
"""

from __future__ import annotations

import ast
from pathlib import Path

from budget.engine.rules import mes

PACKAGE = Path(mes.__file__).parent
FAST = "budget.engine.rules.mes.fast"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    found |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return found


def test_only_the_switch_imports_the_fast_subpackage() -> None:
    importers = sorted(p.name for p in PACKAGE.glob("*.py") if any(m.startswith(FAST) for m in _imports(p)))
    assert importers == ["rule.py"]


def test_the_reference_imports_nothing_of_the_engine_it_checks() -> None:
    """The oracle shares only the election model, the satisfactions, the tie-break order and the
    completion names with the code it is compared with."""
    mine = {m for m in _imports(PACKAGE / "reference.py") if m.startswith("budget.")}
    assert mine == {"budget.engine.election", "budget.engine.rules.mes.completion",
                    "budget.engine.satisfaction", "budget.engine.tiebreak"}
