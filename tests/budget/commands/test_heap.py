"""Freed memory is kept for reuse (glibc takes the settings; bench/heap.py counts the page faults), and a
command that ends without teardown still delivers its output and status."""

from __future__ import annotations

import os
import subprocess
import sys

from budget.commands.heap import keep_freed_memory


def test_glibc_takes_the_settings() -> None:
    # This machine's C library is glibc: the settings must be taken, or the counts
    # fault fresh pages again (bench/heap.py prints how many, with and without).
    assert sys.platform.startswith("linux") and keep_freed_memory()


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
    return subprocess.run([sys.executable, "-c", EXIT, reader], capture_output=True, text=True, timeout=60, env=env,
                          check=False)


def test_exit_now_delivers_buffered_output_and_the_status() -> None:
    done = _child("reads")
    assert done.returncode == 3
    assert done.stdout == "funded\n" * 1000
    assert done.stderr == "last words\n"


def test_exit_now_to_a_reader_that_left_says_nothing_more() -> None:
    done = _child("left")
    assert done.stderr == "last words\n"  # no BrokenPipeError report
    assert done.returncode == 3
