"""The hash chain over a round's log.

Entry n's hash is SHA-256 of the previous entry's hash, n, the kind and the
canonical payload. Changing, dropping or reordering any entry changes every
hash after it. Kinds, in order: `frozen` (the configuration, at opening),
then at close one `ballot` per counted ballot (its commitment, in published
order), `closed`, `outcome`; later `statement` or, instead of all that,
`cancelled`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from budget.rounds.config import canonical, sha256_hex

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    kind: str
    payload: dict[str, Any]
    prev: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "payload": self.payload, "prev": self.prev, "hash": self.hash}


def entry_hash(prev: str, seq: int, kind: str, payload: dict[str, Any]) -> str:
    return sha256_hex(canonical({"prev": prev, "seq": seq, "kind": kind, "payload": payload}))


def append(chain: list[Entry], kind: str, payload: dict[str, Any]) -> Entry:
    """The next entry after `chain` (which is not changed)."""
    prev = chain[-1].hash if chain else GENESIS
    seq = len(chain)
    return Entry(seq, kind, payload, prev, entry_hash(prev, seq, kind, payload))


def chain_problems(entries: list[dict[str, Any]]) -> list[str]:
    """Every broken link, in words; empty if the chain is whole."""
    problems = []
    prev = GENESIS
    for n, e in enumerate(entries):
        if e.get("seq") != n:
            problems.append(f"chain entry {n}: numbered {e.get('seq')}, expected {n}")
        if e.get("prev") != prev:
            problems.append(f"chain entry {n} ({e.get('kind')}): does not follow the previous entry")
        expected = entry_hash(prev, n, str(e.get("kind")), e.get("payload") or {})
        if e.get("hash") != expected:
            problems.append(f"chain entry {n} ({e.get('kind')}): its hash does not match its contents")
        prev = str(e.get("hash"))
    return problems
