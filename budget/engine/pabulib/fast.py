"""Reading a Pabulib file's ballots by content, without a `Ballot` per line.

Rules only need how many ballots have each content (`Election.ballot_table`),
and real files repeat contents a lot: Wroclaw 2015's 131,778 ballots are 197
distinct ones, Katowice 2023's 39,828 are 1,806. So when the VOTES section is
plain (no quotes, no blank lines, every line exactly as many fields as the
header, LF or CRLF throughout) this reader finds the vote and points fields of
every line with numpy, groups equal ones, and turns the distinct ones into the
table in numpy, or, for fields that are not plain token lists, one by one with
the same `Contents` the full reader uses. The ballots themselves (voter ids,
extra columns) are built by the full reader on first use (`LazyBallots`).
Anything unusual returns None, and the caller runs the full reader, which
also names the line of any error.

Length: one scan of the file's bytes, in steps that share its arrays (line
ends, field separators, digits); split, each step would hand a dozen arrays on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from budget.engine.election import (
    BallotKey,
    BallotTable,
    Election,
    IntArray,
    LazyBallots,
)
from budget.engine.pabulib.error import PabulibError
from budget.engine.pabulib.sections import Contents, VoteColumns
from budget.engine.pabulib.utf8 import valid_utf8

BOM = b"\xef\xbb\xbf"
SPELLINGS = (b"VOTES", b"votes", b"Votes")
SEMICOLON, NEWLINE, COMMA = ord(";"), ord("\n"), ord(",")
Bytes = npt.NDArray[np.uint8]


def read_fast(data: bytes, parse_text: Callable[[str], Election]) -> Election | None:
    """The election in `data` with ballots counted by content, or None if the file needs `parse_text`."""
    data = data.removeprefix(BOM)
    found = _votes_section(data)
    if found is None:
        return None
    head_end, stop, end = found
    try:
        # META, PROJECTS and the VOTES header, parsed by the full reader (the
        # line numbers of its errors are the file's).
        head = parse_text(data[:head_end].decode("utf-8"))
    except UnicodeDecodeError:
        return None
    if data[stop - len(end) : stop] != end:
        data = data[: stop - len(end)] + end  # the last line had no line end
    # Zero bytes after the end, so that an 8-byte read anywhere stays inside.
    table = _count(data + bytes(8), head_end, stop, end, head)
    if table is None:
        return None
    length = int(table.count.sum())

    def build() -> tuple:  # type: ignore[type-arg]
        return tuple(parse_text(data.decode("utf-8")).ballots)

    return dataclasses.replace(head, ballots=LazyBallots(table, length, build))


def _votes_section(data: bytes) -> tuple[int, int, bytes] | None:
    """(start of the ballot lines, end of the last one's line end, the line end) when VOTES is plain.

    The file need not end with a line end: the caller adds one then.
    """
    # The first VOTES line: a later one, or one inside a quoted PROJECTS
    # field, makes the head or the body fail the checks, and the full reader runs.
    at = data.find(b"\n" + SPELLINGS[0])
    limit = at if at >= 0 else len(data)
    found = [x for x in [at, *(data.find(b"\n" + s, 0, limit) for s in SPELLINGS[1:])] if x >= 0]
    if not found:
        return None
    at = min(found)
    name_end = data.find(b"\n", at + 1)
    header_end = data.find(b"\n", name_end + 1) if name_end >= 0 else -1
    if header_end < 0:
        return None
    name = data[at + 1 : name_end].strip().rstrip(b";").strip().strip(b'"').lower()
    header = data[name_end + 1 : header_end].strip()
    if name != b"votes" or not header:
        return None
    start, stop = header_end + 1, len(data)
    while stop > start and data[stop - 1] in b"\r\n":
        stop -= 1  # trailing blank lines
    end = b"\r\n" if data[name_end - 1 : name_end] == b"\r" else b"\n"
    # Single-byte finds are memchr scans (about 0.02 ms over Katowice's
    # 1.9 MB); blank lines, which a two-byte find took 1.8 ms to rule out,
    # are found by `_count` from the line ends it locates anyway.
    if stop == start or data.find(b'"', start, stop) >= 0 or data.find(b"\0", start, stop) >= 0:
        return None
    if end == b"\n" and data.find(b"\r", start, stop) >= 0:
        return None
    stop += len(end)
    if not valid_utf8(np.frombuffer(data, dtype=np.uint8, count=min(stop, len(data)) - start, offset=start)):
        return None
    return start, stop, end


def _count(padded: bytes, start: int, stop: int, end: bytes, head: Election) -> BallotTable | None:
    """The ballots of padded[start:stop] grouped by content, or None if some line is not plain
    or some content is wrong.

    `end` is the line end (CRLF or LF); a line is plain when it has exactly
    as many `;`-separated fields as the header.
    """
    columns = list(head.vote_columns)
    at = VoteColumns.of(0, columns, head.vote_type)
    width = len(columns)
    text = np.frombuffer(padded, dtype=np.uint8, count=stop - start, offset=start)
    stops = _stops(text, end, width)
    if stops is None:
        return None
    # Each ballot's key: its fields from the vote column to the points column
    # (or just the vote column).
    first = min(at.vote, at.points if at.points is not None else at.vote)
    last = max(at.vote, at.points if at.points is not None else at.vote)
    if first:
        starts = stops[:, first - 1] + 1
    else:
        starts = np.concatenate(([0], stops[:-1, -1] + len(end)))
    distinct = _distinct(padded, starts + start, stops[:, last] - starts)
    if distinct is None:
        return None
    keys, counts = distinct
    if width == 1 and _blank(keys):
        return None
    adjacent = at.points is None or at.points == at.vote + 1
    table = _tokens(keys, counts, head, at.points is not None) if adjacent else None
    return table or _contents(keys.split(b"\n")[:-1], counts, head, at, first)


def _stops(text: Bytes, end: bytes, width: int) -> IntArray | None:
    """Where each line's fields end (its `;`s, then its line end), a row per line; None unless
    every line has `width` fields and all line ends are `end`.

    The byte masks die here, before the keys are grouped: 3.8 MB less held
    at the peak for Katowice, so fewer fresh pages to fault in.
    """
    line_end = end[0]  # "\r" of CRLF: each "\n" must follow one, which is checked below
    ends = text == line_end
    marks = text == SEMICOLON
    marks |= ends  # in place: one 1.9 MB temporary less
    stops = np.flatnonzero(marks)
    if len(stops) % width:
        return None
    stops = stops.reshape(-1, width)
    # Each row of stops ends at a line end and there are no others, so the
    # rest are all `;` (cheaper than reading them back).
    if np.count_nonzero(ends) != len(stops) or not (text[stops[:, -1]] == line_end).all():
        return None
    # numpy counts the "\n" of a CRLF body in a tenth of `bytes.count`'s time.
    if len(end) == 2 and (np.count_nonzero(text == NEWLINE) != len(stops)
                          or not (text[stops[:, -1] + 1] == NEWLINE).all()):
        return None
    return stops


def _distinct(padded: bytes, starts: IntArray, lengths: IntArray) -> tuple[bytes, IntArray] | None:
    """The distinct keys, one per line in order of first appearance, and how many ballots have each.

    Keys are compared as rows of 8-byte words: a hash of each row groups them
    and comparing every row with its neighbour in the group proves the
    grouping (None in the never-seen case of two keys sharing a hash).
    """
    words = max(1, -(-int(lengths.max()) // 8))
    rows = _words(padded, starts, lengths, words)
    order, runs = _runs(_hash(rows))
    if not _runs_equal(rows, order, runs):
        return None
    first, counts = order[runs], np.diff(runs, append=len(order))
    by_first = np.argsort(first)
    first, counts = first[by_first], counts[by_first]
    width = 8 * words
    keys = np.zeros((len(first), width + 1), dtype=np.uint8)
    keys[:, :width] = np.ascontiguousarray(rows[first]).view(np.uint8)
    keys[np.arange(len(first)), lengths[first]] = NEWLINE
    return keys[np.arange(width + 1) <= lengths[first][:, None]].tobytes(), counts.astype(np.int64)


def _runs(hashes: Words) -> tuple[IntArray, IntArray]:
    """(order, runs): the positions ordered by hash, then by position, and where each run of equal hashes begins.

    The position goes into the low bits of the (mixed) hash and one plain
    sort orders both: numpy's SIMD sort of such values takes a fifth of the
    stable argsort `np.unique(return_index=True)` runs. Runs compare only the
    high bits, so two keys may share one; the caller's row check catches that.
    """
    n = len(hashes)
    low = np.uint64((1 << max(1, (n - 1).bit_length())) - 1)
    # The multiply carries every bit of the hash into the high bits kept (a
    # one-word key's hash is the key itself, zero above its third byte).
    keyed = ((hashes * np.uint64(SALTS[0])) & ~low) | np.arange(n, dtype=np.uint64)
    keyed.sort()
    high = keyed & ~low
    runs = np.flatnonzero(np.concatenate(([True], high[1:] != high[:-1])))
    return (keyed & low).astype(np.int64), runs


def _runs_equal(rows: Words, order: IntArray, runs: IntArray) -> bool:
    """Whether, in `order`, each row equals the one before it except where a run begins.

    One word column at a time: each is contiguous (see `_words`) and
    comparing neighbours needs no copy of each group's first row.
    """
    inside = np.ones(len(order) - 1, dtype=bool)
    inside[runs[1:] - 1] = False  # the pair that straddles a run's start
    for column in rows.T:
        ordered = column[order]
        if (ordered[1:] != ordered[:-1])[inside].any():
            return False
    return True


def _blank(keys: bytes) -> bool:
    """Whether some key (one per line) is a line the full reader skips as blank.

    Only a one-column header can have such lines here: any other plain line
    holds a `;`, so a blank line already failed the field count.
    """
    return any(not line or line.isspace() for line in keys.decode("utf-8").split("\n")[:-1])


def _contents(unique: list[bytes], counts: IntArray, head: Election, at: VoteColumns, first: int) -> BallotTable | None:
    """The table, reading each distinct field text with the full reader's `Contents`."""
    content = Contents(head.projects, head.vote_type)
    fields = [line.split(";") for line in b"\n".join(unique).decode("utf-8").split("\n")]
    votes = [f[at.vote - first] for f in fields]
    points = None if at.points is None else [f[at.points - first] for f in fields]
    try:
        read = content.many(votes, points, 0)
    except PabulibError:
        return None
    merged: dict[BallotKey, int] = {}
    for key, times in zip(read, counts.tolist()):
        merged[key] = merged.get(key, 0) + times
    return BallotTable.of(merged, head.projects)


def _tokens(buffer: bytes, count: IntArray, head: Election, with_points: bool) -> BallotTable | None:
    """The table straight from the distinct "vote" or "vote;points" keys (one per line), all in numpy.

    None unless every token is a project id exactly (no spaces, no unknown
    ids), points are plain digits, each points list is as long as its vote
    list and no ballot names a project twice; `_contents` handles the rest.
    """
    ballots = len(count)
    if b" " in buffer or b"\t" in buffer:
        return None
    text = np.frombuffer(buffer, dtype=np.uint8)
    ends = np.flatnonzero((text == COMMA) | (text == SEMICOLON) | (text == NEWLINE))
    kind = text[ends]
    starts = np.concatenate(([0], ends[:-1] + 1))
    line_end = kind == NEWLINE
    group = np.concatenate(([0], np.cumsum(line_end)[:-1]))
    if with_points:
        last_vote = np.flatnonzero(kind == SEMICOLON)
        if len(last_vote) != ballots:
            return None
        is_vote = np.arange(len(ends)) <= last_vote[group]
    elif (kind == SEMICOLON).any():
        return None
    else:
        is_vote = np.ones(len(ends), dtype=bool)
    # An empty token is an empty list ("" or ";"), never a gap in one ("1,,2").
    lengths = ends - starts
    alone = (kind != COMMA) & np.concatenate(([True], kind[:-1] != COMMA))
    if ((lengths == 0) & ~alone).any():
        return None
    kept = lengths > 0
    vote, points = kept & is_vote, kept & ~is_vote
    padded = buffer + bytes(8)
    project = _project_indexes(padded, starts[vote], lengths[vote], head)
    if project is None:
        return None
    per_ballot = np.bincount(group[vote], minlength=ballots)
    values = None
    if with_points:
        values = _numbers(padded, starts[points], lengths[points])
        if values is None or not np.array_equal(per_ballot, np.bincount(group[points], minlength=ballots)):
            return None
    start = np.zeros(ballots + 1, dtype=np.int64)
    np.cumsum(per_ballot, out=start[1:])
    if _named_twice(project, start, per_ballot):
        return None
    return BallotTable(count, start, project, values)


Words = npt.NDArray[np.uint64]
SALTS = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93,
         0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3)
