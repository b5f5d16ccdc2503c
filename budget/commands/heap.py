"""Process tuning for the counting commands: keep freed memory for reuse, and leave without teardown.

glibc's malloc hands blocks over 128 KiB straight to the kernel (mmap) and
gives them back when freed, so every large numpy temporary (a file's bytes
compared with `;`, a batch's budgets) arrives as fresh pages, each faulting
on first touch. Counting Katowice 2023 took ~1,800 such faults per count
here: 56 ms, against 31 ms once freed memory is kept; Wroclaw 2015 greedy
31 -> 13 ms. `oxpecker tally` and `oxpecker verify` ask for it at start.

When they are done they also skip the interpreter's teardown (freeing every
object and module one by one, then the heap): 16 ms of CPU of a 149 ms
greedy count of Krakow 2024, 15 of 296 ms for Warsaw 2026 MES `--json`
(least of 8-12 runs each). Only the commands' own entry points do this;
`run(argv)` called in a process returns as usual.
"""

from __future__ import annotations

import ctypes
import os
import sys
from typing import NoReturn

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


def exit_now(status: int) -> NoReturn:
    """End the process with `status` once stdout and stderr are flushed, skipping teardown (atexit too)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader left, or the stream is closed: there is no one to tell
    os._exit(status)
