"""Our allocation rules next to pabutools 1.2.3 on the shared Pabulib instances.

    .venv/bin/python bench/engine.py [--rules KEY ...] [--instances NAME ...] [--repeat N]

Prints, per instance and rule, our time (parse + rule, in-process), pabutools'
time (parse + rule, in-process), their ratio and whether the outcomes agree,
then the smallest ratio on instances of at least 10,000 ballots. Rule keys are
those of data/pabulib/expected.json plus `phragmen`. pabutools runs only where
its stored time there is under 60 s (otherwise the stored time is shown,
marked "(stored)", and compared with expected.json); its sequential Phragmén,
which expected.json does not time, runs everywhere (15-60 s on the large
approval files here). Both sides count a small file once before the table,
so no row pays first-call costs; `--repeat N` keeps each side's least time
of N runs.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import budget.engine.rules.mes.rule  # noqa: E402,F401  (imported before timing, as count imports rules lazily)
import budget.engine.rules.phragmen.rule  # noqa: E402,F401
from budget.commands import tally  # noqa: E402
from budget.commands.heap import keep_freed_memory  # noqa: E402
from budget.engine.pabulib import read_pabulib  # noqa: E402
from budget.engine.spec import count  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "pabulib"  # the repo's copy of Pabulib files
SAT = {"cost": "cost", "card": "cardinality", "cardinal": "additive", "borda": "borda"}
LIVE_LIMIT_S = 60.0
LARGE = 10_000  # ballots: where the issue asks for 50x


def options(key: str) -> argparse.Namespace:
    """The `oxpecker tally` options for an expected.json key (data README)."""
    if key == "phragmen":
        return tally.parser().parse_args(["x.pb", "--rule", "phragmen"])
    rule, sat, *add1 = key.split("_")
    argv = ["x.pb", "--rule", rule, "--satisfaction", SAT[sat]]
    if add1:
        argv += ["--completion", "add1-exhaustive", "--then-greedy"]
    return tally.parser().parse_args(argv)


def ours(path: Path, key: str) -> tuple[float, list[str]]:
    start = time.perf_counter()
    election = read_pabulib(path)
    outcome, _ = count(election, tally.spec_of(options(key)), explain=False)
    return time.perf_counter() - start, list(outcome.selected)


def pabutools_run(path: Path, key: str) -> tuple[float, list[str]]:
    from pabutools.election import parse_pabulib
    from pabutools.election.satisfaction import (
        Additive_Borda_Sat,
        Additive_Cardinal_Sat,
        Cardinality_Sat,
        Cost_Sat,
    )
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen

    classes: dict[str, Any] = {
        "cost": Cost_Sat, "card": Cardinality_Sat, "cardinal": Additive_Cardinal_Sat, "borda": Additive_Borda_Sat,
    }
    start = time.perf_counter()
    instance, profile = parse_pabulib(str(path))
    if key == "phragmen":
        result = sequential_phragmen(instance, profile)
    elif key.startswith("greedy_"):
        result = greedy_utilitarian_welfare(instance, profile, sat_class=classes[key.split("_")[1]])
    else:
        sat = classes[key.split("_")[1]]
        increment = 1 if key.endswith("_add1") else None
        result = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=sat,
                                        voter_budget_increment=increment)
        if increment is not None and not instance.is_exhaustive(result):
            result = greedy_utilitarian_welfare(instance, profile, sat_class=sat, initial_budget_allocation=result)
    return time.perf_counter() - start, [p.name for p in result]


def keys_for(entry: dict[str, Any], vote_type: str, wanted: list[str] | None) -> list[str]:
    keys = list(entry["rules"])
    if vote_type in ("approval", "choose-1"):
        keys.append("phragmen")
    if not _mes_available():
        keys = [k for k in keys if not k.startswith("mes_")]
    return [k for k in keys if wanted is None or k in wanted or k.split("_")[0] in wanted]


def _mes_available() -> bool:
    return (Path(tally.__file__).parents[1] / "engine" / "rules" / "mes" / "rule.py").exists()


def best(run: Any, path: Path, key: str, repeat: int) -> tuple[float, list[str]]:
    """The least time of `repeat` runs, and the outcome."""
    times = []
    for _ in range(repeat):
        gc.collect()  # neither side pays for the other's garbage
        seconds, selected = run(path, key)
        times.append(seconds)
    return min(times), selected


def row(path: Path, key: str, entry: dict[str, Any], repeat: int = 1) -> tuple[str, float | None]:
    """The printed row and the ratio pabutools / ours (None where there is none)."""
    stored = entry["rules"].get(key)
    ours_s, selected = best(ours, path, key, repeat)
    if stored is not None and (stored["status"] != "ok" or stored["rule_s"] >= LIVE_LIMIT_S):
        theirs = f"{stored['status']}" if stored["status"] != "ok" else f"{stored['rule_s']:.1f}s"
        same = "" if stored["status"] != "ok" else ("same" if selected == stored["selected_in_order"] else "DIFF")
        ratio = stored["rule_s"] / ours_s if stored["status"] == "ok" else None
        shown = f"{ratio:,.1f}x" if ratio is not None else ""
        return f"{path.stem[:40]:40} {key:18} {ours_s:8.3f}s {theirs + ' (stored)':>16} {shown:>8} {same}", ratio
    theirs_s, their_selected = best(pabutools_run, path, key, repeat)
    same = "same" if sorted(selected) == sorted(their_selected) else "DIFF"
    ratio = theirs_s / ours_s
    return f"{path.stem[:40]:40} {key:18} {ours_s:8.3f}s {theirs_s:15.3f}s {ratio:7,.1f}x {same}", ratio


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="bench/engine.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--rules", nargs="*", help="expected.json keys (greedy_cost, mes_card_add1, ...), "
                   "families (greedy, mes) or phragmen; default all")
    p.add_argument("--instances", nargs="*", help="file names or prefixes (e.g. Poland_Lodz); default all")
    p.add_argument("--repeat", type=int, default=1, metavar="N",
                   help="time each cell N times on each side and keep the least (timings move 10-30%% between "
                        "runs); default 1")
    args = p.parse_args(argv)
    keep_freed_memory()  # as `oxpecker tally` does; both sides run under it (budget/commands/heap.py)
    data = json.loads((DATA / "expected.json").read_text())["instances"]
    # Both sides count a small file once first, so that no row pays either
    # side's first-call costs (lazy imports, numpy's and gmpy2's first use).
    # (Assen: approval ballots; Zurich: points.)
    for name, key in [("Netherlands_Assen_2024.pb", "greedy_cost"), ("Netherlands_Assen_2024.pb", "mes_cost"),
                      ("Netherlands_Assen_2024.pb", "phragmen"), ("Switzerland_Zurich_D10.pb", "greedy_cardinal"),
                      ("Switzerland_Zurich_D10.pb", "mes_cardinal_add1")]:
        ours(DATA / name, key)
        pabutools_run(DATA / name, key)
    print(f"{'instance':40} {'rule':18} {'ours':>9} {'pabutools':>16} {'ratio':>8}")
    worst: tuple[float, str] | None = None
    for name, entry in data.items():
        if args.instances and not any(name.startswith(i) for i in args.instances):
            continue
        path = DATA / name
        election = read_pabulib(path)
        for key in keys_for(entry, election.vote_type.value, args.rules):
            line, ratio = row(path, key, entry, max(1, args.repeat))
            print(line, flush=True)
            if ratio is not None and len(election.ballots) >= LARGE and (worst is None or ratio < worst[0]):
                worst = (ratio, f"{path.stem} {key}")
    if worst is not None:
        print(f"smallest ratio on instances of {LARGE:,}+ ballots: {worst[0]:,.1f}x ({worst[1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
