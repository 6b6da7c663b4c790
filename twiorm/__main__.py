"""``python -m twiorm``: run the demo, or a local Twilio sandbox until interrupted.

::

    python -m twiorm demo
    python -m twiorm sandbox --port 8099 --seed Call=500 --seed Message=100
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

# mypy cannot see twiorm.resources in a checkout: it installs from the resources/ folder
import twiorm.resources  # type: ignore[import-not-found,unused-ignore]
from twiorm.resource import Resource

__all__ = ["main"]


def _seedable() -> list[str]:
    """Resources the command line can seed: those with no parent but the account."""
    return [
        name
        for name in twiorm.resources.__all__
        if set(getattr(twiorm.resources, name)._meta.path_params) <= {"account_sid"}
    ]


def _seed_spec(text: str) -> tuple[type[Resource], int]:
    name, _, count = text.partition("=")
    resource = getattr(twiorm.resources, name, None)
    if not (isinstance(resource, type) and issubclass(resource, Resource)):
        raise argparse.ArgumentTypeError(
            f"unknown resource {name!r}; one of: {', '.join(_seedable())}"
        )
    if name not in _seedable():
        parents = sorted(set(resource._meta.path_params) - {"account_sid"})
        raise argparse.ArgumentTypeError(
            f"{name} belongs to a parent ({', '.join(parents)}): seed it from Python, "
            f"Sandbox.seed({name}, n, {parents[0]}=...); here one of: {', '.join(_seedable())}"
        )
    try:
        number = int(count or "1")
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected RESOURCE=COUNT (COUNT ≥ 0), got {text!r}")
    return resource, number


def _account_sid(text: str) -> str:
    if not re.fullmatch(r"AC[0-9a-fA-F]{32}", text):
        raise argparse.ArgumentTypeError(f"an account SID is AC and 32 hex digits, got {text!r}")
    return text


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, got {text!r}")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m twiorm", description="twiorm: Django-style resources over Twilio"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="tour the library against a local sandbox, then exit")
    sandbox = commands.add_parser(
        "sandbox", help="serve a local Twilio on 127.0.0.1 until interrupted"
    )
    sandbox.add_argument("--port", type=_port, default=8099, help="0 picks a free port")
    sandbox.add_argument(
        "--account-sid", type=_account_sid, help="the account to serve (default: a fresh one)"
    )
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
    try:
        sandbox = run(port=args.port, account_sid=args.account_sid, auth_token=args.auth_token)
    except OSError as exc:
        print(
            f"python -m twiorm sandbox: cannot listen on port {args.port}: {exc.strerror}",
            file=sys.stderr,
        )
        print("  pass --port 0 for a free port, or another --port", file=sys.stderr)
        return 2
    with sandbox:
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
