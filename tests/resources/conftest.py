"""Replay (or, with TWIORM_RECORD set, record) cassettes of exchanges with Prism mocks.

Cassettes live in cassettes/<test module>/<test name>.yaml. They were recorded against
Prism serving Twilio's own OpenAPI documents (tools/record-cassettes.sh), so Twilio's spec
accepted every request in them. Replay matches method, path, query and body, and each
recorded exchange may be played once, so a test that sends an extra request fails.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import vcr

import twiorm

from ..conftest import ACCOUNT_SID, AUTH_TOKEN

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
RECORD_MODE = os.environ.get("TWIORM_RECORD") or "none"
# One Prism per Twilio host (see tools/record-cassettes.sh).
PRISM_PORTS = {"api": 4010, "messaging": 4011, "verify": 4012, "lookups": 4013}


@pytest.fixture
def twilio(request: pytest.FixtureRequest) -> Iterator[twiorm.Client]:
    """A client whose requests replay from this test's cassette."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    cassette = CASSETTES / module / f"{request.node.name}.yaml"
    if RECORD_MODE == "none" and not cassette.exists():
        pytest.fail(f"missing cassette {cassette}; record it with tools/record-cassettes.sh")
    recorder = vcr.VCR(
        record_mode=RECORD_MODE,
        match_on=("method", "path", "query", "body"),
        filter_headers=["authorization"],
    )
    client = twiorm.Client(
        ACCOUNT_SID,
        AUTH_TOKEN,
        base_urls={domain: f"http://127.0.0.1:{port}" for domain, port in PRISM_PORTS.items()},
    )
    with recorder.use_cassette(str(cassette)) as tape:
        yield client
    if RECORD_MODE == "none":
        assert tape.all_played, f"{cassette.name}: recorded requests were not sent"
