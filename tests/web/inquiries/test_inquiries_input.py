"""What a convenor types for an inquiry: pure rules, as tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry.inquiries.input import (
    check_language,
    check_languages,
    check_schedule,
    parse_amount,
    parse_local_time,
    split_languages,
)
from inquiry.kernel.errors import Invalid
from inquiry.kernel.money import format_money as format_amount
from inquiry.kernel.money import format_plain as format_amount_plain


@pytest.mark.parametrize(("typed", "currency", "minor"), [
    ("1,234.50", "EUR", 123_450),
    ("1234.5", "EUR", 123_450),
    ("50,000", "GBP", 5_000_000),
    (" 1 000 000.01 ", "EUR", 100_000_001),
    ("0", "EUR", 0),
    ("0.07", "EUR", 7),
    ("1,000", "JPY", 1_000),
    ("12.345", "KWD", 12_345),
    ("999,999,999,999.99", "EUR", 99_999_999_999_999),
])
def test_amounts_convert_exactly(typed: str, currency: str, minor: int) -> None:
    assert parse_amount(typed, currency) == minor


@pytest.mark.parametrize(("typed", "currency", "says"), [
    ("-5", "EUR", "plain amount"),
    ("1.234,50", "EUR", "plain amount"),
    ("12,34", "EUR", "plain amount"),
    ("1.005", "EUR", "2 decimal places"),
    ("10.5", "JPY", "0 decimal places"),
    ("", "EUR", "plain amount"),
    ("€5", "EUR", "plain amount"),
    ("1e6", "EUR", "plain amount"),
    ("NaN", "EUR", "plain amount"),
    ("10,000,000,000,000.01", "EUR", "too large"),
])
def test_bad_amounts_are_refused_with_a_reason(typed: str, currency: str, says: str) -> None:
    with pytest.raises(Invalid, match=says):
        parse_amount(typed, currency)


@given(st.integers(min_value=0, max_value=10**15), st.sampled_from(["EUR", "JPY", "KWD"]))
def test_formatting_then_parsing_gives_back_the_same_minor_units(minor: int, currency: str) -> None:
    assert parse_amount(format_amount_plain(minor, currency), currency) == minor
    assert format_amount(minor, currency).endswith(" " + currency)


@pytest.mark.parametrize(("typed", "shaped"), [
    ("en", "en"), ("EN-gb", "en-GB"), ("sr-latn-rs", "sr-Latn-RS"), ("es-419", "es-419"), ("cy", "cy"),
])
def test_language_codes_are_shaped_conventionally(typed: str, shaped: str) -> None:
    assert check_language(typed) == shaped


@pytest.mark.parametrize("typed", ["english", "e", "en_GB", "en-", "12", "en-GB-x"])
def test_bad_language_codes_are_refused(typed: str) -> None:
    with pytest.raises(Invalid, match="not a language code"):
        check_language(typed)


def test_language_lists_are_split_and_deduplicated() -> None:
    assert check_languages(split_languages("en, cy;EN  fr-ca")) == ["en", "cy", "fr-CA"]
    with pytest.raises(Invalid, match="at least one"):
        check_languages(split_languages(" , "))


def test_local_time_is_read_in_the_inquiry_time_zone() -> None:
    next_year = datetime.now(UTC).year + 1
    at = parse_local_time(f"{next_year}-07-01T18:30", "Europe/London")
    assert at.astimezone(UTC).hour == 17  # British Summer Time is UTC+1


def test_schedule_refuses_naive_past_and_far_future_times() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert check_schedule(now + timedelta(hours=1), now) == now + timedelta(hours=1)
    for bad, says in ((datetime(2026, 2, 1), "time zone"), (now - timedelta(days=2), "past"),
                      (now + timedelta(days=6 * 366), "five years")):
        with pytest.raises(Invalid, match=says):
            check_schedule(bad, now)
    with pytest.raises(Invalid, match="date and time"):
        parse_local_time("next tuesday", "UTC")
