"""A month-like export read as one stream, then as 8 Dask partitions side by side.

    python bench/twiorm_dask.py [--latency 0.1] [--per-day 500]

The local Twilio is twiorm's sandbox, each answer waiting ``--latency`` seconds; 8 UTC days
hold ``--per-day`` Calls each, read 100 to a page. Prints the seconds of each, the records
read, and the speed-up.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timedelta, timezone

try:
    import twiorm
    from twiorm.contrib.dask import read
    from twiorm.resources import Call
    from twiorm.sandbox import run
except ImportError as exc:
    sys.exit(f"twiorm with the dask extra: not importable ({exc})")

DAYS = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--per-day", type=int, default=500)
    args = parser.parse_args()
    first = datetime(2026, 11, 1, tzinfo=timezone.utc)
    with run(latency=args.latency) as sandbox:
        total = DAYS * args.per_day
        sandbox.seed(Call, total, start_time=lambda i: first + timedelta(days=i % DAYS, seconds=i))
        os.environ.update(
            TWILIO_ACCOUNT_SID=sandbox.account_sid,
            TWILIO_AUTH_TOKEN=sandbox.auth_token,
            TWIORM_BASE_URL=sandbox.url,
        )
        started = time.perf_counter()
        one = 0
        for batch in Call.objects.using(twiorm.Client()).iter_batches(["sid"], page_size=100):
            one += batch.num_rows
        stream = time.perf_counter() - started
        started = time.perf_counter()
        frame = read(
            Call.objects.all(),
            start=first.date(),
            end=first.date() + timedelta(days=DAYS),
            fields=["sid"],
        )
        parted = len(frame.compute(scheduler="threads", num_workers=DAYS))
        partitioned = time.perf_counter() - started
    print(
        f"records={one}/{parted} one_stream={stream:.2f}s partitions={DAYS} "
        f"partitioned={partitioned:.2f}s speedup={stream / partitioned:.1f}x"
    )
    if one != total or parted != total:
        sys.exit(f"expected {total} records, read {one} and {parted}")


if __name__ == "__main__":
    main()
