"""Check that an incoming webhook really came from Twilio.

Twilio signs every webhook it sends with the account's Auth Token and puts the result in the
``X-Twilio-Signature`` header. To check a request, rebuild the same signature and compare.

How the signature is built
--------------------------
1. Start from the exact URL Twilio called: scheme, host, optional port, path and query string.
2. For a form-encoded POST, take the parameter names in ascending order. For each name, take
   its distinct values in ascending order and append ``name`` then ``value`` to the URL, with
   nothing in between. A GET webhook appends nothing: its parameters already sit in the URL.
3. Run HMAC-SHA1 over the UTF-8 bytes of that string, keyed with the UTF-8 Auth Token, and
   Base64-encode the digest (standard alphabet, with padding).

Two refinements:

* **JSON bodies.** When Twilio posts JSON it adds ``bodySHA256=<hex SHA-256 of the body>`` to
  the URL's query and signs the URL alone. A request is then genuine only when the body hashes
  to that value *and* the signature over the URL matches. Pass the raw body (``str`` or
  ``bytes``) to :meth:`RequestValidator.validate` for these requests.
* **Ports.** Twilio is not consistent about whether an explicit port appears in the URL it
  signs, so a signature is accepted when it matches either the URL with its port removed or
  the URL with its port present (the default ``:443``/``:80`` added when none was given).

Comparisons use :func:`hmac.compare_digest` so that timing does not reveal how much of a
forged signature was right.

Example::

    validator = RequestValidator(auth_token)
    if not validator.validate(url, request.form, request.headers.get("X-Twilio-Signature")):
        abort(403)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from typing import NoReturn, Protocol, TypeAlias, runtime_checkable
from urllib.parse import parse_qsl

__all__ = [
    "SIGNATURE_HEADER",
    "MultiValueMapping",
    "Params",
    "RequestValidator",
    "validate_signature",
]

SIGNATURE_HEADER = "X-Twilio-Signature"

# The query parameter Twilio adds when it signs a JSON body.
_BODY_HASH_PARAM = "bodySHA256"

_DEFAULT_PORTS = {"https": "443", "http": "80"}


@runtime_checkable
class MultiValueMapping(Protocol):
    """A werkzeug ``MultiDict`` or Django ``QueryDict``: several values under one name."""

    def keys(self) -> Iterable[str]: ...

    def getlist(self, key: str, /) -> Sequence[str]: ...


Params: TypeAlias = Mapping[str, str | Sequence[str]] | MultiValueMapping


class RequestValidator:
    """Compute and check ``X-Twilio-Signature`` values with one account's Auth Token.

    The token is a secret: it never appears in ``repr()``, and the validator refuses to be
    pickled or copied so that it cannot leak into caches, queues or logs by accident.
    """

    __slots__ = ("_key",)

    _key: bytes

    def __init__(self, auth_token: str) -> None:
        if not isinstance(auth_token, str):
            raise TypeError(f"auth_token must be a str, not {type(auth_token).__name__}")
        if not auth_token:
            # An empty key would make every signature trivially forgeable.
            raise ValueError("auth_token must not be empty")
        self._key = auth_token.encode("utf-8")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} auth_token=***>"

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        # Pickling would write the token in clear to wherever the bytes end up.
        raise TypeError(f"{type(self).__name__} holds a secret and cannot be pickled or copied")

    def compute_signature(self, url: str, params: Params | None = None) -> str:
        """Return the Base64 HMAC-SHA1 signature Twilio would send for ``url`` and ``params``.

        ``url`` is signed exactly as given; no port handling happens here.
        """
        payload = url + "".join(name + value for name, value in _sorted_pairs(params))
        digest = hmac.new(self._key, payload.encode("utf-8"), hashlib.sha1).digest()
        return base64.b64encode(digest).decode("ascii")

    def validate(
        self,
        url: str,
        params_or_body: Params | str | bytes | None,
        signature: str | None,
    ) -> bool:
        """Return whether ``signature`` proves the request came from Twilio.

        Pass the form parameters (a mapping or multi-dict) for a form POST, ``None`` or an
        empty mapping for a GET, and the raw body for a JSON request whose URL carries
        ``bodySHA256``. A raw body without ``bodySHA256`` in the URL, or ``bodySHA256``
        without a raw body, is rejected: in both cases the body would go unchecked.
        """
        if not signature:
            return False
        params: Params | None
        body_hashes = _body_hashes_in_url(url)
        if isinstance(params_or_body, (str, bytes)):
            # A repeated bodySHA256 is ambiguous; refuse rather than pick one.
            if len(body_hashes) != 1 or not _body_matches(params_or_body, body_hashes[0]):
                return False
            params = None  # the URL alone is signed; the hash in it covers the body
        elif body_hashes:
            return False  # Twilio signed a body the caller did not hand over
        else:
            params = params_or_body

        given = signature.encode("utf-8")
        # Evaluate every variant rather than stopping early, so timing stays uniform.
        matches = [
            hmac.compare_digest(self.compute_signature(variant, params).encode("ascii"), given)
            for variant in _port_variants(url)
        ]
        return any(matches)


def validate_signature(
    auth_token: str,
    url: str,
    params_or_body: Params | str | bytes | None,
    signature: str | None,
) -> bool:
    """Validate one request without keeping a :class:`RequestValidator` around."""
    return RequestValidator(auth_token).validate(url, params_or_body, signature)


def _sorted_pairs(params: Params | None) -> list[tuple[str, str]]:
    """Flatten ``params`` into (name, value) pairs in signing order, duplicates removed."""
    if params is None:
        return []
    pairs: list[tuple[str, str]] = []
    for name in sorted(set(params.keys())):
        values = _values_for(params, name)
        pairs.extend((name, value) for value in sorted(set(values)))
    return pairs


def _values_for(params: Params, name: str) -> list[str]:
    if not isinstance(name, str):
        raise TypeError(f"parameter names must be str, not {type(name).__name__}")
    # Check for getlist first: werkzeug's MultiDict is also a Mapping, but indexing it
    # returns only the first value, which would drop repeated parameters from the signature.
    if isinstance(params, MultiValueMapping):
        return _as_str_list(name, params.getlist(name))
    return _as_str_list(name, params[name])


def _as_str_list(name: str, raw: object) -> list[str]:
    # Typed as object: callers' annotations are not enforced at run time, and a stray int or
    # bytes would otherwise be signed as something Twilio never sent.
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, (bytes, bytearray)) or not isinstance(raw, Iterable):
        raise TypeError(f"parameter {name!r} must be a str or a sequence of str")
    values = list(raw)
    for value in values:
        if not isinstance(value, str):
            raise TypeError(f"parameter {name!r} has a non-str value {value!r}")
    return values


def _body_hashes_in_url(url: str) -> list[str]:
    """Return every ``bodySHA256`` value in the URL's query string."""
    query = url.partition("#")[0].partition("?")[2]
    return [v for k, v in parse_qsl(query, keep_blank_values=True) if k == _BODY_HASH_PARAM]


