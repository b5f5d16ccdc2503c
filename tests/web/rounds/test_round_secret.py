"""Secret: after close nothing in the database links a resident to a ballot."""

from __future__ import annotations

import asyncpg

from tests.web.conftest import Server
from tests.web.rounds_setup import cast, open_round, world


async def test_after_close_no_table_links_a_resident_to_a_ballot(server: Server) -> None:
    w = await world(server, residents=4)
    try:
        rid = await open_round(w)
        receipts = [(await cast(c, rid, [str(n + 1)], f"secret-key-{n}"))["receipt"]
                    for n, c in enumerate(w.residents)]
        assert (await w.convenor.api("POST", f"/rounds/{rid}/close")).status == 200
    finally:
        await w.close()
    conn = await asyncpg.connect(server.db_url)
    try:
        voters = [r["participant_id"] for r in await conn.fetch("SELECT participant_id FROM round_voters")]
        assert len(voters) == 4
        assert await conn.fetchval("SELECT count(*) FROM round_secrets") == 0
        assert await conn.fetchval("SELECT count(*) FROM round_cast_keys") == 0
        assert await conn.fetchval("SELECT count(*) FROM round_ballots WHERE voter_key IS NOT NULL") == 0
        tables = [r["table_name"] for r in await conn.fetch(
            """SELECT table_name FROM information_schema.tables
                WHERE table_schema = 'public' AND table_type = 'BASE TABLE'""")]
        participant_columns = {(r["table_name"]) for r in await conn.fetch(
            """SELECT table_name FROM information_schema.columns
                WHERE table_schema = 'public' AND column_name IN ('participant_id', 'voter_id')""")}
        holding_receipts = set()
        for table in tables:
            for row in await conn.fetch(f'SELECT row_to_json(t)::text AS j FROM "{table}" t'):
                if any(r in row["j"] for r in receipts):
                    holding_receipts.add(table)
        # Receipts live only in the ballots and the published file, tables with no participant column.
        assert holding_receipts <= {"round_ballots", "decisions"}, holding_receipts
        assert not holding_receipts & participant_columns | ({"participants"} & holding_receipts)
        # Rows were rewritten at close: ballots and voters share one transaction id, not one per cast.
        assert await conn.fetchval("SELECT count(DISTINCT xmin::text) FROM round_ballots") == 1
        assert await conn.fetchval("SELECT count(DISTINCT xmin::text) FROM round_voters") == 1
    finally:
        await conn.close()
