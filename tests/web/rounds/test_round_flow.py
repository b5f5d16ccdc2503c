"""A round from creation to published decision, through the API and the HTML forms."""

from __future__ import annotations

from tests.web.conftest import Server, page_text
from tests.web.rounds_setup import cast, open_round, world


async def test_residents_vote_and_the_decision_is_published_at_close(server: Server) -> None:
    w = await world(server, residents=3)
    try:
        rid = await open_round(w)
        acks = [await cast(c, rid, p, f"key-{n}-aaaa") for n, (c, p) in
                enumerate(zip(w.residents, [["1", "2"], ["1"], ["3", "4"]]))]
        assert all(a["http_status"] == 200 for a in acks), acks
        assert len({a["receipt"] for a in acks}) == 3
        page = page_text(await (await w.convenor.get(f"/rounds/{rid}")).text())
        assert "3 ballots cast so far" in page
        resp = await w.convenor.api("POST", f"/rounds/{rid}/close")
        assert resp.status == 200, await resp.text()
        doc = await (await w.convenor.get(f"/decisions/{rid}.json")).json()
        assert doc["outcome"]["selected"] == ["1", "2", "4"]
        assert doc["ballots"] == 3 and doc["ballots_published"] is False
        html = page_text(await (await w.residents[0].get(f"/decisions/{rid}")).text())
        assert "3 of 4 projects funded" in html
        assert (await w.residents[0].get(f"/decisions/{rid}.pb")).status == 404
    finally:
        await w.close()


async def test_a_revised_ballot_replaces_the_first_and_a_retry_counts_once(server: Server) -> None:
    w = await world(server, residents=1)
    try:
        rid = await open_round(w)
        me = w.residents[0]
        first = await cast(me, rid, ["3"], "first-submission")
        second = await cast(me, rid, ["1", "2"], "second-submission")
        retried = await cast(me, rid, ["3"], "first-submission")  # a late retry of the first
        assert first["receipt"] == second["receipt"] == retried["receipt"]
        own = await (await me.api("GET", f"/rounds/{rid}/receipt")).json()
        assert own["projects"] == ["1", "2"]
        assert "1 ballot cast so far" in page_text(await (await me.get(f"/rounds/{rid}")).text())
    finally:
        await w.close()


async def test_over_budget_knapsack_ballot_is_refused_with_a_clear_message(server: Server) -> None:
    w = await world(server, residents=1)
    try:
        rid = await open_round(w)
        me = w.residents[0]
        resp = await me.post_form(f"/rounds/{rid}/ballot",
                                  {"project": "3", "idempotency_key": "form-key-1"} | {})
        assert resp.status == 200  # 35,000 fits
        resp = await me.session.post(f"{me.base}/rounds/{rid}/ballot", data=[
            ("csrf_token", me.csrf()), ("idempotency_key", "form-key-2"),
            ("project", "1"), ("project", "3")])
        text = page_text(await resp.text())
        assert resp.status == 400
        assert "Your choices cost 55,000.00 EUR, which is 5,000.00 EUR over the 50,000.00 EUR you can spend" in text
    finally:
        await w.close()
