"""Floor for a typed client: requests + json.loads, then every field read as its Python type.

RFC 2822 dates become aware datetimes (email.utils.parsedate_to_datetime), the price a
Decimal, duration and queue_time ints; the other fields are already their type (str, dict).
"four" converts and folds sid, duration, price, date_created; "all" every field of a record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from contract import ACCOUNT_SID, AUTH_TOKEN, fold, list_url, parse_args, report


def to_datetime(raw: str | None) -> datetime | None:
    return None if raw is None else parsedate_to_datetime(raw)


def to_int(raw: str | None) -> int | None:
    return None if raw is None else int(raw)


def to_decimal(raw: str | None) -> Decimal | None:
    return None if raw is None else Decimal(raw)


# Fields whose JSON value is not yet their type; all the others pass through unchanged.
CONVERTERS: dict[str, Callable[[Any], object]] = {
    "date_created": to_datetime,
    "date_updated": to_datetime,
    "start_time": to_datetime,
    "end_time": to_datetime,
    "duration": to_int,
    "queue_time": to_int,
    "price": to_decimal,
}


def fold_four(call: dict[str, Any]) -> int:
    return (
        fold(call["sid"])
        + fold(to_int(call["duration"]))
        + fold(to_decimal(call["price"]))
        + fold(to_datetime(call["date_created"]))
    )


def fold_all(call: dict[str, Any]) -> int:
    checksum = 0
    for key, raw in call.items():
        convert = CONVERTERS.get(key)
        checksum += fold(convert(raw) if convert else raw)
    return checksum


def main() -> None:
    args = parse_args(__doc__)
    fold_call = fold_four if args.mode == "four" else fold_all
    session = requests.Session()
    session.auth = (ACCOUNT_SID, AUTH_TOKEN)
    url: str | None = list_url(args.url)
    checksum = records = 0
    while url:
        response = session.get(url)
        response.raise_for_status()
        page = json.loads(response.content)
        for call in page["calls"]:
            checksum += fold_call(call)
        records += len(page["calls"])
        next_uri = page["next_page_uri"]
        url = args.url + next_uri if next_uri else None
    report(checksum, records, args.n)


if __name__ == "__main__":
    main()
