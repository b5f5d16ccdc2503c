"""Rounds, ballots, voters and the round log (SQL only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from asyncpg import Connection, Record

from budget.rounds.ballots import CastBallot
from budget.rounds.chain import Entry
from budget.rounds.config import RoundConfig, State

ROUND_COLUMNS = """r.id, r.inquiry_id, i.title AS inquiry_title, r.state, r.config::text AS config, r.frozen_hash,
                   r.opens_at, r.closes_at, r.opened_at, r.closed_at, r.close_reason, r.cancelled_at,
                   r.cancel_reason, r.created_by"""


@dataclass(frozen=True, slots=True)
class RoundRow:
    id: int
    inquiry_id: int
    inquiry_title: str
    state: State
    config: RoundConfig
    frozen_hash: str | None
    opens_at: datetime | None
    closes_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    created_by: int


def _round(row: Record | None) -> RoundRow | None:
    if row is None:
        return None
    return RoundRow(
        id=row["id"], inquiry_id=row["inquiry_id"], inquiry_title=row["inquiry_title"], state=State(row["state"]),
        config=RoundConfig.from_dict(json.loads(row["config"])), frozen_hash=row["frozen_hash"],
        opens_at=row["opens_at"], closes_at=row["closes_at"], opened_at=row["opened_at"],
        closed_at=row["closed_at"], close_reason=row["close_reason"], cancelled_at=row["cancelled_at"],
        cancel_reason=row["cancel_reason"], created_by=row["created_by"],
    )


async def insert_round(conn: Connection, inquiry_id: int, config: RoundConfig, opens_at: datetime | None,
                       closes_at: datetime, created_by: int) -> int:
    round_id: int = await conn.fetchval(
        """INSERT INTO rounds (inquiry_id, config, opens_at, closes_at, created_by)
           VALUES ($1, $2::jsonb, $3, $4, $5) RETURNING id""",
        inquiry_id, json.dumps(config.to_dict()), opens_at, closes_at, created_by,
    )
    return round_id


async def select_round(conn: Connection, round_id: int, lock: str = "") -> RoundRow | None:
    """The round; `lock` is "" , "FOR SHARE" (casting) or "FOR UPDATE" (changing state)."""
    if lock not in ("", "FOR SHARE", "FOR UPDATE"):
        raise ValueError(f"unknown lock {lock!r}")
    row = await conn.fetchrow(
        f"""SELECT {ROUND_COLUMNS}
              FROM rounds r JOIN inquiries i ON i.id = r.inquiry_id
             WHERE r.id = $1 {lock + ' OF r' if lock else ''}""",
        round_id,
    )
    return _round(row)


async def select_rounds(conn: Connection, inquiry_id: int | None = None) -> list[RoundRow]:
    rows = await conn.fetch(
        f"""SELECT {ROUND_COLUMNS}
              FROM rounds r JOIN inquiries i ON i.id = r.inquiry_id
             WHERE $1::bigint IS NULL OR r.inquiry_id = $1
             ORDER BY r.id DESC""",
        inquiry_id,
    )
    return [r for r in map(_round, rows) if r is not None]


async def select_due_rounds(conn: Connection, now: datetime) -> list[tuple[int, str]]:
    """(round id, "open"|"close") for drafts due to open and open rounds due to close."""
    rows = await conn.fetch(
        """SELECT id, CASE WHEN state = 'open' THEN 'close' ELSE 'open' END AS due
             FROM rounds
            WHERE (state = 'open' AND closes_at <= $1)
               OR (state = 'draft' AND opens_at IS NOT NULL AND opens_at <= $1)
            ORDER BY id""",
        now,
    )
    return [(r["id"], r["due"]) for r in rows]


async def update_round_config(conn: Connection, round_id: int, config: RoundConfig, opens_at: datetime | None,
                              closes_at: datetime) -> None:
    await conn.execute(
        "UPDATE rounds SET config = $2::jsonb, opens_at = $3, closes_at = $4 WHERE id = $1",
        round_id, json.dumps(config.to_dict()), opens_at, closes_at,
    )


async def update_round_opened(conn: Connection, round_id: int, frozen_hash: str, secret: bytes) -> None:
    await conn.execute(
        "UPDATE rounds SET state = 'open', frozen_hash = $2, opened_at = now() WHERE id = $1",
        round_id, frozen_hash,
    )
    await conn.execute("INSERT INTO round_secrets (round_id, secret) VALUES ($1, $2)", round_id, secret)


async def update_round_closed(conn: Connection, round_id: int, closed_at: datetime, reason: str) -> None:
    await conn.execute(
        "UPDATE rounds SET state = 'closed', closed_at = $2, close_reason = $3 WHERE id = $1",
        round_id, closed_at, reason,
    )


async def update_round_cancelled(conn: Connection, round_id: int, reason: str) -> None:
    await conn.execute(
        "UPDATE rounds SET state = 'cancelled', cancelled_at = now(), cancel_reason = $2 WHERE id = $1",
        round_id, reason,
    )


async def select_secret(conn: Connection, round_id: int) -> bytes | None:
    secret: bytes | None = await conn.fetchval("SELECT secret FROM round_secrets WHERE round_id = $1", round_id)
    return secret


async def select_turnout(conn: Connection, round_id: int) -> int:
    n: int = await conn.fetchval("SELECT count(*) FROM round_voters WHERE round_id = $1", round_id)
    return n


async def insert_cast_key(conn: Connection, round_id: int, key_hash: bytes) -> bool:
    """True if this submission is new; False if it was applied before."""
    done = await conn.fetchval(
        """INSERT INTO round_cast_keys (round_id, key_hash) VALUES ($1, $2)
           ON CONFLICT DO NOTHING RETURNING 1""",
        round_id, key_hash,
    )
    return done is not None


async def upsert_ballot(conn: Connection, round_id: int, voter_key: bytes, receipt: str, ballot: CastBallot,
                        participant_id: int) -> None:
    """Store or replace the voter's one ballot, and mark the participant as having voted."""
    await conn.execute(
        """INSERT INTO round_ballots (round_id, receipt, voter_key, projects, points)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (round_id, voter_key) DO UPDATE SET projects = $4, points = $5""",
        round_id, receipt, voter_key, list(ballot.projects),
        None if ballot.points is None else list(ballot.points),
    )
    await conn.execute(
        "INSERT INTO round_voters (round_id, participant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        round_id, participant_id,
    )


