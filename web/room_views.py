"""Live session pages: the resident room, facilitator console, expert and observer views.

`/s/{id}` picks the view by role; `/s/{id}/console` is for facilitators. Every
page shows the current state on reload without JavaScript, and its forms post
to `/s/{id}/do/{request}`, which runs the same action as socket.io. setup()
also attaches the socket.io handlers and the JSON API of the room.
"""

from __future__ import annotations

from aiohttp import web

from web import events, room_api


def setup(app: web.Application) -> None:
    events.setup(app)
    room_api.setup(app)
