"""Page faults of large numpy temporaries, with and without `keep_freed_memory` (budget/commands/heap.py).

Each side runs in a fresh process: it makes and drops the temporaries a count
makes (two 8 MiB arrays and a smaller one) three times and prints the page
faults of each round. Without the setting glibc gives the freed top of its heap
back to the kernel, so every round faults ~1,700 pages in again; with it, the
rounds after the first reuse the same memory.

    .venv/bin/python bench/heap.py
"""

from __future__ import annotations

import subprocess
import sys

CHILD = """
import resource, sys
import numpy as np
if sys.argv[1] == "kept":
    from budget.commands.heap import keep_freed_memory
    assert keep_freed_memory(), "this C library ignores mallopt"
faults = []
for _ in range(4):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    a, b, c = np.ones(1 << 20), np.ones(1 << 20), np.ones(1 << 18)  # np.ones touches every page
    del a, b, c
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(" ".join(map(str, faults)))
"""


def main() -> None:
    print("page faults per round of temporaries (first round, then three more):")
    for side in ("default", "kept"):
        done = subprocess.run([sys.executable, "-c", CHILD, side], capture_output=True, text=True, check=True)
        label = "glibc's default (reference)" if side == "default" else "keep_freed_memory()"
        print(f"  {label:30} {done.stdout.strip()}")


if __name__ == "__main__":
    main()
