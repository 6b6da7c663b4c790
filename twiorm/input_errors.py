"""The messages of every error about bad input, built in one place.

Whatever refuses input (an operation's arguments, a filter, an assignment, a keyword of
``Resource(...)``) says it the same way: the resource, the name at fault, what was
expected and what was given, with the closest accepted name for a misspelling. A value
of a secret parameter is never quoted (``Field.shown``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from twiorm.errors import MissingParameterError, ValidationError
from twiorm.suggest import did_you_mean

__all__ = ["Problem", "bad_values", "missing", "unknown_names"]


class Problem(NamedTuple):
    """One refused value: whose, what was given (as it may be shown) and why."""

    name: str
    shown: str
    expected: str
    reason: str = ""

    def describe(self) -> str:
        detail = f" ({self.reason})" if self.reason and self.reason != self.expected else ""
        return f"{self.name}: expected {self.expected}, got {self.shown}{detail}"


def unknown_names(
    resource: str,
    doing: str,
    unknown: Sequence[str],
    accepted: Iterable[str],
    *,
    error: type[ValidationError] = ValidationError,
    noun: str = "does not take",
) -> ValidationError:
    """Names an operation does not take: say which, the closest, and what it takes."""
    accepted = list(accepted)
    takes = ", ".join(accepted) or "nothing"
    return error(
        f"{resource} {doing} {noun} {', '.join(unknown)}{did_you_mean(unknown[0], accepted)}; "
        f"it takes: {takes}",
        resource=resource,
        field=unknown[0],
        expected=f"one of {takes}",
    )


def bad_values(
    resource: str,
    doing: str,
    problems: Sequence[Problem],
    *,
    error: type[ValidationError] = ValidationError,
) -> ValidationError:
    """Values refused by their fields, all of them in one error (the first names the field)."""
    first = problems[0]
    return error(
        f"{resource} {doing}: " + "; ".join(problem.describe() for problem in problems),
        resource=resource,
        field=first.name,
        expected=first.expected,
    )


def missing(
    resource: str, doing: str, names: Sequence[str], *, any_of: bool = False
) -> ValidationError:
    """Required parameters absent (``any_of``: a group of which at least one is needed)."""
    listed = ", ".join(names)
    if any_of:
        message, expected = f"needs one of {listed}", f"at least one of {listed}"
    else:
        message, expected = f"requires {listed}", "a value"
    return MissingParameterError(
        f"{resource} {doing} {message}", resource=resource, field=names[0], expected=expected
    )
