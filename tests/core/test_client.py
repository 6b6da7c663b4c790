"""Client: credentials, environment, hosts, error mapping, and secrets kept secret."""

from __future__ import annotations

import logging
import pickle
import socket

import pytest

import twiorm
from twiorm.request import RequestSpec
from twiorm.transport import FunctionTransport, HTTPResponse

from ..conftest import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

SPEC = RequestSpec("GET", "api", f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls/CA{'0' * 32}.json")
PATH = SPEC.path


def test_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TWILIO_REGION", "au1")
    monkeypatch.setenv("TWILIO_EDGE", "sydney")
    client = twiorm.Client()
    assert client.account_sid == ACCOUNT_SID
    assert client.credentials.basic_auth() == (ACCOUNT_SID, AUTH_TOKEN)
    assert client.base_url("api") == "https://api.sydney.au1.twilio.com"


def test_api_key_from_the_environment_needs_the_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_API_KEY", "SK" + "1" * 32)
    monkeypatch.setenv("TWILIO_API_SECRET", "key-secret")
    with pytest.raises(twiorm.ConfigurationError, match="account_sid"):
        twiorm.Client()
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    client = twiorm.Client()
    assert client.account_sid == ACCOUNT_SID
    assert client.credentials.basic_auth() == ("SK" + "1" * 32, "key-secret")


def test_api_key_client_puts_the_account_in_paths(fake: FakeTwilio) -> None:
    client = twiorm.Client(
        "SK" + "1" * 32, "key-secret", account_sid=ACCOUNT_SID, transport=FunctionTransport(fake)
    )
    from twiorm.resources import Call

    assert (
        Call.objects.using(client)
        .all()
        .request()
        .path.startswith(f"/2010-04-01/Accounts/{ACCOUNT_SID}/")
    )


def test_no_credentials_is_a_configuration_error() -> None:
    with pytest.raises(twiorm.ConfigurationError, match="TWILIO_AUTH_TOKEN"):
        twiorm.Client()


@pytest.mark.parametrize(
    ("region", "edge", "host"),
    [
        (None, None, "https://api.twilio.com"),
        ("ie1", None, "https://api.ie1.twilio.com"),
        (None, "dublin", "https://api.dublin.us1.twilio.com"),
        ("au1", "sydney", "https://api.sydney.au1.twilio.com"),
    ],
)
def test_region_and_edge_routing(region: str | None, edge: str | None, host: str) -> None:
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, region=region, edge=edge)
    assert client.base_url("api") == host
    assert client.base_url("messaging") == host.replace("api", "messaging")


def test_base_url_overrides_per_domain() -> None:
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_urls={"api": "http://127.0.0.1:4010/"})
    assert client.base_url("api") == "http://127.0.0.1:4010"
    assert client.base_url("verify") == "https://verify.twilio.com"
    everything = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url="http://localhost:8099")
    assert everything.base_url("lookups") == "http://localhost:8099"


def test_plain_http_only_for_loopback() -> None:
    with pytest.raises(twiorm.ConfigurationError, match="loopback"):
        twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_urls={"api": "http://example.com"})
    assert twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url="https://proxy.example.com")


def test_next_page_links_are_rerooted_on_the_client_host() -> None:
    spec = RequestSpec.from_url(
        "GET", "messaging", "https://messaging.twilio.com/v1/Services?PageSize=20&Page=1"
    )
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_urls={"messaging": "http://[::1]:1"})
    assert client.url(spec) == "http://[::1]:1/v1/Services"
    assert dict(spec.params) == {"PageSize": "20", "Page": "1"}