def _body_matches(body: str | bytes, expected_hex: str) -> bool:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    actual = hashlib.sha256(raw).hexdigest().encode("ascii")
    # Hex digits are case-insensitive; Twilio sends lowercase but nothing depends on it.
    return hmac.compare_digest(actual, expected_hex.lower().encode("utf-8"))


def _port_variants(url: str) -> list[str]:
    """Return the URL without its port and with its port (default added), deduplicated.

    Only the authority is rewritten; the rest of the URL is kept byte for byte, because any
    re-encoding by a URL library would change the signed string.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return [url]
    end = len(rest)
    for stop in "/?#":
        index = rest.find(stop)
        if index != -1:
            end = min(end, index)
    authority, tail = rest[:end], rest[end:]

    userinfo, at, hostport = authority.rpartition("@")
    host, port = _split_port(hostport)
    prefix = f"{scheme}://{userinfo}{at}{host}"

    without_port = prefix + tail
    port = port or _DEFAULT_PORTS.get(scheme.lower(), "")
    with_port = f"{prefix}:{port}{tail}" if port else without_port
    return [without_port] if with_port == without_port else [without_port, with_port]


def _split_port(hostport: str) -> tuple[str, str]:
    """Split ``host[:port]`` (IPv6 hosts in brackets); an empty port counts as none."""
    if hostport.startswith("[") and "]" in hostport:
        close = hostport.index("]") + 1
        host, after = hostport[:close], hostport[close:]
        port = after[1:]
        if after.startswith(":") and (not port or (port.isascii() and port.isdigit())):
            return host, port
        return hostport, ""
    host, colon, port = hostport.rpartition(":")
    if colon and (not port or (port.isascii() and port.isdigit())):
        return host, port
    return hostport, ""
