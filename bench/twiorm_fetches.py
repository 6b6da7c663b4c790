"""Many Calls fetched one by one (sync) or with many in flight (async), against a slow server.

    python bench/twiorm_fetches.py --url URL --sid CA... --sid CA... --mode sync
    python bench/twiorm_fetches.py --url URL --sid CA... --sid CA... --mode async --in-flight 20

Prints ``fetches=<count> seconds=<wall time of the fetches>``; the client is built first.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from contract import ACCOUNT_SID, AUTH_TOKEN

try:
    import twiorm
    from twiorm.resources import Call
except ImportError as exc:
    sys.exit(f"twiorm: not importable ({exc})")


def fetch_sync(client: twiorm.Client, sids: list[str]) -> None:
    calls = Call.objects.using(client)
    for sid in sids:
        calls.get(sid)


async def fetch_async(client: twiorm.Client, sids: list[str]) -> None:
    calls = Call.objects.using(client)
    async with client:
        await asyncio.gather(*(calls.aget(sid) for sid in sids))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--sid", action="append", required=True, help="a Call SID (repeatable)")
    parser.add_argument("--mode", choices=("sync", "async"), required=True)
    parser.add_argument("--in-flight", type=int, default=20)
    args = parser.parse_args()
    client = twiorm.Client(
        ACCOUNT_SID,
        AUTH_TOKEN,
        base_urls={"api": args.url},
        max_concurrency=args.in_flight,
        max_connections=args.in_flight,
    )
    started = time.perf_counter()
    if args.mode == "sync":
        fetch_sync(client, args.sid)
    else:
        asyncio.run(fetch_async(client, args.sid))
    print(f"fetches={len(args.sid)} seconds={time.perf_counter() - started:.4f}")


if __name__ == "__main__":
    main()
