"""`oxpecker verify PATH_OR_URL`: re-count a published decision and check its hash chain.

PATH is a folder holding `decision.json` (and `ballots.pb`), or a decision's
`.json` file with its `.pb` next to it; URL is a decision page such as
https://host/decisions/7 (its `.json` and `.pb` are fetched). Every check that
fails is printed, saying what differs. Exit 0 if all pass, 1 if any fails,
2 if the files cannot be read. Never imports the web stack.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from budget.commands.heap import keep_freed_memory
from budget.engine.election import Election
from budget.engine.pabulib import PabulibError, parse_pabulib
from budget.rounds.ballots import CastBallot
from budget.rounds.chain import chain_problems
from budget.rounds.config import (
    RoundConfig,
    RoundError,
    canonical,
    config_hash,
    sha256_hex,
)
from budget.rounds.count import count, units
from budget.rounds.publish import MIN_PUBLISHED_BALLOTS
from budget.rounds.receipts import commitment


class SourceError(Exception):
    """The published files could not be read."""


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 - the user names the URL
            return str(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as err:
        if err.code == 404:
            return None
        raise SourceError(f"{url}: HTTP {err.code}") from err
    except urllib.error.URLError as err:
        raise SourceError(f"{url}: {err.reason}") from err
    except TimeoutError as err:
        raise SourceError(f"{url}: no answer within 30 seconds") from err


def load(source: str) -> tuple[dict[str, Any], str | None]:
    """The decision document and the ballots file (None if not published)."""
    if source.startswith(("http://", "https://")):
        base = source.rstrip("/").removesuffix(".json").removesuffix(".pb")
        doc_text, pb = _fetch(base + ".json"), _fetch(base + ".pb")
    else:
        path = Path(source)
        doc_path, pb_path = (path / "decision.json", path / "ballots.pb") if path.is_dir() else \
            (path, path.with_suffix(".pb"))
        if not doc_path.exists():
            raise SourceError(f"{doc_path}: no such file")
        doc_text = doc_path.read_text(encoding="utf-8")
        pb = pb_path.read_text(encoding="utf-8") if pb_path.exists() else None
    if doc_text is None:
        raise SourceError(f"{source}: no published decision there")
    try:
        return json.loads(doc_text), pb
    except json.JSONDecodeError as err:
        raise SourceError(f"decision.json is not valid JSON: {err}") from err


def _diff(a: Any, b: Any, where: str = "") -> list[str]:
    """Paths where two JSON values differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _diff(a.get(k), b.get(k), f"{where}.{k}".lstrip("."))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for n, (x, y) in enumerate(zip(a, b)) for d in _diff(x, y, f"{where}[{n}]")]
    return [] if a == b else [f"{where or 'value'}: {json.dumps(a)} vs {json.dumps(b)}"]


def _check_config(doc: dict[str, Any], frozen: dict[str, Any]) -> list[str]:
    out = [f"configuration differs from the one frozen at opening (published vs frozen) — {d}"
           for d in _diff(doc.get("configuration"), frozen.get("configuration"))]
    digest = sha256_hex(canonical(frozen.get("configuration")))
    if digest != frozen.get("configuration_hash") or digest != doc.get("configuration_hash"):
        out.append("configuration hash differs from the hash published at opening")
    return out


def _check_pb(config: RoundConfig, election: Election) -> list[str]:
    out = []
    if election.budget != units(config.budget_minor, config.currency):
        out.append(f"ballots.pb: budget {election.budget} differs from the frozen configuration "
                   f"({units(config.budget_minor, config.currency)})")
    frozen = {c.id: c for c in config.candidates}
    for p in election.projects:
        c = frozen.get(p.id)
        if c is None:
            out.append(f"ballots.pb: project {p.id} is not in the frozen configuration")
        elif p.cost != units(c.cost_minor, config.currency):
            out.append(f"ballots.pb: project {p.id} costs {p.cost}, the frozen configuration says "
                       f"{units(c.cost_minor, config.currency)}")
    if election.meta.get("rule") != config.rule.rule.value:
        out.append(f"ballots.pb: rule {election.meta.get('rule')!r} differs from the frozen "
                   f"configuration ({config.rule.rule.value!r})")
    return out


