"""Is this byte array valid UTF-8? Answered with numpy, without building a str.

`bytes.decode` checks 1.9 MB of Katowice 2023's ballots in about 2.5 ms but
also builds a 3.8 MB string nobody reads; the fast Pabulib reader only needs
the answer. The rules are RFC 3629's, as Python's strict decoder applies
them: a lead byte C2-DF takes one continuation byte (80-BF), E0-EF two, F0-F4
three; C0, C1 and F5-FF never occur; E0 needs A0-BF next (no overlong
forms), ED 80-9F (no surrogates), F0 90-BF, F4 80-8F (nothing past U+10FFFF).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Bytes = npt.NDArray[np.uint8]
Positions = npt.NDArray[np.intp]

# NEEDS[b]: how many continuation bytes the lead byte b takes; 0 for a
# continuation byte (80-BF), -1 for a byte that never occurs (C0, C1, F5-FF).
NEEDS = np.full(256, -1, dtype=np.int8)
NEEDS[0x80:0xC0] = 0
NEEDS[0xC2:0xE0] = 1
NEEDS[0xE0:0xF0] = 2
NEEDS[0xF0:0xF5] = 3
# The range of the byte after each lead (only E0, ED, F0 and F4 narrow it).
LOW = np.full(256, 0x80, dtype=np.uint8)
HIGH = np.full(256, 0xBF, dtype=np.uint8)
LOW[0xE0], HIGH[0xED], LOW[0xF0], HIGH[0xF4] = 0xA0, 0x9F, 0x90, 0x8F
HIGH_BITS = np.uint64(0x8080808080808080)


def valid_utf8(text: Bytes) -> bool:
    """Whether `text` is well-formed UTF-8."""
    at = non_ascii(text)
    if not len(at):
        return True
    byte = text[at]
    needs = NEEDS[byte]
    leads = np.flatnonzero(needs > 0)
    if (needs < 0).any() or not len(leads) or leads[0] != 0:
        return False
    # Between one lead and the next (or the end) come exactly its
    # continuation bytes, and they follow it in the text with no gap.
    wanted = needs[leads]
    if not np.array_equal(np.diff(leads, append=len(at)) - 1, wanted):
        return False
    if not (at[leads + wanted] - at[leads] == wanted).all():
        return False
    second, lead_byte = byte[leads + 1], byte[leads]
    return bool(((second >= LOW[lead_byte]) & (second <= HIGH[lead_byte])).all())


def non_ascii(text: Bytes) -> Positions:
    """The positions of the bytes of `text` that are 80 or above.

    Tested eight bytes at a time first: most text is ASCII, and finding the
    few 8-byte words with a high bit set is about four times faster than a
    nonzero over a bool per byte (Katowice 2023: 0.8 ms for 1.9 MB).
    """
    skip = -text.ctypes.data % 8  # bytes before the first aligned word
    whole = max(0, len(text) - skip) // 8
    if whole < 2:
        return np.flatnonzero(text >= 0x80)
    words = text[skip : skip + 8 * whole].view(np.uint64)
    flagged = np.flatnonzero((words & HIGH_BITS) != 0)  # nonzero is slow on uint64, fast on bool
    inside = np.flatnonzero(words[flagged].view(np.uint8) >= 0x80)
    middle = 8 * flagged[inside >> 3] + (inside & 7) + skip
    tail = skip + 8 * whole
    return np.concatenate((np.flatnonzero(text[:skip] >= 0x80), middle, tail + np.flatnonzero(text[tail:] >= 0x80)))
