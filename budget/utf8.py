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


def valid_utf8(text: npt.NDArray[np.uint8]) -> bool:
    """Whether `text` is well-formed UTF-8."""
    at = np.flatnonzero(text >= 0x80)
    if not len(at):
        return True
    byte = text[at]
    follows = (byte & 0xC0) == 0x80
    needs = np.select([(byte >= 0xC2) & (byte <= 0xDF), (byte & 0xF0) == 0xE0, (byte >= 0xF0) & (byte <= 0xF4)],
                      [1, 2, 3], 0)
    lead = needs > 0
    if not (follows | lead).all() or int(follows.sum()) != int(needs.sum()):
        return False
    # Each lead's continuation bytes come right after it, in the byte array
    # and among the non-ASCII bytes; then, with the counts equal, every
    # continuation byte belongs to exactly one lead.
    for n in (1, 2, 3):
        leads = np.flatnonzero(needs == n)
        if not len(leads):
            continue
        if leads[-1] + n >= len(at):
            return False
        for k in range(1, n + 1):
            if not ((at[leads + k] == at[leads] + k) & follows[leads + k]).all():
                return False
    # The second byte's range after E0, ED, F0 and F4.
    first = np.flatnonzero(lead)
    second = byte[np.minimum(first + 1, len(byte) - 1)]
    lead_byte = byte[first]
    low = np.select([lead_byte == 0xE0, lead_byte == 0xF0], [0xA0, 0x90], 0x80)
    high = np.select([lead_byte == 0xED, lead_byte == 0xF4], [0x9F, 0x8F], 0xBF)
    return bool(((second >= low) & (second <= high)).all())
