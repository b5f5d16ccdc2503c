"""Keeping freed memory for reuse, so that numpy's large temporaries cost no page faults.

glibc's malloc hands blocks over 128 KiB straight to the kernel (mmap) and
gives them back when freed, so every large numpy temporary (a file's bytes
compared with `;`, a batch's budgets) arrives as fresh pages, each faulting
on first touch. Counting Katowice 2023 took ~1,800 such faults per count
here: 56 ms, against 31 ms once freed memory is kept; Wroclaw 2015 greedy
31 -> 13 ms. `oxpecker tally` and `oxpecker verify` ask for it at start.
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1  # glibc's <malloc.h>
M_MMAP_THRESHOLD = -3
LIMIT = 32 << 20  # the largest M_MMAP_THRESHOLD glibc accepts on 64-bit systems


def keep_freed_memory() -> bool:
    """Ask malloc to serve blocks up to 32 MiB from its heap and keep up to 64 MiB freed there.

    True if the C library took both settings; False elsewhere (not Linux,
    a C library without glibc's `mallopt`, or one that ignores it, as musl does).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, LIMIT)) and bool(mallopt(M_TRIM_THRESHOLD, 2 * LIMIT))
