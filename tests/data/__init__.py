"""Data the tests and benchmarks read, inside the repo (nothing is read from outside it)."""

from pathlib import Path

PABULIB = Path(__file__).resolve().parent / "pabulib"  # real Pabulib instances; see its README.md
