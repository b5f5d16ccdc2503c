"""Money, in one place: integer minor units, typed and shown in the currency's own decimals.

Every amount is stored as an integer number of the currency's minor unit
(ISO 4217: most currencies have 2 decimal places, JPY has 0, KWD has 3).
A typed amount ("1,234.50") is converted with integer arithmetic only, so
no float ever rounds a fund or a cost. Allocation rules count in whole
currency units (`per_unit`), so MES's add1 step is one unit of the currency.
"""

from __future__ import annotations

import re

from inquiry.kernel.errors import Invalid

# ISO 4217 currencies whose minor unit is not 1/100.
ZERO_DECIMALS = frozenset("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split())
THREE_DECIMALS = frozenset("BHD IQD JOD KWD LYD OMR TND".split())

_PLACES = {0: "no decimals", 2: "at most two decimals", 3: "at most three decimals"}
_AMOUNT = re.compile(r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?")


def decimals(currency: str) -> int:
    """How many decimal places the currency's minor unit has (2 unless ISO 4217 says otherwise)."""
    if currency in ZERO_DECIMALS:
        return 0
    return 3 if currency in THREE_DECIMALS else 2


def per_unit(currency: str) -> int:
    """Minor units in one unit of the currency: 100 for EUR, 1 for JPY, 1000 for KWD."""
    return int(10 ** decimals(currency))


def parse_money(typed: str, currency: str, what: str = "The amount", *, positive: bool = False) -> int:
    """"1,234.50" in EUR -> 123450. Commas only as thousands separators; a dot before the decimals.

    Spaces (also no-break spaces) and underscores between digits are ignored.
    Refuses negative amounts (and zero when `positive`), other separators and
    more decimals than the currency has, with a message that says how to write it.
    """
    shown = typed.strip()
    text = shown.replace(" ", "").replace("\u00a0", "").replace("_", "")
    if text.startswith("-"):
        raise Invalid(f"{what}: {shown!r} is below zero; write a plain amount above zero, such as 1,234.50.")
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise Invalid(f"{what}: {shown!r} is not an amount; write a plain amount such as 1,234.50.")
    places = decimals(currency)
    frac = match["frac"] or ""
    if len(frac) > places:
        raise Invalid(f"{what}: {currency} has {places} decimal places; {shown!r} has {len(frac)}. "
                      f"Write it with {_PLACES[places]}.")
    minor = int(match["whole"].replace(",", "")) * per_unit(currency) + int(frac.ljust(places, "0") or "0")
    if positive and minor == 0:
        raise Invalid(f"{what}: {shown!r} must be above zero.")
    return minor


def format_money(minor: int, currency: str) -> str:
    """123450 EUR -> "1,234.50 EUR"; the inverse of `parse_money`."""
    return f"{format_plain(minor, currency)} {currency}"


def format_plain(minor: int, currency: str) -> str:
    """The amount as a form field shows it, without the currency: "1,234.50"."""
    places = decimals(currency)
    sign, minor = ("-" if minor < 0 else ""), abs(minor)
    whole, frac = divmod(minor, per_unit(currency))
    return f"{sign}{whole:,}{'.' + str(frac).zfill(places) if places else ''}"