def _check_ballots(ballots: list[tuple[str, CastBallot]], chain: list[dict[str, Any]]) -> list[str]:
    committed = [e["payload"].get("commitment") for e in chain if e.get("kind") == "ballot"]
    out = []
    if len(committed) != len(ballots):
        out.append(f"ballots.pb has {len(ballots)} ballots; the chain commits to {len(committed)}")
    for n, ((receipt, ballot), c) in enumerate(zip(ballots, committed)):
        if commitment(receipt, ballot) != c:
            out.append(f"ballot {n + 1} (receipt {receipt}) differs from the ballot committed in the chain")
    return out


def _check_outcome(doc: dict[str, Any], recount: dict[str, Any] | None, chain: list[dict[str, Any]]) -> list[str]:
    out = []
    outcome_entry = next((e for e in chain if e.get("kind") == "outcome"), None)
    if outcome_entry is None or outcome_entry["payload"].get("outcome_hash") != sha256_hex(canonical(doc.get("outcome"))):
        out.append("the published outcome differs from the outcome recorded in the chain")
    if recount is not None:
        out += [f"re-counted outcome differs from the published one (re-counted vs published) — {d}"
                for d in _diff(recount, doc.get("outcome"))]
    return out


def problems(doc: dict[str, Any], pb: str | None) -> tuple[list[str], list[str]]:
    """(failed checks, notes). An empty first list means the decision verifies."""
    chain: list[dict[str, Any]] = doc.get("chain") or []
    found = chain_problems(chain)
    if not chain or chain[0].get("kind") != "frozen":
        return found + ["the chain does not start with the frozen configuration"], []
    frozen = chain[0]["payload"]
    found += _check_config(doc, frozen)
    config = RoundConfig.from_dict(frozen["configuration"])
    if config_hash(config) != frozen.get("configuration_hash"):
        found.append("the frozen configuration does not match its own hash")
    if doc.get("state") == "cancelled":
        return found, ["the round was cancelled: there is no outcome to re-count"]
    notes, recount = [], None
    if pb is None:
        notes.append(f"not re-counted: with fewer than {MIN_PUBLISHED_BALLOTS} ballots only totals are published")
    else:
        try:
            election = parse_pabulib(pb)
        except PabulibError as err:
            return found + [f"ballots.pb cannot be read: {err}"], notes
        found += _check_pb(config, election)
        ballots = [(b.voter_id, CastBallot(b.projects, b.points)) for b in election.ballots]
        found += _check_ballots(ballots, chain)
        try:
            recount = count(config, ballots)
        except (RoundError, KeyError) as err:
            found.append(f"the ballots cannot be counted under the frozen rule: {err}")
    return found + _check_outcome(doc, recount, chain), notes


def run(argv: Sequence[str]) -> int:
    keep_freed_memory()
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__.split("\n\n")[1] if __doc__ else "", file=sys.stderr)
        print("usage: oxpecker verify PATH_OR_URL", file=sys.stderr)
        return 2
    try:
        doc, pb = load(argv[0])
    except SourceError as err:
        print(f"oxpecker verify: {err}", file=sys.stderr)
        return 2
    failed, notes = problems(doc, pb)
    for line in notes:
        print(f"note: {line}")
    for line in failed:
        print(f"FAIL: {line}")
    if failed:
        return 1
    outcome = doc.get("outcome") or {}
    print(f"OK: decision {doc.get('round_id')} verifies: chain of {len(doc.get('chain') or [])} entries intact, "
          f"configuration hash {doc.get('configuration_hash')}, funded {outcome.get('selected', [])}")
    return 0
