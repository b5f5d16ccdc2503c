"""Closing on time, cancelling, the convenor's statement, and the published formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from tests.waiting import until
from tests.web.conftest import Server, page_text
from tests.web.rounds_setup import cast, open_round, world


async def test_the_round_clock_closes_and_publishes_when_time_is_up(server: Server) -> None:
    w = await world(server, residents=2)
    try:
        rid = await open_round(w)
        await cast(w.residents[0], rid, ["2"], "clock-key-1")
        conn = await asyncpg.connect(server.db_url)
        await conn.execute("UPDATE rounds SET closes_at = $1 WHERE id = $2", datetime.now(UTC) - timedelta(seconds=1),
                           rid)
        await conn.close()
        # The round clock is a server task that announces nothing; the decision page is where it shows.
        async def published() -> bool:
            return (await w.convenor.get(f"/decisions/{rid}.json")).status == 200
        await until(published, "the round past its closing time is not published", timeout=10)
        doc = await (await w.convenor.get(f"/decisions/{rid}.json")).json()
        assert doc["close_reason"] == "time" and doc["outcome"]["selected"] == ["2", "1", "4"]  # greedy funds unsupported projects that fit, as pabutools
        late = await cast(w.residents[1], rid, ["1"], "clock-key-2")
        assert late["http_status"] == 409 and "closed" in late["error"]
        csv = await (await w.convenor.get(f"/decisions/{rid}.csv")).text()
        assert csv.splitlines()[2].startswith("2,Benches in the park,800000,yes,800000,1,")
        atom = await (await w.residents[1].get("/decisions.atom")).text()
        assert f"/decisions/{rid}</id>" in atom and "3 of 4 projects funded from 1 ballots" in atom
    finally:
        await w.close()


async def test_a_closed_round_cannot_be_cancelled_but_takes_a_statement(server: Server) -> None:
    w = await world(server, residents=1)
    try:
        rid = await open_round(w)
        assert (await w.convenor.api("POST", f"/rounds/{rid}/close")).status == 200
        resp = await w.convenor.api("POST", f"/rounds/{rid}/cancel", {"reason": "changed our mind"})
        assert resp.status == 409 and "final" in (await resp.json())["error"]
        resp = await w.convenor.post_form(f"/decisions/{rid}/statement", {"statement": "We will fund all three."})
        assert resp.status == 200 and "We will fund all three." in page_text(await resp.text())
        doc = await (await w.convenor.get(f"/decisions/{rid}.json")).json()
        assert doc["chain"][-1]["kind"] == "statement"
    finally:
        await w.close()


async def test_cancelling_an_open_round_is_published_with_its_reason(server: Server) -> None:
    w = await world(server, residents=1)
    try:
        rid = await open_round(w)
        await cast(w.residents[0], rid, ["1"], "cancel-key-1")
        resp = await w.convenor.post_form(f"/rounds/{rid}/cancel", {"reason": "The fund was withdrawn."})
        assert resp.status == 200
        page = page_text(await (await w.residents[0].get(f"/decisions/{rid}")).text())
        assert "cancelled before voting closed" in page and "The fund was withdrawn." in page
        doc = await (await w.residents[0].get(f"/decisions/{rid}.json")).json()
        assert doc["outcome"] is None and doc["chain"][-1]["kind"] == "cancelled"
    finally:
        await w.close()