def test_legacy_error_body_becomes_a_typed_error(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply(
        "GET",
        PATH,
        {
            "code": 20003,
            "message": "Authenticate",
            "more_info": "https://www.twilio.com/docs/errors/20003",
            "status": 401,
        },
        status=401,
    )
    with pytest.raises(twiorm.AuthenticationError) as caught:
        client.send(SPEC)
    error = caught.value
    assert (error.status, error.code, error.message) == (401, 20003, "Authenticate")
    assert error.more_info == "https://www.twilio.com/docs/errors/20003"
    assert error.method == "GET"
    assert error.url == "https://api.twilio.com" + PATH
    assert "20003" in str(error)
    assert AUTH_TOKEN not in str(error)


def test_problem_details_error_body_becomes_a_typed_error(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply(
        "GET",
        PATH,
        {
            "type": "https://www.twilio.com/docs/errors/60200",
            "title": "Invalid parameter",
            "status": 400,
            "code": 60200,
            "detail": "Invalid parameter: To",
        },
        status=400,
    )
    with pytest.raises(twiorm.BadRequestError) as caught:
        client.send(SPEC)
    assert (caught.value.code, caught.value.message) == (60200, "Invalid parameter: To")
    assert caught.value.more_info == "https://www.twilio.com/docs/errors/60200"


def test_the_bulk_messaging_error_shape_and_string_codes_are_read(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    bulk = {"errors": [{"code": 20429, "message": "Too many", "infoUrl": "https://x/20429"}]}
    fake.reply("GET", PATH, bulk, status=429)
    with pytest.raises(twiorm.RateLimitError) as limited:
        client.send(SPEC, retries=0)
    assert (limited.value.code, limited.value.message) == (20429, "Too many")
    assert limited.value.more_info == "https://x/20429"
    fake.reply("GET", PATH, {"code": "21211", "message": "bad To", "status": 400}, status=400)
    with pytest.raises(twiorm.BadRequestError) as refused:
        client.send(SPEC)
    assert refused.value.code == 21211


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, twiorm.BadRequestError),
        (403, twiorm.PermissionDeniedError),
        (404, twiorm.NotFoundError),
        (429, twiorm.RateLimitError),
        (500, twiorm.ServerError),
        (503, twiorm.ServerError),
        (418, twiorm.TwilioAPIError),
    ],
)
def test_statuses_map_to_error_classes(
    client: twiorm.Client, fake: FakeTwilio, status: int, error: type[twiorm.TwilioAPIError]
) -> None:
    fake.reply("GET", PATH, raw=b"<html>proxy says no</html>", status=status)
    with pytest.raises(error) as caught:
        client.send(SPEC)
    assert caught.value.status == status
    assert "proxy says no" in str(caught.value)


@pytest.mark.parametrize("body", [b"<html>hi</html>", b'{"truncated": ', b"\xff\xfe"])
def test_malformed_success_bodies_are_typed_errors(
    client: twiorm.Client, fake: FakeTwilio, body: bytes
) -> None:
    fake.reply("GET", PATH, raw=body, headers={"Content-Type": "text/html"})
    with pytest.raises(twiorm.MalformedResponseError) as caught:
        client.send(SPEC)
    assert caught.value.status == 200
    assert caught.value.url.endswith(PATH)


def test_a_connection_refused_is_a_connect_error() -> None:
    with socket.socket() as probe:  # find a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url=f"http://127.0.0.1:{port}", retries=0)
    with pytest.raises(twiorm.ConnectError) as caught:
        client.send(SPEC)
    assert isinstance(caught.value, ConnectionError)
    assert caught.value.method == "GET"


def test_the_auth_token_never_shows(
    client: twiorm.Client, fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    fake.reply("GET", PATH, {"sid": "CA" + "0" * 32})
    with caplog.at_level(logging.DEBUG, logger="twiorm"):
        client.send(SPEC)
    assert caplog.records
    assert AUTH_TOKEN not in caplog.text
    assert "GET /2010-04-01" in caplog.text
    for shown in (repr(client), str(client), repr(client.credentials), repr(client.requestor)):
        assert AUTH_TOKEN not in shown
    with pytest.raises(TypeError, match="credentials"):
        pickle.dumps(client)
    with pytest.raises(TypeError):
        pickle.dumps(client.credentials)


def test_api_errors_pickle_with_their_details() -> None:
    error = twiorm.NotFoundError("gone", status=404, code=20404, method="GET", url="u")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is twiorm.NotFoundError
    assert (copy.status, copy.code, copy.message, str(copy)) == (404, 20404, "gone", str(error))


@pytest.mark.parametrize(
    ("option", "value"),
    [("region", "au1.evil.com"), ("edge", "syd ney"), ("edge", "Sydney"), ("region", "x/y")],
)
def test_a_region_or_edge_that_is_not_a_host_label_is_refused(option: str, value: str) -> None:
    with pytest.raises(twiorm.ConfigurationError, match=f"{option} is a Twilio {option} name"):
        twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, **{option: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "kwargs", "problem"),
    [
        (("hello", "s3cr3t"), {}, "Account SID .* or an API key SID"),
        (("SK" + "1" * 32, "s3cr3t"), {"account_sid": "nope"}, "account_sid is AC"),
        ((ACCOUNT_SID, 12345), {}, "are strings"),
    ],
)
def test_malformed_credentials_are_refused_before_any_request(
    args: tuple[object, ...], kwargs: dict[str, str], problem: str
) -> None:
    with pytest.raises(twiorm.ConfigurationError, match=problem) as caught:
        twiorm.Client(*args, environ={}, **kwargs)  # type: ignore[arg-type]
    assert repr(args[1]) not in str(caught.value), "the secret is never shown"


