"""twiorm streaming Calls through its lazy QuerySet.

    Call.objects.using(client).iterator(page_size=1000)

"four" reads call.sid, .duration, .price, .date_created as twiorm types them; "all" every
property Call declares (Call._meta.properties). Checksums must match the typed floor and the SDK.
"""

from __future__ import annotations

import sys
from typing import Any

from contract import ACCOUNT_SID, AUTH_TOKEN, PAGE_SIZE, fold, parse_args, report

try:
    import twiorm
    from twiorm.resources import Call
except ImportError as exc:
    sys.exit(f"twiorm: not importable ({exc})")


def fold_four(call: Any) -> int:
    return fold(call.sid) + fold(call.duration) + fold(call.price) + fold(call.date_created)


def main() -> None:
    args = parse_args(__doc__)
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_urls={"api": args.url})
    calls = Call.objects.using(client).iterator(page_size=PAGE_SIZE)
    names = tuple(Call._meta.properties)  # what responses carry, not write-only parameters
    checksum = records = 0
    if args.mode == "four":
        for call in calls:
            checksum += fold_four(call)
            records += 1
    else:
        for call in calls:
            for name in names:
                checksum += fold(getattr(call, name))
            records += 1
    report(checksum, records, args.n)


if __name__ == "__main__":
    main()
