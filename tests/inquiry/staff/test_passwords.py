"""Passwords are argon2id, checked in constant work, and refused when too short."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from inquiry.kernel.errors import Invalid
from inquiry.staff.passwords import MIN_LENGTH, check_password, hash_password, needs_rehash, verify_password


def test_hash_is_argon2id_and_verifies() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")


def test_same_password_hashes_differently_each_time() -> None:
    assert hash_password("correct horse battery") != hash_password("correct horse battery")


@pytest.mark.parametrize("password", ["", "short", "x" * (MIN_LENGTH - 1)])
def test_short_password_is_refused_with_the_minimum(password: str) -> None:
    with pytest.raises(Invalid, match=f"at least {MIN_LENGTH} characters"):
        hash_password(password)


def test_ten_characters_are_enough() -> None:
    check_password("x" * MIN_LENGTH)


def test_overlong_password_is_refused_without_hashing() -> None:
    with pytest.raises(Invalid, match="longer than"):
        check_password("x" * 1001)
    assert not verify_password(hash_password("x" * 12), "x" * 5000)


@pytest.mark.parametrize("stored", [None, "", "plain text", "$argon2id$broken"])
def test_missing_or_damaged_hash_never_verifies(stored: str | None) -> None:
    assert not verify_password(stored, "not a password anybody has")


def test_weaker_parameters_need_a_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("correct horse battery")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("correct horse battery"))
