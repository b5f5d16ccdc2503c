"""Who someone is in the product (PRODUCT.md, "Who uses it")."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CONVENOR = "convenor"
    FACILITATOR = "facilitator"
    EXPERT = "expert"
    RESIDENT = "resident"
    OBSERVER = "observer"
    PUBLIC = "public"


STAFF_ROLES = frozenset({Role.CONVENOR, Role.FACILITATOR})
PARTICIPANT_ROLES = frozenset({Role.EXPERT, Role.RESIDENT, Role.OBSERVER})


@dataclass(frozen=True, slots=True)
class Staff:
    id: int
    email: str
    display_name: str
    role: Role
    active: bool


@dataclass(frozen=True, slots=True)
class Participant:
    """A resident, expert or observer of one inquiry, known by a device cookie."""

    id: int
    inquiry_id: int
    role: Role
    session_id: int | None
    display_name: str
    name_public: bool
