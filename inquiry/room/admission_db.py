"""Who may be in the room, in one statement each for connect, resume and requests (SQL only).

A phone connecting costs one round trip: the session row (locked FOR SHARE), the
cookie's staff login or device, the standing that decides the role (staff of the
inquiry, withdrawn, browser marked by a withdrawn expert, removed) and the
connection row for presence. A resume costs one more: the standing again and the
log page, read from one snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

from asyncpg import Connection, Record

from inquiry.kernel.roles import Participant, Role, Staff
from inquiry.room.db import (
    SESSION_COLUMNS,
    LiveSession,
    RoomEvent,
    event_from_row,
    session_from_row,
)


@dataclass(frozen=True, slots=True)
class Standing:
    """What the database says about a requester in one session; `room_runner.actor_for` decides."""

    inquiry_staff: bool = False
    withdrawn: bool = False     # this participant is an expert withdrawn from the session
    marked: bool = False        # the browser opened the view of an expert withdrawn from the session
    removed: bool = False       # a facilitator removed this participant from the session


# $2 staff id, $3 participant id, $4 expert marks; `s` is the session row.
_STANDING = """
    EXISTS (SELECT 1 FROM inquiry_staff i WHERE i.staff_id = {staff} AND i.inquiry_id = s.inquiry_id)
        AS inquiry_staff,
    EXISTS (SELECT 1 FROM expert_withdrawals w WHERE w.session_id = s.id AND w.participant_id = {participant})
        AS withdrawn,
    EXISTS (SELECT 1 FROM expert_marks m JOIN expert_withdrawals w ON w.participant_id = m.participant_id
             WHERE m.mark_hash = any({marks}::bytea[]) AND w.session_id = s.id) AS marked,
    EXISTS (SELECT 1 FROM room_sanctions r WHERE r.session_id = s.id AND r.participant_id = {participant}
               AND r.kind = 'remove') AS removed"""


def _standing(row: Record) -> Standing:
    return Standing(row["inquiry_staff"], row["withdrawn"], row["marked"], row["removed"])


@dataclass(frozen=True, slots=True)
class Arrival:
    """A connect's reading. `steady` is false when the session row changed while this statement
    waited for its lock: the standing may then be stale and nothing was recorded; read again."""

    session: LiveSession | None
    staff: Staff | None
    participant: Participant | None
    standing: Standing
    steady: bool


async def select_arrival(conn: Connection, session_id: int, staff_hash: bytes | None, device_hash: bytes | None,
                         marks: list[bytes], sid: str, server_id: str) -> Arrival:
    """Resolve the cookies and the standing, and record the connection, in one statement.

    The FOR SHARE lock waits for a withdrawal or removal in progress (they hold FOR
    UPDATE and always update the row: phase or last_seq). If the row we lock is not
    the version our snapshot saw, such a change committed after the snapshot: we
    record nothing and the caller reads again, so a connection is either recorded
    before a withdrawal looks for its sockets or refused by the standing.
    """
    row = await conn.fetchrow(
        f"""WITH s AS (SELECT {SESSION_COLUMNS}, xmin::text AS version FROM sessions WHERE id = $1 FOR SHARE),
                 seen AS (SELECT xmin::text AS version FROM sessions WHERE id = $1),
                 st AS (SELECT s.id, s.email, s.display_name, s.role FROM staff_logins l
                          JOIN staff s ON s.id = l.staff_id
                         WHERE l.token_hash = $2 AND l.expires_at > now() AND s.disabled_at IS NULL),
                 pa AS (SELECT p.id, p.inquiry_id, p.kind, p.session_id, p.display_name, p.name_public
                          FROM devices d JOIN participants p ON p.id = d.participant_id
                         WHERE d.token_hash = $3 AND d.expires_at > now() AND d.revoked_at IS NULL
                           AND p.removed_at IS NULL),
                 arrival AS (
                    SELECT s.*, s.version = seen.version AS steady,
                           st.id AS st_id, st.email AS st_email, st.display_name AS st_name, st.role AS st_role,
                           pa.id AS p_id, pa.inquiry_id AS p_inquiry, pa.kind AS p_kind,
                           pa.session_id AS p_session, pa.display_name AS p_name, pa.name_public AS p_public
                      FROM s JOIN seen ON true LEFT JOIN st ON true LEFT JOIN pa ON true),
                 recorded AS (
                    INSERT INTO room_connections (sid, session_id, server_id, role, participant_id, staff_id)
                    SELECT $5, id, $6, CASE WHEN st_id IS NOT NULL THEN 'facilitator' ELSE p_kind END,
                           CASE WHEN st_id IS NULL THEN p_id END, st_id
                      FROM arrival WHERE steady AND (st_id IS NOT NULL OR p_id IS NOT NULL)
                    ON CONFLICT (sid) DO NOTHING RETURNING sid)
            SELECT s.*, {_STANDING.format(staff="s.st_id", participant="s.p_id", marks="$4")}
              FROM arrival s""",
        session_id, staff_hash or b"", device_hash or b"", marks, sid, server_id,
    )
    if row is None:
        return Arrival(None, None, None, Standing(), True)
    staff = None if row["st_id"] is None else Staff(row["st_id"], row["st_email"], row["st_name"],
                                                    Role(row["st_role"]), True)
    participant = None if row["p_id"] is None else Participant(
        row["p_id"], row["p_inquiry"], Role(row["p_kind"]), row["p_session"], row["p_name"], row["p_public"])
    return Arrival(session_from_row(row), staff, participant, _standing(row), row["steady"])


async def select_standing(conn: Connection, session_id: int, staff_id: int | None, participant_id: int | None,
                          marks: list[bytes]) -> Standing:
    row = await conn.fetchrow(
        f"SELECT {_STANDING.format(staff='$2', participant='$3', marks='$4')} FROM sessions s WHERE s.id = $1",
        session_id, staff_id, participant_id, marks,
    )
    return Standing() if row is None else _standing(row)


@dataclass(frozen=True, slots=True)
class Opening:
    """A request's first reading inside its transaction. `steady` as in `Arrival`: false when the
    row changed while we waited for the lock; the lock is ours now, so a second reading is steady."""

    session: LiveSession | None
    standing: Standing
    active_experts: list[int]
    steady: bool


async def select_opening(conn: Connection, session_id: int, lock: str, staff_id: int | None,
                         participant_id: int | None, marks: list[bytes]) -> Opening:
    """Lock the session row (`lock` is 'FOR SHARE' or 'FOR UPDATE'), with the requester's standing
    and the experts who have not withdrawn (they receive `public` events)."""
    if lock not in ("FOR SHARE", "FOR UPDATE"):
        raise ValueError(f"unknown lock mode {lock!r}")
    row = await conn.fetchrow(
        f"""WITH s AS (SELECT {SESSION_COLUMNS}, xmin::text AS version FROM sessions WHERE id = $1 {lock}),
                 seen AS (SELECT xmin::text AS version FROM sessions WHERE id = $1)
            SELECT s.*, s.version = seen.version AS steady,
                   {_STANDING.format(staff='$2', participant='$3', marks='$4')},
                   ARRAY(SELECT p.id FROM participants p
                          WHERE p.session_id = s.id AND p.kind = 'expert' AND p.removed_at IS NULL
                            AND NOT EXISTS (SELECT 1 FROM expert_withdrawals w
                                             WHERE w.session_id = s.id AND w.participant_id = p.id)
                          ORDER BY p.id) AS active_experts
              FROM s JOIN seen ON true""",
        session_id, staff_id, participant_id, marks,
    )
    if row is None:
        return Opening(None, Standing(), [], True)
    return Opening(session_from_row(row), _standing(row), list(row["active_experts"]), row["steady"])


@dataclass(frozen=True, slots=True)
class LogReading:
    session: LiveSession | None
    standing: Standing
    events: list[RoomEvent]
    experts: dict[int, str]


async def select_log(conn: Connection, session_id: int, staff_id: int | None, participant_id: int | None,
                     marks: list[bytes], after: int, audiences: list[str], limit: int) -> LogReading:
    """The session, the standing, its experts and a page of the log, from one snapshot: every
    event the requester may see with seq <= the session's last_seq is in this page or later ones."""
    rows = await conn.fetch(
        f"""WITH s AS (SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1)
            SELECT s.*, {_STANDING.format(staff='$2', participant='$3', marks='$4')},
                   (SELECT coalesce(array_agg(x.id ORDER BY x.id), '{{}}') FROM participants x
                     WHERE x.session_id = s.id AND x.kind = 'expert' AND x.removed_at IS NULL) AS expert_ids,
                   (SELECT coalesce(array_agg(x.display_name ORDER BY x.id), '{{}}') FROM participants x
                     WHERE x.session_id = s.id AND x.kind = 'expert' AND x.removed_at IS NULL) AS expert_names,
                   e.seq, e.type, e.audience, e.participant_id, e.payload::text AS payload, e.at
              FROM s
              LEFT JOIN LATERAL (
                   SELECT seq, type, audience, participant_id, payload, at FROM room_events
                    WHERE session_id = s.id AND seq > $5
                      AND (audience = any($6::text[]) OR (audience = 'person' AND participant_id = $3))
                    ORDER BY seq LIMIT $7) e ON true
             ORDER BY e.seq""",
        session_id, staff_id, participant_id, marks, after, audiences, limit,
    )
    if not rows:
        return LogReading(None, Standing(), [], {})
    first = rows[0]
    events = [event_from_row(session_id, r) for r in rows if r["seq"] is not None]
    return LogReading(session_from_row(first), _standing(first), events,
                      dict(zip(first["expert_ids"], first["expert_names"], strict=True)))
