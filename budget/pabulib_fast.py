"""Reading a Pabulib file's ballots by content, without a `Ballot` per line.

Rules only need how many ballots have each content (`Election.ballot_counts`),
and real files repeat contents a lot: Wroclaw 2015's 131,778 ballots are 197
distinct ones, Katowice 2023's 39,828 are 1,806. So when the VOTES section is
plain (the last section, no quotes, no blank lines, every line exactly as many
fields as the header) this reader finds the vote and points fields of every
line with numpy, counts the distinct byte strings, and reads each distinct one
once with the same `Contents` the full reader uses. The ballots themselves
(voter ids, extra columns) are built by the full reader on first use
(`LazyBallots`). Anything unusual returns None, and the caller runs the full
reader, which also names the line of any error.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable

import numpy as np

from budget.election import BallotKey, Election, LazyBallots
from budget.pabulib_error import PabulibError
from budget.pabulib_sections import Contents, VoteColumns

BOM = b"\xef\xbb\xbf"
SPELLINGS = (b"VOTES", b"votes", b"Votes")
SEMICOLON, NEWLINE = ord(";"), ord("\n")


def read_fast(data: bytes, parse_text: Callable[[str], Election]) -> Election | None:
    """The election in `data` with ballots counted by content, or None if the file needs `parse_text`."""
    data = data.removeprefix(BOM)
    found = _votes_section(data)
    if found is None:
        return None
    head_end, body = found
    try:
        # META, PROJECTS and the VOTES header, parsed by the full reader (the
        # line numbers of its errors are the file's).
        head = parse_text(data[:head_end].decode("utf-8"))
    except UnicodeDecodeError:
        return None
    counts = _count(body, head)
    if counts is None:
        return None
    length = sum(counts.values())

    def build() -> tuple:  # type: ignore[type-arg]
        return tuple(parse_text(data.decode("utf-8")).ballots)

    return dataclasses.replace(head, ballots=LazyBallots(counts, length, build))


def _votes_section(data: bytes) -> tuple[int, bytes] | None:
    """(end of the VOTES header line, the lines after it) when VOTES is the last section and plain."""
    at = max(data.rfind(b"\n" + s) for s in SPELLINGS)
    if at < 0:
        return None
    name_end = data.find(b"\n", at + 1)
    header_end = data.find(b"\n", name_end + 1) if name_end >= 0 else -1
    if header_end < 0:
        return None
    name = data[at + 1 : name_end].strip().rstrip(b";").strip().strip(b'"').lower()
    header = data[name_end + 1 : header_end].strip()
    if name != b"votes" or not header:
        return None
    body = data[header_end + 1 :]
    if b"\r" in body:
        body = body.replace(b"\r\n", b"\n")
    body = body.rstrip(b"\n") + b"\n"
    if b'"' in body or b"\r" in body or b"\n\n" in body or body == b"\n":
        return None
    if not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return header_end + 1, body


def _count(body: bytes, head: Election) -> dict[BallotKey, int] | None:
    """Ballots per content, or None if some line is not `width` plain fields or some content is wrong."""
    columns = list(head.vote_columns)
    at = VoteColumns.of(0, columns, head.vote_type)
    width = len(columns)
    text = np.frombuffer(body, dtype=np.uint8)
    stops = np.flatnonzero((text == SEMICOLON) | (text == NEWLINE))
    if len(stops) % width:
        return None
    stops = stops.reshape(-1, width)
    if not (text[stops[:, -1]] == NEWLINE).all() or not (text[stops[:, :-1]] == SEMICOLON).all():
        return None
    # The fields from the vote column to the points column (or just the vote
    # column), gathered into one buffer, one line per ballot.
    first = min(at.vote, at.points if at.points is not None else at.vote)
    last = max(at.vote, at.points if at.points is not None else at.vote)
    if first:
        starts = stops[:, first - 1] + 1
    else:
        starts = np.concatenate(([0], stops[:-1, -1] + 1))
    lengths = stops[:, last] - starts + 1
    ends = np.cumsum(lengths)
    keys = text[np.arange(int(ends[-1])) + np.repeat(starts - (ends - lengths), lengths)]
    keys[ends - 1] = NEWLINE
    raw = Counter(keys.tobytes().split(b"\n")[:-1])
    content = Contents(head.projects, head.vote_type)
    fields = [line.split(";") for line in b"\n".join(raw).decode("utf-8").split("\n")]
    votes = [f[at.vote - first] for f in fields]
    points = None if at.points is None else [f[at.points - first] for f in fields]
    try:
        read = content.many(votes, points, 0)
    except PabulibError:
        return None
    counts: dict[BallotKey, int] = {}
    for key, times in zip(read, raw.values()):
        counts[key] = counts.get(key, 0) + times
    return counts
