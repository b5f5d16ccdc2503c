"""Ways in (pure rules): resident codes, expert and observer links, recovery codes.

A resident code is short and typed by people: single-use for panel members,
or open with a cap on uses and an expiry (a poster at a library). Expert links
are single-use and bound to one session; observer links are reusable and
read-only. Links carry a long secret of which only the hash is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from inquiry.kernel.errors import ActionError, Gone, Invalid, NotFound
from inquiry.kernel.roles import Role, Staff
from inquiry.kernel.tokens import (
    CODE_ALPHABET,
    CODE_LENGTH,
    format_code,
    new_code,
    normalise_code,
)

# Guessing: a client (address) or a code may fail this many times per window.
# With fixed windows, a burst straddling a boundary gets 2 x 9 = 18 tries
# before the refusal, so 20 wrong codes in a minute are always throttled,
# while a hall of residents sharing one Wi-Fi address may mistype a few.
FAILURE_LIMIT = 9
FAILURE_WINDOW_SECONDS = 60

MAX_BATCH = 500
MAX_OPEN_USES = 10_000
MAX_EXPIRY_DAYS = 366
NAME_MAX = 60
# 16 symbols from 23: 23**16 = 6e21 recovery codes, unguessable behind the rate limit.
RECOVERY_LENGTH = 16


class CodeKind(StrEnum):
    RESIDENT_SINGLE = "resident_single"
    RESIDENT_OPEN = "resident_open"
    EXPERT = "expert"
    OBSERVER = "observer"


RESIDENT_KINDS = frozenset({CodeKind.RESIDENT_SINGLE, CodeKind.RESIDENT_OPEN})
LINK_KINDS = frozenset({CodeKind.EXPERT, CodeKind.OBSERVER})


class CodeStatus(StrEnum):
    UNUSED = "unused"
    IN_USE = "in use"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class AccessCode:
    id: int
    inquiry_id: int
    session_id: int | None
    kind: CodeKind
    code: str | None
    label: str
    max_uses: int | None
    uses: int
    expires_at: datetime | None
    revoked_at: datetime | None
    replaces: int | None
    created_at: datetime

    def status(self, now: datetime) -> CodeStatus:
        """Revoked beats expired beats used up; an open code partly used is "in use"."""
        if self.revoked_at is not None:
            return CodeStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return CodeStatus.EXPIRED
        if self.max_uses is not None and self.uses >= self.max_uses:
            return CodeStatus.USED
        return CodeStatus.IN_USE if self.uses else CodeStatus.UNUSED

    def usable(self, now: datetime) -> bool:
        return self.status(now) in (CodeStatus.UNUSED, CodeStatus.IN_USE)


def participant_role(kind: CodeKind) -> Role:
    return {CodeKind.EXPERT: Role.EXPERT, CodeKind.OBSERVER: Role.OBSERVER}.get(kind, Role.RESIDENT)


def can_manage(staff: Staff, assigned: bool) -> bool:
    """Convenors manage every inquiry's ways in; facilitators only those of inquiries they are assigned to."""
    return staff.role is Role.CONVENOR or (staff.role is Role.FACILITATOR and assigned)


def parse_code(typed: str) -> str:
    """A typed resident code as stored; lower case, spaces and dashes are fine."""
    code = normalise_code(typed)
    if not code:
        raise Invalid("Type the code from your invitation, for example ACDE-FGHJ.")
    stray = sorted({ch for ch in code if ch not in CODE_ALPHABET})
    if stray:
        raise Invalid(f"Codes never contain {', '.join(stray)}. Check the code and try again; "
                      f"they use only {CODE_ALPHABET}.")
    if len(code) != CODE_LENGTH:
        raise Invalid(f"Codes have {CODE_LENGTH} characters, like ACDE-FGHJ; you typed {len(code)}.")
    return code


def parse_recovery_code(typed: str) -> str:
    code = normalise_code(typed)
    if len(code) != RECOVERY_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise Invalid("A recovery code has 16 characters in four groups, like ACDE-FGHJ-KMNP-QRTW. "
                      "Check it and try again.")
    return code


def new_recovery_code() -> str:
    return new_code(RECOVERY_LENGTH)


