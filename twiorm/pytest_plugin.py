"""twiorm's pytest plugin, loaded through the ``pytest11`` entry point when twiorm is installed.

Fixtures:

* ``twilio_sandbox``: a fresh local Twilio per test (``twiorm.sandbox.Sandbox``), with
  ``.client``, ``.seed()``, ``.records()``, ``.requests`` and ``.assert_requests(n)``;
* ``twilio_cassette``: record a test's real Twilio exchanges once with vcrpy, then replay
  them, keeping no secrets in the file: no Authorization header, account SIDs replaced by
  ``AC000…``, auth tokens blanked and phone numbers replaced by a fictional one (Twilio's
  reserved ``+1500555xxxx`` test numbers are kept: they are what the test is about).

::

    def test_sends_a_reminder(twilio_sandbox):
        remind(client=twilio_sandbox.client)
        (message,) = twilio_sandbox.records(Message)
        assert message.body.startswith("Reminder")

    def test_against_twilio(twilio_cassette):
        with twilio_cassette():   # cassettes/<test module>/<test name>.yaml
            ...

Cassettes go under the ``twiorm_cassette_dir`` ini option (default ``cassettes``,
relative to the rootdir). vcrpy is needed only by ``twilio_cassette``.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Final

import pytest

from twiorm.sandbox import Sandbox, run

__all__ = [
    "SCRUBBED_ACCOUNT_SID",
    "SCRUBBED_NUMBER",
    "scrub_request",
    "scrub_response",
    "scrub_text",
    "scrubbing_vcr",
    "twilio_cassette",
    "twilio_sandbox",
]

#: What every account SID becomes in a cassette.
SCRUBBED_ACCOUNT_SID: Final = "AC" + "0" * 32
#: What every phone number becomes (555-01xx numbers are reserved for fiction).
SCRUBBED_NUMBER: Final = "+15555550100"
_SCRUBBED_NATIONAL: Final = "(555) 555-0100"
_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
# E.164 numbers, raw or percent-encoded, except Twilio's reserved +1500555xxxx test numbers.
_NUMBER = re.compile(r"(\+|%2[Bb])(?!1500555[0-9]{4}(?![0-9]))[1-9][0-9]{6,14}(?![0-9])")
_NATIONAL = re.compile(r"\([2-9][0-9]{2}\) [0-9]{3}-[0-9]{4}")
_AUTH_TOKEN = re.compile(r'("auth_token"\s*:\s*)"[^"]*"')


def scrub_text(text: str) -> str:
    """Replace account SIDs, auth tokens and phone numbers in ``text``."""
    text = _ACCOUNT_SID.sub(SCRUBBED_ACCOUNT_SID, text)
    text = _AUTH_TOKEN.sub(r'\1"[scrubbed]"', text)
    text = _NUMBER.sub(lambda m: m.group(1) + SCRUBBED_NUMBER[1:], text)
    return _NATIONAL.sub(_SCRUBBED_NATIONAL, text)


def _scrub_body(body: Any) -> Any:
    if isinstance(body, bytes):
        try:
            return scrub_text(body.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            return body  # binary media: nothing of ours to find
    if isinstance(body, str):
        return scrub_text(body)
    return body


def scrub_request(request: Any) -> Any:
    """vcrpy ``before_record_request`` hook (vcrpy hands it a copy): scrub URL and body.

    vcrpy applies it to live requests before matching too, so a replay matches.
    """
    request.uri = scrub_text(request.uri)
    request.body = _scrub_body(request.body)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy ``before_record_response`` hook: scrub a copy of the body (the test still
    gets the real one while recording)."""
    scrubbed = copy.deepcopy(response)
    body = scrubbed.get("body")
    if isinstance(body, dict) and "string" in body:
        body["string"] = _scrub_body(body["string"])
    return scrubbed


def scrubbing_vcr(**options: Any) -> Any:
    """A ``vcr.VCR`` that keeps credentials, account SIDs and phone numbers out of cassettes.

    ``options`` go to ``vcr.VCR`` (``record_mode``, ``match_on`` …).
    """
    import vcr

    settings: dict[str, Any] = {
        "filter_headers": ["authorization"],
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "match_on": ("method", "path", "query", "body"),
        "decode_compressed_response": True,
    }
    settings.update(options)
    return vcr.VCR(**settings)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "twiorm_cassette_dir",
        "where twilio_cassette keeps cassettes, relative to the rootdir",
        default="cassettes",
    )


@pytest.fixture
def twilio_sandbox() -> Iterator[Sandbox]:
    """A fresh local Twilio for one test; ``.client`` talks to it."""
    with run() as sandbox:
        yield sandbox


@pytest.fixture
def twilio_cassette(
    request: pytest.FixtureRequest,
) -> Callable[..., AbstractContextManager[Any]]:
    """Open this test's scrubbed cassette: ``with twilio_cassette(): ...``.

    Call it with a name to keep several cassettes per test, and with vcrpy options
    (``record_mode="none"`` in CI) to change how it records.
    """
    folder = Path(str(request.config.rootpath)) / str(request.config.getini("twiorm_cassette_dir"))
    module = request.node.module.__name__.rsplit(".", 1)[-1] if request.node.module else "tests"

    def open_cassette(name: str | None = None, **options: Any) -> AbstractContextManager[Any]:
        if name is not None and not _SAFE_NAME.fullmatch(name):
            raise ValueError(f"a cassette name is letters, digits, '_', '-' and '.', got {name!r}")
        path = folder / module / f"{name or _cassette_name(request.node)}.yaml"
        cassette: AbstractContextManager[Any] = scrubbing_vcr(**options).use_cassette(str(path))
        return cassette

    return open_cassette


_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def _cassette_name(node: pytest.Item) -> str:
    """The test's name; a parametrized test's ids become a digest.

    Ids can hold phone numbers (``test_x[+14155550100]``) that the scrubber never sees
    in a file name, or a ``/`` that would make directories.
    """
    base = getattr(node, "originalname", None) or node.name
    ids = node.name[len(base) :]
    if not ids:
        return base
    return f"{base}-{hashlib.sha256(ids.encode()).hexdigest()[:12]}"
