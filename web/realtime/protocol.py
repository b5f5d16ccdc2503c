"""The realtime protocol: every socket.io payload, in and out. This module IS the protocol.

Inbound models forbid unknown fields; every submission carries an idempotency
`key` (a retry with the same key is stored once and acked the same way).
Outbound room events carry `type`, `seq` (per-session, increasing, with gaps)
and `at`. docs/protocol.md documents each model; tests/web/realtime/test_protocol.py
fails when the two disagree.

Length: one model per event and request (49 of them, a few lines each); the
protocol is read and checked as one list, so it stays one module.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Key = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class Inbound(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Submission(Inbound):
    key: str = Key


# ---- client -> server (socket.io event name = the key of INBOUND) ----

class ConnectAuth(Inbound):
    session_id: int


class Resume(Inbound):
    last_seq: int = Field(ge=0)


class PostMessage(Submission):
    body: str = Field(min_length=1, max_length=2000)


class AdvancePhase(Submission):
    to: str
    expert_id: int | None = None
    minutes: int | None = Field(default=None, ge=1, le=600)
    confirm: bool = False


class ControlTimer(Submission):
    command: Literal["pause", "resume", "extend"]
    minutes: int = Field(default=0, ge=-600, le=600)


class ShareLink(Submission):
    title: str = Field(min_length=1, max_length=200)
    url: str = Field(max_length=2000)


class AskQuestion(Submission):
    body: str = Field(min_length=1, max_length=1000)


class UpvoteQuestion(Submission):
    question_id: int


class FlagClarity(Submission):
    kind: Literal["jargon", "too_fast"]


class RaiseHand(Submission):
    raised: bool


class AnswerQuestion(Submission):
    question_id: int
    answer: str = Field(min_length=1, max_length=4000)


class CurateQuestion(Submission):
    question_id: int
    command: Literal["release", "skip", "merge"]
    into_id: int | None = None


class CallSpeaker(Submission):
    pass


class Moderate(Submission):
    command: Literal["hide", "mute", "unmute", "remove", "slow_mode"]
    message_id: int | None = None
    participant_id: int | None = None
    reason: str = Field(default="", max_length=500)
    minutes: int | None = Field(default=None, ge=1, le=600)
    seconds: int = Field(default=0, ge=0, le=3600)


class ProposeRecall(Submission):
    expert_id: int
    question: str = Field(min_length=1, max_length=1000)


class VoteRecall(Submission):
    recall_id: int


class ApproveRecall(Submission):
    recall_id: int


class AnswerRecall(Submission):
    recall_id: int
    answer: str = Field(min_length=1, max_length=4000)


INBOUND: dict[str, type[Inbound]] = {
    "resume": Resume,
    "post_message": PostMessage,
    "advance_phase": AdvancePhase,
    "control_timer": ControlTimer,
    "share_link": ShareLink,
    "ask_question": AskQuestion,
    "upvote_question": UpvoteQuestion,
    "flag_clarity": FlagClarity,
    "raise_hand": RaiseHand,
    "answer_question": AnswerQuestion,
    "curate_question": CurateQuestion,
    "call_speaker": CallSpeaker,
    "moderate": Moderate,
    "propose_recall": ProposeRecall,
    "vote_recall": VoteRecall,
    "approve_recall": ApproveRecall,
    "answer_recall": AnswerRecall,
}


# ---- acks ----

class Ack(BaseModel):
    """Every ack: ok, and either the action's result fields or error + status."""

    model_config = ConfigDict(extra="allow")
    ok: bool
    error: str | None = None
    status: int | None = None


class ResumeAck(BaseModel):
    ok: Literal[True]
    state: PhaseState
    events: list[dict[str, object]]
    more: bool
    last_seq: int


# ---- server -> client: logged room events (socket.io event name = type) ----

class Event(BaseModel):
    model_config = ConfigDict(extra="forbid")
    seq: int
    at: str


