"""Secrets handed to browsers, and the short codes people type.

Only hashes of long secrets are stored. Short codes use an alphabet without
look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V) so they can be read aloud and
typed on a phone; 8 characters from 23 symbols give 23**8 = 7.8e10 codes.
"""

from __future__ import annotations

import hashlib
import secrets

CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"  # 23 symbols
CODE_LENGTH = 8


def new_secret() -> str:
    """A 256-bit URL-safe secret for cookies and one-time links."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def format_code(code: str) -> str:
    """Show a code in groups of four: `ACDE-FGHJ`."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(typed: str) -> str:
    """What a person typed, as stored: upper case, separators and spaces removed."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())
