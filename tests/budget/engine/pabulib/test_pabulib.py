"""Reading and writing Pabulib files: round trips, real-file quirks, broken files."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.engine.election import Ballot, Election, Project, VoteType
from budget.engine.pabulib import (
    PabulibError,
    ballot_limits,
    format_amount,
    format_pabulib,
    parse_pabulib,
    read_pabulib,
    score_threshold,
    write_pabulib,
)
from tests.data import PABULIB

DATA = PABULIB

CUMULATIVE = "\n".join(
    [
        'META',
        'key;value',
        'budget;100,5',
        'vote_type;cumulative',
        'max_sum_points;10',
        'min_project_score_threshold;3',
        'PROJECTS',
        'project_id;cost;votes;name;category',
        'p1;40,25;2;"Park; with a bench";green',
        'p2;60;1;"Say ""hello""";culture',
        'VOTES',
        'voter_id;vote;points;age',
        'v1;p1,p2;7,3;30',
        'v2;p1;10;',
        'v3;;;41',
    ]
)


def test_cumulative_file_with_quotes_and_decimal_commas() -> None:
    e = parse_pabulib(CUMULATIVE)
    assert e.budget == Fraction(201, 2)
    assert e.vote_type is VoteType.CUMULATIVE
    assert [p.id for p in e.projects] == ["p1", "p2"]
    assert e.projects[0].cost == Fraction("40.25")
    assert e.projects[0].name == "Park; with a bench"
    assert e.projects[1].name == 'Say "hello"'
    assert e.projects[0].field("category") == "green"
    assert e.ballots[0] == Ballot(("p1", "p2"), (7, 3), "v1", ("30",))
    assert e.ballots[2].projects == () and e.ballots[2].points == ()
    assert ballot_limits(e).max_sum_points == 10
    assert score_threshold(e) == 3


def test_bom_crlf_blank_lines_and_empty_ballots_are_read() -> None:
    text = "\ufeffMETA\r\nkey;value\r\nbudget;10\r\nvote_type;approval\r\n\r\nPROJECTS\r\nproject_id;cost\r\n1;5\r\n2;5\r\nVOTES\r\nvoter_id;vote\r\na;1,2\r\nb;\r\nc;2,2,1\r\n"
    e = parse_pabulib(text)
    assert [b.projects for b in e.ballots] == [("1", "2"), (), ("2", "1")]


def test_spreadsheet_export_with_padded_lines() -> None:
    pad = ";" * 30
    text = f"META{pad}\nkey;value{pad}\nbudget;10{pad}\nvote_type;approval{pad}\nPROJECTS{pad}\n" \
        f"project_id;cost\n1;5{pad}\nVOTES{pad}\nvoter_id;vote\nv;1{pad}\n"
    e = parse_pabulib(text)
    assert e.budget == 10 and e.ballots[0].projects == ("1",)


def test_sections_in_any_order_and_short_rows_padded() -> None:
    text = "VOTES\nvoter_id;vote;sex\n1;a\nPROJECTS\nproject_id;cost;name\na;3\nMETA\nkey;value\nbudget;3\nvote_type;ordinal\n"
    e = parse_pabulib(text)
    assert e.vote_type is VoteType.ORDINAL
    assert e.ballots[0] == Ballot(("a",), None, "1", ("",))


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nx;1\ny;1,7\n", 11, "'7'"),
        ("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;five\nVOTES\nvoter_id;vote\n", 7, "not a number"),
        ("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\n1;6\nVOTES\nvoter_id;vote\n", 8, "listed twice"),
        ("META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote;points\nx;1;2,3\n", 10, "1 projects but 2 points"),
        ("META\nkey;value\nbudget;10\nvote_type;plurality\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n", 2, "unknown vote_type"),
        ("META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n", 2, "no budget"),
        ("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nx;1;2;3\n", 10, "4 fields"),
        ("META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;5;\"open\nVOTES\nvoter_id;vote\n", 7, "never closed"),
        ("hello\nMETA\nkey;value\n", 1, "expected META"),
    ],
)
def test_broken_file_names_line_and_problem(text: str, line: int, problem: str) -> None:
    with pytest.raises(PabulibError) as caught:
        parse_pabulib(text)
    assert caught.value.line == line
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"line {line}: ")


def test_missing_votes_section() -> None:
    with pytest.raises(PabulibError, match="no VOTES section"):
        parse_pabulib("META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\n")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.pb"
    path.write_bytes(b"META\nkey;value\nbudget;1\nname;\xff\n")
    with pytest.raises(PabulibError, match="line 4: not UTF-8"):
        read_pabulib(path)


def test_election_built_in_code_round_trips(tmp_path: Path) -> None:
    e = Election(
        projects=(Project("a", Fraction(1, 3), "A;b"), Project("b", Fraction("2.5"))),
        budget=Fraction(7, 2),
        vote_type=VoteType.SCORING,
        ballots=(Ballot(("a", "b"), (1, 2)), Ballot((), ())),
    )
    write_pabulib(e, tmp_path / "x.pb")
    again = read_pabulib(tmp_path / "x.pb")
    assert again.projects == e.projects
    assert again.ballots == e.ballots
    assert again.budget == e.budget


@pytest.mark.parametrize(
    ("value", "text"),
    [(Fraction(1000), "1000"), (Fraction("4000.5"), "4000.5"), (Fraction(1, 3), "1/3"), (Fraction(-1, 8), "-0.125")],
)
def test_amounts_are_written_exactly(value: Fraction, text: str) -> None:
    assert format_amount(value) == text


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(DATA.glob("*.pb")), ids=lambda p: p.stem)
def test_real_files_round_trip(path: Path) -> None:
    e = read_pabulib(path)
    assert str(len(e.ballots)) == e.meta["num_votes"]
    assert str(len(e.projects)) == e.meta["num_projects"]
    assert parse_pabulib(format_pabulib(e)) == e


TEXT = st.text(alphabet=st.sampled_from('ab Z;",\n\u0142'), max_size=8).map(str.strip)
IDS = st.text(alphabet=st.sampled_from("ab19-/."), min_size=1, max_size=4)


@st.composite
def elections(draw: st.DrawFn) -> Election:
    vote_type = draw(st.sampled_from(list(VoteType)))
    ids = draw(st.lists(IDS, min_size=1, max_size=5, unique=True))
    costs = st.fractions(min_value=0, max_value=1000, max_denominator=40)
    projects = tuple(Project(i, draw(costs), draw(TEXT), (("category", draw(TEXT)),)) for i in ids)
    ballots = []
    for _ in range(draw(st.integers(0, 5))):
        chosen = tuple(draw(st.lists(st.sampled_from(ids), unique=True)))
        points = tuple(draw(st.integers(0, 9)) for _ in chosen) if vote_type in POINTS else None
        ballots.append(Ballot(chosen, points, draw(TEXT), (draw(TEXT),)))
    points_column = ("points",) if vote_type in POINTS else ()
    return Election(
        projects, draw(costs), vote_type, tuple(ballots), {"description": draw(TEXT)},
        project_columns=("project_id", "cost", "name", "category"),
        vote_columns=("voter_id", "vote", *points_column, "age"),
    )


POINTS = (VoteType.CUMULATIVE, VoteType.SCORING)


@settings(max_examples=300, deadline=None)
@given(elections())
def test_any_election_round_trips(e: Election) -> None:
    again = parse_pabulib(format_pabulib(e))
    assert again.projects == e.projects
    assert again.ballots == e.ballots
    assert (again.budget, again.vote_type) == (e.budget, e.vote_type)
    assert again.meta["description"] == e.meta["description"]
