"""twiorm's pytest plugin, loaded through the ``pytest11`` entry point when twiorm is installed.

Fixtures:

* ``twilio_sandbox``: a fresh local Twilio per test (``twiorm.sandbox.Sandbox``), with
  ``.client``, ``.seed()``, ``.records()``, ``.requests`` and ``.assert_requests(n)``;
* ``twilio_cassette``: record a test's real Twilio exchanges once with vcrpy, then replay
  them, keeping no secrets in the file (see "What a cassette keeps" below).

::

    def test_sends_a_reminder(twilio_sandbox):
        remind(client=twilio_sandbox.client)
        (message,) = twilio_sandbox.records(Message)
        assert message.body.startswith("Reminder")

    def test_against_twilio(twilio_cassette):
        with twilio_cassette() as cassette:   # cassettes/<test module>/<test name>.yaml
            ...
        assert cassette.play_count == len(cassette)   # every exchange replayed

Cassettes go under the ``twiorm_cassette_dir`` ini option (default ``cassettes``,
relative to the rootdir). vcrpy is needed only by ``twilio_cassette``.

What a cassette keeps. Requests and answers are scrubbed before they are written: the
Authorization header is dropped; other secret-looking headers (``Cookie``,
``X-Auth-Token`` …), secret parameters (``SipAuthPassword``, ``AuthToken`` …, by
``twiorm.redaction.is_secret_name``) in form bodies and query strings, secret members of
JSON bodies (``"auth_token"``, ``"secret"``, ``"password"`` …), passwords inside URLs
(``https://user:pass@host/``) and secret-looking keys in URLs' query strings
(``?token=``, ``&api_key=``, ``&key=``, ``&sig=`` …) become ``[scrubbed]``; every account
SID becomes ``AC000…`` (``SCRUBBED_ACCOUNT_SID``) and every phone number the fictional
``SCRUBBED_NUMBER`` (Twilio's reserved ``+1500555xxxx`` test numbers are kept: they are
what the test is about). The scrubbing goes by shape, so free text that looks like a
secret parameter (a message body saying ``key=1234``) is scrubbed too.

Replaying gives the test those scrubbed values, not the real ones it saw while
recording: a number it sent comes back as ``+15555550100`` and an account's
``auth_token`` as ``[scrubbed]``. Assert on what survives scrubbing (SIDs other than the
account's, statuses, bodies, Twilio's test numbers), or on what the code sent:
``with twilio_cassette() as cassette`` gives the vcrpy ``Cassette``, whose
``requests`` are the recorded (scrubbed) requests, and ``twiorm.testing.count_requests``
shows the requests the code really sent, parameters unscrubbed::

    with twilio_cassette(), count_requests(client) as sent:
        notify(client, "+14155550100")
    assert dict(sent.requests[0].data)["To"] == "+14155550100"

Live requests are scrubbed the same way before vcrpy matches them against the
cassette (on method, path, query and body), so a replay matches what was recorded.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote_plus, unquote_plus

import pytest

from twiorm.redaction import is_secret_name, redact_text, redact_url
from twiorm.sandbox import Sandbox, run

__all__ = [
    "SCRUBBED",
    "SCRUBBED_ACCOUNT_SID",
    "SCRUBBED_NUMBER",
    "scrub_request",
    "scrub_response",
    "scrub_text",
    "scrubbing_vcr",
    "twilio_cassette",
    "twilio_sandbox",
]

#: What every secret value becomes in a cassette.
SCRUBBED: Final = "[scrubbed]"
#: What every account SID becomes in a cassette.
SCRUBBED_ACCOUNT_SID: Final = "AC" + "0" * 32
#: What every phone number becomes (555-01xx numbers are reserved for fiction).
SCRUBBED_NUMBER: Final = "+15555550100"
_SCRUBBED_NATIONAL: Final = "(555) 555-0100"
_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
# E.164 numbers, raw or percent-encoded, except Twilio's reserved +1500555xxxx test numbers.
_NUMBER = re.compile(r"(\+|%2[Bb])(?!1500555[0-9]{4}(?![0-9]))[1-9][0-9]{6,14}(?![0-9])")
_NATIONAL = re.compile(r"\([2-9][0-9]{2}\) [0-9]{3}-[0-9]{4}")
_FORM = "application/x-www-form-urlencoded"


def scrub_text(text: str) -> str:
    """Replace secrets, account SIDs and phone numbers in free text (a JSON body …)."""
    return _scrub_identifiers(redact_text(text, SCRUBBED))


def _scrub_identifiers(text: str) -> str:
    text = _ACCOUNT_SID.sub(SCRUBBED_ACCOUNT_SID, text)
    text = _NUMBER.sub(lambda m: m.group(1) + SCRUBBED_NUMBER[1:], text)
    return _NATIONAL.sub(_SCRUBBED_NATIONAL, text)


def _scrub_pairs(encoded: str) -> str:
    """Scrub a query string or form body pair by pair; pairs with no secret stay as sent.

    The names are Twilio's parameters, checked with ``is_secret_name``; a value holding a
    URL (a callback) loses the password and secret query keys it carries.
    """
    pairs = []
    for pair in encoded.split("&"):
        name, equals, value = pair.partition("=")
        if equals and value:
            decoded = unquote_plus(value)
            if is_secret_name(unquote_plus(name)):
                value = quote_plus(SCRUBBED)
            elif "://" in decoded and redact_url(decoded, SCRUBBED) != decoded:
                value = quote_plus(redact_url(decoded, SCRUBBED))
        pairs.append(f"{name}{equals}{value}")
    return "&".join(pairs)


def _scrub_uri(uri: str) -> str:
    uri = redact_url(uri, SCRUBBED)  # the userinfo, if any
    head, question, rest = uri.partition("?")
    if question:
        query, hash_, fragment = rest.partition("#")
        uri = f"{head}?{_scrub_pairs(query)}{hash_}{fragment}"
    return _scrub_identifiers(uri)


def _scrub_body(body: Any, form: bool = False) -> Any:
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body  # binary media: nothing of ours to find
        return _scrub_body(text, form).encode("utf-8")
    if isinstance(body, str):
        return _scrub_identifiers(_scrub_pairs(body)) if form else scrub_text(body)
    return body


def _is_secret_header(name: str) -> bool:
    return is_secret_name(name) or name.lower().endswith("signature")


def _scrub_header(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return SCRUBBED if _is_secret_header(name) else scrub_text(value)


def scrub_request(request: Any) -> Any:
    """vcrpy ``before_record_request`` hook (vcrpy hands it a copy): scrub the URL, the
    headers and the body (a form body pair by pair, any other as text).

    vcrpy applies it to live requests before matching too, so a replay matches.
    """
    request.uri = _scrub_uri(request.uri)
    headers = request.headers
    for name in list(headers):
        headers[name] = _scrub_header(name, headers[name])
    content_type = str(headers.get("Content-Type") or "")
    request.body = _scrub_body(request.body, form=content_type.startswith(_FORM))
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """vcrpy ``before_record_response`` hook: scrub a copy of the headers and body (the
    test still gets the real ones while recording)."""
    scrubbed = copy.deepcopy(response)
    headers = scrubbed.get("headers")
    if isinstance(headers, dict):
        for name, values in headers.items():
            headers[name] = (
                [_scrub_header(name, value) for value in values]
                if isinstance(values, list)
                else _scrub_header(name, values)
            )
    body = scrubbed.get("body")
    if isinstance(body, dict) and "string" in body:
        body["string"] = _scrub_body(body["string"])
    return scrubbed


def scrubbing_vcr(**options: Any) -> Any:
    """A ``vcr.VCR`` that keeps credentials, account SIDs and phone numbers out of cassettes.

    ``options`` go to ``vcr.VCR`` (``record_mode``, ``match_on`` …). Its
    ``use_cassette(path)`` gives the ``Cassette`` to a ``with ... as cassette`` block.
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
    """Open this test's scrubbed cassette: ``with twilio_cassette() as cassette: ...``.

    Call it with a name to keep several cassettes per test, and with vcrpy options
    (``record_mode="none"`` in CI) to change how it records. The block gets the vcrpy
    ``Cassette`` (``.requests``, ``.responses``, ``.play_count``, scrubbed as written);
    a replay answers with the scrubbed values (see the module's docstring).
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
