"""Freed memory is kept for reuse (large numpy temporaries made again cost no fresh pages), and a
command that ends without teardown still delivers its output and status."""

from __future__ import annotations

import os
import resource
import subprocess
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


EXIT = """
import os, sys
from budget.commands.heap import exit_now
if sys.argv[1] == "left":  # stdout becomes a pipe nobody reads any more
    r, w = os.pipe()
    os.close(r)
    os.dup2(w, 1)
sys.stdout.write("funded\\n" * 1000)  # stays in stdout's buffer until exit_now flushes it
print("last words", file=sys.stderr)
exit_now(3)
"""


def _child(reader: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # stdout buffered, as in a pipe
    return subprocess.run([sys.executable, "-c", EXIT, reader], capture_output=True, text=True, timeout=60, env=env)


def test_exit_now_delivers_buffered_output_and_the_status() -> None:
    done = _child("reads")
    assert done.returncode == 3
    assert done.stdout == "funded\n" * 1000
    assert done.stderr == "last words\n"


def test_exit_now_to_a_reader_that_left_says_nothing_more() -> None:
    done = _child("left")
    assert done.stderr == "last words\n"  # no BrokenPipeError report
    assert done.returncode == 3
