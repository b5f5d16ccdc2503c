"""Typed application state."""

from __future__ import annotations

import asyncpg
import jinja2
import socketio
from aiohttp import web

from web.config import Config

CONFIG = web.AppKey("config", Config)
POOL = web.AppKey("pool", asyncpg.Pool)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
SIO = web.AppKey("sio", socketio.AsyncServer)