async def select_own_ballot(conn: Connection, round_id: int, voter_key: bytes) -> CastBallot | None:
    row = await conn.fetchrow(
        "SELECT projects, points FROM round_ballots WHERE round_id = $1 AND voter_key = $2", round_id, voter_key,
    )
    if row is None:
        return None
    return CastBallot(tuple(row["projects"]), None if row["points"] is None else tuple(row["points"]))


async def select_ballots(conn: Connection, round_id: int) -> list[tuple[str, CastBallot]]:
    rows = await conn.fetch(
        "SELECT receipt, projects, points FROM round_ballots WHERE round_id = $1 ORDER BY receipt", round_id,
    )
    return [(r["receipt"], CastBallot(tuple(r["projects"]), None if r["points"] is None else tuple(r["points"])))
            for r in rows]


async def unlink_round(conn: Connection, round_id: int, ordered: list[tuple[str, CastBallot]]) -> None:
    """Destroy the secret and every link between voters and ballots.

    Ballots and voters are deleted and written again in one statement each,
    ballots in published order and voters by id, so that no row keeps the
    transaction id (xmin) or position of its casting.
    """
    await conn.execute("DELETE FROM round_secrets WHERE round_id = $1", round_id)
    await conn.execute("DELETE FROM round_cast_keys WHERE round_id = $1", round_id)
    await conn.execute("DELETE FROM round_ballots WHERE round_id = $1", round_id)
    await conn.execute(
        """INSERT INTO round_ballots (round_id, receipt, voter_key, projects, points)
           SELECT $1, b->>'receipt', NULL,
                  ARRAY(SELECT jsonb_array_elements_text(b->'projects')),
                  CASE WHEN b->'points' = 'null' THEN NULL
                       ELSE ARRAY(SELECT jsonb_array_elements_text(b->'points'))::int[] END
             FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(b, n) ORDER BY n""",
        round_id, json.dumps([{"receipt": r, **b.to_dict()} for r, b in ordered]),
    )
    voters = await conn.fetch(
        "DELETE FROM round_voters WHERE round_id = $1 RETURNING participant_id", round_id,
    )
    await conn.execute(
        """INSERT INTO round_voters (round_id, participant_id)
           SELECT $1, p FROM unnest($2::bigint[]) AS p ORDER BY p""",
        round_id, sorted(r["participant_id"] for r in voters),
    )


async def select_log(conn: Connection, round_id: int) -> list[Entry]:
    rows = await conn.fetch(
        "SELECT seq, kind, payload::text AS payload, prev, hash FROM round_log WHERE round_id = $1 ORDER BY seq",
        round_id,
    )
    return [Entry(r["seq"], r["kind"], json.loads(r["payload"]), r["prev"], r["hash"]) for r in rows]


async def insert_log(conn: Connection, round_id: int, entries: list[Entry]) -> None:
    await conn.executemany(
        """INSERT INTO round_log (round_id, seq, kind, payload, prev, hash)
           VALUES ($1, $2, $3, $4::jsonb, $5, $6)""",
        [(round_id, e.seq, e.kind, json.dumps(e.payload), e.prev, e.hash) for e in entries],
    )
