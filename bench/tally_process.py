"""Whole-process seconds of `oxpecker tally` next to pabutools 1.2.3, as a user feels them.

    .venv/bin/python bench/tally_process.py [--data DIR] [--oxpecker CMD] [--before CMD]
        [--runs N] [--pabutools-runs N] [--timeout S] [--no-bytecode] [--no-pabutools]

On the five largest .pb files (by size) of DIR (default tests/data/pabulib), times
fresh processes end to end (start-up, imports, parse, count, output):
`oxpecker tally FILE --rule greedy` and `--rule mes --completion add1-exhaustive
--then-greedy` (cost satisfaction, bench/mes.py's `mes_cost_add1`; `--rules`
adds `mes-none`, MES without completion), each MES row again with `--json`
(explanations), and pabutools doing the same count in a fresh `python -c`
(`parse_pabulib`, then the rule as bench/engine.py calls it).
With `--before CMD` an earlier oxpecker (another checkout's `oxpecker`) runs in
the same loop, its runs interleaved with ours so that load on the machine hits
both alike. Each cell is the median wall time of N runs, [the least], then the least CPU
time (user + system, which waits for a busy core do not inflate); ratio =
pabutools / oxpecker (after), median wall times; `same` compares the funded sets.
A pabutools cell that times out is not retried.

Bytecode: by default the processes cache it in a fresh temporary folder
(PYTHONPYCACHEPREFIX), after one untimed run, as an installed package has it
(`pip install` compiles it); `--no-bytecode` compiles every module at every
start (PYTHONDONTWRITEBYTECODE=1, how this machine's shells run Python).

Then the costliest imports (`-X importtime`, through PYTHONPROFILEIMPORTTIME;
least of 5 runs per module) of a greedy and an MES run on a small file.
Prints only: no timed asserts. Run it with the Python that has pabutools.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MES = ["--rule", "mes", "--satisfaction", "cost", "--completion", "add1-exhaustive", "--then-greedy"]
RULES: dict[str, list[str]] = {
    "greedy": ["--rule", "greedy", "--satisfaction", "cost"],
    "mes": MES,
    "mes-none": ["--rule", "mes", "--satisfaction", "cost"],  # no completion: the "0.23 s plain"
}
PABUTOOLS = """
import sys
from pabutools.election import parse_pabulib
from pabutools.election.satisfaction import Cost_Sat
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
instance, profile = parse_pabulib(sys.argv[1])
if sys.argv[2] == "greedy":
    result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
elif sys.argv[2] == "mes-none":
    result = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=Cost_Sat)
else:
    result = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=Cost_Sat,
                                    voter_budget_increment=1)
    if not instance.is_exhaustive(result):
        result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat,
                                            initial_budget_allocation=result)
