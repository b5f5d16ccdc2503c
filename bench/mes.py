"""Method of Equal Shares: our seconds next to pabutools' and equalshares.net's, per shared instance.

    .venv/bin/python -m bench.mes [--only SUBSTRING] [--skip SUBSTRING ...]

Each row times parse + rule in this process (no explanations: `oxpecker
tally` without `--json`), checks the outcome against
data/pabulib/expected.json (pabutools 1.2.3) or equalshares_add1.json (the
equalshares.net tool), and prints the reference's own recorded seconds.
`runs` counts the endowments the add1 loop looked at (`MesResult.runs`):
most are answered by a lockstep batch or by the float span check that
reached them, not by a run of their own.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from budget.commands.heap import keep_freed_memory
from budget.engine.pabulib import read_pabulib
from budget.engine.rules.mes.rule import Completion, method_of_equal_shares
from budget.engine.satisfaction import Satisfaction
from budget.engine.tiebreak import TieBreak

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "pabulib"  # the repo's copy of Pabulib files
SATISFACTIONS = {"cost": Satisfaction.COST, "card": Satisfaction.CARDINALITY,
                 "cardinal": Satisfaction.ADDITIVE, "borda": Satisfaction.BORDA}


def _cases() -> list[tuple[str, str, dict[str, object]]]:
    pabutools = json.loads((DATA / "expected.json").read_text())["instances"]
    tool = json.loads((DATA / "equalshares_add1.json").read_text())["instances"]
    cases = [(name, key, ref) for name, entry in pabutools.items()
             for key, ref in sorted(entry["rules"].items()) if key.startswith("mes_")]
    cases += [(name, "equalshares_add1", ref) for name, ref in tool.items()]
    return sorted(cases)


def _run(name: str, key: str) -> tuple[float, tuple[str, ...], tuple[str, ...], int]:
    started = time.perf_counter()
    election = read_pabulib(DATA / name)
    if key == "equalshares_add1":
        result = method_of_equal_shares(election, Satisfaction.COST, TieBreak.MIN_COST_MAX_VOTES,
                                        Completion.ADD1, explain=False)
    else:
        add1 = key.endswith("_add1")
        satisfaction = SATISFACTIONS[key.removeprefix("mes_").removesuffix("_add1")]
        result = method_of_equal_shares(election, satisfaction, TieBreak.LEXICOGRAPHIC,
                                        Completion.ADD1_EXHAUSTIVE if add1 else Completion.NONE,
                                        then_greedy=add1, explain=False)
    return time.perf_counter() - started, result.outcome.selected, result.mes_selected, result.runs


def _verdict(key: str, ref: dict[str, object], selected: tuple[str, ...], mes: tuple[str, ...]) -> str:
    if ref.get("status", "ok") != "ok":
        return f"(reference: {ref['status']})"
    if key.endswith("_add1") and key != "equalshares_add1":
        same = set(selected) == set(ref["selected"]) and list(mes) == ref["before_completion"]
    else:
        same = list(selected) == ref["selected_in_order"]
    return "equal" if same else "DIFFERENT"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="")
    parser.add_argument("--skip", action="append", default=[])
    args = parser.parse_args()
    keep_freed_memory()  # as `oxpecker tally` does (budget/commands/heap.py)
    print(f"{'instance':40} {'rule':18} {'ours s':>8} {'runs':>5} {'reference s':>12}  outcome", flush=True)
    for name, key, ref in _cases():
        label = f"{name} {key}"
        if args.only not in label or any(s in label for s in args.skip):
            continue
        seconds, selected, mes, runs = _run(name, key)
        theirs = ref.get("rule_s", ref.get("tool_seconds_fractions"))
        shown = "-" if theirs is None else f"{theirs:.3f}"
        print(f"{name.removesuffix('.pb')[:40]:40} {key:18} {seconds:8.3f} {runs:5} {shown:>12}  "
              f"{_verdict(key, ref, selected, mes)}", flush=True)


if __name__ == "__main__":
    main()