# MASKS[n] keeps the first n bytes of a little-endian 8-byte word.
MASKS = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [2**64 - 1], dtype=np.uint64)


def _words(padded: bytes, starts: IntArray, lengths: IntArray, words: int) -> Words:
    """Each token as `words` little-endian 8-byte words, zero-padded (rows of a column-major array).

    `padded` ends with 8 zero bytes, so an 8-byte read at any token start
    stays inside it; the word is read unaligned, straight from the bytes.
    Columns are contiguous, so hashing and comparing go a column at a time,
    and later words are read only for the tokens that reach them: in
    Czestochowa 2024 the longest key takes 8 words but 82% fit in one.
    """
    at = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    out = np.zeros((words, len(starts)), dtype="<u8")
    np.bitwise_and(at[np.minimum(starts, len(at) - 1)], MASKS[np.clip(lengths, 0, 8)], out=out[0])
    for k in range(1, words):
        rest = lengths - 8 * k
        some = np.flatnonzero(rest > 0)
        out[k, some] = at[starts[some] + 8 * k] & MASKS[np.minimum(rest[some], 8)]
    return out.T


def _hash(rows: Words) -> Words:
    """A 64-bit hash of each row of words (equal rows, equal hashes).

    Summed a column at a time: a sum along rows of a few words each is
    several times slower.
    """
    hashed: Words = rows[:, 0].copy()
    for k in range(1, rows.shape[1]):
        hashed += rows[:, k] * np.uint64((k * 0x9E3779B97F4A7C16 | 1) % 2**64)
    return hashed


