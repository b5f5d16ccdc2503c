"""Read Pabulib `.pb` files (META, PROJECTS, VOTES; `;`-separated, csv quoting).

The reader is tolerant of what real files contain: a UTF-8 BOM, CRLF or mixed
line ends, quoted fields, blank lines, extra columns, decimal commas in costs,
empty ballots and repeated projects within one approval or ordinal ballot
(kept once, at the first position, as pabutools does). Anything it cannot make
sense of raises `PabulibError` naming the line.
"""

from __future__ import annotations

import csv
import gc
from fractions import Fraction
from pathlib import Path

from budget.engine.election import Election, VoteType
from budget.engine.pabulib.error import PabulibError, parse_amount
from budget.engine.pabulib.fast import read_fast
from budget.engine.pabulib.sections import Rows, read_ballots, read_projects

SECTIONS = ("meta", "projects", "votes")


def read_pabulib(path: str | Path) -> Election:
    """Read the Pabulib file at `path`.

    A plain VOTES section is counted by content and its ballots built only
    when asked for (`budget.engine.pabulib.fast`); any other file is read line by line.
    """
    data = Path(path).read_bytes()
    fast = read_fast(data, parse_pabulib)
    if fast is not None:
        return fast
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PabulibError(line, "not UTF-8 text") from None
    return parse_pabulib(text)


def _rows(lines: list[str], i: int, n: int) -> Rows:
    """(line number, fields) for each non-blank record of lines[i:n].

    Lines without a double quote are split directly (the fast path for the
    100,000-line VOTES sections); a quoted record, which may span lines, goes
    through the csv module.
    """
    chunk = lines[i:n]
    if not any('"' in line for line in chunk):
        return [(k, line.split(";")) for k, line in enumerate(chunk, i + 1) if line and not line.isspace()]
    rows: Rows = []
    append = rows.append
    while i < n:
        line = lines[i]
        i += 1
        if '"' not in line:
            if line and not line.isspace():
                append((i, line.split(";")))
            continue
        start = i
        while line.count('"') % 2 and i < n:
            line += "\n" + lines[i]
            i += 1
        if line.count('"') % 2:
            raise PabulibError(start, "a quoted field is never closed")
        row = next(csv.reader([line], delimiter=";"))
        if len(row) > 1 or row[0].strip():
            append((start, row))
    return rows


def _section_name(line: str) -> str | None:
    """'meta', 'projects' or 'votes' if `line` opens that section."""
    name = line.strip().rstrip(";").strip().strip('"').lower()
    return name if name in SECTIONS else None


def _split_sections(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Each section's (first line index after its name, end index)."""
    # Only short lines, or lines padded with ';' by spreadsheet exports, can
    # name a section; testing that first keeps this pass over Wroclaw's
    # 131,997 lines near 30 ms.
    starts = [
        (i, name)
        for i, line in enumerate(lines)
        if (len(line) < 24 or line.endswith(";")) and (name := _section_name(line))
    ]
    if not starts or any(line.strip() for line in lines[: starts[0][0]]):
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        raise PabulibError(first + 1, "expected META, PROJECTS or VOTES")
    bounds: dict[str, tuple[int, int]] = {}
    for k, (i, name) in enumerate(starts):
        if name in bounds:
            raise PabulibError(i + 1, f"second {name.upper()} section")
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        bounds[name] = (i + 1, end)
    for name in SECTIONS:
        if name not in bounds:
            raise PabulibError(None, f"no {name.upper()} section")
    return bounds


def _section(lines: list[str], name: str, span: tuple[int, int]) -> tuple[int, list[str], Rows]:
    """(header line number, header fields, rows) of one section."""
    rows = _rows(lines, *span)
    if not rows:
        raise PabulibError(span[0], f"{name.upper()} section has no header line")
    number, header = rows[0]
    return number, [h.strip() for h in header], rows[1:]


def parse_pabulib(text: str) -> Election:
    """Parse the text of a Pabulib file."""
    # The cyclic collector would rescan the growing heap of ballot tuples
    # many times over; pausing it takes Wroclaw from 0.82 s to 0.49 s.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _parse(text)
    finally:
        if paused:
            gc.enable()


def _parse(text: str) -> Election:
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    bounds = _split_sections(lines)
    meta_line, _, meta_rows = _section(lines, "meta", bounds["meta"])
    meta: dict[str, str] = {}
    for number, row in meta_rows:
        if len(row) < 2:
            raise PabulibError(number, "META line needs a key and a value")
        meta[row[0].strip()] = row[1].strip()
    vote_type, budget = _meta_essentials(meta, meta_line)
    project_section = _section(lines, "projects", bounds["projects"])
    projects = read_projects(*project_section)
    vote_section = _section(lines, "votes", bounds["votes"])
    ballots = read_ballots(*vote_section, projects, vote_type)
    return Election(
        projects=projects,
        budget=budget,
        vote_type=vote_type,
        ballots=ballots,
        meta=meta,
        project_columns=tuple(project_section[1]),
        vote_columns=tuple(vote_section[1]),
    )


def _meta_essentials(meta: dict[str, str], line: int) -> tuple[VoteType, Fraction]:
    if "budget" not in meta:
        raise PabulibError(line, "META has no budget")
    if "vote_type" not in meta:
        raise PabulibError(line, "META has no vote_type")
    try:
        vote_type = VoteType(meta["vote_type"].strip().lower())
    except ValueError:
        raise PabulibError(line, f"unknown vote_type {meta['vote_type']!r}") from None
    return vote_type, parse_amount(meta["budget"], line, "budget")
