"""twiorm streaming Calls with async and await, through the same lazy QuerySet.

    async for call in Call.objects.using(client).aiterator(page_size=1000)

The fields read, and so the checksum, are twiorm_stream.py's: the two must agree.
"""

from __future__ import annotations

import asyncio
import sys

from contract import ACCOUNT_SID, AUTH_TOKEN, PAGE_SIZE, fold, parse_args, report

try:
    from twiorm_stream import fold_four

    import twiorm
    from twiorm.resources import Call
except ImportError as exc:
    sys.exit(f"twiorm: not importable ({exc})")


async def stream(url: str, mode: str) -> tuple[int, int]:
    names = tuple(Call._meta.properties)
    checksum = records = 0
    async with twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_urls={"api": url}) as client:
        async for call in Call.objects.using(client).aiterator(page_size=PAGE_SIZE):
            if mode == "four":
                checksum += fold_four(call)
            else:
                for name in names:
                    checksum += fold(getattr(call, name))
            records += 1
    return checksum, records


def main() -> None:
    args = parse_args(__doc__)
    checksum, records = asyncio.run(stream(args.url, args.mode))
    report(checksum, records, args.n)


if __name__ == "__main__":
    main()
