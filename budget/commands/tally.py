"""`oxpecker tally`: count a Pabulib file with one allocation rule (docs/tally.md).

Exit 0 on success, 2 on bad options or an unreadable file (one line naming
the problem, and the file line for parse errors), 1 on anything else. Runs
longer than a second report progress on stderr. Imports nothing of the web
stack: `web/ops/cli.py` calls `run(argv)` for the `tally` subcommand.

The options become a `RuleSpec` (`spec_of`) and `budget.engine.spec.count`
runs it, importing only the chosen rule's modules; `json` loads only for
`--json`. What start-up costs is in docs/engine.md ("Whole process").
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Sequence
from typing import NoReturn

from budget.commands.heap import exit_now, keep_freed_memory
from budget.engine.election import Election
from budget.engine.explain import Outcome, exact
from budget.engine.pabulib import PabulibError, read_pabulib
from budget.engine.rules.mes.completion import Completion
from budget.engine.satisfaction import Satisfaction
from budget.engine.spec import CannotCount, RuleName, RuleSpec, count
from budget.engine.tiebreak import TieBreak

PROG = "oxpecker tally"
RULES = tuple(r.value for r in RuleName)
COMPLETIONS = tuple(c.value for c in Completion)


class UsageError(Exception):
    """Bad options or an unreadable file: exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block: scripts grep the reason.
        raise UsageError(message)


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter at the terminal's width, found without `shutil`.

    argparse makes a formatter for every option it adds, and its default one
    imports `shutil` (and with it bz2, lzma, fnmatch) to ask the width:
    1.9 ms per start here (importtime, least of 7 runs), for a width only
    `--help` prints. Same width as argparse's own: the terminal's less 2.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


def _columns() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def parser() -> argparse.ArgumentParser:
    """The option parser; `--help` explains every option."""
    p = _Parser(
        prog=PROG,
        formatter_class=_Formatter,
        description="Count a participatory budgeting election (a Pabulib .pb file) with one rule "
        "and print the funded projects in selection order, one per line.",
        epilog="Exit status: 0 success, 2 bad options or unreadable file, 1 anything else.",
    )
    p.add_argument("file", metavar="FILE.pb", help="Pabulib file: META, PROJECTS and VOTES sections")
    p.add_argument("--rule", required=True, choices=RULES,
                   help="greedy: by satisfaction per unit of cost, skipping what does not fit; "
                   "greedy-no-skip: stop at the first project that does not fit; "
                   "greedy-threshold: first drop projects whose support is below META "
                   "min_project_score_threshold; mes: Method of Equal Shares; "
                   "phragmen: sequential Phragmén (approval and choose-1 files only)")
    p.add_argument("--satisfaction", choices=[s.value for s in Satisfaction],
                   help="cost (default): a supporter values a project at its cost; cardinality: 1 per "
                   "supported project; additive: the points given (cumulative, scoring files); "
                   "borda: ballot length - position - 1 (ordinal files). Not accepted with phragmen")
    p.add_argument("--completion", choices=COMPLETIONS,
                   help="MES only. none (default); add1: raise every voter's endowment by 1 while the next "
                   "outcome still fits (equalshares.net); add1-exhaustive: raise by 1 until the outcome "
                   "is exhaustive (pabutools' voter_budget_increment=1)")
    p.add_argument("--then-greedy", action="store_true",
                   help="MES only: complete a non-exhaustive outcome with greedy (same satisfaction, tie-break)")
    p.add_argument("--comparison", action="store_true",
                   help="MES only: compare with greedy by cost and keep greedy's outcome if more voters "
                   "approve strictly more of its projects (equalshares.net)")
    p.add_argument("--tie-break", choices=[t.value for t in TieBreak], default=TieBreak.LEXICOGRAPHIC.value,
                   help="lexicographic (default): project id as a string, '10' before '9'; "
                   "min-cost-max-votes: lowest cost, then most supporters, then lexicographic")
    p.add_argument("--exact", action="store_true",
                   help="MES: exact rounds at every endowment step, the result checked by one run of the "
                   "textbook reference (exact fractions, every project priced every round), without the fast "
                   "path's float filters, batches and span proofs; allocation rounds count this way. Same "
                   "outcome, slower on large files. greedy and phragmen are exact either way")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: selected, total_cost, budget, rule, explanations "
                   "(docs/explanations.md), and comparison with --comparison")
    return p


