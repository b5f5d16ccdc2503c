"""Every same-site link a person can follow works, for each role.

A demo-like dataset (an inquiry with a session, a facilitator, residents, an
expert, an observer, and rounds that are draft, open, closed and cancelled) is
crawled from each role's landing pages: every `<a href>`, stylesheet and
script on the site is fetched as that role and must not answer 404 or 5xx, or
403 (a page that shows a link the reader may not follow is broken for them).
Each role must also reach the pages its work needs by clicking alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import asyncpg
import pytest

from tests.factories import login_cookie, make_inquiry, make_participant, make_session, make_staff
from tests.web.conftest import Client, Server
from tests.web.rounds_setup import CANDIDATES, cast, round_body

# Followed pages per role; the dataset has about 40, so this only stops a runaway crawl.
MAX_PAGES = 150
# Linked before it can exist: the public record of a session that has not closed
# answers 409 "not yet" (the room pages link it with "after the session closes").
NOT_YET = re.compile(r"^/s/\d+/record$")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        url = a.get("href") if tag in ("a", "link") else a.get("src") if tag in ("script", "img") else None
        if url and not url.startswith(("#", "mailto:", "javascript:")):
            self.hrefs.append(url)


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


@dataclass
class Demo:
    server: Server
    inquiry_id: int
    session_id: int
    rounds: dict[str, int]
    clients: dict[str, Client] = field(default_factory=dict)

    async def close(self) -> None:
        for c in self.clients.values():
            await c.close()


def _as(server: Server, cookie: str, value: str) -> Client:
    c = server.client()
    c.session.cookie_jar.update_cookies({cookie: value})
    return c


async def _rounds(convenor: Client, residents: list[Client], inquiry_id: int) -> dict[str, int]:
    """One round in each state; the closed one has ballots, so its decision explains itself."""
    ids: dict[str, int] = {}
    for state in ("closed", "open", "cancelled", "draft"):
        resp = await convenor.api("POST", "/rounds", round_body(inquiry_id, title=f"Round {state}"))
        assert resp.status == 201, await resp.text()
        ids[state] = (await resp.json())["id"]
        if state == "draft":
            continue
        assert (await convenor.api("POST", f"/rounds/{ids[state]}/open")).status == 200
        for n, resident in enumerate(residents):
            ack = await cast(resident, ids[state], [str(1 + n % len(CANDIDATES))], f"key-{state}-{n}")
            assert ack["http_status"] == 200, ack
    assert (await convenor.api("POST", f"/rounds/{ids['closed']}/close")).status == 200
    resp = await convenor.api("POST", f"/rounds/{ids['cancelled']}/cancel", {"reason": "The fund moved"})
    assert resp.status == 200, await resp.text()
    return ids


async def demo(server: Server) -> Demo:
    """The dataset `oxpecker demo` makes, plus rounds in every state and people of every role."""
    conn = await asyncpg.connect(server.db_url)
    try:
        convenor_id = await make_staff(conn, "convenor@example.org", "convenor", name="Cora Convenor")
        facilitator_id = await make_staff(conn, "facilitator@example.org", "facilitator", name="Fay Facilitator")
        inquiry_id = await make_inquiry(conn, convenor_id, title="Greener streets")
        session_id = await make_session(conn, inquiry_id, "Evening session")
        clients = {"public": server.client(),
                   "convenor": _as(server, "oxp_staff", await login_cookie(conn, convenor_id)),
                   "facilitator": _as(server, "oxp_staff", await login_cookie(conn, facilitator_id))}
        residents = []
        for n in range(3):
            _, device = await make_participant(conn, inquiry_id, name=f"Resident {n}")
            residents.append(_as(server, "oxp_device", device))
        for kind in ("expert", "observer"):
            _, device = await make_participant(conn, inquiry_id, kind=kind, name=f"An {kind}", session_id=session_id)
            clients[kind] = _as(server, "oxp_device", device)
    finally:
        await conn.close()
    resp = await clients["convenor"].post_form(f"/inquiries/{inquiry_id}/facilitators",
                                               {"staff_id": str(facilitator_id)})
    assert resp.status == 200, await resp.text()
    rounds = await _rounds(clients["convenor"], residents, inquiry_id)
    clients["resident"] = residents.pop(0)
    for other in residents:
        await other.close()
    return Demo(server, inquiry_id, session_id, rounds, clients)


async def crawl(client: Client, start: list[str]) -> dict[str, int]:
    """Status of every same-site URL reachable by links from `start` (HTML pages are followed)."""
    site = urlsplit(client.base).netloc
    seen: dict[str, int] = {}
    todo = list(start)
    while todo and len(seen) < MAX_PAGES:
        path = todo.pop(0)
        if path in seen:
            continue
        resp = await client.get(path, allow_redirects=True)
        seen[path] = resp.status
        if "text/html" not in resp.headers.get("Content-Type", ""):
            continue
        for href in links(await resp.text()):
            url = urlsplit(urljoin(client.base + path, href))
            if url.netloc == site:
                target = url.path + (f"?{url.query}" if url.query else "")
                if target not in seen:
                    todo.append(target)
    return seen


def broken(statuses: dict[str, int]) -> dict[str, int]:
    return {p: s for p, s in statuses.items()
            if (s >= 400 and not (s == 409 and NOT_YET.match(p))) or s >= 500}


def landing(d: Demo, role: str) -> list[str]:
    """Where each role starts: the home page, and where signing in or joining leads."""
    return {"public": ["/"], "convenor": ["/", "/staff"], "facilitator": ["/", "/staff"],
            "resident": ["/", f"/i/{d.inquiry_id}"], "expert": ["/", f"/i/{d.inquiry_id}"],
            "observer": ["/", f"/i/{d.inquiry_id}"]}[role]


def must_reach(d: Demo, role: str) -> set[str]:
    """Pages a role needs for its work; it must get there by following links."""
    i, s, r = d.inquiry_id, d.session_id, d.rounds
    decisions = {"/decisions", f"/decisions/{r['closed']}"}
    return {
        "public": decisions | {"/join", "/login"},
        "convenor": decisions | {"/inquiries", f"/inquiries/{i}", f"/inquiries/{i}/access", "/rounds", "/rounds/new",
                                 f"/rounds/{r['open']}", f"/rounds/{r['draft']}", f"/s/{s}"},
        "facilitator": decisions | {"/inquiries", f"/inquiries/{i}", f"/s/{s}"},
        "resident": decisions | {f"/i/{i}", f"/s/{s}", f"/rounds/{r['open']}/ballot"},
        "expert": {f"/i/{i}", f"/s/{s}", "/decisions"},
        "observer": decisions | {f"/i/{i}", f"/s/{s}"},
    }[role]


@pytest.mark.parametrize("role", ["public", "convenor", "facilitator", "resident", "expert", "observer"])
async def test_every_link_works_and_reaches_the_roles_pages(server: Server, role: str) -> None:
    d = await demo(server)
    try:
        statuses = await crawl(d.clients[role], landing(d, role))
    finally:
        await d.close()
    assert broken(statuses) == {}
    missing = must_reach(d, role) - set(statuses)
    assert not missing, f"{role} cannot reach {sorted(missing)} by links from {landing(d, role)}"
    assert len(statuses) < MAX_PAGES, "the crawl did not finish; is a link growing without end?"


async def test_the_crawler_sees_a_broken_link(server: Server) -> None:
    """The crawler itself: a link to a missing page is reported, so a green run means something."""
    client = server.client()
    try:
        statuses = await crawl(client, ["/", "/decisions/999999", "/static/missing.css"])
    finally:
        await client.close()
    assert broken(statuses) == {"/decisions/999999": 404, "/static/missing.css": 404}
    assert statuses["/"] == 200 and "/decisions" in statuses

