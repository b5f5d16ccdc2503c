"""Staff passwords: argon2id hashes (argon2-cffi), never stored or logged in clear.

A password is at least 10 characters (a passphrase of a few words is easier to
remember than a short jumble, and as strong). The upper bound of 1000 stops a
request from making the server hash megabytes.
"""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from inquiry.kernel.errors import Invalid

MIN_LENGTH = 10
MAX_LENGTH = 1000


@functools.cache
def _hasher() -> PasswordHasher:
    # argon2-cffi's defaults are RFC 9106's "low memory" profile: argon2id, t=3, m=64 MiB, p=4.
    return PasswordHasher()


def check_password(password: str) -> None:
    """Refuse a password that is too short or absurdly long, saying why."""
    if len(password) < MIN_LENGTH:
        raise Invalid(f"Choose a password of at least {MIN_LENGTH} characters "
                      f"(yours has {len(password)}); a few words together work well.")
    if len(password) > MAX_LENGTH:
        raise Invalid(f"That password is longer than {MAX_LENGTH} characters; choose a shorter one.")


def hash_password(password: str) -> str:
    """The argon2id hash (`$argon2id$...`) of an acceptable password."""
    check_password(password)
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True if `password` matches. With no stored hash a dummy one is checked, so an
    unknown account takes as long to refuse as a wrong password."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        matched = _hasher().verify(stored_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and bool(stored_hash)


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher().check_needs_rehash(stored_hash)


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash("not a password anybody has")
