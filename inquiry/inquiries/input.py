"""What a convenor may type for an inquiry: money, currency, languages, time zone, dates.

Money is integer minor units, typed and shown through `inquiry.kernel.money`
(the currency's own decimal places; integer arithmetic only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inquiry.kernel.errors import Invalid
from inquiry.kernel.money import parse_money

# 10**15 minor units is a thousand billion euros: far beyond any fund, far below bigint.
MAX_FUND_MINOR = 10**15
MAX_LANGUAGES = 10
TITLE_MAX, QUESTION_MAX, DESCRIPTION_MAX, SESSION_TITLE_MAX = 200, 1000, 10_000, 200
# A session may be recorded up to a day late (entered after it began), and planned up to 5 years ahead.
SCHEDULE_PAST, SCHEDULE_FUTURE = timedelta(days=1), timedelta(days=5 * 366)

_CURRENCY = re.compile(r"[A-Z]{3}")
# BCP 47, the common shapes: language, then optional script, region, variants ("en", "cy-GB", "sr-Latn-RS").
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z]{4})?(-(?:[a-z]{2}|\d{3}))?(-(?:[a-z0-9]{5,8}|\d[a-z0-9]{3}))*")


@dataclass(frozen=True, slots=True)
class InquiryDraft:
    """An inquiry's settings, checked by `check_draft` before anything is written."""

    title: str
    question: str
    description: str = ""
    fund_minor: int = 0
    currency: str = "EUR"
    languages: list[str] = field(default_factory=lambda: ["en"])
    timezone: str = "UTC"


def check_currency(typed: str) -> str:
    currency = typed.strip().upper()
    if not _CURRENCY.fullmatch(currency):
        raise Invalid(f"The currency must be a three-letter ISO 4217 code such as EUR or GBP, not {typed!r}.")
    return currency


def check_fund(minor: int) -> int:
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise Invalid("The fund must be a whole number of minor units (cents, pence).")
    if minor < 0:
        raise Invalid("The fund cannot be negative.")
    if minor > MAX_FUND_MINOR:
        raise Invalid(f"The fund is too large (at most {MAX_FUND_MINOR:,} minor units).")
    return minor


def parse_amount(typed: str, currency: str) -> int:
    """"1,234.50" in EUR -> 123450, checked as a fund."""
    return check_fund(parse_money(typed, currency, "The fund"))


def check_language(typed: str) -> str:
    code = typed.strip()
    if not _LANGUAGE.fullmatch(code.lower()):
        raise Invalid(f"{typed.strip()!r} is not a language code; use codes such as en, cy, fr-CA.")
    parts = code.lower().split("-")
    # Conventional case: language lower, script title, region upper ("sr-Latn-RS").
    shaped = [parts[0]] + [p.title() if len(p) == 4 and p.isalpha() else p.upper() if len(p) == 2 else p
                           for p in parts[1:]]
    return "-".join(shaped)


def check_languages(codes: list[str]) -> list[str]:
    checked: list[str] = []
    for code in codes:
        shaped = check_language(code)
        if shaped not in checked:
            checked.append(shaped)
    if not checked:
        raise Invalid("Give at least one language, for example en.")
    if len(checked) > MAX_LANGUAGES:
        raise Invalid(f"At most {MAX_LANGUAGES} languages.")
    return checked


def split_languages(typed: str) -> list[str]:
    """"en, cy" or "en cy" -> ["en", "cy"]."""
    return [part for part in re.split(r"[\s,;]+", typed) if part]


def check_timezone(typed: str) -> str:
    name = typed.strip()
    try:
        if not name or name.startswith(("/", ".")):
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise Invalid(f"{typed.strip()!r} is not a time zone; use a name such as Europe/London or UTC.") from err
    return name


def check_text(value: str, what: str, maximum: int, required: bool = True) -> str:
    text = value.strip()
    if required and not text:
        raise Invalid(f"The {what} cannot be empty.")
    if len(text) > maximum:
        raise Invalid(f"The {what} is too long ({len(text)} characters; at most {maximum}).")
    return text


def check_draft(draft: InquiryDraft) -> InquiryDraft:
    """The draft with its text trimmed and its codes in canonical case, or `Invalid`."""
    return InquiryDraft(
        title=check_text(draft.title, "title", TITLE_MAX),
        question=check_text(draft.question, "question", QUESTION_MAX),
        description=check_text(draft.description, "description", DESCRIPTION_MAX, required=False),
        fund_minor=check_fund(draft.fund_minor),
        currency=check_currency(draft.currency),
        languages=check_languages(draft.languages),
        timezone=check_timezone(draft.timezone),
    )


def check_schedule(at: datetime, now: datetime | None = None) -> datetime:
    """A session's start: a real instant (with a time zone), not long past, not absurdly far ahead."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise Invalid("The start time needs a time zone (for example 2026-05-04T18:30:00+01:00).")
    now = now or datetime.now(UTC)
    if at < now - SCHEDULE_PAST:
        raise Invalid("The start time is in the past.")
    if at > now + SCHEDULE_FUTURE:
        raise Invalid("The start time is more than five years ahead.")
    return at


def parse_local_time(typed: str, timezone: str) -> datetime:
    """A form's `datetime-local` value ("2026-05-04T18:30"), read in the inquiry's time zone."""
    try:
        local = datetime.fromisoformat(typed.strip())
    except ValueError as err:
        raise Invalid(f"Write the start as a date and time, such as 2026-05-04 18:30 (not {typed.strip()!r}).") from err
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(timezone))
    return check_schedule(local)
