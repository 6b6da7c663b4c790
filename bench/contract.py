"""What every client script shares with run.py: its arguments, its checksum, its output line.

Each script folds every value it read into one integer with `fold`. Two scripts that read
the same fields of the same records therefore print the same checksum, and a script that
skips decoding a field (keeps a date as a string, a price as a float) prints another one.
"""

from __future__ import annotations

import argparse
import calendar
import sys
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum

# The account the local server answers for; any AC + 32 hex would do.
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "token"
PAGE_SIZE = 1000
# Twilio prices carry at most five decimals, so this scale keeps them exact as integers.
PRICE_SCALE = 100_000


def parse_args(
    description: str | None, modes: tuple[str, ...] = ("four", "all")
) -> argparse.Namespace:
    """Parse the command line every client script accepts."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", required=True, help="local server, e.g. http://127.0.0.1:8765")
    parser.add_argument("--n", type=int, required=True, help="records the server holds")
    parser.add_argument("--mode", choices=modes, default=modes[0], help="which fields to read")
    return parser.parse_args()


def list_url(base_url: str) -> str:
    """Return the first page's URL of the Calls list on the server at base_url."""
    return f"{base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json?PageSize={PAGE_SIZE}"


def fold(value: object) -> int:
    """Reduce one value, as a client hands it to its user, to a deterministic integer."""
    if value is None:
        return 0
    if isinstance(value, str):  # str-based enums land here too, as their value
        return len(value) + ord(value[-1]) if value else 0
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        # utctimetuple() reads naive datetimes as UTC, so naive and aware UTC agree.
        return calendar.timegm(value.utctimetuple())
    if isinstance(value, Decimal):
        return int(value * PRICE_SCALE)
    if isinstance(value, Enum):
        return fold(value.value)
    if isinstance(value, Mapping):
        return sum(fold(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(fold(item) for item in value)
    # Anything else (a float price, a custom wrapper) folds as its text and will not match.
    return fold(str(value))


def report(checksum: int, records: int, expected: int) -> None:
    """Print the one line run.py reads, and fail if the record count is wrong."""
    print(f"checksum={checksum} records={records}", flush=True)
    if records != expected:
        sys.exit(f"expected {expected} records, read {records}")
