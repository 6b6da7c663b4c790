"""``BaseClient``: credentials, hosts and sending for one Twilio account.

A client is cheap to share: it holds one transport (one ``requests.Session``) and no
per-request state, so threads can use it together. This is the bottom layer the engine
sends through; ``twiorm.Client`` (``twiorm.client``) adds the helper style's navigation.
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import SplitResult, unquote, urlsplit

from twiorm.async_transport import AsyncTransport, HttpxTransport
from twiorm.errors import ConfigurationError
from twiorm.fields import WireValue
from twiorm.redaction import redact_url
from twiorm.request import RequestSpec
from twiorm.requestor import DEFAULT_MAX_CONCURRENCY, DEFAULT_TIMEOUT, Requestor, Timeout
from twiorm.retry import RetryPolicy
from twiorm.transport import HTTPResponse, RequestsTransport, Transport, is_loopback

if TYPE_CHECKING:
    import asyncio

__all__ = ["BaseClient", "Credentials"]

_C = TypeVar("_C", bound="BaseClient")


class Credentials:
    """A username (Account SID or API key SID) and its secret, which is never shown."""

    __slots__ = ("_secret", "username")

    def __init__(self, username: str, secret: str) -> None:
        self.username = username
        self._secret = secret

    def basic_auth(self) -> tuple[str, str]:
        """Return the pair for HTTP Basic authentication."""
        return (self.username, self._secret)

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, secret=<hidden>)"

    def __reduce__(self) -> Any:
        raise TypeError("twiorm credentials cannot be pickled: they hold a secret")


class BaseClient:
    """Everything needed to talk to Twilio for one account: credentials, hosts, sending.

    ``twiorm.Client`` is this with the helper style's navigation (``client.api.v2010``);
    the engine needs only what is here.

    ``Client(account_sid, auth_token)``, or with an API key
    ``Client(key_sid, key_secret, account_sid=...)``, or ``Client()`` to read
    ``TWILIO_ACCOUNT_SID`` / ``TWILIO_AUTH_TOKEN`` (or ``TWILIO_API_KEY`` /
    ``TWILIO_API_SECRET``), ``TWILIO_REGION`` and ``TWILIO_EDGE`` from the environment.

    ``base_urls`` maps a Twilio domain (``api``, ``messaging`` …) to another base URL, for
    a local server; ``base_url`` does so for every domain. When neither is given,
    ``TWIORM_BASE_URL`` in the environment stands for ``base_url``. Plain ``http://`` is
    accepted only for loopback addresses.

    ``timeout`` is seconds, or a (connect, read) pair (default ``DEFAULT_TIMEOUT``).
    ``retries`` is a ``RetryPolicy`` or a number of retries (0 turns them off); by default
    reads and deletes are retried on transient failures, creates and updates only when
    they cannot have been applied (see ``twiorm.retry``). ``mask_phone_numbers`` masks
    phone numbers in the paths and query strings this client logs.

    ``max_connections`` is how many connections to each host are kept open for reuse
    (default ``twiorm.transport.DEFAULT_MAX_CONNECTIONS``, 32): give at least the number
    of threads that share the client. It sizes the built-in transport only.
    """

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        account_sid: str | None = None,
        region: str | None = None,
        *,
        edge: str | None = None,
        base_url: str | None = None,
        base_urls: Mapping[str, str] | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        proxies: Mapping[str, str] | None = None,
        transport: Transport | None = None,
        environ: Mapping[str, str] | None = None,
        retries: RetryPolicy | int | None = None,
        mask_phone_numbers: bool = False,
        max_connections: int | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        async_transport: AsyncTransport | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        if username is None and password is None:
            if env.get("TWILIO_API_KEY") and env.get("TWILIO_API_SECRET"):
                username, password = env["TWILIO_API_KEY"], env["TWILIO_API_SECRET"]
            else:
                username, password = env.get("TWILIO_ACCOUNT_SID"), env.get("TWILIO_AUTH_TOKEN")
        elif password is None and isinstance(username, str):
            # A missing secret falls back to the environment, as in the official SDK.
            secret = "TWILIO_API_SECRET" if username.startswith("SK") else "TWILIO_AUTH_TOKEN"
            password = env.get(secret)
        if not username or not password:
            raise ConfigurationError(
                "no Twilio credentials: pass Client(account_sid, auth_token) or set "
                "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and "
                "TWILIO_API_SECRET with TWILIO_ACCOUNT_SID)"
            )
        if not isinstance(username, str) or not isinstance(password, str):
            raise ConfigurationError("the Account SID (or API key SID) and secret are strings")
        if not _USERNAME.fullmatch(username):
            # Never echo it: a value in the wrong place may well be the auth token.
            swapped = (
                "; the second looks like an SID: are the arguments swapped? "
                "Client(account_sid, auth_token)"
                if _USERNAME.fullmatch(password)
                else ""
            )
            raise ConfigurationError(
                "the first argument is an Account SID (AC + 32 hex digits) or an API key SID "
                f"(SK + 32 hex digits), got {_described(username)}{swapped}"
            )
        account_sid = account_sid or (username if username.startswith("AC") else None)
        account_sid = account_sid or env.get("TWILIO_ACCOUNT_SID")
        if not account_sid:
            raise ConfigurationError(
                "an API key needs the account it belongs to: Client(key_sid, key_secret, "
                "account_sid='AC...') or TWILIO_ACCOUNT_SID"
            )
        if not isinstance(account_sid, str) or not _ACCOUNT_SID.fullmatch(account_sid):
            raise ConfigurationError(
                f"account_sid is AC + 32 hex digits, got {_described(account_sid)}"
            )
        self.account_sid: str = account_sid
        self.credentials = Credentials(username, password)
        self.region: str | None = _host_label("region", region or env.get("TWILIO_REGION"))
        self.edge: str | None = _host_label("edge", edge or env.get("TWILIO_EDGE"))
        self._base_urls = {
            domain: _checked_base_url(url) for domain, url in (base_urls or {}).items()
        }
        if base_url is None and base_urls is None and env.get("TWIORM_BASE_URL"):
            base_url = _checked_base_url(env["TWIORM_BASE_URL"], "TWIORM_BASE_URL")
        self._fallback_base_url = _checked_base_url(base_url) if base_url else None
        if transport is not None and max_connections is not None:
            raise ConfigurationError(
                "max_connections sizes twiorm's own transport; size the pool of the "
                "transport you pass instead"
            )
        if type(max_concurrency) is not int or max_concurrency < 1:
            raise ConfigurationError(
                f"max_concurrency is a number of requests >= 1, got {max_concurrency!r}"
            )
        self.requestor = Requestor(
            transport or RequestsTransport(proxies=proxies, max_connections=max_connections),
            self.credentials,
            timeout=timeout,
            retries=retries,
            mask_phone_numbers=mask_phone_numbers,
        )
        self.requestor.max_concurrency = max_concurrency
        # A client dropped without aclose() still closes its async connections.
        weakref.finalize(self, _release_async, self.requestor)
        # The async transport is made on first async use (httpx is the async extra).
        self.requestor.async_transport_factory = (
            (lambda: async_transport)
            if async_transport is not None
            else partial(
                HttpxTransport, proxies=dict(proxies or {}), max_connections=max_connections
            )
        )

    # -- hosts ---------------------------------------------------------------------------

    def base_url(self, domain: str) -> str:
        """Return the scheme and host requests for ``domain`` go to, with region and edge."""
        override = self._base_urls.get(domain) or self._fallback_base_url
        if override:
            return override
        if not domain or not all(part.isalnum() for part in domain.split("-")):
            raise ConfigurationError(f"not a Twilio domain: {domain!r}")
        region = self.region or ("us1" if self.edge else None)
        host = ".".join(part for part in (domain, self.edge, region) if part)
        return f"https://{host}.twilio.com"

    def url(self, spec: RequestSpec) -> str:
        """Return the absolute URL of a compiled request (without its query string)."""
        return self.base_url(spec.domain) + spec.path

    # -- sending -------------------------------------------------------------------------

    def send(
        self,
        spec: RequestSpec,
        *,
        timeout: Timeout | None = None,
        retries: RetryPolicy | int | None = None,
        decode: Callable[[HTTPResponse, str], Any] | None = None,
        redirects: bool = False,
    ) -> Any:
        """Send a compiled request; return the parsed JSON body (``None`` when empty).

        ``timeout`` and ``retries`` (a ``RetryPolicy`` or a count, 0 for none) override the
        client's own for this call; ``decode`` replaces the JSON parsing of the body;
        ``redirects`` takes a redirect as the answer instead of an error (never followed).
        """
        return self.requestor.send(
            spec,
            self.base_url(spec.domain),
            timeout=timeout,
            retries=retries,
            decode=decode,
            redirects=redirects,
        )

    async def asend(
        self,
        spec: RequestSpec,
        *,
        timeout: Timeout | None = None,
        retries: RetryPolicy | int | None = None,
        decode: Callable[[HTTPResponse, str], Any] | None = None,
        redirects: bool = False,
    ) -> Any:
        """``send`` without blocking the event loop (the same retries, errors and logs)."""
        return await self.requestor.asend(
            spec,
            self.base_url(spec.domain),
            timeout=timeout,
            retries=retries,
            decode=decode,
            redirects=redirects,
        )

    def download(self, url: str, *, timeout: Timeout | None = None) -> bytes:
        """Read the file at ``url`` (a ``redirect_to``) without sending Twilio credentials.

        ``url`` must be https (plain http only on loopback, for tests).
        """
        parts = _split(url) if isinstance(url, str) else None
        host = parts.hostname if parts is not None else None
        if (
            parts is None
            or not host
            or not (parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host)))
        ):
            raise ConfigurationError(f"download() takes an https URL, got {redact_url(str(url))!r}")
        return self.requestor.download(url, timeout=timeout).body

    def request(
        self,
        method: str,
        path: str,
        *,
        domain: str = "api",
        params: Mapping[str, WireValue] | None = None,
        data: Mapping[str, WireValue] | None = None,
        timeout: Timeout | None = None,
    ) -> Any:
        """Call an endpoint nobody declared, with the same auth, errors and transport.

        ``path`` is the path on the domain's host (``/2010-04-01/Accounts/AC.../Usage/
        Records.json``), or a full ``https://<domain>.twilio.com/...`` URL; ``params`` go in
        the query string and ``data`` in the form body. Returns the parsed JSON.
        """
        parts = urlsplit(path)
        if parts.scheme or parts.netloc:
            host = parts.hostname or ""
            if parts.scheme != "https" or not host.endswith(".twilio.com"):
                raise ConfigurationError(
                    f"request() takes a path or a twilio.com URL: {redact_url(path)!r}"
                )
            domain = host.split(".", 1)[0]
        if not parts.path.startswith("/") or "\\" in parts.path or _has_dot_segment(parts.path):
            raise ConfigurationError(
                "request() needs an absolute path without '.' or '..' segments (encoded or "
                f"not) or backslashes: {redact_url(path)!r}"
            )
        query = dict(RequestSpec.from_url(method, domain, path).params)
        spec = RequestSpec(
            method.upper(), domain, parts.path, {**query, **(params or {})}, dict(data or {})
        )
        return self.send(spec, timeout=timeout)

    # -- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Close the pooled connections (the client stays usable and reconnects)."""
        requestor = self.__dict__.get("requestor")  # absent if __init__ failed
        close = getattr(getattr(requestor, "transport", None), "close", None)
        if callable(close):
            close()

    async def aclose(self) -> None:
        """Close the sync and the async connections (the client stays usable)."""
        self.close()
        requestor = self.__dict__.get("requestor")
        if isinstance(requestor, Requestor):
            await requestor.aclose()

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self: _C) -> _C:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        # Read from __dict__: a client whose __init__ failed half-way still has a repr
        # (a debugger or a traceback's locals ask for it), and __getattr__ is not involved.
        state = self.__dict__
        account = state.get("account_sid") or "?"
        where = f" region={state['region']}" if state.get("region") else ""
        where += f" edge={state['edge']}" if state.get("edge") else ""
        credentials = state.get("credentials")
        user = credentials.username if isinstance(credentials, Credentials) else account
        key = f" key={user}" if user != account else ""
        broken = "" if "requestor" in state else " (not configured)"
        return f"<twiorm.Client account={account}{key}{where}{broken}>"

    def __reduce__(self) -> Any:
        raise TypeError("a twiorm.Client cannot be pickled: it holds credentials")


