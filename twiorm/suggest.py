"""Did-you-mean hints for names a user misspelt (a field, a filter, a Meta option)."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

__all__ = ["did_you_mean"]


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'voice_url'?)"`` for the closest choice, or ``""``."""
    # A lower cutoff than difflib's default catches one swapped pair in a short name
    # ("voice_ulr"), and the first match alone keeps the hint short.
    close = get_close_matches(name, list(choices), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""
