"""``python -m twiorm``: run the demo, or a local Twilio sandbox until interrupted.

::

    python -m twiorm demo
    python -m twiorm sandbox --port 8099 --seed Call=500 --seed Message=100
    python -m twiorm sandbox --module myapp.resources --seed Widget=20
    python -m twiorm --version

``--module`` imports a module before serving: the resources it declares register as their
classes are made, so the sandbox serves them, and ``--seed`` can name them.
"""

from __future__ import annotations

import argparse
import importlib
import re
import signal
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType, ModuleType

# mypy cannot see twiorm.resources in a checkout: it installs from the resources/ folder
import twiorm.resources
from twiorm.resource import Resource
from twiorm.version import __version__

__all__ = ["main"]


def _module_resources(module: ModuleType) -> dict[str, type[Resource]]:
    """The concrete resources ``module`` holds (its ``__all__``, if it has one), by name."""
    found: dict[str, type[Resource]] = {}
    for name in getattr(module, "__all__", None) or dir(module):
        value = getattr(module, name, None)
        if isinstance(value, type) and issubclass(value, Resource) and not value._meta.abstract:
            found[name] = value
    return found


def _resources(modules: Sequence[ModuleType]) -> dict[str, type[Resource]]:
    """Resources the command line can name: twiorm's own, then those of the ``--module``s."""
    found: dict[str, type[Resource]] = {}
    for module in (twiorm.resources, *modules):
        for name, resource in _module_resources(module).items():
            found.setdefault(name, resource)
    return found


def _seedable(resources: Mapping[str, type[Resource]]) -> list[str]:
    """Resources the command line can seed: those with no parent but the account."""
    return [
        name
        for name, resource in resources.items()
        if set(resource._meta.path_params) <= {"account_sid"}
    ]


def _seed_spec(text: str) -> tuple[str, int]:
    name, _, count = text.partition("=")
    try:
        number = int(count or "1")
    except ValueError:
        number = -1
    if number < 0 or not name:
        raise argparse.ArgumentTypeError(f"expected RESOURCE=COUNT (COUNT ≥ 0), got {text!r}")
    return name, number


def _seed_resource(name: str, resources: Mapping[str, type[Resource]]) -> type[Resource]:
    """The resource ``--seed`` names; ``ValueError`` saying why it cannot be seeded."""
    seedable = ", ".join(_seedable(resources))
    resource = resources.get(name)
    if resource is None:
        raise ValueError(f"unknown resource {name!r}; one of: {seedable}")
    parents = sorted(set(resource._meta.path_params) - {"account_sid"})
    if parents:
        raise ValueError(
            f"{name} belongs to a parent ({', '.join(parents)}): seed it from Python, "
            f"Sandbox.seed({name}, n, {parents[0]}=...); here one of: {seedable}"
        )
    return resource


def _import_modules(names: Sequence[str]) -> list[ModuleType]:
    """Import the ``--module``s (their resources register as they are defined).

    Raise ``ImportError`` with a one-line reason if one fails, whatever it raised.
    """
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except Exception as exc:  # the user's module may raise anything
            raise ImportError(f"cannot import module {name!r}: {_one_line(exc)}") from exc
    return modules


def _one_line(exc: BaseException) -> str:
    """``exc`` in one line, with the place it was raised in the user's code."""
    described = f"{type(exc).__name__}: {exc}".splitlines()[0]
    if isinstance(exc, (ModuleNotFoundError, SyntaxError)):  # the message says where
        return str(exc) if isinstance(exc, ModuleNotFoundError) else described
    # The innermost frame that is neither this file nor the import machinery.
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename != __file__ and not frame.filename.startswith("<frozen ")
    ]
    return f"{described} ({frames[-1].filename}:{frames[-1].lineno})" if frames else described


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
    parser.add_argument("--version", action="version", version=f"twiorm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="tour the library against a local sandbox, then exit")
    coverage = commands.add_parser(
        "coverage", help="compare the declared operations with Twilio's OpenAPI documents"
    )
    coverage.add_argument(
        "--spec",
        type=Path,
        default=None,
        help="the folder of twilio-oai's JSON documents (default: $TWIORM_SPEC_DIR, "
        "else ../shared/twilio-oai beside the checkout)",
    )
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
    sandbox.add_argument(
        "--module",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE first and serve the resources it declares, e.g. myapp.resources "
        "(repeatable)",
    )
    return parser


def _serve(
    args: argparse.Namespace,
    modules: Sequence[ModuleType],
    seeds: Sequence[tuple[type[Resource], int]],
) -> int:
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
        for resource, count in seeds:
            sandbox.seed(resource, count)
        print(f"twiorm sandbox listening on {sandbox.url}")
        print(f"  account SID  {sandbox.account_sid}")
        print(f"  auth token   {sandbox.auth_token}")
        for resource, count in seeds:
            print(f"  seeded       {count} {resource.__name__} records")
        shipped = set(_module_resources(twiorm.resources).values())
        for module in modules:
            own = sorted(n for n, r in _module_resources(module).items() if r not in shipped)
            print(f"  imported     {module.__name__} ({', '.join(own) or 'no resources'})")
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


def _coverage(spec: Path | None) -> int:
    from twiorm.coverage import default_spec_dir, measure, report

    folder = spec or default_spec_dir()
    if not folder.is_dir() or not any(folder.glob("twilio_*.json")):
        print(
            f"python -m twiorm coverage: no Twilio OpenAPI documents in {folder}", file=sys.stderr
        )
        return 2
    found = measure(folder)
    print(report(found))
    return 1 if found.missing else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from twiorm.demo import main as demo

        return demo()
    if args.command == "coverage":
        return _coverage(args.spec)
    try:
        modules = _import_modules(args.module)
    except ImportError as exc:
        print(f"python -m twiorm sandbox: {exc}", file=sys.stderr)
        return 2
    resources = _resources(modules)
    try:
        seeds = [(_seed_resource(name, resources), count) for name, count in args.seed]
    except ValueError as exc:
        parser.error(str(exc))  # exits 2 after the usage line, as argparse's own errors do
    return _serve(args, modules, seeds)


if __name__ == "__main__":
    sys.exit(main())