_USERNAME = re.compile(r"(?:AC|SK)[0-9a-fA-F]{32}")
_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
_HOST_LABEL = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


_closing: set[asyncio.Task[None]] = set()  # (asyncio is imported by the first async use)


def _release_async(requestor: Requestor) -> None:
    """Close a collected client's async connections, on its loop if one is running."""
    if not requestor.has_async_connections:
        return
    import asyncio  # loaded already: the client made async connections

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(requestor.aclose())  # no loop runs here: close them on a short one
        return
    task = loop.create_task(requestor.aclose())
    _closing.add(task)  # kept until done: a task only weakly referenced may vanish
    task.add_done_callback(_closing.discard)


def _described(value: object) -> str:
    """Describe a value that was refused without showing it: it may be a secret."""
    if isinstance(value, str):
        kind = "hex digits" if value and all(c in "0123456789abcdefABCDEF" for c in value) else ""
        return f"a string of {len(value)} {kind or 'characters'} (not shown)"
    return f"a {type(value).__name__}"


def _has_dot_segment(path: str) -> bool:
    """Say whether ``path`` has a '.' or '..' segment, however it is percent-encoded.

    A server that decodes %2e (or %2f and %5c into separators) before resolving the path
    would take ``%2e%2e`` as ``..``, so the path is checked after each round of decoding,
    with "/" and "\\" both taken as separators.
    """
    for _ in range(4):
        if any(segment in (".", "..") for segment in re.split(r"[/\\]", path)):
            return True
        decoded = unquote(path)
        if decoded == path:
            return False
        path = decoded
    return True  # still encoded after four rounds: no Twilio path is


