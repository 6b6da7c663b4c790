"""The ``twiorm`` command: every listed resource of the navigation, from a shell.

::

    twiorm --version
    twiorm api.v2010.calls list --to +14155550100 --start-time-after 2026-11-01 --limit 20
    twiorm api.v2010.calls get CA...
    twiorm api.v2010.calls export --start 2026-11-01 --end 2026-11-08 --format parquet \
        --out calls.parquet
    twiorm "conversations.v1.services(IS...).conversations" list --format json
    twiorm demo | sandbox | coverage       # as python -m twiorm

A path is the helper style's (``client.api.v2010.calls``) without ``client.``; a step that
takes a value is written ``name(VALUE)``. ``list`` takes the list's filters as options
(``--start-time-after`` for ``start_time__gte``) and prints a table on a terminal, else
JSON lines (``--format json``) or CSV (``--format csv``). Credentials come from the
environment as for ``twiorm.Client()``; ``--base-url`` (or ``TWIORM_BASE_URL``) points at
a local sandbox. Exit status: 0, 2 for bad arguments, 3 when Twilio refuses the credentials,
4 for another error answer, 5 when the client cannot be made (no credentials).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import twiorm
from twiorm.errors import (
    AuthenticationError,
    ConfigurationError,
    TwilioAPIError,
    TwiormError,
    ValidationError,
)
from twiorm.lists import ListResource
from twiorm.version import __version__

__all__ = ["main"]

_STEP = re.compile(r"([a-z_][a-z0-9_]*)(?:\((.*)\))?$")
_OWN_COMMANDS = ("demo", "sandbox", "coverage")
_EXIT = {"usage": 2, "auth": 3, "api": 4, "config": 5}


def option_name(keyword: str) -> str:
    """``start_time__gte`` → ``--start-time-after``; ``from_`` → ``--from``."""
    name = keyword.replace("__gte", "_after").replace("__lte", "_before").rstrip("_")
    return "--" + name.replace("_", "-")


def navigate(client: twiorm.Client, path: str) -> ListResource[Any]:
    """Follow ``api.v2010.calls`` or ``conversations.v1.services(IS...).roles`` from a client."""
    target: Any = client
    for step in path.split("."):
        match = _STEP.match(step)
        if match is None:
            raise ValidationError(f"not a step of a path: {step!r} (write name or name(VALUE))")
        name, value = match.groups()
        target = getattr(target, name)
        if value is not None:
            target = target(*[part for part in value.split(",") if part])
    if not isinstance(target, ListResource):
        raise ValidationError(f"{path} is not a list of records (it is {type(target).__name__})")
    return target


def _parser(listing: ListResource[Any] | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twiorm",
        description="Twilio's REST API from a shell, over twiorm's declarations.",
        epilog=_resources_epilog() if listing is None else None,
    )
    parser.add_argument("--version", action="version", version=f"twiorm {__version__}")
    parser.add_argument(
        "--base-url", help="send to this host (a local sandbox); or TWIORM_BASE_URL"
    )
    parser.add_argument("path", help="the list, as in the helper style: api.v2010.calls")
    verbs = parser.add_subparsers(dest="verb", required=True)
    listed = verbs.add_parser("list", help="records matching the filters")
    got = verbs.add_parser("get", help="one record by its identity")
    got.add_argument("identity")
    exported = verbs.add_parser("export", help="a date range of records to a file")
    exported.add_argument("--start", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    exported.add_argument(
        "--end", type=date.fromisoformat, required=True, help="YYYY-MM-DD, excluded"
    )
    exported.add_argument("--format", choices=("parquet", "csv", "json"), default="csv")
    exported.add_argument("--out", required=True, help="the file to write")
    exported.add_argument("--progress", action="store_true", help="show progress")
    for sub in (listed, got, exported):
        sub.add_argument("--fields", help="comma-separated properties to output")
    listed.add_argument("--limit", type=int, help="at most this many records")
    listed.add_argument(
        "--format", choices=("table", "json", "csv"), help="default: table on a terminal, else json"
    )
    if listing is not None:
        meta = listing.model._meta
        filters = list(meta.filters)
        for keyword in filters:
            listed.add_argument(option_name(keyword), dest=f"filter:{keyword}", metavar="VALUE")
        listed.description = f"Filters of {listing.model.__name__}: " + (
            ", ".join(option_name(k) for k in filters) or "none"
        )
        got.description = f"Properties: {', '.join(meta.properties)}"
    return parser


def _resources_epilog() -> str:
    index = __import__("twiorm.resources._index", fromlist=["DOMAINS"])
    return "domains: " + ", ".join(sorted(index.DOMAINS)) + " (e.g. api.v2010.calls)"


def _rows(records: Iterable[Any], names: Sequence[str]) -> Iterable[dict[str, Any]]:
    for record in records:
        values = record.to_dict(mode="json")
        yield {name: values.get(name) for name in names} if names else values


def _print(records: Iterable[Any], names: Sequence[str], fmt: str) -> None:
    rows = _rows(records, names)
    if fmt == "json":
        for row in rows:
            print(json.dumps(row, separators=(",", ":")))
        return
    materialised = list(rows)
    columns = list(names) or (list(materialised[0]) if materialised else [])
    if fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(materialised)
        return
    shown = [
        [("" if row.get(c) is None else str(row.get(c))) for c in columns] for row in materialised
    ]
    widths = [max([len(c), *(len(r[i]) for r in shown)]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for r in shown:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))


def _default_fields(listing: ListResource[Any], fmt: str) -> list[str]:
    properties = list(listing.model._meta.properties)
    return properties[:6] if fmt == "table" else []


def run(argv: Sequence[str]) -> int:
    """Run a resource command; return the exit status."""
    probe = argparse.ArgumentParser(add_help=False)
    probe.add_argument("--base-url")
    probe.add_argument("--version", action="store_true")
    known, rest = probe.parse_known_args(argv)
    if known.version:
        print(f"twiorm {__version__}")
        return 0
    path = next((a for a in rest if not a.startswith("-")), None)
    if path is None:
        _parser(None).print_help()
        return _EXIT["usage"] if argv else 0
    try:
        client = twiorm.Client(base_url=known.base_url) if known.base_url else twiorm.Client()
    except ConfigurationError as exc:
        print(f"twiorm: {exc}", file=sys.stderr)
        return _EXIT["config"]
    try:
        listing = navigate(client, path)
    except (AttributeError, ValidationError, TypeError) as exc:
        print(f"twiorm: {path}: {exc}", file=sys.stderr)
        return _EXIT["usage"]
    args = _parser(listing).parse_args(argv)
    names = [n for n in (args.fields or "").split(",") if n]
    try:
        if args.verb == "get":
            _print([listing(args.identity).fetch()], names, "json")
        elif args.verb == "list":
            fmt = args.format or ("table" if sys.stdout.isatty() else "json")
            filters = {
                key.removeprefix("filter:"): value
                for key, value in vars(args).items()
                if key.startswith("filter:") and value is not None
            }
            records = listing.stream(limit=args.limit, **filters)
            _print(records, names or _default_fields(listing, fmt), fmt)
        else:
            _export(listing, args, names)
    except AuthenticationError as exc:
        print(f"twiorm: Twilio refused the credentials: {exc.message}", file=sys.stderr)
        return _EXIT["auth"]
    except TwilioAPIError as exc:
        print(f"twiorm: {exc}", file=sys.stderr)
        return _EXIT["api"]
    except TwiormError as exc:
        print(f"twiorm: {exc}", file=sys.stderr)
        return _EXIT["usage"]
    return 0


def _export(listing: ListResource[Any], args: argparse.Namespace, names: list[str]) -> None:
    meta = listing.model._meta
    ranged = [k.removesuffix("__gte") for k in meta.filters if k.endswith("__gte")]
    if not ranged:
        raise ValidationError(f"{listing.model.__name__} has no date range to export by")
    field = ranged[0]
    end = datetime.combine(args.end, datetime.min.time()) - timedelta(microseconds=1)
    queryset = listing.filter(**{f"{field}__gte": args.start, f"{field}__lte": end})
    fields = names or None
    if args.format == "parquet":
        queryset.to_parquet(args.out, fields, progress=args.progress)
    elif args.format == "csv":
        with open(args.out, "wb") as out:
            queryset.to_csv(out, fields, progress=args.progress)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            for row in _rows(queryset.iterator(), names):
                out.write(json.dumps(row, separators=(",", ":")) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: resource commands, or demo / sandbox / coverage."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in _OWN_COMMANDS:
        from twiorm.__main__ import main as tools

        return tools(arguments)
    return run(arguments)


if __name__ == "__main__":
    sys.exit(main())
