"""The figures the reliability suite reports in its closing line (see conftest.py)."""

from __future__ import annotations

from collections import Counter

#: Filled in by the tests and fixtures of this package while they run.
FIGURES: Counter[str] = Counter()


def check_stream(expected: list[str], yielded: list[str]) -> tuple[int, int]:
    """Count records lost and records repeated in a stream, and add them to the figures."""
    lost = len(set(expected) - set(yielded))
    repeated = len(yielded) - len(set(yielded))
    FIGURES["stream records expected"] += len(expected)
    FIGURES["stream records lost"] += lost
    FIGURES["stream records repeated"] += repeated
    return lost, repeated
