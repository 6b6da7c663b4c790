"""twiorm getting Calls out as values, an Arrow table or a Parquet file, a page at a time.

    python bench/twiorm_tables.py --url URL --n N --mode values|arrow|parquet

``values``: ``values_list("sid", "duration", "price", "start_time")`` streamed;
``arrow``: ``iter_batches()`` of every property, batches dropped as they come (what a
consumer writing them elsewhere holds); ``parquet``: ``to_parquet`` of every property to a
temporary file. Prints the line ``report`` prints (records and a checksum of the count).
"""

from __future__ import annotations

import os
import sys
import tempfile

from contract import ACCOUNT_SID, AUTH_TOKEN, PAGE_SIZE, parse_args, report

try:
    import twiorm
    from twiorm.resources import Call
except ImportError as exc:
    sys.exit(f"twiorm: not importable ({exc})")


def main() -> None:
    args = parse_args(__doc__, modes=("values", "arrow", "parquet"))
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_urls={"api": args.url})
    calls = Call.objects.using(client).all()
    records = 0
    if args.mode == "values":
        for _ in calls.values_list("sid", "duration", "price", "start_time").iterator(PAGE_SIZE):
            records += 1
    elif args.mode == "arrow":
        for batch in calls.iter_batches(page_size=PAGE_SIZE):
            records += batch.num_rows
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "calls.parquet")
            calls.to_parquet(path)
            import pyarrow.parquet

            records = pyarrow.parquet.ParquetFile(path).metadata.num_rows
    report(records, records, args.n)


if __name__ == "__main__":
    main()
