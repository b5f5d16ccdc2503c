"""What every form and path shares: idempotency keys, whole numbers typed in fields, ids in URLs."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from inquiry.kernel.errors import Invalid, NotFound

MAX_ID = 2**63 - 1  # ids are PostgreSQL bigints; a larger one names nothing


def form_key() -> str:
    """A fresh idempotency key for a form: posting the same form twice counts once."""
    return uuid.uuid4().hex


def key_of(form: MultiDictProxy[Any]) -> str | None:
    """The form's idempotency key, if it looks like one we hand out (8-64 letters, digits, - or _)."""
    raw = str(form.get("key", ""))
    return raw if 8 <= len(raw) <= 64 and raw.replace("-", "").replace("_", "").isalnum() else None


def optional_int(form: MultiDictProxy[Any], name: str, what: str) -> int | None:
    """A whole number typed in a field, or None if left empty; Invalid names the field otherwise."""
    raw = str(form.get(name, "")).strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as err:
        raise Invalid(f"{what} must be a whole number; you gave {raw[:20]!r}.") from err


def path_id(request: web.Request, name: str) -> int:
    """An id from the URL; 404 for anything that is not one (letters, other scripts' digits, beyond a bigint)."""
    raw = request.match_info[name]
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
        thing = "staff account" if name == "id" else name.removesuffix("_id").replace("_", " ")
        raise NotFound(f"There is no {thing} {raw[:40]!r}.")
    return int(raw)