sys.stdout.write("".join(p.name + "\\n" for p in result))
"""
Times = list[tuple[float, float]] | None  # (wall, CPU) seconds per run; None: timed out


def timed(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[tuple[float, float] | None, set[str]]:
    """(wall, CPU) seconds of one fresh process and the ids it printed (None on timeout).

    CPU is the child's user + system time: on a shared machine wall time
    also counts the waits for a core, CPU time mostly does not.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, text=True)
        try:
            status, usage = _wait(child, timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            return None, set()
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        printed, complaint = out.read(), err.read()
    if status != 0:
        raise SystemExit(f"{shlex.join(cmd)} exited {status}: {complaint.strip()[-500:]}")
    return (seconds, usage), set() if printed.startswith("{") else set(printed.split())


def _wait(child: subprocess.Popen[str], timeout: float) -> tuple[int, float]:
    """The exit status and CPU seconds of `child`, polling so that a timeout can stop it."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return child.returncode, usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(child.args, timeout)
        time.sleep(0.002)


def cells(cmds: list[list[str]], runs: int, env: dict[str, str], timeout: float) -> list[tuple[Times, set[str]]]:
    """`runs` timings of each command, interleaved (run 1 of each, then run 2, ...), and the ids printed."""
    times: list[Times] = [[] for _ in cmds]
    selected: list[set[str]] = [set() for _ in cmds]
    for _ in range(runs):
        for k, cmd in enumerate(cmds):
            series = times[k]
            if series is None:
                continue
            seconds, selected[k] = timed(cmd, env, timeout)
            if seconds is None:
                times[k] = None
            else:
                series.append(seconds)
    return list(zip(times, selected))


def shown(times: Times, timeout: float) -> str:
    """Wall median [wall min] and the least CPU time, seconds."""
    if times is None:
        return f"timeout>{timeout:.0f}s"
    wall = [w for w, _ in times]
    return f"{statistics.median(wall):.3f} [{min(wall):.3f}] {min(c for _, c in times):.3f}"


def wall(times: Times) -> float:
    return statistics.median(w for w, _ in times) if times else 0.0


def importtime(oxpecker: list[str], path: Path, flags: list[str], env: dict[str, str],
               top: int = 10) -> list[tuple[int, str]]:
    """(cumulative us, module) of the costliest imports, least of 5 runs, indented as importtime nests them."""
    least: dict[str, int] = {}
    for _ in range(5):
        done = subprocess.run([*oxpecker, "tally", str(path), *flags], capture_output=True, text=True,
                              env={**env, "PYTHONPROFILEIMPORTTIME": "1"}, check=True)
        for line in done.stderr.splitlines():
            if line.startswith("import time:") and "[us]" not in line:
                _, cumulative, name = line.removeprefix("import time:").split("|", 2)
                least[name.rstrip()] = min(int(cumulative), least.get(name.rstrip(), 1 << 62))
    # Three levels (top-level imports, theirs, and theirs: numpy under the engine), costliest first.
    rows = [(us, name) for name, us in least.items() if len(name) - len(name.lstrip()) <= 5]
    return sorted(rows, reverse=True)[:top]


def environment(no_bytecode: bool, cache: str) -> dict[str, str]:
    env = dict(os.environ)
    if no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
    return env


def table(args: argparse.Namespace, files: list[Path], env: dict[str, str]) -> None:
    sides = [("before", shlex.split(args.before))] if args.before else []
    sides.append(("after" if args.before else "oxpecker", shlex.split(args.oxpecker)))
    head = "".join(f" {f'{name} s':>22} {f'{name} --json s':>22}" for name, _ in sides)
    print(f"{'file':30} {'rule':8}{head} {'pabutools s':>25} {'ratio':>6}  same")
    for path in files:
        for rule in args.rules:
            flags = RULES[rule]
            cmds = [[*cmd, "tally", str(path), *flags] for _, cmd in sides]
            if rule != "greedy":
                cmds += [[*cmd, "--json"] for cmd in cmds]
            got = cells(cmds, args.runs, env, args.timeout)
            plain, explained = got[: len(sides)], got[len(sides):]
            theirs: Times = None
            their_selected: set[str] = set()
            if not args.no_pabutools:
                [(theirs, their_selected)] = cells([[sys.executable, "-c", PABUTOOLS, str(path), rule]],
                                                   args.pabutools_runs, env, args.timeout)
            row = ""
            for k in range(len(sides)):
                json_cell = shown(explained[k][0], args.timeout) if explained else "-"
                row += f" {shown(plain[k][0], args.timeout):>22} {json_cell:>22}"
            ours, selected = plain[-1]
            times = wall(theirs) / wall(ours) if theirs and ours else 0.0
            ratio = "-" if not times else f"{times:.0f}x" if times >= 10 else f"{times:.1f}x"
            agree = all(s == selected for _, s in plain) and (theirs is None or their_selected == selected)
            pabutools = "-" if args.no_pabutools else shown(theirs, args.timeout)
            print(f"{path.stem[:30]:30} {rule:8}{row} {pabutools:>25} {ratio:>6}  {'same' if agree else 'DIFF'}",
                  flush=True)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[1] / "tests/data/pabulib",
                   metavar="DIR", help="folder of .pb files; the five largest are timed")
    p.add_argument("--oxpecker", default=str(Path(sys.executable).with_name("oxpecker")), metavar="CMD",
                   help="command that runs oxpecker (default: the one next to this Python)")
    p.add_argument("--before", metavar="CMD", help="an earlier oxpecker to time beside it, in the same loop")
    p.add_argument("--runs", type=int, default=5, metavar="N", help="fresh processes per oxpecker cell")
    p.add_argument("--pabutools-runs", type=int, default=1, metavar="N", help="fresh processes per pabutools cell")
    p.add_argument("--timeout", type=float, default=300.0, metavar="S", help="seconds before a run is abandoned")
    p.add_argument("--no-bytecode", action="store_true", help="compile every module at every start")
    p.add_argument("--no-pabutools", action="store_true", help="time oxpecker only")
    p.add_argument("--rules", default="greedy,mes", type=lambda v: v.split(","), metavar="LIST",
                   help=f"rows per file, of {', '.join(RULES)} (default greedy,mes)")
    args = p.parse_args(argv)
    args.runs, args.pabutools_runs = max(1, args.runs), max(1, args.pabutools_runs)
    files = sorted(args.data.glob("*.pb"), key=lambda f: f.stat().st_size, reverse=True)
    if not files:
        raise SystemExit(f"no .pb files in {args.data}")
    small = args.data / "Netherlands_Assen_2024.pb"
    small = small if small.exists() else files[-1]
    with tempfile.TemporaryDirectory(prefix="tally-pyc-") as cache:
        env = environment(args.no_bytecode, cache)
        # One untimed run each first: bytecode cached (unless --no-bytecode), files in the page cache.
        for cmd in filter(None, (args.before, args.oxpecker)):
            for flags in RULES.values():
                timed([*shlex.split(cmd), "tally", str(small), *flags, "--json"], env, args.timeout)
        if not args.no_pabutools:
            timed([sys.executable, "-c", PABUTOOLS, str(small), "greedy"], env, args.timeout)
        print(f"oxpecker: {args.oxpecker}" + (f"; before: {args.before}" if args.before else "")
              + f"; pabutools: {sys.executable} -c; bytecode {'compiled at every start' if args.no_bytecode else 'cached'}; "
              f"wall median [least] and least CPU, s, of {args.runs} runs (pabutools {args.pabutools_runs}); cores {os.cpu_count()}, "
              f"load average {os.getloadavg()[0]:.2f} at start", flush=True)
        table(args, files[:5], env)
        print(f"load average {os.getloadavg()[0]:.2f} at end")
        for rule in ("greedy", "mes"):
            flags = RULES[rule]
            print(f"\nimport costs, `oxpecker tally {small.name} --rule {rule}` (-X importtime, least of 5 runs):")
            for cumulative, name in importtime(shlex.split(args.oxpecker), small, flags, env):
                print(f"{cumulative / 1000:8.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
