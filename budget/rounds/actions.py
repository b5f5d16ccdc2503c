"""Use cases of allocation rounds: one transaction each.

Casting locks the round FOR SHARE and closing locks it FOR UPDATE, so a close
waits for casts in flight and no cast lands after the close: every ballot
acknowledged (after its commit) is counted, and counted once.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from asyncpg import Connection, Pool

from budget.rounds import db as round_db
from budget.rounds import decision_db
from budget.rounds.ballots import BallotError, CastBallot, validate_ballot
from budget.rounds.chain import append
from budget.rounds.check import check_config
from budget.rounds.config import RoundConfig, RoundError, State, config_hash, move
from budget.rounds.count import count
from budget.rounds.publish import MIN_PUBLISHED_BALLOTS, ballots_pb, seal
from budget.rounds.receipts import idempotency_hash, receipt_for, voter_key
from inquiry.kernel.audit_db import insert_audit
from inquiry.kernel.errors import Conflict, Invalid, NotAllowed, NotFound
from inquiry.kernel.roles import Participant

log = logging.getLogger("oxpecker.rounds")


@dataclass(frozen=True, slots=True)
class Ack:
    """Sent only after the ballot's transaction committed."""

    round_id: int
    receipt: str


def _now() -> datetime:
    return datetime.now(UTC)


async def _locked(conn: Connection, round_id: int, lock: str) -> round_db.RoundRow:
    found = await round_db.select_round(conn, round_id, lock)
    if found is None:
        raise NotFound("There is no such round.")
    return found


def _moved(current: State, to: State) -> None:
    try:
        move(current, to)
    except RoundError as err:
        raise Conflict(str(err)) from err


async def create_round(pool: Pool, staff_id: int, inquiry_id: int, config: RoundConfig) -> int:
    """A draft round of `inquiry_id`; the configuration must already be complete."""
    try:
        check_config(config)
        count(config, [])  # a rule this build cannot run is refused now, not at close
        closes_at = datetime.fromisoformat(config.closes_at)
        opens_at = datetime.fromisoformat(config.opens_at) if config.opens_at else None
    except (RoundError, ValueError) as err:
        raise Invalid(str(err)) from err
    async with pool.acquire() as conn, conn.transaction():
        if await conn.fetchval("SELECT 1 FROM inquiries WHERE id = $1", inquiry_id) is None:
            raise NotFound("There is no such inquiry.")
        round_id = await round_db.insert_round(conn, inquiry_id, config, opens_at, closes_at, staff_id)
        await insert_audit(conn, "round_created", staff_id=staff_id, inquiry_id=inquiry_id,
                           detail={"round_id": round_id, "title": config.title})
    return round_id


async def _open(conn: Connection, found: round_db.RoundRow, staff_id: int | None) -> str:
    _moved(found.state, State.OPEN)
    if found.closes_at <= _now():
        raise Conflict("The closing time has already passed; set a later one before opening.")
    digest = config_hash(found.config)
    await round_db.update_round_opened(conn, found.id, digest, secrets.token_bytes(32))
    await round_db.insert_log(conn, found.id, [append([], "frozen", {
        "configuration": found.config.to_dict(), "configuration_hash": digest})])
    await insert_audit(conn, "round_opened", staff_id=staff_id, inquiry_id=found.inquiry_id,
                       detail={"round_id": found.id, "configuration_hash": digest})
    return digest


async def open_round(pool: Pool, round_id: int, staff_id: int | None) -> str:
    """Freeze the configuration and start voting; returns the published configuration hash."""
    async with pool.acquire() as conn, conn.transaction():
        return await _open(conn, await _locked(conn, round_id, "FOR UPDATE"), staff_id)


async def cancel_round(pool: Pool, round_id: int, staff_id: int, reason: str) -> None:
    """Cancel before close: logged, chained and published; ballots are discarded unseen."""
    if not reason.strip():
        raise Invalid("Say why the round is cancelled; the reason is published.")
    async with pool.acquire() as conn, conn.transaction():
        found = await _locked(conn, round_id, "FOR UPDATE")
        _moved(found.state, State.CANCELLED)
        chain = await round_db.select_log(conn, round_id)
        await round_db.insert_log(conn, round_id, [append(chain, "cancelled", {"reason": reason.strip()})])
        await round_db.update_round_cancelled(conn, round_id, reason.strip())
        await round_db.unlink_round(conn, round_id, [])
        await decision_db.insert_decision(conn, round_id, None, {}, None)
        await insert_audit(conn, "round_cancelled", staff_id=staff_id, inquiry_id=found.inquiry_id,
                           detail={"round_id": round_id, "reason": reason.strip()})


