"""The official SDK (`pip install twilio`) streaming Calls, as its users write it.

    client.api.v2010.account.calls.stream(page_size=1000)

The SDK parses the four dates itself and leaves duration, price and queue_time as strings;
this script converts those as any user who needs the numbers must, so its checksum matches
the typed floor's. "four" reads sid, duration, price, date_created; "all" every property.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from contract import ACCOUNT_SID, AUTH_TOKEN, PAGE_SIZE, fold, parse_args, report

try:
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client
except ImportError:
    sys.exit("twilio is not installed: pip install twilio (or the project's bench extra)")

# Every public property of CallInstance; the SDK stores "from" as `_from`.
ALL_PROPERTIES = (
    "sid", "date_created", "date_updated", "parent_call_sid", "account_sid", "to",
    "to_formatted", "_from", "from_formatted", "phone_number_sid", "status", "start_time",
    "end_time", "duration", "price", "price_unit", "direction", "answered_by", "api_version",
    "forwarded_from", "group_sid", "caller_name", "queue_time", "stir_verstat", "trunk_sid",
    "uri", "subresource_uris",
)  # fmt: skip
AS_INT = frozenset({"duration", "queue_time"})


class LocalHttpClient(TwilioHttpClient):  # type: ignore[misc]  # twilio ships no type hints
    """Send the SDK's https://api.twilio.com requests to the local server instead.

    The SDK builds absolute URLs, next pages included, so the host is swapped per request.
    """

    def __init__(self, base_url: str) -> None:
        super().__init__()
        local = urlsplit(base_url)
        self._scheme, self._netloc = local.scheme, local.netloc

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        local = urlsplit(url)._replace(scheme=self._scheme, netloc=self._netloc)
        return super().request(method, urlunsplit(local), *args, **kwargs)


def to_int(raw: str | None) -> int | None:
    return None if raw is None else int(raw)


def to_decimal(raw: str | None) -> Decimal | None:
    return None if raw is None else Decimal(raw)


def fold_four(call: Any) -> int:
    return (
        fold(call.sid)
        + fold(to_int(call.duration))
        + fold(to_decimal(call.price))
        + fold(call.date_created)
    )


def fold_all(call: Any) -> int:
    checksum = 0
    for name in ALL_PROPERTIES:
        value = getattr(call, name)
        if name in AS_INT:
            value = to_int(value)
        elif name == "price":
            value = to_decimal(value)
        checksum += fold(value)
    return checksum


def main() -> None:
    args = parse_args(__doc__)
    fold_call = fold_four if args.mode == "four" else fold_all
    client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=LocalHttpClient(args.url))
    checksum = records = 0
    for call in client.api.v2010.account.calls.stream(page_size=PAGE_SIZE):
        checksum += fold_call(call)
        records += 1
    report(checksum, records, args.n)


if __name__ == "__main__":
    main()
