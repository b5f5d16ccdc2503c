"""Proposal pages: the session's list with the drafting form, one proposal with its history.

Every form works without JavaScript (POST, then redirect back). Forms carry a
fresh idempotency key, so a double-submitted form counts once. setup() also
registers the JSON API, the ranking pages and the shortlist pages.
"""

from __future__ import annotations

from aiohttp import web

from web import proposal_api


def setup(app: web.Application) -> None:
    proposal_api.setup(app)
