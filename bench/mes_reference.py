"""The textbook MES (`budget.engine.rules.mes.reference`) next to the fast path, per shared instance.

    .venv/bin/python -m bench.mes_reference [--only SUBSTRING] [--limit SECONDS]

Each case (every MES key of expected.json, and equalshares_add1.json's add1
cases) runs the reference in a child process killed after `--limit`
seconds (60 by default: the issue's bound), and in this process the fast
path (`method_of_equal_shares`, no explanations) and, where the reference
finished, `fast=False` (`exact s`: exact rounds at every endowment step and
one textbook run to check the last, what `oxpecker tally --exact` and the
product's rounds run). All time the rule alone, not the file's parse.
`agree`: all three give the same MES outcome and final endowment. An add1
case is skipped when the plain run of the same file and satisfaction took
over `--plain` seconds (1 by default): the loops step through hundreds of
endowments (Assen 2024 cost: plain 0.01 s, add1 15 s), so they cannot
finish in the limit.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from fractions import Fraction

from budget.engine.pabulib import read_pabulib
from budget.engine.rules.mes.reference import reference_mes
from budget.engine.rules.mes.rule import Completion, method_of_equal_shares
from budget.engine.satisfaction import Satisfaction
from budget.engine.tiebreak import TieBreak
from tests.data import PABULIB

SATISFACTIONS = {"cost": Satisfaction.COST, "card": Satisfaction.CARDINALITY,
                 "cardinal": Satisfaction.ADDITIVE, "borda": Satisfaction.BORDA}
Case = tuple[str, Satisfaction, TieBreak, Completion]


def cases() -> list[Case]:
    pabutools = json.loads((PABULIB / "expected.json").read_text())["instances"]
    tool = json.loads((PABULIB / "equalshares_add1.json").read_text())["instances"]
    out: list[Case] = []
    for name, entry in sorted(pabutools.items()):
        for key in sorted(entry["rules"], key=lambda k: (k.endswith("_add1"), k)):
            if key.startswith("mes_"):
                completion = Completion.ADD1_EXHAUSTIVE if key.endswith("_add1") else Completion.NONE
                sat = SATISFACTIONS[key.removeprefix("mes_").removesuffix("_add1")]
                out.append((name, sat, TieBreak.LEXICOGRAPHIC, completion))
        if name in tool:
            out.append((name, Satisfaction.COST, TieBreak.MIN_COST_MAX_VOTES, Completion.ADD1))
    return out


def _reference(case: Case) -> None:
    """Child process: print the reference's seconds, outcome and endowment as JSON."""
    name, sat, tie_break, completion = case
    election = read_pabulib(PABULIB / name)
    started = time.perf_counter()
    result = reference_mes(election, sat, tie_break, completion)
    seconds = time.perf_counter() - started
    print(json.dumps([seconds, list(result.selected), str(result.endowment)]))


def _row(case: Case, limit: float) -> tuple[float | None, float, float | None, bool | None]:
    name, sat, tie_break, completion = case
    election = read_pabulib(PABULIB / name)
    started = time.perf_counter()
    fast = method_of_equal_shares(election, sat, tie_break, completion, explain=False)
    fast_s = time.perf_counter() - started
    argv = [sys.executable, "-m", "bench.mes_reference", "--child", name, sat, tie_break, completion]
    try:
        # The child parses the file before its clock starts: allow for that on top of the limit.
        done = subprocess.run(argv, capture_output=True, text=True, timeout=limit + 30, check=True)
    except subprocess.TimeoutExpired:
        return None, fast_s, None, None
    seconds, selected, endowment = json.loads(done.stdout)
    if seconds > limit:
        return None, fast_s, None, None
    started = time.perf_counter()
    exact = method_of_equal_shares(election, sat, tie_break, completion, explain=False, fast=False)
    exact_s = time.perf_counter() - started
    agree = all(tuple(selected) == r.mes_selected and Fraction(endowment) == r.endowment for r in (fast, exact))
    return seconds, fast_s, exact_s, agree


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="")
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--plain", type=float, default=1.0)
    parser.add_argument("--child", nargs=4)
    args = parser.parse_args()
    if args.child:
        name, sat, tie_break, completion = args.child
        _reference((name, Satisfaction(sat), TieBreak(tie_break), Completion(completion)))
        return
    plain: dict[tuple[str, Satisfaction], float | None] = {}
    print(f"{'file':<58} {'satisfaction':<12} {'completion':<16} {'reference s':>11} {'fast s':>8} {'exact s':>8}"
          "  agree")
    for case in cases():
        name, sat, tie_break, completion = case
        if args.only not in name:
            continue
        before = plain.get((name, sat), 0.0)
        if completion is not Completion.NONE and (before is None or before > args.plain):
            print(f"{name:<58} {sat:<12} {completion:<16} {'skipped':>11}")
            continue
        ref_s, fast_s, exact_s, agree = _row(case, args.limit)
        if completion is Completion.NONE:
            plain[(name, sat)] = ref_s
        shown = f"{ref_s:11.2f}" if ref_s is not None else f">{args.limit:.0f}".rjust(11)
        exact = f"{exact_s:8.3f}" if exact_s is not None else " " * 8
        print(f"{name:<58} {sat:<12} {completion:<16} {shown} {fast_s:8.3f} {exact}  {agree}", flush=True)


if __name__ == "__main__":
    main()