def check_display_name(name: str) -> str:
    """1 to 60 characters after trimming, no control characters."""
    name = " ".join(name.split())
    if not name:
        raise Invalid("Choose a name to show to others: 1 to 60 characters.")
    if len(name) > NAME_MAX:
        raise Invalid(f"That name is {len(name)} characters long; keep it to {NAME_MAX}.")
    if any(not ch.isprintable() for ch in name):
        raise Invalid("The name contains characters that cannot be shown.")
    return name


def refusal(code: AccessCode | None, typed: str | None, now: datetime) -> ActionError:
    """Why `code` cannot be used now; `typed` is the resident code typed, None for a link."""
    if code is None:
        if typed is not None:
            return NotFound(f"There is no code {format_code(typed)}. Check each character and try "
                            "again, or ask the facilitator.")
        return NotFound("This link is not valid. Check that you copied all of it, or ask the organisers.")
    what = "This link" if typed is None else "This code"
    status = code.status(now)
    if status is CodeStatus.REVOKED:
        return Gone(f"{what} has been withdrawn by the organisers. Ask them for a new one.")
    if status is CodeStatus.EXPIRED and code.expires_at is not None:
        return Gone(f"{what} expired on {code.expires_at:%d %B %Y}. Ask the organisers for a new one.")
    if code.kind is CodeKind.RESIDENT_OPEN:
        return Gone(f"{what} has already been used by its limit of {code.max_uses} people. "
                    "Ask the facilitator for a new code.")
    return Gone(f"{what} has already been used, and works only once. If you joined before on "
                "another phone or browser, use your recovery code; otherwise ask the organisers.")


@dataclass(frozen=True, slots=True)
class CodeRequest:
    """Resident codes to generate: `count` single-use codes, or open codes with a cap and expiry."""

    kind: CodeKind
    count: int = 1
    label: str = ""
    max_uses: int | None = None
    expires_days: int | None = None

    def check(self) -> None:
        if self.kind not in RESIDENT_KINDS:
            raise Invalid("Resident codes are single-use or open.")
        _check_label(self.label, 100)
        _check_days(self.expires_days, required=self.kind is CodeKind.RESIDENT_OPEN)
        if self.kind is CodeKind.RESIDENT_SINGLE:
            if not 1 <= self.count <= MAX_BATCH:
                raise Invalid(f"Generate between 1 and {MAX_BATCH} single-use codes at once.")
            if self.max_uses not in (None, 1):
                raise Invalid("A single-use code is used once; choose an open code for more people.")
            return
        if not 1 <= self.count <= 20:
            raise Invalid("Generate between 1 and 20 open codes at once.")
        if self.max_uses is None or not 1 <= self.max_uses <= MAX_OPEN_USES:
            raise Invalid(f"An open code needs a limit on how many people may use it: 1 to {MAX_OPEN_USES}.")


@dataclass(frozen=True, slots=True)
class LinkRequest:
    """An expert link (for one named expert and one session) or an observer link."""

    kind: CodeKind
    label: str
    session_id: int | None = None
    expires_days: int | None = None
    max_uses: int | None = None

    def check(self) -> None:
        if self.kind not in LINK_KINDS:
            raise Invalid("Links are for experts or observers.")
        _check_days(self.expires_days, required=False)
        if self.kind is CodeKind.EXPERT:
            if not self.label.strip():
                raise Invalid("Give the expert's name: it is shown to them and to residents.")
            if self.session_id is None:
                raise Invalid("Choose the session the expert presents at.")
        _check_label(self.label, NAME_MAX)
        if self.max_uses is not None and not (self.kind is CodeKind.OBSERVER and 1 <= self.max_uses <= MAX_OPEN_USES):
            raise Invalid(f"Only observer links take a use limit, from 1 to {MAX_OPEN_USES}.")


def _check_label(label: str, longest: int) -> None:
    if len(label) > longest or any(not ch.isprintable() for ch in label):
        raise Invalid(f"Keep the label to {longest} printable characters.")


def _check_days(days: int | None, required: bool) -> None:
    if days is None:
        if required:
            raise Invalid("An open code needs an expiry: after how many days should it stop working?")
        return
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise Invalid(f"Expiry must be between 1 and {MAX_EXPIRY_DAYS} days.")
