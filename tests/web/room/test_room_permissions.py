"""Every (phase, role, action) cell of inquiry.room.permissions.TABLE, tried through the real HTTP API.

For each phase a session is driven there through the API, then every role tries
every action with a request that would succeed (or fail for a reason other than
permission): a refusal is 403, anything else means the table let it through.
The withdrawn-expert role cannot exist before the first withdrawal, so it is
tried only from the first briefing on (the pure test covers those cells).
"""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from inquiry.room.permissions import TABLE, Action, RoomRole
from inquiry.room.phases import Phase
from tests.web.conftest import Server
from tests.web.room.test_room_support import Http, make_cast

A, B, C = 0, 1, 2
CYCLE_A = [("check_in", None), ("briefing", A), ("questioning", None), ("withdrawal", None)]
PATHS: dict[Phase, list[tuple[str, int | None]]] = {
    Phase.SCHEDULED: [],
    Phase.CHECK_IN: [("check_in", None)],
    Phase.BRIEFING: [*CYCLE_A, ("briefing", B)],
    Phase.QUESTIONING: [*CYCLE_A, ("briefing", B), ("questioning", None)],
    Phase.WITHDRAWAL: [*CYCLE_A, ("briefing", B), ("questioning", None), ("withdrawal", None)],
    Phase.DELIBERATION: [*CYCLE_A, ("deliberation", None)],
    Phase.RECALL: [*CYCLE_A, ("deliberation", None), ("recall", A)],
    Phase.RANKING: [*CYCLE_A, ("deliberation", None), ("ranking", None)],
    Phase.CLOSED: [*CYCLE_A, ("deliberation", None), ("ranking", None), ("closed", None)],
}


async def drive(fac: Http, res: Http, s: int, experts: list[int], path: list[tuple[str, int | None]]) -> dict[str, int]:
    ids = {"question": 999_999, "recall": 999_999}
    for to, e in path:
        if to == "recall":
            status, ack = await res.act(s, "propose_recall", expert_id=experts[A], question="Once more?")
            assert status == 200, ack
            ids["recall"] = ack["recall_id"]
            status, ack = await fac.act(s, "approve_recall", recall_id=ids["recall"])
        else:
            status, ack = await fac.act(s, "advance_phase", to=to, confirm=True,
                                        expert_id=None if e is None else experts[e])
        assert status == 200, (to, ack)
        if to == "briefing":
            status, ack = await res.act(s, "ask_question", body="Why?")
            ids["question"] = ack["question_id"]
        if to == "questioning":
            assert (await fac.act(s, "curate_question", question_id=ids["question"], command="release"))[0] == 200
    return ids


def attempt(action: Action, ids: dict[str, int], experts: list[int]) -> tuple[str, str, dict[str, Any]]:
    q, r = ids["question"], ids["recall"]
    return {
        Action.JOIN: ("GET", "log?after=0", {}),
        Action.POST_MESSAGE: ("POST", "post_message", {"body": "hello"}),
        Action.ASK_QUESTION: ("POST", "ask_question", {"body": "How?"}),
        Action.UPVOTE_QUESTION: ("POST", "upvote_question", {"question_id": q}),
        Action.FLAG_CLARITY: ("POST", "flag_clarity", {"kind": "too_fast"}),
        Action.RAISE_HAND: ("POST", "raise_hand", {"raised": False}),
        Action.SHARE_MATERIAL: ("POST", "share_link", {"title": "Notes", "url": "https://example.org/n"}),
        Action.ANSWER_QUESTION: ("POST", "answer_question", {"question_id": q, "answer": "Because."}),
        Action.PROPOSE_RECALL: ("POST", "propose_recall", {"expert_id": experts[A], "question": "Why?"}),
        Action.VOTE_RECALL: ("POST", "vote_recall", {"recall_id": r}),
        Action.ANSWER_RECALL: ("POST", "answer_recall", {"recall_id": r, "answer": "So."}),
        Action.ADVANCE_PHASE: ("POST", "advance_phase", {"to": "no_such_phase"}),
        Action.CONTROL_TIMER: ("POST", "control_timer", {"command": "extend", "minutes": 1}),
        Action.CURATE_QUESTIONS: ("POST", "curate_question", {"question_id": q, "command": "merge", "into_id": q}),
        Action.CALL_SPEAKER: ("POST", "call_speaker", {}),
        Action.MODERATE: ("POST", "moderate", {"command": "slow_mode", "seconds": 0}),
        Action.APPROVE_RECALL: ("POST", "approve_recall", {"recall_id": 999_999}),
    }[action]


@pytest.mark.parametrize("phase", list(Phase))
async def test_every_cell_of_the_table(phase: Phase, server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=3, residents=2, observers=1)
    experts = [e[0] for e in cast.experts]
    s = cast.session_id
    clients = {
        RoomRole.FACILITATOR: Http(server.url, {"oxp_staff": cast.staff[0][1]}),
        RoomRole.RESIDENT: Http(server.url, {"oxp_device": cast.residents[0][1]}),
        RoomRole.OBSERVER: Http(server.url, {"oxp_device": cast.observers[0][1]}),
    }
    path = PATHS[phase]
    current = [e for _, e in path if e is not None]
    withdrawn = [A] + ([B] if phase is Phase.WITHDRAWAL else []) if len(path) >= 4 else []
    expert = current[-1] if current and current[-1] not in withdrawn else C
    clients[RoomRole.EXPERT] = Http(server.url, {"oxp_device": cast.experts[expert][1]})
    if withdrawn:
        clients[RoomRole.WITHDRAWN] = Http(server.url, {"oxp_device": cast.experts[A][1]})
    try:
        ids = await drive(clients[RoomRole.FACILITATOR], clients[RoomRole.RESIDENT], s, experts, path)
        assert await db.fetchval("SELECT phase FROM sessions WHERE id = $1", s) == phase.value
        wrong, tried = [], 0
        for role, http in clients.items():
            for action in Action:
                method, tail, payload = attempt(action, ids, experts)
                if method == "GET":
                    status, body = await http.request("GET", f"/api/v1/sessions/{s}/{tail}")
                else:
                    status, body = await http.act(s, tail, **payload)
                tried += 1
                if (status != 403) != TABLE[(phase, role, action)]:
                    wrong.append((role.value, action.value, status, body))
        assert not wrong, wrong
        assert tried == len(clients) * len(Action)
    finally:
        for http in clients.values():
            await http.close()


async def test_pause_leaves_participants_only_watching(server: Server, db: asyncpg.Connection) -> None:
    cast = await make_cast(db, facilitators=1, experts=0, residents=1, observers=0)
    fac = Http(server.url, {"oxp_staff": cast.staff[0][1]})
    res = Http(server.url, {"oxp_device": cast.residents[0][1]})
    s = cast.session_id
    try:
        for to in ("check_in", "deliberation"):
            assert (await fac.act(s, "advance_phase", to=to))[0] == 200
        assert (await fac.act(s, "control_timer", command="pause"))[0] == 200
        status, body = await res.act(s, "post_message", body="hello?")
        assert status == 403 and "paused" in body["error"]
        assert (await res.request("GET", f"/api/v1/sessions/{s}/log?after=0"))[0] == 200
        assert (await fac.act(s, "post_message", body="Back in five."))[0] == 200
        assert (await fac.act(s, "control_timer", command="resume"))[0] == 200
        assert (await res.act(s, "post_message", body="hello!"))[0] == 200
    finally:
        await fac.close()
        await res.close()