def _check(args: argparse.Namespace) -> None:
    if args.rule != "mes":
        for flag, given in (("--completion", args.completion not in (None, "none")),
                            ("--then-greedy", args.then_greedy), ("--comparison", args.comparison)):
            if given:
                raise UsageError(f"{flag} applies to --rule mes only, not --rule {args.rule}")
    if args.rule == "phragmen" and args.satisfaction is not None:
        raise UsageError("--satisfaction is not accepted with --rule phragmen")


class _Progress:
    """Says on stderr what the run is doing, once it has taken over a second."""

    def __init__(self, stage: str) -> None:
        self.started = time.monotonic()
        self.stage = stage
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._report, daemon=True)
        self.thread.start()

    def _report(self) -> None:
        # OXPECKER_PROGRESS_AFTER lets tests see the report without a slow run.
        wait = float(os.environ.get("OXPECKER_PROGRESS_AFTER", "1"))
        while not self.done.wait(wait):
            print(f"{PROG}: {self.stage} ({time.monotonic() - self.started:.0f} s)", file=sys.stderr, flush=True)
            wait = 5.0

    def stop(self) -> None:
        self.done.set()


def spec_of(args: argparse.Namespace) -> RuleSpec:
    """The rule specification of parsed options (as `parser()` gives them, checked by `_check`)."""
    phragmen = args.rule == RuleName.PHRAGMEN.value
    return RuleSpec(
        RuleName(args.rule),
        None if phragmen else Satisfaction(args.satisfaction or "cost"),
        Completion(args.completion or "none"),
        then_greedy=args.then_greedy,
        comparison=args.comparison,
        tie_break=TieBreak(args.tie_break),
        fast=not args.exact,
    )


def _print(election: Election, outcome: Outcome, comparison: dict[str, int] | None, spec: RuleSpec,
           as_json: bool) -> None:
    if not as_json:
        sys.stdout.write("".join(f"{pid}\n" for pid in outcome.selected))
        return
    import json  # only here: a plain count never loads it

    report: dict[str, object] = {
        "selected": list(outcome.selected),
        "total_cost": exact(outcome.total_cost(election)),
        "budget": exact(election.budget),
        "rule": spec.as_dict(),
        "explanations": outcome.explanations,
    }
    if comparison is not None:
        report["comparison"] = comparison
    json.dump(report, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


def run(argv: Sequence[str]) -> int:
    """Run `oxpecker tally` with `argv` (the arguments after `tally`); return the exit status."""
    keep_freed_memory()
    progress: _Progress | None = None
    try:
        try:
            args = parser().parse_args(list(argv))
        except SystemExit as done:  # --help
            return int(done.code or 0)
        _check(args)
        spec = spec_of(args)
        progress = _Progress(f"reading {args.file}")
        try:
            election = read_pabulib(args.file)
        except OSError as exc:
            raise UsageError(f"{args.file}: {exc.strerror or exc}") from None
        except PabulibError as exc:
            raise UsageError(f"{args.file}: {exc}") from None
        progress.stage = f"counting with {args.rule}"
        try:
            outcome, comparison = count(election, spec, explain=args.json)
        except CannotCount as exc:
            raise UsageError(str(exc)) from None
        progress.stop()
        _print(election, outcome, comparison, spec, args.json)
        return 0
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped reading (`oxpecker tally ... | head`): the count
        # itself went fine, so say nothing, and keep Python's exit-time flush quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the contract: anything else is exit 1, on one line
        print(f"{PROG}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if progress is not None:
            progress.stop()


if __name__ == "__main__":
    exit_now(run(sys.argv[1:]))