def test_a_missing_secret_falls_back_to_the_environment() -> None:
    client = twiorm.Client(ACCOUNT_SID, environ={"TWILIO_AUTH_TOKEN": AUTH_TOKEN})
    assert client.credentials.basic_auth() == (ACCOUNT_SID, AUTH_TOKEN)
    key = "SK" + "1" * 32
    environ = {"TWILIO_API_SECRET": "key-secret", "TWILIO_ACCOUNT_SID": ACCOUNT_SID}
    keyed = twiorm.Client(key, environ=environ)
    assert keyed.credentials.basic_auth() == (key, "key-secret")
    assert keyed.account_sid == ACCOUNT_SID


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:4010/prefix", "https://user:pw@proxy.example.com", "ftp://x"]
)
def test_a_base_url_is_a_scheme_and_a_host_only(url: str) -> None:
    with pytest.raises(twiorm.ConfigurationError, match=r"http\(s\)://host\[:port\]"):
        twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url=url)


def test_a_client_closes_its_connections_and_works_as_a_context_manager() -> None:
    closed: list[bool] = []

    class Closing(FunctionTransport):
        def close(self) -> None:
            closed.append(True)

    transport = Closing(lambda request: HTTPResponse(204, {}, b"", request.url))
    with twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, transport=transport) as client:
        assert client.send(SPEC) is None
    assert closed == [True]


def test_credentials_inside_urls_and_private_keys_are_redacted() -> None:
    from twiorm.redaction import HIDDEN, redact_params

    shown = dict(
        redact_params(
            [
                ("StatusCallback", "https://user:pw@example.com/cb"),
                ("PrivateKey", "-----BEGIN PRIVATE KEY-----"),
                ("Url", "https://example.com/a@b"),
            ]
        )
    )
    assert shown == {
        "StatusCallback": f"https://{HIDDEN}@example.com/cb",
        "PrivateKey": HIDDEN,
        "Url": "https://example.com/a@b",
    }


# -- configuration errors never show a secret ---------------------------------------------

TOKEN_LIKE = "0123456789abcdef" * 2  # an auth token's shape: 32 hex digits


def test_swapped_arguments_are_named_without_showing_the_token() -> None:
    with pytest.raises(twiorm.ConfigurationError) as caught:
        twiorm.Client(TOKEN_LIKE, ACCOUNT_SID, environ={})
    message = str(caught.value)
    assert "Account SID (AC + 32 hex digits)" in message
    assert "swapped" in message
    assert "32 hex digits (not shown)" in message
    assert TOKEN_LIKE[:8] not in message + repr(caught.value.args)
    assert caught.value.__context__ is None


@pytest.mark.parametrize(
    ("args", "options", "problem"),
    [
        ((ACCOUNT_SID, AUTH_TOKEN), {"account_sid": TOKEN_LIKE}, "account_sid is AC"),
        (("SK" + "1" * 32, TOKEN_LIKE), {"account_sid": TOKEN_LIKE}, "account_sid is AC"),
        ((TOKEN_LIKE, "not-an-sid"), {}, "Account SID"),
        ((ACCOUNT_SID, AUTH_TOKEN), {"base_url": f"https://user:{TOKEN_LIKE}@x.com"}, "host"),
        ((ACCOUNT_SID, AUTH_TOKEN), {"base_url": f"https://x.com?token={TOKEN_LIKE}"}, "query"),
        (
            (ACCOUNT_SID, AUTH_TOKEN),
            {"base_urls": {"api": f"http://u:{TOKEN_LIKE}@127.0.0.1:1/x"}},
            "host",
        ),
    ],
)
def test_configuration_errors_never_echo_a_value_that_may_be_a_secret(
    args: tuple[str, str], options: dict[str, object], problem: str
) -> None:
    with pytest.raises(twiorm.ConfigurationError, match=problem) as caught:
        twiorm.Client(*args, environ={}, **options)  # type: ignore[arg-type]
    assert TOKEN_LIKE[:8] not in str(caught.value)
    assert "not-an-sid" not in str(caught.value)