def _host_label(option: str, value: str | None) -> str | None:
    """Check a region or edge: it becomes part of the host name requests go to."""
    if not value:
        return None
    if not isinstance(value, str) or not _HOST_LABEL.fullmatch(value):
        raise ConfigurationError(
            f"{option} is a Twilio {option} name such as "
            f"{'au1' if option == 'region' else 'sydney'}, got {value!r}"
        )
    return value


def _split(url: str) -> SplitResult | None:
    """Return the URL's parts, or ``None`` if its host or port is malformed."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError:
        return None  # (raised outside this block: no chained error repeats the URL)
    return parts


def _checked_base_url(url: str, source: str = "base URL") -> str:
    """Check a base URL (``source`` names where it came from, for the error)."""
    if not isinstance(url, str):
        raise ConfigurationError(f"{source} must be http(s)://host[:port], got {_described(url)}")
    shown = redact_url(url)  # a password in it is not repeated back
    parts = _split(url)
    hostname = parts.hostname if parts is not None else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not hostname
        or parts.path not in ("", "/")  # Twilio's links are absolute paths: a prefix is lost
        or parts.username is not None
    ):
        raise ConfigurationError(f"{source} must be http(s)://host[:port], got {shown!r}")
    if parts.scheme == "http" and not is_loopback(hostname):
        raise ConfigurationError(
            f"plain http is allowed only for a local server (loopback), not {hostname}"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"{source} must not carry a query or fragment: {shown!r}")
    return url.rstrip("/")
