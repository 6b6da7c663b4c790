"""When to try a request again, and how long to wait first.

Twilio's own advice decides what is safe to repeat: a GET or DELETE may be sent again
after any transient failure, while a POST (a text message, a phone call) may only be
sent again when it cannot have been applied, that is when no connection was made or
Twilio answered 429 (it does not process rate-limited requests). The requestor applies
that rule; this module holds the tunable part, ``RetryPolicy``: how many retries, the
exponential backoff with full jitter between them, the overall deadline, and the
``Retry-After`` header, which wins over the computed backoff.

The sleep, the clock and the jitter are attributes of the policy, so tests can replace
them and run without waiting.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Final

from twiorm.errors import ConfigurationError

__all__ = [
    "DEFAULT_RETRIES",
    "RETRYABLE_STATUSES",
    "SAFE_METHODS",
    "RetryPolicy",
    "as_policy",
    "full_jitter",
    "parse_retry_after",
]

#: Methods that can be repeated without changing the outcome (RFC 9110 §9.2.2 and the
#: advice on Twilio's error 20500 page). Everything else is treated as a create/update.
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
#: Statuses worth another try: rate limited, or Twilio (or a proxy in front of it) failed.
RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})


def full_jitter(ceiling: float) -> float:
    """Pick a wait uniformly in ``[0, ceiling]`` ("full jitter"), so clients spread out."""
    return random.uniform(0.0, ceiling)  # spreading load, not cryptography


class RetryPolicy:
    """How a client retries; immutable, so one policy can serve every thread.

    ``retries`` is the number of attempts after the first (0 turns retrying off). The
    n-th retry waits ``jitter(min(max_backoff, backoff * 2 ** (n - 1)))`` seconds, or what
    ``Retry-After`` says. No retry starts once ``deadline`` seconds have passed since the
    first attempt, nor one whose wait would end past it: the last error is raised instead.
    ``sleep``, ``clock`` and ``jitter`` can be replaced (tests do, to run without waiting).
    """

    __slots__ = (
        "backoff",
        "clock",
        "deadline",
        "jitter",
        "max_backoff",
        "respect_retry_after",
        "retries",
        "sleep",
        "statuses",
    )
    # A plain class rather than a dataclass: dataclasses would pull in inspect, a cost
    # every ``import twiorm`` would pay.
    _SETTINGS = ("retries", "backoff", "max_backoff", "deadline", "statuses", "respect_retry_after")

    retries: int
    backoff: float
    max_backoff: float
    deadline: float
    statuses: frozenset[int]
    respect_retry_after: bool
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    jitter: Callable[[float], float]

    def __init__(
        self,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        deadline: float = 60.0,
        statuses: Iterable[int] = RETRYABLE_STATUSES,
        respect_retry_after: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[float], float] = full_jitter,
    ) -> None:
        if isinstance(retries, bool) or not isinstance(retries, int):
            raise ConfigurationError(f"retries must be an integer, got {retries!r}")
        if retries < 0:
            raise ConfigurationError(f"retries must be 0 or more, got {retries}")
        for name, value in (
            ("backoff", backoff),
            ("max_backoff", max_backoff),
            ("deadline", deadline),
        ):
            # "not >= 0" also refuses NaN; infinity is allowed (no cap).
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ConfigurationError(f"{name} must be a number of seconds >= 0, got {value!r}")
        settings: dict[str, Any] = {
            "retries": retries,
            "backoff": backoff,
            "max_backoff": max_backoff,
            "deadline": deadline,
            "statuses": frozenset(statuses),
            "respect_retry_after": respect_retry_after,
            "sleep": sleep,
            "clock": clock,
            "jitter": jitter,
        }
        for name, setting in settings.items():
            object.__setattr__(self, name, setting)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RetryPolicy is immutable; use replace({name}=...)")

    def replace(self, **changes: Any) -> RetryPolicy:
        """Return a copy with some settings changed."""
        current = {name: getattr(self, name) for name in self.__slots__}
        return RetryPolicy(**{**current, **changes})

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._SETTINGS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RetryPolicy):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._SETTINGS)
        return f"RetryPolicy({shown})"

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Return how long to wait before retry number ``retry`` (1 for the first)."""
        if retry_after is not None and self.respect_retry_after:
            return retry_after
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** (retry - 1))
        return max(0.0, min(ceiling, float(self.jitter(ceiling))))

    def next_wait(self, retry: int, started: float, retry_after: float | None) -> float | None:
        """Return the wait before retry number ``retry``, or ``None`` to give up.

        ``started`` is the clock reading taken before the first attempt.
        """
        if retry > self.retries:
            return None
        wait = self.delay(retry, retry_after)
        # A wait that would end past the deadline is not worth sleeping through.
        if self.clock() - started + wait > self.deadline:
            return None
        return wait


#: The policy a client uses unless told otherwise.
DEFAULT_RETRIES: Final = RetryPolicy()


def as_policy(
    value: RetryPolicy | int | None, default: RetryPolicy = DEFAULT_RETRIES
) -> RetryPolicy:
    """Accept a policy, a retry count (keeping ``default``'s other settings) or ``None``."""
    if value is None:
        return default
    if isinstance(value, RetryPolicy):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(f"retries must be a RetryPolicy or an integer, got {value!r}")
    return default.replace(retries=value)


def parse_retry_after(value: str | None, date: str | None = None) -> float | None:
    """Read a ``Retry-After`` header: delta seconds, or an HTTP date.

    A date is measured from the response's own ``Date`` header when there is one, so a
    skewed local clock does not stretch or shrink the wait. Returns ``None`` when the
    header is absent or unreadable, and never a negative number.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        until = _http_date(text)
        if until is None:
            return None
        now = _http_date(date) if date else None
        return max(0.0, until - (time.time() if now is None else now))
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _http_date(text: str) -> float | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # "-0000" means UTC with no claim about the local zone
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()
