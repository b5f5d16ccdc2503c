"""Proposals, their revisions, amendments and comments (SQL only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from asyncpg import Connection, Record

from inquiry.proposals.rules import ProposalText


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    inquiry_id: int
    session_id: int
    author_id: int
    author_name: str
    revision: int
    text: ProposalText
    question_ids: list[int]
    status: str
    merged_into: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Revision:
    revision: int
    text: ProposalText
    question_ids: list[int]
    by_name: str
    note: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Amendment:
    id: int
    proposal_id: int
    based_on: int
    text: ProposalText
    participant_id: int
    by_name: str
    status: str
    decided_by: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    by_name: str
    body: str
    at: datetime


COLUMNS = """id, inquiry_id, session_id, author_id, author_name, revision, title, description,
             cost_minor, category, question_ids, status, merged_into, created_at"""


def _text(row: Record) -> ProposalText:
    return ProposalText(row["title"], row["description"], row["cost_minor"], row["category"])


def _proposal(row: Record) -> Proposal:
    return Proposal(row["id"], row["inquiry_id"], row["session_id"], row["author_id"], row["author_name"],
                    row["revision"], _text(row), list(row["question_ids"]), row["status"],
                    row["merged_into"], row["created_at"])


async def insert_proposal(conn: Connection, session_id: int, inquiry_id: int, author_id: int,
                          author_name: str, text: ProposalText, question_ids: list[int]) -> Proposal:
    row = await conn.fetchrow(
        f"""INSERT INTO proposals (session_id, inquiry_id, author_id, author_name, title, description,
                                   cost_minor, category, question_ids)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::bigint[])
            RETURNING {COLUMNS}""",
        session_id, inquiry_id, author_id, author_name, text.title, text.description, text.cost_minor,
        text.category, question_ids,
    )
    return _proposal(row)


async def select_proposal(conn: Connection, proposal_id: int, for_update: bool = False) -> Proposal | None:
    lock = "FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM proposals WHERE id = $1 {lock}", proposal_id)
    return None if row is None else _proposal(row)


async def select_session_proposals(conn: Connection, session_id: int, active_only: bool) -> list[Proposal]:
    """In drafting order, which is also the published tie-break order of the ranking."""
    rows = await conn.fetch(
        f"""SELECT {COLUMNS} FROM proposals
             WHERE session_id = $1 AND (status = 'active' OR NOT $2)
             ORDER BY id""", session_id, active_only)
    return [_proposal(r) for r in rows]


async def update_proposal_text(conn: Connection, proposal_id: int, text: ProposalText,
                               question_ids: list[int]) -> int:
    """Set the text and return the new revision number (the caller holds the row lock)."""
    revision: int = await conn.fetchval(
        """UPDATE proposals SET title = $2, description = $3, cost_minor = $4, category = $5,
                  question_ids = $6::bigint[], revision = revision + 1
            WHERE id = $1 RETURNING revision""",
        proposal_id, text.title, text.description, text.cost_minor, text.category, question_ids,
    )
    return revision


async def update_proposal_status(conn: Connection, proposal_id: int, status: str,
                                 merged_into: int | None) -> None:
    await conn.execute("UPDATE proposals SET status = $2, merged_into = $3 WHERE id = $1",
                       proposal_id, status, merged_into)


async def insert_revision(conn: Connection, proposal_id: int, revision: int, text: ProposalText,
                          question_ids: list[int], by_name: str, note: str) -> None:
    await conn.execute(
        """INSERT INTO proposal_revisions (proposal_id, revision, title, description, cost_minor, category,
                                           question_ids, by_name, note)
           VALUES ($1, $2, $3, $4, $5, $6, $7::bigint[], $8, $9)""",
        proposal_id, revision, text.title, text.description, text.cost_minor, text.category,
        question_ids, by_name, note,
    )


async def select_revisions(conn: Connection, proposal_id: int) -> list[Revision]:
    """Newest first."""
    rows = await conn.fetch(
        """SELECT revision, title, description, cost_minor, category, question_ids, by_name, note, at
             FROM proposal_revisions WHERE proposal_id = $1 ORDER BY revision DESC""", proposal_id)
    return [Revision(r["revision"], _text(r), list(r["question_ids"]), r["by_name"], r["note"], r["at"])
            for r in rows]


AMENDMENT_COLUMNS = """id, proposal_id, based_on, title, description, cost_minor, category,
                       participant_id, by_name, status, decided_by, at"""


def _amendment(r: Record) -> Amendment:
    return Amendment(r["id"], r["proposal_id"], r["based_on"], _text(r), r["participant_id"], r["by_name"],
                     r["status"], r["decided_by"], r["at"])


async def insert_amendment(conn: Connection, proposal_id: int, based_on: int, text: ProposalText,
                           participant_id: int, by_name: str) -> Amendment:
    row = await conn.fetchrow(
        f"""INSERT INTO proposal_amendments (proposal_id, based_on, title, description, cost_minor, category,
                                             participant_id, by_name)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {AMENDMENT_COLUMNS}""",
        proposal_id, based_on, text.title, text.description, text.cost_minor, text.category,
        participant_id, by_name,
    )
    return _amendment(row)


async def select_amendment(conn: Connection, amendment_id: int, for_update: bool = False) -> Amendment | None:
    lock = "FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT {AMENDMENT_COLUMNS} FROM proposal_amendments WHERE id = $1 {lock}",
                              amendment_id)
    return None if row is None else _amendment(row)


async def select_amendments(conn: Connection, proposal_id: int, status: str | None = None) -> list[Amendment]:
    rows = await conn.fetch(
        f"""SELECT {AMENDMENT_COLUMNS} FROM proposal_amendments
             WHERE proposal_id = $1 AND (status = $2 OR $2 IS NULL) ORDER BY id""", proposal_id, status)
    return [_amendment(r) for r in rows]


async def update_amendment_status(conn: Connection, amendment_id: int, status: str, decided_by: str) -> None:
    await conn.execute("UPDATE proposal_amendments SET status = $2, decided_by = $3 WHERE id = $1",
                       amendment_id, status, decided_by)


async def insert_comment(conn: Connection, proposal_id: int, participant_id: int | None, staff_id: int | None,
                         by_name: str, body: str) -> int:
    comment_id: int = await conn.fetchval(
        """INSERT INTO proposal_comments (proposal_id, participant_id, staff_id, by_name, body)
           VALUES ($1, $2, $3, $4, $5) RETURNING id""", proposal_id, participant_id, staff_id, by_name, body)
    return comment_id


async def select_comments(conn: Connection, proposal_id: int) -> list[Comment]:
    rows = await conn.fetch(
        "SELECT id, by_name, body, at FROM proposal_comments WHERE proposal_id = $1 ORDER BY id", proposal_id)
    return [Comment(r["id"], r["by_name"], r["body"], r["at"]) for r in rows]


async def select_released_questions(conn: Connection, session_id: int) -> dict[int, str]:
    """Questions released to an expert (answered or not): the ones a proposal may draw on."""
    rows = await conn.fetch(
        """SELECT id, body FROM questions WHERE session_id = $1 AND status IN ('released', 'answered')
            ORDER BY id""", session_id)
    return {r["id"]: r["body"] for r in rows}