async def _close(conn: Connection, found: round_db.RoundRow, staff_id: int | None, reason: str) -> None:
    _moved(found.state, State.CLOSED)
    ballots = await round_db.select_ballots(conn, found.id)
    closed_at = _now()
    chain = await round_db.select_log(conn, found.id)
    closing = seal(found.config, chain, ballots, closed_at.isoformat(timespec="seconds"), reason)
    await round_db.unlink_round(conn, found.id, closing.ballots)
    await round_db.insert_log(conn, found.id, closing.entries)
    await round_db.update_round_closed(conn, found.id, closed_at, reason)
    pb = ballots_pb(found.config, closing.ballots) if len(ballots) >= MIN_PUBLISHED_BALLOTS else None
    await decision_db.insert_decision(conn, found.id, closing.outcome, closing.aggregates, pb)
    await insert_audit(conn, "round_closed", staff_id=staff_id, inquiry_id=found.inquiry_id,
                       detail={"round_id": found.id, "reason": reason, "ballots": len(ballots)})


async def close_round(pool: Pool, round_id: int, staff_id: int | None, reason: str = "time") -> None:
    """Close, count and publish in one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        found = await _locked(conn, round_id, "FOR UPDATE")
        if staff_id is not None and not found.config.allow_early_close:
            raise NotAllowed("This round closes only at its closing time.")
        await _close(conn, found, staff_id, reason)


async def run_due(pool: Pool) -> list[int]:
    """Open and close every round whose time has come; safe in several processes at once."""
    async with pool.acquire() as conn:
        due = await round_db.select_due_rounds(conn, _now())
    done = []
    for round_id, what in due:
        async with pool.acquire() as conn, conn.transaction():
            found = await round_db.select_round(conn, round_id, "FOR UPDATE")
            if found is None or found.state is not (State.OPEN if what == "close" else State.DRAFT):
                continue  # another process got there first
            try:
                if what == "close":
                    await _close(conn, found, None, "time")
                else:
                    await _open(conn, found, None)
            except Conflict as err:
                log.warning("round %s could not %s on time: %s", round_id, what, err)
                continue
        done.append(round_id)
    return done


async def _voter(conn: Connection, found: round_db.RoundRow, participant: Participant) -> bytes:
    if not await decision_db.select_eligible(conn, participant.id, found.inquiry_id, found.config.eligibility):
        raise NotAllowed("You are not on the list of people who can vote in this round.")
    secret = await round_db.select_secret(conn, found.id)
    if secret is None:
        raise Conflict("Voting in this round is not open.")
    return secret


def _open_now(found: round_db.RoundRow) -> None:
    if found.state is not State.OPEN or found.closes_at <= _now():
        raise Conflict("Voting in this round is closed." if found.state in (State.CLOSED, State.OPEN)
                       else "Voting in this round is not open.")


async def cast_ballot(pool: Pool, round_id: int, participant: Participant, ballot: CastBallot,
                      idempotency_key: str) -> Ack:
    """Record or replace the resident's ballot; a retried submission (same key) counts once."""
    if not 8 <= len(idempotency_key) <= 100:
        raise Invalid("The submission key must be 8 to 100 characters.")
    async with pool.acquire() as conn, conn.transaction():
        found = await _locked(conn, round_id, "FOR SHARE")
        _open_now(found)
        secret = await _voter(conn, found, participant)
        receipt = receipt_for(secret, participant.id)
        if not await round_db.insert_cast_key(conn, round_id, idempotency_hash(secret, participant.id,
                                                                               idempotency_key)):
            return Ack(round_id, receipt)
        try:
            counted = validate_ballot(found.config, ballot)
        except BallotError as err:
            raise Invalid(str(err)) from err
        await round_db.upsert_ballot(conn, round_id, voter_key(secret, participant.id), receipt, counted,
                                     participant.id)
    return Ack(round_id, receipt)


async def own_ballot(pool: Pool, round_id: int, participant: Participant) -> tuple[str, CastBallot] | None:
    """The resident's receipt and current ballot, while the round is open; None if they have not voted."""
    async with pool.acquire() as conn:
        found = await _locked(conn, round_id, "")
        if found.state is not State.OPEN:
            return None
        secret = await _voter(conn, found, participant)
        ballot = await round_db.select_own_ballot(conn, round_id, voter_key(secret, participant.id))
        return None if ballot is None else (receipt_for(secret, participant.id), ballot)
