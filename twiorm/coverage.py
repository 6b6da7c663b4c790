"""How many of the operations in Twilio's OpenAPI documents twiorm declares.

``python -m twiorm coverage`` reads the documents (``--spec DIR``, else
``$TWIORM_SPEC_DIR``, else ``../shared/twilio-oai`` beside the checkout), loads every
declaration, and compares operation by operation: host, HTTP method and URL (placeholders
compared by position, not name). It prints declared / documented per domain and version,
lists what is missing, and exits 1 if anything is.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from twiorm import registry
from twiorm.rest import load_every_declaration

__all__ = ["Coverage", "default_spec_dir", "measure", "report"]

_METHODS = ("get", "post", "put", "patch", "delete")


class Coverage(NamedTuple):
    """Documented operations by (domain host, version module), and those not declared."""

    documented: dict[tuple[str, str], int]
    missing: dict[tuple[str, str], list[str]]

    @property
    def total(self) -> int:
        return sum(self.documented.values())

    @property
    def declared(self) -> int:
        return self.total - sum(len(m) for m in self.missing.values())


def default_spec_dir() -> Path:
    configured = os.environ.get("TWIORM_SPEC_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "twilio-oai"


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _documented(spec_dir: Path) -> Iterator[tuple[str, str, str, str]]:
    """(host, version, method, path) of every operation in the documents."""
    for path in sorted(spec_dir.glob("twilio_*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        for url, item in document["paths"].items():
            servers = item.get("servers") or document.get("servers") or []
            host = servers[0]["url"].removeprefix("https://").split(".")[0] if servers else ""
            version = registry.version_name(url.split("/")[1])
            for method in _METHODS:
                if method in item:
                    yield host, version, method.upper(), url


def measure(spec_dir: Path) -> Coverage:
    """Compare the documents in ``spec_dir`` with every declared operation."""
    load_every_declaration()
    declared = {
        (model._meta.domain, op.method, _shape(op.path))
        for model in registry.resources()
        for op in model._meta.operations.values()
    }
    documented: dict[tuple[str, str], int] = defaultdict(int)
    missing: dict[tuple[str, str], list[str]] = defaultdict(list)
    for host, version, method, url in _documented(spec_dir):
        documented[(host, version)] += 1
        if (host, method, _shape(url)) not in declared:
            missing[(host, version)].append(f"{method} {url}")
    return Coverage(dict(documented), dict(missing))


def report(coverage: Coverage) -> str:
    """The table ``python -m twiorm coverage`` prints."""
    lines = [f"{'domain':<16} {'version':<16} {'declared':>9}"]
    for (host, version), count in sorted(coverage.documented.items()):
        missed = len(coverage.missing.get((host, version), []))
        lines.append(f"{host:<16} {version:<16} {count - missed:>4}/{count:<4}")
    for (host, version), urls in sorted(coverage.missing.items()):
        lines.extend(f"missing {host} {version}: {url}" for url in urls)
    share = coverage.declared / coverage.total if coverage.total else 0.0
    lines.append(
        f"total: {coverage.declared}/{coverage.total} operations declared ({share:.0%}) "
        f"in {len(coverage.documented)} domain versions"
    )
    return "\n".join(lines)
