"""The JSON API of allocation rounds: create, open, close, cancel, cast, receipt.

Ballots travel in request bodies only, never in paths or query strings (the
access log prints those). Before close no response carries a count other than
turnout.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from budget.rounds import actions as round_actions
from budget.rounds.ballots import CastBallot
from budget.rounds.config import (
    BallotKind,
    BallotSpec,
    Candidate,
    Eligibility,
    RoundConfig,
    Rule,
    RuleSpec,
)
from budget.rounds.read import round_status
from inquiry.kernel.roles import Role
from web.http.api import endpoint
from web.http.forms import path_id
from web.http.identity import require_participant, require_staff
from web.keys import POOL


class CandidateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(None, max_length=20)
    title: str = Field(min_length=1, max_length=200)
    cost_minor: int = Field(gt=0)


class BallotIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: BallotKind
    max_count: int | None = Field(None, gt=0)
    max_cost_minor: int | None = Field(None, gt=0)
    total_points: int | None = Field(None, gt=0)


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: Rule = Rule.GREEDY
    satisfaction: Literal["cost", "cardinality", "additive", "borda"] = "cost"
    completion: Literal["none", "add1", "add1-exhaustive"] = "none"
    then_greedy: bool = False
    comparison: bool = False
    tie_break: Literal["lexicographic", "min-cost-max-votes"] = "lexicographic"


class RoundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    inquiry_id: int
    title: str = Field(min_length=1, max_length=200)
    currency: str = Field("EUR", pattern=r"^[A-Z]{3}$")
    budget_minor: int = Field(gt=0)
    candidates: list[CandidateIn] = Field(min_length=1, max_length=200)
    ballot: BallotIn
    rule: RuleIn = RuleIn()
    eligibility: Eligibility = Eligibility.RESIDENT_CODES
    opens_at: datetime | None = None
    closes_at: datetime
    allow_early_close: bool = True

    def config(self) -> RoundConfig:
        """The round configuration; candidates without an id are numbered 1, 2, ... in order."""
        return RoundConfig(
            title=self.title.strip(), currency=self.currency, budget_minor=self.budget_minor,
            candidates=tuple(Candidate(c.id or str(n), c.title.strip(), c.cost_minor)
                             for n, c in enumerate(self.candidates, start=1)),
            ballot=BallotSpec(self.ballot.kind, self.ballot.max_count, self.ballot.max_cost_minor,
                              self.ballot.total_points),
            rule=RuleSpec(**self.rule.model_dump()),
            eligibility=self.eligibility,
            opens_at=None if self.opens_at is None else self.opens_at.isoformat(timespec="seconds"),
            closes_at=self.closes_at.isoformat(timespec="seconds"),
            allow_early_close=self.allow_early_close,
        )


class Created(BaseModel):
    id: int


class RoundOut(BaseModel):
    id: int
    inquiry_id: int
    title: str
    state: str
    closes_at: str
    configuration_hash: str | None
    turnout: int | None


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000)


class CastIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    projects: list[str] = Field(max_length=200)
    points: list[int] | None = None
    idempotency_key: str = Field(min_length=8, max_length=100)


class AckOut(BaseModel):
    round_id: int
    receipt: str
    status: Literal["recorded"] = "recorded"


class ReceiptOut(BaseModel):
    round_id: int
    receipt: str
    projects: list[str]
    points: list[int] | None


def _round_id(request: web.Request) -> int:
    return path_id(request, "round_id")


@endpoint("Create a draft allocation round", body=RoundIn, response=Created, auth="convenor", status=201)
async def create(request: web.Request, body: RoundIn) -> Created:
    staff = require_staff(request, Role.CONVENOR)
    return Created(id=await round_actions.create_round(request.app[POOL], staff.id, body.inquiry_id, body.config()))


@endpoint("A round's state and turnout (never a count before close)", response=RoundOut, auth="public")
async def show(request: web.Request) -> RoundOut:
    s = await round_status(request.app[POOL], _round_id(request))
    return RoundOut(id=s.id, inquiry_id=s.inquiry_id, title=s.config.title, state=s.state.value,
                    closes_at=s.closes_at.isoformat(timespec="seconds"), configuration_hash=s.frozen_hash,
                    turnout=s.turnout)


@endpoint("Freeze the configuration and open voting", response=RoundOut, auth="convenor")
async def open_(request: web.Request) -> web.StreamResponse:
    staff = require_staff(request, Role.CONVENOR)
    await round_actions.open_round(request.app[POOL], _round_id(request), staff.id)
    return await show(request)


@endpoint("Close voting now (if the round allows it): count and publish", response=RoundOut, auth="convenor")
async def close(request: web.Request) -> web.StreamResponse:
    staff = require_staff(request, Role.CONVENOR)
    await round_actions.close_round(request.app[POOL], _round_id(request), staff.id, "closed early by the convenor")
    return await show(request)


@endpoint("Cancel the round before close (published with the reason)", body=CancelIn, response=RoundOut,
          auth="convenor")
async def cancel(request: web.Request, body: CancelIn) -> web.StreamResponse:
    staff = require_staff(request, Role.CONVENOR)
    await round_actions.cancel_round(request.app[POOL], _round_id(request), staff.id, body.reason)
    return await show(request)


@endpoint("Cast or revise your ballot; acknowledged after it is stored", body=CastIn, response=AckOut,
          auth="resident")
async def cast(request: web.Request, body: CastIn) -> AckOut:
    participant = require_participant(request, Role.RESIDENT)
    ballot = CastBallot(tuple(body.projects), None if body.points is None else tuple(body.points))
    ack = await round_actions.cast_ballot(request.app[POOL], _round_id(request), participant, ballot,
                                          body.idempotency_key)
    return AckOut(round_id=ack.round_id, receipt=ack.receipt)


@endpoint("Your receipt and current ballot, while voting is open", response=ReceiptOut, auth="resident")
async def receipt(request: web.Request) -> ReceiptOut:
    participant = require_participant(request, Role.RESIDENT)
    own = await round_actions.own_ballot(request.app[POOL], _round_id(request), participant)
    if own is None:
        raise web.HTTPNotFound(text="You have no ballot in this round while voting is open.")
    return ReceiptOut(round_id=_round_id(request), receipt=own[0], projects=list(own[1].projects),
                      points=None if own[1].points is None else list(own[1].points))