@pytest.mark.parametrize(
    "target", [f"https://u:{TOKEN_LIKE}@evil.example/x", f"https://evil.example/x?key={TOKEN_LIKE}"]
)
def test_a_refused_request_url_is_shown_without_its_credentials(
    client: twiorm.Client, target: str
) -> None:
    with pytest.raises(twiorm.ConfigurationError, match="twilio.com URL") as caught:
        client.request("GET", target)
    assert TOKEN_LIKE[:8] not in str(caught.value)
    assert "evil.example" in str(caught.value)


def test_a_client_whose_init_failed_still_has_a_repr() -> None:
    built: list[twiorm.Client] = []

    class Kept(twiorm.Client):
        def __init__(self, *args: object, **kwargs: object) -> None:
            built.append(self)
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    with pytest.raises(twiorm.ConfigurationError):
        Kept(ACCOUNT_SID, AUTH_TOKEN, region="not a region", environ={})
    (half,) = built
    assert repr(half) == f"<twiorm.Client account={ACCOUNT_SID} (not configured)>"
    assert AUTH_TOKEN not in repr(half) + str(half)
    half.close()  # nothing to close, and no AttributeError either
    with pytest.raises(AttributeError, match="no attribute 'calls'"):
        half.calls  # noqa: B018
    empty = twiorm.Client.__new__(twiorm.Client)
    assert repr(empty) == "<twiorm.Client account=? (not configured)>"


# -- the base URL from the environment ------------------------------------------------------


def test_the_base_url_can_come_from_the_environment() -> None:
    environ = {"TWIORM_BASE_URL": "http://127.0.0.1:4010/"}
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, environ=environ)
    assert client.base_url("api") == "http://127.0.0.1:4010"
    assert client.base_url("verify") == "http://127.0.0.1:4010"
    # Given in code, base_url or base_urls win over the environment.
    given = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, base_url="http://[::1]:1", environ=environ)
    assert given.base_url("api") == "http://[::1]:1"
    per_domain = twiorm.Client(
        ACCOUNT_SID, AUTH_TOKEN, base_urls={"api": "http://localhost:2"}, environ=environ
    )
    assert per_domain.base_url("api") == "http://localhost:2"
    assert per_domain.base_url("verify") == "https://verify.twilio.com"
    assert twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, environ={}).base_url("api") == (
        "https://api.twilio.com"
    )


def test_the_base_url_is_read_from_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TWIORM_BASE_URL", "http://localhost:8099")
    assert twiorm.Client().base_url("messaging") == "http://localhost:8099"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://example.com", "loopback"),
        ("https://example.com/prefix", r"TWIORM_BASE_URL must be http\(s\)://host\[:port\]"),
        ("https://user:pw-in-env@example.com", r"TWIORM_BASE_URL must be http"),
        ("https://example.com:port", r"TWIORM_BASE_URL must be http"),
        ("ftp://example.com", r"TWIORM_BASE_URL must be http"),
    ],
)
def test_a_base_url_from_the_environment_is_checked(url: str, problem: str) -> None:
    with pytest.raises(twiorm.ConfigurationError, match=problem) as caught:
        twiorm.Client(ACCOUNT_SID, AUTH_TOKEN, environ={"TWIORM_BASE_URL": url})
    assert "pw-in-env" not in str(caught.value)


# -- missing attributes -----------------------------------------------------------------------


def test_a_domain_without_declared_resources_says_how_to_reach_it(client: twiorm.Client) -> None:
    # "memory" is a Twilio product whose document twiorm's spec snapshot does not have.
    with pytest.raises(AttributeError) as caught:
        client.memory  # noqa: B018
    assert str(caught.value) == (
        "no twiorm resources are declared for the 'memory' domain yet; until they "
        'are, call it directly: client.request("GET", "/v1/...", domain=\'memory\')'
    )


def test_a_typo_is_no_such_attribute(client: twiorm.Client) -> None:
    with pytest.raises(AttributeError) as caught:
        client.foo  # noqa: B018
    assert str(caught.value) == "'Client' object has no attribute 'foo'"
    with pytest.raises(AttributeError, match="no attribute 'mesaging'; did you mean 'messaging'"):
        client.mesaging  # noqa: B018
    assert hasattr(client, "conversations")  # every domain in Twilio's documents is declared
    assert client.messaging is not None
