"""Questions for the current expert: ask, upvote, release/merge/skip, answer; clarity flags.

Authors are stored (for moderation) but never sent: residents, facilitators and
the expert all see a question without its author.
"""

from __future__ import annotations

from typing import Any

from asyncpg import Pool

from inquiry.kernel.errors import Conflict, Invalid, NotFound
from inquiry.questions import db as questions_db
from inquiry.questions.db import Question
from inquiry.room.permissions import Action
from inquiry.room.runner import Ctx, Outcome, Who, run


def _expert(ctx: Ctx) -> int:
    expert = ctx.session.state.expert_id
    if expert is None:
        raise Conflict("No expert is presenting right now.")
    return expert


async def _question(ctx: Ctx, question_id: int) -> Question:
    question = await questions_db.select_question(ctx.conn, ctx.session.id, question_id)
    if question is None:
        raise NotFound("There is no such question in this session.")
    if question.expert_id != ctx.session.state.expert_id:
        raise Conflict("That question was for another expert.")
    return question


async def ask(pool: Pool, session_id: int, who: Who, key: str | None, body_text: str) -> Outcome:
    async def body(ctx: Ctx) -> dict[str, Any]:
        text = body_text.strip()
        if not 1 <= len(text) <= 1000:
            raise Invalid("A question is 1 to 1000 characters.")
        qid = await questions_db.insert_question(ctx.conn, session_id, _expert(ctx),
                                                 ctx.actor.participant_id or 0, text)
        await ctx.emit("question_asked", "room", {"question_id": qid, "body": text, "upvotes": 0})
        return {"question_id": qid}
    return await run(pool, session_id, who, Action.ASK_QUESTION, key, body)


async def upvote(pool: Pool, session_id: int, who: Who, key: str | None, question_id: int) -> Outcome:
    """One upvote per resident; upvoting twice changes nothing."""
    async def body(ctx: Ctx) -> dict[str, Any]:
        question = await _question(ctx, question_id)
        if question.status not in ("open", "released"):
            raise Conflict("That question is no longer open.")
        if await questions_db.insert_upvote(ctx.conn, question_id, ctx.actor.participant_id or 0):
            count = await questions_db.count_upvotes(ctx.conn, question_id)
            await ctx.emit("question_upvoted", "room", {"question_id": question_id, "upvotes": count})
        return {"upvotes": await questions_db.count_upvotes(ctx.conn, question_id)}
    return await run(pool, session_id, who, Action.UPVOTE_QUESTION, key, body)


async def flag(pool: Pool, session_id: int, who: Who, key: str | None, kind: str) -> Outcome:
    """An anonymous clarity flag, shown to the presenting expert and to facilitators."""
    async def body(ctx: Ctx) -> dict[str, Any]:
        if kind not in ("jargon", "too_fast"):
            raise Invalid("A clarity flag is jargon or too_fast.")
        expert = _expert(ctx)
        counts = await questions_db.insert_flag(ctx.conn, session_id, expert, kind)
        payload = {"kind": kind, **counts}
        await ctx.emit("clarity_flagged", "person", payload, participant_id=expert)
        await ctx.emit("clarity_flagged", "staff", payload)
        return {}
    return await run(pool, session_id, who, Action.FLAG_CLARITY, key, body)


async def curate(pool: Pool, session_id: int, who: Who, key: str | None, question_id: int, command: str,
                 into_id: int | None) -> Outcome:
    """Release a question to the expert, skip it, or merge it into another (upvotes follow)."""
    async def body(ctx: Ctx) -> dict[str, Any]:
        question = await _question(ctx, question_id)
        if question.status != "open":
            raise Conflict(f"That question is already {question.status}.")
        if command == "release":
            await questions_db.update_question(ctx.conn, question_id, "released")
            await ctx.emit("question_released", "public", {
                "question_id": question_id, "body": question.body, "upvotes": question.upvotes})
        elif command == "skip":
            await questions_db.update_question(ctx.conn, question_id, "skipped")
            await ctx.emit("question_skipped", "room", {"question_id": question_id})
        elif command == "merge":
            if into_id is None or into_id == question_id:
                raise Invalid("Choose another question to merge this one into.")
            target = await _question(ctx, into_id)
            if target.status not in ("open", "released"):
                raise Conflict("Merge into a question that is still open or released.")
            await questions_db.move_upvotes(ctx.conn, question_id, into_id)
            await questions_db.update_question(ctx.conn, question_id, "merged", merged_into=into_id)
            await ctx.emit("question_merged", "room", {"question_id": question_id, "into_id": into_id})
            count = await questions_db.count_upvotes(ctx.conn, into_id)
            await ctx.emit("question_upvoted", "room", {"question_id": into_id, "upvotes": count})
        else:
            raise Invalid("Release, skip or merge.")
        return {"question_id": question_id, "command": command}
    return await run(pool, session_id, who, Action.CURATE_QUESTIONS, key, body)


async def answer(pool: Pool, session_id: int, who: Who, key: str | None, question_id: int,
                 answer_text: str) -> Outcome:
    """The presenting expert answers a released question; everyone in the session sees it."""
    async def body(ctx: Ctx) -> dict[str, Any]:
        if ctx.session.state.expert_id != ctx.actor.participant_id:
            raise Conflict("Only the expert who is presenting answers questions now.")
        question = await _question(ctx, question_id)
        if question.status != "released":
            raise Conflict("Answer a question once the facilitator has released it to you.")
        await questions_db.update_question(ctx.conn, question_id, "answered", answer=answer_text.strip())
        await ctx.emit("question_answered", "public", {
            "question_id": question_id, "body": question.body, "answer": answer_text.strip()})
        return {"question_id": question_id}
    return await run(pool, session_id, who, Action.ANSWER_QUESTION, key, body)
