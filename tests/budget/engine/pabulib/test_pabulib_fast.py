"""The fast reader (budget.engine.pabulib.fast) reads exactly what the full reader reads.

`read_pabulib` counts a plain VOTES section straight from the bytes and builds
`Ballot` objects only on demand; any file it is unsure of goes to the full
line-by-line reader. These tests hold the two to the same result: the same
ballots per content, the same projects, the same errors on the same lines.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.engine.election import Election, LazyBallots
from budget.engine.pabulib import PabulibError, format_pabulib, parse_pabulib, read_pabulib
from budget.engine.pabulib.utf8 import valid_utf8
from tests.budget.engine.pabulib.test_pabulib import elections
from tests.data import PABULIB

DATA = PABULIB


def contents(election: Election) -> Counter[tuple[tuple[str, ...], tuple[int, ...] | None]]:
    """Ballots per (project ids, points), from the table every rule counts with."""
    table = election.ballot_table()
    ids = [p.id for p in election.projects]
    out: Counter[tuple[tuple[str, ...], tuple[int, ...] | None]] = Counter()
    for g, voters in enumerate(table.count.tolist()):
        lo, hi = int(table.start[g]), int(table.start[g + 1])
        points = None if table.points is None else tuple(table.points[lo:hi].tolist())
        out[(tuple(ids[j] for j in table.project[lo:hi].tolist()), points)] += voters
    return out


def full(data: bytes) -> Election:
    return parse_pabulib(data.decode("utf-8-sig"))


def assert_same(path: Path, fast_expected: bool = True) -> Election:
    fast = read_pabulib(path)
    slow = full(path.read_bytes())
    assert isinstance(fast.ballots, LazyBallots) is fast_expected
    assert contents(fast) == contents(slow)
    assert len(fast.ballots) == len(slow.ballots)
    assert (fast.projects, fast.budget, fast.vote_type, fast.meta) == (
        slow.projects, slow.budget, slow.vote_type, slow.meta)
    assert (fast.project_columns, fast.vote_columns) == (slow.project_columns, slow.vote_columns)
    assert tuple(fast.ballots) == tuple(slow.ballots)  # built on demand
    return fast


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.pb")))
def test_every_shared_instance_reads_the_same_fast(name: str) -> None:
    assert_same(DATA / name)


HEAD = "META\nkey;value\nbudget;100\nvote_type;{kind}\nPROJECTS\nproject_id;cost\n{projects}\nVOTES\n{header}\n"
PROJECTS = "\n".join(f"{pid};{cost}" for pid, cost in
                     [("1", 10), ("12", 20), ("123", 30), ("BO.OM.182/24", 40), ("a-very-long-project-id-x", 50)])


def write(tmp_path: Path, text: str, *, crlf: bool = False, bom: bool = False) -> Path:
    if crlf:
        text = text.replace("\n", "\r\n")
    path = tmp_path / "x.pb"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def approval(votes: str, header: str = "voter_id;vote;district") -> str:
    return HEAD.format(kind="approval", projects=PROJECTS, header=header) + votes


@pytest.mark.parametrize("crlf", [False, True])
@pytest.mark.parametrize("bom", [False, True])
def test_ids_that_are_prefixes_of_each_other_and_longer_than_a_word(tmp_path: Path, crlf: bool, bom: bool) -> None:
    votes = ("v1;1,12,123;Łódź\nv2;123,1;x\nv3;;y\nv4;BO.OM.182/24,a-very-long-project-id-x;z\n"
             "v5;1,12,123;Łódź\n\n\n")
    e = assert_same(write(tmp_path, approval(votes), crlf=crlf, bom=bom))
    assert contents(e)[(("1", "12", "123"), None)] == 2
    assert contents(e)[((), None)] == 1


@pytest.mark.parametrize(
    ("votes", "header", "plain"),
    [
        ("1,12;v1\n12;v2\n", "vote;voter_id", True),  # vote column first
        ("v1;1, 12;a\nv2; 123;b\n", None, True),  # spaces around ids
        ("v1;1,12,1;a\nv2;12,12;b\n", None, True),  # a project named twice counts once
        ('v1;"1,12";a\nv2;12;b\n', None, False),  # quoted field
        ("v1;1,12\nv2;12;b;\n", None, False),  # a short row and a padded one
        ("v1;1,12;a\n\nv2;12;b\n", None, False),  # a blank line between ballots
        ("v1;1,12;a\r\nv2;12;b\n", None, False),  # mixed line ends
        ("v1;1,12;a\rv2;12;b\n", None, False),  # an old Mac line end
        ("v1;1,12;a\r\nv2;12;b\r\n", None, False),  # a stray CR in an LF file
        ("v1;1,12;a\0b\nv2;12;b\n", None, False),  # a NUL byte
        ("\nv1;1,12;a\nv2;12;b\n", None, False),  # a blank first line
        ("1,12\n\n12\n", "vote", False),  # a blank line, one column
        ("\n1,12\n12\n", "vote", False),  # a blank first line, one column
        ("1,12\n \t\n12\n", "vote", False),  # a line of spaces, one column
        ("1,12\n12\n\n", "vote", True),  # blank lines at the end only
    ],
)
def test_unusual_vote_sections_read_as_the_full_reader_reads_them(
    tmp_path: Path, votes: str, header: str | None, plain: bool
) -> None:
    assert_same(write(tmp_path, approval(votes, header or "voter_id;vote;district")), fast_expected=plain)


@pytest.mark.parametrize(
    "votes",
    [
        "v1;1,12;a\nv2;12;b\r\n",  # a bare LF in a CRLF file
        "v1;1,12;a\rx\r\nv2;12;b\r\n",  # a bare CR in a CRLF file
        "v1;1,12;a\r\n\r\nv2;12;b\r\n",  # a blank line
    ],
)
def test_unusual_crlf_vote_sections_go_to_the_full_reader(tmp_path: Path, votes: str) -> None:
    path = tmp_path / "x.pb"
    path.write_bytes(approval("").replace("\n", "\r\n").encode("utf-8") + votes.encode("utf-8"))
    assert_same(path, fast_expected=False)


POINTS_HEAD = HEAD.format(kind="cumulative", projects=PROJECTS, header="voter_id;vote;points;age")


@pytest.mark.parametrize(
    "votes",
    [
        "v1;1,12;7,3;30\nv2;123;10;\nv3;;;41\nv4;1,12;7,3;50\n",
        "v1;1,12;007,3;30\n",  # leading zeros
        "v1;1,12;1.0,3;30\n",  # a whole number written with a decimal point
        "v1;1,12;12345678901234567,3;30\n",  # too long for the fast path's digits
    ],
)
def test_points_read_the_same(tmp_path: Path, votes: str) -> None:
    assert_same(write(tmp_path, POINTS_HEAD + votes))


@pytest.mark.parametrize(
    ("votes", "line", "problem"),
    [
        ("v1;1,12;a\nv2;99;b\n", 15, "vote names project '99'"),
        ("v1;1,12;a\nv2;12;b;c;d\n", 15, "5 fields but the header names 3"),
    ],
)
def test_broken_approval_ballots_name_the_line(tmp_path: Path, votes: str, line: int, problem: str) -> None:
    path = write(tmp_path, approval(votes))
    with pytest.raises(PabulibError) as fast:
        read_pabulib(path)
    with pytest.raises(PabulibError) as slow:
        full(path.read_bytes())
    assert (fast.value.line, str(fast.value)) == (slow.value.line, str(slow.value))
    assert fast.value.line == line and problem in str(fast.value)


@pytest.mark.parametrize(
    ("votes", "problem"),
    [
        ("v1;1,12;7;30\n", "2 projects but 1 points"),
        ("v1;1,1;7,3;30\n", "a project appears twice"),
        ("v1;1;-2;30\n", "negative points"),
    ],
)
def test_broken_points_name_the_line(tmp_path: Path, votes: str, problem: str) -> None:
    path = write(tmp_path, POINTS_HEAD + "v0;12;1;1\n" + votes)
    with pytest.raises(PabulibError, match=problem) as caught:
        read_pabulib(path)
    assert caught.value.line == 15  # v0 is line 14


def test_a_byte_that_is_not_utf8_in_any_column_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.pb"
    path.write_bytes(approval("v1;1;a\nv2;12;b\xff\n").encode("latin-1"))
    with pytest.raises(PabulibError, match="not UTF-8") as caught:
        read_pabulib(path)
    assert caught.value.line == 15


@settings(max_examples=60, deadline=None)
@given(elections())
def test_any_written_election_reads_the_same_fast(election: Election) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.pb"
        path.write_text(format_pabulib(election), encoding="utf-8")
        fast = read_pabulib(path)
        assert contents(fast) == contents(election)
        assert len(fast.ballots) == len(election.ballots)


# Pieces that make valid and broken UTF-8: any bytes, encoded text, and the
# edge cases (surrogates, overlong forms, past U+10FFFF, cut sequences).
UTF8_PIECES = st.one_of(
    st.binary(max_size=6),
    st.text(max_size=5).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"\xed\xa0\x80", b"\xe0\x80\x80", b"\xf4\x90\x80\x80", b"\xc0\x80", b"\xf0\x90\x80\x80",
                     b"\xf4\x8f\xbf\xbf", b"\xef\xbf\xbf", b"\xc2", b"\xe2\x82", b"\x80"]),
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(UTF8_PIECES, max_size=8).map(b"".join))
def test_utf8_check_agrees_with_pythons_decoder(data: bytes) -> None:
    try:
        data.decode("utf-8")
        expected = True
    except UnicodeDecodeError:
        expected = False
    assert valid_utf8(np.frombuffer(data, dtype=np.uint8)) is expected


@settings(max_examples=1000, deadline=None)
@given(st.lists(UTF8_PIECES, max_size=8).map(b"".join), st.integers(0, 40), st.integers(0, 7))
def test_utf8_check_agrees_anywhere_in_a_long_buffer(data: bytes, before: int, offset: int) -> None:
    """Long inputs are scanned eight bytes at a time from an aligned address: the piece sits at any
    alignment, among ASCII, and the array may start mid-word."""
    buffer = b"x" * offset + b"a" * before + data + b"z" * 20
    try:
        data.decode("utf-8")
        expected = True
    except UnicodeDecodeError:
        expected = False
    assert valid_utf8(np.frombuffer(buffer, dtype=np.uint8)[offset:]) is expected