class PhaseState(BaseModel):
    phase: str
    expert_id: int | None
    expert_name: str | None
    deadline: str | None
    paused: bool
    seconds_left: int | None
    next: list[str]


class PhaseChanged(Event, PhaseState):
    type: Literal["phase_changed"]


class TimerChanged(Event, PhaseState):
    type: Literal["timer_changed"]


class TimerExpired(Event):
    type: Literal["timer_expired"]
    phase: str


class MessagePosted(Event):
    type: Literal["message_posted"]
    message_id: int
    author: str
    author_role: str
    body: str


class MessageHidden(Event):
    type: Literal["message_hidden"]
    message_id: int


class ModerationNotice(Event):
    type: Literal["moderation_notice"]
    action: str
    reason: str
    message_id: int | None


class MaterialShared(Event):
    type: Literal["material_shared"]
    material_id: int
    title: str
    url: str


class QuestionAsked(Event):
    type: Literal["question_asked"]
    question_id: int
    body: str
    upvotes: int


class QuestionUpvoted(Event):
    type: Literal["question_upvoted"]
    question_id: int
    upvotes: int


class QuestionReleased(Event):
    type: Literal["question_released"]
    question_id: int
    body: str
    upvotes: int


class QuestionSkipped(Event):
    type: Literal["question_skipped"]
    question_id: int


class QuestionMerged(Event):
    type: Literal["question_merged"]
    question_id: int
    into_id: int


class QuestionAnswered(Event):
    type: Literal["question_answered"]
    question_id: int
    body: str
    answer: str


class ClarityFlagged(Event):
    type: Literal["clarity_flagged"]
    kind: str
    jargon: int
    too_fast: int


class QueueChanged(Event):
    type: Literal["queue_changed"]
    speaking: str | None
    waiting: list[str]


class TalkTimes(Event):
    type: Literal["talk_times"]
    speakers: list[dict[str, object]]


class SlowModeChanged(Event):
    type: Literal["slow_mode_changed"]
    seconds: int


class RecallProposed(Event):
    type: Literal["recall_proposed"]
    recall_id: int
    expert_name: str
    question: str
    votes: int
    needed: int


class RecallVoted(Event):
    type: Literal["recall_voted"]
    recall_id: int
    votes: int
    needed: int


class RecallApproved(Event):
    type: Literal["recall_approved"]
    recall_id: int
    expert_name: str
    question: str


class RecallAnswered(Event):
    type: Literal["recall_answered"]
    recall_id: int
    question: str
    answer: str


class ProposalChanged(Event):
    type: Literal["proposal_changed"]
    proposal_id: int
    revision: int
    status: str
    title: str
    change: str


class RankingCountChanged(Event):
    type: Literal["ranking_count_changed"]
    ranked: int


OUTBOUND: dict[str, type[Event]] = {
    m.model_fields["type"].annotation.__args__[0]: m  # type: ignore[union-attr]
    for m in (PhaseChanged, TimerChanged, TimerExpired, MessagePosted, MessageHidden, ModerationNotice,
              MaterialShared, QuestionAsked, QuestionUpvoted, QuestionReleased, QuestionSkipped,
              QuestionMerged, QuestionAnswered, ClarityFlagged, QueueChanged, TalkTimes,
              SlowModeChanged, RecallProposed, RecallVoted, RecallApproved, RecallAnswered,
              ProposalChanged, RankingCountChanged)
}


# ---- server -> client: ephemeral (not logged, no seq) ----

class Presence(BaseModel):
    """Sent to the room (count only) and to facilitators (with names), at most once a second."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["presence"]
    residents: int
    names: list[str] | None


class SessionLeft(BaseModel):
    """Sent to a socket just before the server disconnects it (withdrawal, removal)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["session_left"]
    reason: str


EPHEMERAL: dict[str, type[BaseModel]] = {"presence": Presence, "session_left": SessionLeft}
