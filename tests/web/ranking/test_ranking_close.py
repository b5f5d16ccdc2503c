"""Ballots racing the close: every acknowledged ballot is counted, and no refused one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from tests.web.conftest import Client, Server
from tests.web.proposals.test_proposal_support import as_, key, make_cast, text


@asynccontextmanager
async def ranking(server: Server, db: asyncpg.Connection, residents: int, titles: tuple[str, ...]) -> AsyncIterator[
        tuple[int, list[Client], Client, list[int]]]:
    """A session in its ranking phase: (session id, residents, facilitator, proposal ids), clients closed after."""
    cast = await make_cast(db, residents=residents)
    s = cast.session_id
    people = [as_(server, cast, f"r{n}") for n in range(residents)]
    fac = as_(server, cast, "facilitator")
    try:
        ids = [(await (await people[n].api("POST", f"/sessions/{s}/proposals", text(t))).json())["proposal_id"]
               for n, t in enumerate(titles)]
        assert (await fac.api("POST", f"/sessions/{s}/advance_phase", {"key": key(), "to": "ranking"})).status == 200
        yield s, people, fac, ids
    finally:
        for c in (*people, fac):
            await c.close()


async def test_every_acknowledged_ballot_is_counted_when_the_close_races_them(
        server: Server, db: asyncpg.Connection) -> None:
    async with ranking(server, db, 24, ("A", "B", "C")) as (s, residents, fac, ids):
        for c in residents:
            await c.get("/")                                  # each has its CSRF cookie before the race

        acks: list[int] = []
        eight = asyncio.Event()

        async def rank(n: int) -> int:
            await asyncio.sleep(0.005 * n)                   # spread the 24 over 0.12 s so the close lands among them
            order = ids if n % 3 else list(reversed(ids))
            resp = await residents[n].api("POST", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": order})
            if resp.status == 200:
                acks.append(n)
                if len(acks) == 8:
                    eight.set()
            return resp.status

        async def close() -> int:
            await eight.wait()                                # close while the rest are in flight
            return (await fac.api("POST", f"/sessions/{s}/advance_phase", {"key": key(), "to": "closed"})).status

        *statuses, closed = await asyncio.gather(*(rank(n) for n in range(24)), close())
        assert closed == 200
        assert set(statuses) <= {200, 403}
        acked = statuses.count(200)
        assert acked >= 8
        result = await (await fac.api("GET", f"/sessions/{s}/ranking/result")).json()
        assert result["ballots"] == acked == await db.fetchval(
            "SELECT count(*) FROM ranking_ballots WHERE session_id = $1", s)
        print(f"{acked} of 24 ballots landed before the close; all {acked} counted")


async def test_the_result_is_stored_at_close_and_published_in_the_session_record(
        server: Server, db: asyncpg.Connection) -> None:
    async with ranking(server, db, 3, ("Trees", "Benches")) as (s, residents, fac, ids):
        for r in residents:
            resp = await r.api("POST", f"/sessions/{s}/ranking/ballot", {"key": key(), "ranking": list(reversed(ids))})
            assert resp.status == 200
        assert (await fac.api("POST", f"/sessions/{s}/advance_phase", {"key": key(), "to": "closed"})).status == 200
        # Nobody has read the result yet: it was computed in the closing transaction.
        assert await db.fetchval("SELECT count(*) FROM ranking_results WHERE session_id = $1", s) == 1
        record = await (await fac.api("GET", f"/sessions/{s}/record")).json()
        assert record["ranking"]["order"] == [f"#{ids[1]}", f"#{ids[0]}"]
        page = await (await residents[0].get(f"/s/{s}/record")).text()
        assert "Ranking of the proposals" in page and page.index("Benches") < page.index("Trees", page.index("Ranking"))
