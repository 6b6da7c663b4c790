"""Parse and format the date shapes Twilio uses.

The 2010 API answers RFC 2822 dates (``Fri, 18 Oct 2019 17:00:00 +0000``), the newer APIs
ISO 8601 (``2019-06-24T22:32:49Z``). Both are parsed to aware UTC datetimes. The fixed
shape Twilio always sends is parsed by slicing, which is several times faster than
``email.utils``; anything else falls back to the general parser.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from email.utils import format_datetime as _email_datetime
from email.utils import parsedate_to_datetime

__all__ = [
    "format_date",
    "format_datetime",
    "format_rfc2822",
    "parse_date",
    "parse_iso8601",
    "parse_rfc2822",
]

UTC = timezone.utc
_MONTHS = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}


def parse_rfc2822(text: str) -> datetime:
    """Return the aware UTC datetime of an RFC 2822 date; raise ``ValueError`` if it is not one."""
    # "Fri, 18 Oct 2019 17:00:00 +0000", the shape of every 2010 API date: rearranged into
    # ISO 8601 for the C parser, it reads more than twice as fast as field by field.
    if len(text) == 31 and text[26:] == "+0000" and text[3] == ",":
        month = _MONTHS.get(text[8:11])
        if month is not None:
            try:
                return datetime.fromisoformat(
                    f"{text[12:16]}-{month}-{text[5:7]}T{text[17:25]}+00:00"
                )
            except ValueError:
                pass  # let the general parser give the verdict
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"not an RFC 2822 date: {text!r}") from exc
    if parsed.tzinfo is None:  # "-0000" means UTC with no local offset known
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_iso8601(text: str) -> datetime:
    """Return the aware UTC datetime of an ISO 8601 date-time; raise ``ValueError`` otherwise."""
    if text.endswith(("Z", "z")):  # fromisoformat accepts "Z" only from Python 3.11
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    if parsed.utcoffset():
        return parsed.astimezone(UTC)
    return parsed if parsed.tzinfo is UTC else parsed.replace(tzinfo=UTC)


def parse_date(text: str) -> date:
    """Return the date of a ``YYYY-MM-DD`` string; raise ``ValueError`` otherwise."""
    if len(text) != 10:
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    return date.fromisoformat(text)


def format_date(value: date) -> str:
    """Format a date as Twilio's date filters want it: ``YYYY-MM-DD``."""
    if isinstance(value, datetime):
        value = to_utc(value).date()
    return value.isoformat()


def format_datetime(value: date) -> str:
    """Format a datetime as ``YYYY-MM-DDTHH:MM:SSZ`` in UTC, a plain date as ``YYYY-MM-DD``.

    Aware datetimes are converted to UTC first (the official SDK labels local times "Z"
    unconverted); naive ones are taken as UTC. Twilio's date-time filters take a plain date
    as that whole day's start.
    """
    if not isinstance(value, datetime):
        return value.isoformat()
    return to_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_rfc2822(value: datetime) -> str:
    """Format a datetime as the 2010 API writes one: ``Fri, 18 Oct 2019 17:00:00 +0000``."""
    return _email_datetime(to_utc(value))


def to_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime (naive values are taken as UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
