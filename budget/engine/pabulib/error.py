"""The error a Pabulib file raises, and exact amounts as files write them."""

from __future__ import annotations

from fractions import Fraction


class PabulibError(ValueError):
    """A Pabulib file that cannot be read; the message names the line."""

    def __init__(self, line: int | None, problem: str) -> None:
        self.line = line
        self.problem = problem
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{problem}")


def parse_amount(text: str, line: int, what: str) -> Fraction:
    """An exact amount from '1000', '4000.0', '4000,50' or '1/3'."""
    try:
        return Fraction(text.strip().replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise PabulibError(line, f"{what} {text!r} is not a number") from None
