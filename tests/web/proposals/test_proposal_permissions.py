"""The proposal table, cell by cell, through the real HTTP API: every (phase, role, action).

An allowed cell must not be refused (403); a refused cell must be, with the
table's message. Proposals and an amendment are inserted directly: this test
is about who may act, not about drafting.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from inquiry.proposals.rules import TABLE, ProposalAction
from inquiry.room.permissions import RoomRole
from inquiry.room.phases import Phase
from tests.factories import make_participant
from tests.web.conftest import Client, Server
from tests.web.proposals.test_proposal_support import Cast, as_, key, make_cast, text

A = ProposalAction


async def insert_proposal(db: asyncpg.Connection, cast: Cast, author: str, title: str) -> int:
    pid: int = await db.fetchval(
        """INSERT INTO proposals (inquiry_id, session_id, author_id, author_name, title, description, cost_minor)
           VALUES ($1, $2, $3, $4, $5, 'Described.', 1000) RETURNING id""",
        cast.inquiry_id, cast.session_id, cast.ids[author], author, title)
    await db.execute("""INSERT INTO proposal_revisions (proposal_id, revision, title, description, cost_minor,
                        category, question_ids, by_name, note) VALUES ($1, 1, $2, 'Described.', 1000, '', '{}',
                        $3, 'drafted')""", pid, title, author)
    return pid


async def request(c: Client, db: asyncpg.Connection, action: ProposalAction, s: int,
                  p: dict[str, int]) -> tuple[int, Any]:
    async def rev(pid: int) -> int:
        revision: int = await db.fetchval("SELECT revision FROM proposals WHERE id = $1", pid)
        return revision
    calls: dict[ProposalAction, tuple[str, str, Any]] = {
        A.READ: ("GET", f"/sessions/{s}/proposals", None),
        A.DRAFT: ("POST", f"/sessions/{s}/proposals", text()),
        A.EDIT: ("POST", f"/proposals/{p['own']}/amend", text("Edited", based_on=await rev(p["own"]))),
        A.AMEND: ("POST", f"/proposals/{p['other']}/amend", text("Amended", based_on=await rev(p["other"]))),
        A.DECIDE_AMENDMENT: ("POST", f"/amendments/{p['amendment']}/decide", {"key": key(), "accept": False}),
        A.WITHDRAW: ("POST", f"/proposals/{p['withdraw']}/withdraw", {"key": key()}),
        A.MERGE: ("POST", f"/proposals/{p['dup']}/merge", {"key": key(), "into_id": p["own"]}),
        A.COMMENT: ("POST", f"/proposals/{p['own']}/comments", {"key": key(), "body": "Good idea."}),
        A.CHOOSE_METHOD: ("POST", f"/sessions/{s}/ranking/method", {"key": key(), "method": "borda"}),
        A.RANK: ("POST", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": [p["own"]]}),
        A.SEE_TURNOUT: ("GET", f"/sessions/{s}/ranking", None),
        A.SEE_RESULT: ("GET", f"/sessions/{s}/ranking/result", None),
    }
    method, path, body = calls[action]
    resp = await c.api(method, path, body)
    return resp.status, await resp.json()


@pytest.mark.parametrize("phase", list(Phase))
async def test_every_cell_of_the_table(phase: Phase, server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, phase=phase.value, residents=2)
    withdrawn, cookie = await make_participant(db, cast.inquiry_id, "expert", "Dr Gone", cast.session_id)
    await db.execute("INSERT INTO expert_withdrawals (session_id, participant_id, staff_id) VALUES ($1, $2, $3)",
                     cast.session_id, withdrawn, cast.ids["facilitator"])
    cast.cookies["withdrawn"] = {"oxp_device": cookie}
    p = {name: await insert_proposal(db, cast, author, name)
         for name, author in (("own", "r0"), ("other", "r1"), ("withdraw", "r0"), ("dup", "r1"))}
    p["amendment"] = await db.fetchval(
        """INSERT INTO proposal_amendments (proposal_id, based_on, title, description, cost_minor, category,
                                            participant_id, by_name)
           VALUES ($1, 1, 'Suggested', 'Changed.', 1000, '', $2, 'r1') RETURNING id""", p["own"], cast.ids["r1"])
    who = {RoomRole.FACILITATOR: "facilitator", RoomRole.RESIDENT: "r0", RoomRole.OBSERVER: "observer",
           RoomRole.EXPERT: "expert", RoomRole.WITHDRAWN: "withdrawn"}
    wrong = []
    for role, name in who.items():
        c = as_(server, cast, name)
        try:
            for action in ProposalAction:
                status, body = await request(c, db, action, cast.session_id, p)
                expected = TABLE[(phase, role, action)]
                if action is A.SEE_TURNOUT and status == 200:
                    got = body["ranked"] is not None
                else:
                    got = status != 403
                if got != expected:
                    wrong.append(f"{role} {action}: expected {'allowed' if expected else 'refused'}, got {status} {body}")
        finally:
            await c.close()
    assert not wrong, "\n".join(wrong)
