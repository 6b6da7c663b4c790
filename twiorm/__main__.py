"""``python -m twiorm``: run the demo, or a local Twilio sandbox until interrupted.

::

    python -m twiorm demo
    python -m twiorm sandbox --port 8099 --seed Call=500 --seed Message=100
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

# mypy cannot see twiorm.resources in a checkout: it installs from the resources/ folder
import twiorm.resources  # type: ignore[import-not-found,unused-ignore]
from twiorm.resource import Resource

__all__ = ["main"]


def _seed_spec(text: str) -> tuple[type[Resource], int]:
    name, _, count = text.partition("=")
    resource = getattr(twiorm.resources, name, None)
    if not (isinstance(resource, type) and issubclass(resource, Resource)):
        known = ", ".join(twiorm.resources.__all__)
        raise argparse.ArgumentTypeError(f"unknown resource {name!r}; one of: {known}")
    try:
        return resource, int(count or "1")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected RESOURCE=COUNT, got {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m twiorm", description="twiorm: Django-style resources over Twilio"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="tour the library against a local sandbox, then exit")
    sandbox = commands.add_parser(
        "sandbox", help="serve a local Twilio on 127.0.0.1 until interrupted"
    )
    sandbox.add_argument("--port", type=int, default=8099, help="0 picks a free port")
    sandbox.add_argument("--account-sid", help="the account to serve (default: a fresh one)")
    sandbox.add_argument("--auth-token", help="its auth token (default: a fresh one)")
    sandbox.add_argument(
        "--seed",
        type=_seed_spec,
        action="append",
        default=[],
        metavar="RESOURCE=N",
        help="store N plausible records first, e.g. Call=500 (repeatable)",
    )
    return parser


def _serve(args: argparse.Namespace) -> int:
    from twiorm.sandbox import run

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    with run(port=args.port, account_sid=args.account_sid, auth_token=args.auth_token) as sandbox:
        for resource, count in args.seed:
            sandbox.seed(resource, count)
        print(f"twiorm sandbox listening on {sandbox.url}")
        print(f"  account SID  {sandbox.account_sid}")
        print(f"  auth token   {sandbox.auth_token}")
        for resource, count in args.seed:
            print(f"  seeded       {count} {resource.__name__} records")
        print(
            f'  client = twiorm.Client("{sandbox.account_sid}", "{sandbox.auth_token}", '
            f'base_url="{sandbox.url}")'
        )
        print("Press Ctrl-C to stop.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print("sandbox stopped")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from twiorm.demo import main as demo

        return demo()
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
