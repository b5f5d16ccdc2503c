"""Freed memory is kept for reuse: large numpy temporaries made again cost no fresh pages."""

from __future__ import annotations

import resource
import sys

import numpy as np
import pytest

from budget.commands.heap import keep_freed_memory


def _faults_making_temporaries() -> int:
    """Page faults while making and dropping temporaries as a count does (two 8 MiB arrays and a smaller one)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    a, b, c = np.ones(1 << 20), np.ones(1 << 20), np.ones(1 << 18)  # np.ones touches every page
    del a, b, c
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc: Linux only")
def test_temporaries_made_again_reuse_freed_memory() -> None:
    assert keep_freed_memory()
    _faults_making_temporaries()
    # Without keep_freed_memory glibc gives the freed top of its heap back to
    # the kernel, and each round faults ~1,700 fresh pages in again.
    assert max(_faults_making_temporaries() for _ in range(3)) < 100
