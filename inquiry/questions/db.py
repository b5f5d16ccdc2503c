"""Questions for experts, their upvotes, and clarity flags (SQL only)."""

from __future__ import annotations

from dataclasses import dataclass

from asyncpg import Connection


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    session_id: int
    expert_id: int
    body: str
    status: str
    answer: str | None
    upvotes: int


QUESTION_COLUMNS = """q.id, q.session_id, q.expert_id, q.body, q.status, q.answer,
                      (SELECT count(*) FROM question_upvotes u WHERE u.question_id = q.id) AS upvotes"""


async def insert_question(conn: Connection, session_id: int, expert_id: int, author_id: int, body: str) -> int:
    qid: int = await conn.fetchval(
        """INSERT INTO questions (session_id, expert_id, author_id, body) VALUES ($1, $2, $3, $4)
           RETURNING id""", session_id, expert_id, author_id, body)
    return qid


async def select_question(conn: Connection, session_id: int, question_id: int) -> Question | None:
    row = await conn.fetchrow(
        f"SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.id = $1 AND q.session_id = $2 FOR UPDATE OF q",
        question_id, session_id)
    return None if row is None else Question(**dict(row))


async def select_questions(conn: Connection, session_id: int, statuses: list[str]) -> list[Question]:
    """By upvotes, then oldest first."""
    rows = await conn.fetch(
        f"""SELECT {QUESTION_COLUMNS} FROM questions q
             WHERE q.session_id = $1 AND q.status = any($2::text[])
             ORDER BY upvotes DESC, q.id""", session_id, statuses)
    return [Question(**dict(r)) for r in rows]


async def insert_upvote(conn: Connection, question_id: int, participant_id: int) -> bool:
    """One upvote per resident and question; False if they had already upvoted."""
    done = await conn.fetchval(
        """INSERT INTO question_upvotes (question_id, participant_id) VALUES ($1, $2)
           ON CONFLICT DO NOTHING RETURNING 1""", question_id, participant_id)
    return done is not None


async def count_upvotes(conn: Connection, question_id: int) -> int:
    n: int = await conn.fetchval("SELECT count(*) FROM question_upvotes WHERE question_id = $1", question_id)
    return n


async def move_upvotes(conn: Connection, from_id: int, into_id: int) -> None:
    await conn.execute(
        """INSERT INTO question_upvotes (question_id, participant_id)
           SELECT $2, participant_id FROM question_upvotes WHERE question_id = $1
           ON CONFLICT DO NOTHING""", from_id, into_id)


async def update_question(conn: Connection, question_id: int, status: str, *, answer: str | None = None,
                          merged_into: int | None = None) -> None:
    await conn.execute(
        """UPDATE questions
              SET status = $2, answer = coalesce($3, answer), merged_into = coalesce($4, merged_into),
                  released_at = CASE WHEN $2 = 'released' THEN now() ELSE released_at END
            WHERE id = $1""", question_id, status, answer, merged_into)


async def insert_flag(conn: Connection, session_id: int, expert_id: int, kind: str) -> dict[str, int]:
    """Record an anonymous flag; returns the counts per kind for this expert."""
    await conn.execute("INSERT INTO clarity_flags (session_id, expert_id, kind) VALUES ($1, $2, $3)",
                       session_id, expert_id, kind)
    rows = await conn.fetch(
        """SELECT kind, count(*) AS n FROM clarity_flags WHERE session_id = $1 AND expert_id = $2
            GROUP BY kind""", session_id, expert_id)
    counts = {"jargon": 0, "too_fast": 0}
    counts.update({r["kind"]: r["n"] for r in rows})
    return counts