def _project_indexes(padded: bytes, starts: IntArray, lengths: IntArray, head: Election) -> IntArray | None:
    """Each token's position in PROJECTS, or None if one names no project.

    Tokens and ids become rows of 8-byte words, wide enough for the longest
    of either; a hash of each row finds the one id a token can be, through a
    table where no two ids collide, and comparing whole rows proves it is.
    """
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    ids = [p.id.encode("utf-8") for p in head.projects]
    words = -(-max(int(lengths.max()), max(map(len, ids))) // 8)
    id_lengths = np.array([len(pid) for pid in ids], dtype=np.int64)
    known = _words(b"".join(ids) + bytes(8), np.cumsum(id_lengths) - id_lengths, id_lengths, words)
    tokens = _words(padded, starts, lengths, words)
    known_sums, token_sums = _hash(known), _hash(tokens)
    # About ids**2 slots: a salt that puts no two ids in one slot is then
    # found within a try or two (Toulouse: 199 ids, 2**17 slots).
    bits = min(2 * len(ids).bit_length() + 1, 40)
    shift = np.uint64(64 - bits)
    for salt in SALTS:
        slots = (known_sums * np.uint64(salt)) >> shift
        if len(np.unique(slots)) == len(ids):
            break
    else:
        return None
    table = np.zeros(1 << bits, dtype=np.int64)
    table[slots] = np.arange(len(ids))
    found: IntArray = table[(token_sums * np.uint64(salt)) >> shift]
    if not (known[found] == tokens).all():
        return None
    return found


def _numbers(padded: bytes, starts: IntArray, lengths: IntArray) -> IntArray | None:
    """Each token as a whole number, or None if one is not plain digits (or too long to be exact)."""
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    width = int(lengths.max())
    if width > 16:
        return None
    words = -(-width // 8)
    rows = np.ascontiguousarray(_words(padded, starts, lengths, words))
    digits = rows.view(np.uint8)[:, :width].astype(np.int64) - ord("0")
    inside = np.arange(width) < lengths[:, None]
    if ((digits < 0) | (digits > 9))[inside].any():
        return None
    # Place values: a token of length n has 10**(n-1) at its first digit.
    power = np.where(inside, lengths[:, None] - 1 - np.arange(width), 0)
    values: IntArray = (np.where(inside, digits, 0) * 10**power).sum(axis=1)
    return values


def _named_twice(project: IntArray, start: IntArray, per_ballot: IntArray) -> bool:
    """Whether some ballot names a project twice: its projects as a bit set have fewer bits than entries."""
    if not len(project):
        return False
    named = per_ballot > 0
    bits = np.left_shift(np.uint64(1), (project & 63).astype(np.uint64))
    word = project >> 6
    distinct = np.zeros(int(named.sum()), dtype=np.int64)
    for w in range(int(word.max()) + 1):
        ored = np.bitwise_or.reduceat(np.where(word == w, bits, np.uint64(0)), start[:-1][named])
        distinct += np.bitwise_count(ored)
    return bool((distinct != per_ballot[named]).any())
