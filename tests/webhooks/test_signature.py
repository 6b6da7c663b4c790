"""Tests for twiorm.webhooks: Twilio's X-Twilio-Signature scheme.

Fixed vectors come from twilio-python's own test suite (see the wire reference, section 9).
The property tests compute the expected signature here with hmac/hashlib directly, so they
check the module against an independent implementation rather than against itself.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import pickle
from collections.abc import Iterable, Sequence

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from twiorm.webhooks import RequestValidator, validate_signature

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
SIG_PLAIN = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
SIG_HTTPS_443 = "kvajT1Ptam85bY51eRf/AJRuM3w="
SIG_HTTP_80 = "0ZXoZLH/DfblKGATFgpif+LLRf4="
SIG_HTTP_1234 = "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="

BODY = '{"property": "value", "boolean": true}'
BODY_HASH = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
BODY_URL = f"{URL}&bodySHA256={BODY_HASH}"
SIG_BODY = "a9nBmqA0ju/hNViExpshrM61xv4="

DUPLICATE_PARAMS = {"Sid": "CA123", "SidAccount": "AC123", "Digits": ["5678", "1234", "1234"]}
SIG_DUPLICATES = "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def reference_message(url: str, pairs: Iterable[tuple[str, str]] = ()) -> str:
    """Build the signed string without twiorm: URL, then sorted distinct name+value pairs."""
    return url + "".join(name + value for name, value in sorted(set(pairs)))


def reference_signature(token: str, url: str, pairs: Iterable[tuple[str, str]] = ()) -> str:
    message = reference_message(url, pairs).encode("utf-8")
    digest = hmac.new(token.encode("utf-8"), message, hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def as_pairs(params: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, values in params.items() for value in values]


class FakeQueryDict:
    """The part of Django's QueryDict / werkzeug's MultiDict the validator relies on."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self._pairs = list(pairs)

    def keys(self) -> list[str]:
        return list(dict.fromkeys(name for name, _ in self._pairs))

    def getlist(self, key: str) -> list[str]:
        return [value for name, value in self._pairs if name == key]

    def __getitem__(self, key: str) -> str:
        # Like the real ones: indexing yields one value only (the last, as Django does).
        return self.getlist(key)[-1]


@pytest.fixture
def validator() -> RequestValidator:
    return RequestValidator(TOKEN)


# --- Known-good vectors -------------------------------------------------------------------


def test_compute_signature_matches_twilio_vector_for_plain_url(
    validator: RequestValidator,
) -> None:
    assert validator.compute_signature(URL, PARAMS) == SIG_PLAIN


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://mycompany.com:443/myapp.php?foo=1&bar=2", SIG_HTTPS_443),
        ("http://mycompany.com:80/myapp.php?foo=1&bar=2", SIG_HTTP_80),
        ("http://mycompany.com:1234/myapp.php?foo=1&bar=2", SIG_HTTP_1234),
    ],
)
def test_compute_signature_signs_the_port_exactly_as_given(
    validator: RequestValidator, url: str, expected: str
) -> None:
    assert validator.compute_signature(url, PARAMS) == expected


def test_compute_signature_matches_twilio_vector_for_duplicate_values(
    validator: RequestValidator,
) -> None:
    assert validator.compute_signature(URL, DUPLICATE_PARAMS) == SIG_DUPLICATES


def test_validate_accepts_twilio_vector_for_plain_url(validator: RequestValidator) -> None:
    assert validator.validate(URL, PARAMS, SIG_PLAIN)


@pytest.mark.parametrize(
    ("request_url", "signature"),
    [
        # Twilio signed without the default port; the request shows it.
        ("https://mycompany.com:443/myapp.php?foo=1&bar=2", SIG_PLAIN),
        # Twilio signed with the default port; the request omits it.
        ("https://mycompany.com/myapp.php?foo=1&bar=2", SIG_HTTPS_443),
        ("http://mycompany.com/myapp.php?foo=1&bar=2", SIG_HTTP_80),
        # A non-default port: signed with it kept, or signed with it stripped.
        ("http://mycompany.com:1234/myapp.php?foo=1&bar=2", SIG_HTTP_1234),
        ("https://mycompany.com:1234/myapp.php?foo=1&bar=2", SIG_PLAIN),
    ],
)
def test_validate_accepts_signature_over_url_with_port_stripped_or_added(
    validator: RequestValidator, request_url: str, signature: str
) -> None:
    assert validator.validate(request_url, PARAMS, signature)


def test_validate_rejects_signature_made_for_a_different_port(
    validator: RequestValidator,
) -> None:
    # Leniency covers "no port" and "default port", never an arbitrary other port.
    assert not validator.validate(
        "https://mycompany.com:1234/myapp.php?foo=1&bar=2", PARAMS, SIG_HTTPS_443
    )
    assert not validator.validate(
        "https://mycompany.com:443/myapp.php?foo=1&bar=2", PARAMS, SIG_HTTP_80
    )


def test_validate_accepts_twilio_vector_for_json_body(validator: RequestValidator) -> None:
    assert validator.validate(BODY_URL, BODY, SIG_BODY)


def test_validate_accepts_json_body_given_as_bytes(validator: RequestValidator) -> None:
    assert validator.validate(BODY_URL, BODY.encode("utf-8"), SIG_BODY)


def test_body_hash_vector_is_sha256_hex_of_body() -> None:
    assert hashlib.sha256(BODY.encode("utf-8")).hexdigest() == BODY_HASH


def test_validate_accepts_twilio_vector_for_duplicate_values(
    validator: RequestValidator,
) -> None:
    assert validator.validate(URL, DUPLICATE_PARAMS, SIG_DUPLICATES)


def test_free_function_agrees_with_validator() -> None:
    assert validate_signature(TOKEN, URL, PARAMS, SIG_PLAIN)
    assert validate_signature(TOKEN, BODY_URL, BODY, SIG_BODY)
    assert not validate_signature("54321", URL, PARAMS, SIG_PLAIN)


# --- Multi-value containers ---------------------------------------------------------------


def test_multidict_getlist_supplies_every_value_not_just_the_first(
    validator: RequestValidator,
) -> None:
    query_dict = FakeQueryDict(
        [("Sid", "CA123"), ("Digits", "5678"), ("SidAccount", "AC123"), ("Digits", "1234")]
    )
    assert validator.compute_signature(URL, query_dict) == SIG_DUPLICATES
    assert validator.validate(URL, query_dict, SIG_DUPLICATES)


def test_werkzeug_multidict_signs_every_value() -> None:
    datastructures = pytest.importorskip("werkzeug.datastructures")
    form = datastructures.MultiDict(
        [("Digits", "1234"), ("Sid", "CA123"), ("Digits", "5678"), ("SidAccount", "AC123")]
    )
    assert validate_signature(TOKEN, URL, form, SIG_DUPLICATES)


def test_no_params_and_empty_params_sign_the_url_alone(validator: RequestValidator) -> None:
    expected = reference_signature(TOKEN, URL)
    assert validator.compute_signature(URL) == expected
    assert validator.compute_signature(URL, {}) == expected
    assert validator.validate(URL, None, expected)


def test_name_with_empty_value_list_contributes_nothing(validator: RequestValidator) -> None:
    assert validator.compute_signature(URL, {"Empty": []}) == reference_signature(TOKEN, URL)


@pytest.mark.parametrize("bad", [b"bytes", 5, None, ["ok", 5]])
def test_non_string_param_values_raise_type_error(validator: RequestValidator, bad: object) -> None:
    with pytest.raises(TypeError):
        validator.compute_signature(URL, {"Name": bad})  # type: ignore[dict-item]


# --- JSON bodies ---------------------------------------------------------------------------


def test_changed_body_fails_even_with_original_signature(validator: RequestValidator) -> None:
    assert not validator.validate(BODY_URL, BODY.replace("value", "other"), SIG_BODY)


def test_body_hash_in_url_must_be_covered_by_the_signature(validator: RequestValidator) -> None:
    # An attacker swaps body and hash together; the URL signature no longer matches.
    forged_body = '{"property": "evil"}'
    forged_hash = hashlib.sha256(forged_body.encode()).hexdigest()
    assert not validator.validate(f"{URL}&bodySHA256={forged_hash}", forged_body, SIG_BODY)


def test_body_without_body_hash_in_url_is_rejected(validator: RequestValidator) -> None:
    # Nothing would tie the body to the signature.
    assert not validator.validate(URL, BODY, reference_signature(TOKEN, URL))


def test_body_hash_in_url_without_a_body_is_rejected(validator: RequestValidator) -> None:
    # The URL signature alone is valid, but the body was never checked.
    assert not validator.validate(BODY_URL, None, SIG_BODY)
    assert not validator.validate(BODY_URL, {}, SIG_BODY)


def test_repeated_body_hash_in_url_is_rejected(validator: RequestValidator) -> None:
    url = f"{BODY_URL}&bodySHA256={BODY_HASH}"
    assert not validator.validate(url, BODY, reference_signature(TOKEN, url))


def test_uppercase_body_hash_still_matches_the_body(validator: RequestValidator) -> None:
    url = f"{URL}&bodySHA256={BODY_HASH.upper()}"
    assert validator.validate(url, BODY, reference_signature(TOKEN, url))


def test_body_validation_also_applies_port_leniency(validator: RequestValidator) -> None:
    url = f"https://mycompany.com:443/myapp.php?foo=1&bar=2&bodySHA256={BODY_HASH}"
    assert validator.validate(url, BODY, SIG_BODY)


# --- Signature header edge cases and URL shapes ---------------------------------------------


@pytest.mark.parametrize("signature", [None, ""])
def test_missing_signature_is_rejected(validator: RequestValidator, signature: str | None) -> None:
    assert not validator.validate(URL, PARAMS, signature)


def test_non_ascii_signature_is_rejected_not_raised(validator: RequestValidator) -> None:
    assert not validator.validate(URL, PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8\u00e9")


def test_ipv6_host_and_userinfo_keep_their_shape_when_port_changes(
    validator: RequestValidator,
) -> None:
    signed = "https://user:pw@[2001:db8::1]/hook?x=1"
    assert validator.validate(
        "https://user:pw@[2001:db8::1]:443/hook?x=1", {}, reference_signature(TOKEN, signed)
    )


def test_url_is_signed_byte_for_byte_without_reencoding(validator: RequestValidator) -> None:
    url = "https://example.com/a%2Fb/caf%C3%A9?next=%2Fhome&q=a+b&empty="
    assert validator.compute_signature(url) == reference_signature(TOKEN, url)
    assert validator.validate(url, None, reference_signature(TOKEN, url))


# --- Secret handling -----------------------------------------------------------------------

SECRET = "s3cr3t-auth-token-do-not-log"


def test_repr_and_str_never_show_the_token() -> None:
    validator = RequestValidator(SECRET)
    assert SECRET not in repr(validator)
    assert SECRET not in str(validator)
    assert "RequestValidator" in repr(validator)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickling_raises_type_error(protocol: int) -> None:
    with pytest.raises(TypeError):
        pickle.dumps(RequestValidator(SECRET), protocol=protocol)


@pytest.mark.parametrize("clone", [copy.copy, copy.deepcopy])
def test_copying_raises_type_error(clone: object) -> None:
    with pytest.raises(TypeError):
        clone(RequestValidator(SECRET))  # type: ignore[operator]


def test_token_is_not_reachable_through_instance_dict() -> None:
    assert not hasattr(RequestValidator(SECRET), "__dict__")


def test_empty_token_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        RequestValidator("")


def test_non_string_token_is_refused() -> None:
    with pytest.raises(TypeError):
        RequestValidator(b"12345")  # type: ignore[arg-type]


# --- Properties against an independent implementation -------------------------------------

tokens = st.text(min_size=1, max_size=40)
names = st.text(max_size=12)
values = st.text(max_size=20)
params_strategy = st.dictionaries(names, st.lists(values, max_size=4), max_size=6)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,15}(\.[a-z]{2,6}){1,2}", fullmatch=True)
paths = st.lists(
    st.text(st.sampled_from("abcxyz019-_.~%2F"), min_size=1, max_size=8), max_size=3
).map(lambda parts: "/" + "/".join(parts))
queries = st.one_of(
    st.just(""),
    st.lists(st.tuples(names.filter(str.isalnum), values.filter(str.isalnum)), max_size=3).map(
        lambda kv: "?" + "&".join(f"{k}={v}" for k, v in kv)
    ),
)


@st.composite
def urls(draw: st.DrawFn, port: st.SearchStrategy[int | None] | None = None) -> str:
    scheme = draw(st.sampled_from(["http", "https"]))
    chosen = draw(port if port is not None else st.none() | st.integers(1, 65535))
    netloc = draw(hosts) + (f":{chosen}" if chosen is not None else "")
    return f"{scheme}://{netloc}{draw(paths)}{draw(queries)}"


@given(token=tokens, url=st.text(max_size=60) | urls(), params=params_strategy)
def test_compute_signature_equals_independent_hmac_sha1(
    token: str, url: str, params: dict[str, list[str]]
) -> None:
    expected = reference_signature(token, url, as_pairs(params))
    assert RequestValidator(token).compute_signature(url, params) == expected


@given(token=tokens, url=urls(), params=params_strategy)
def test_validate_accepts_independently_computed_signature(
    token: str, url: str, params: dict[str, list[str]]
) -> None:
    signature = reference_signature(token, url, as_pairs(params))
    assert RequestValidator(token).validate(url, params, signature)
    assert RequestValidator(token).validate(url, FakeQueryDict(as_pairs(params)), signature)


@given(params=params_strategy, data=st.data())
def test_signature_ignores_order_and_repeats_of_names_and_values(
    params: dict[str, list[str]], data: st.DataObject
) -> None:
    pairs = as_pairs(params)
    shuffled = data.draw(st.permutations(pairs + pairs))
    validator = RequestValidator(TOKEN)
    assert validator.compute_signature(URL, FakeQueryDict(shuffled)) == (
        validator.compute_signature(URL, params)
    )


@given(url=urls(), params=params_strategy, name=names, value=values)
def test_changed_or_added_param_fails_validation(
    url: str, params: dict[str, list[str]], name: str, value: str
) -> None:
    pairs = as_pairs(params)
    tampered = {**params, name: [value]}
    # The scheme concatenates without separators, so some edits collide; skip those.
    assume(reference_message(url, pairs) != reference_message(url, as_pairs(tampered)))
    signature = reference_signature(TOKEN, url, pairs)
    assert not RequestValidator(TOKEN).validate(url, tampered, signature)


@given(url=urls(), params=params_strategy, extra=st.text(min_size=1, max_size=5))
def test_changed_url_path_fails_validation(
    url: str, params: dict[str, list[str]], extra: str
) -> None:
    base, sep, query = url.partition("?")
    tampered = f"{base}{extra}{sep}{query}"
    signature = reference_signature(TOKEN, url, as_pairs(params))
    assert not RequestValidator(TOKEN).validate(tampered, params, signature)


@given(url=urls(), host=hosts)
def test_changed_host_fails_validation(url: str, host: str) -> None:
    _, _, rest = url.partition("://")
    original_host = rest.split("/")[0].split(":")[0]
    assume(host != original_host)
    tampered = url.replace(original_host, host, 1)
    assert not RequestValidator(TOKEN).validate(tampered, {}, reference_signature(TOKEN, url))


@given(token=tokens, other=tokens, url=urls(), params=params_strategy)
def test_wrong_token_fails_validation(
    token: str, other: str, url: str, params: dict[str, list[str]]
) -> None:
    assume(token != other)
    signature = reference_signature(other, url, as_pairs(params))
    assert not RequestValidator(token).validate(url, params, signature)


@given(url=urls(port=st.none()), body=st.binary(max_size=200), other=st.binary(max_size=200))
def test_json_body_validates_only_for_the_hashed_body(url: str, body: bytes, other: bytes) -> None:
    sep = "&" if "?" in url else "?"
    signed_url = f"{url}{sep}bodySHA256={hashlib.sha256(body).hexdigest()}"
    signature = reference_signature(TOKEN, signed_url)
    validator = RequestValidator(TOKEN)
    assert validator.validate(signed_url, body, signature)
    assume(other != body)
    assert not validator.validate(signed_url, other, signature)


@given(
    scheme=st.sampled_from(["http", "https"]),
    host=hosts,
    rest=paths,
    params=params_strategy,
)
def test_default_port_present_or_absent_validates_both_ways(
    scheme: str, host: str, rest: str, params: dict[str, list[str]]
) -> None:
    default = {"http": 80, "https": 443}[scheme]
    bare, explicit = f"{scheme}://{host}{rest}", f"{scheme}://{host}:{default}{rest}"
    pairs = as_pairs(params)
    validator = RequestValidator(TOKEN)
    assert validator.validate(bare, params, reference_signature(TOKEN, explicit, pairs))
    assert validator.validate(explicit, params, reference_signature(TOKEN, bare, pairs))


@given(host=hosts, rest=paths, port=st.integers(1, 65535), other=st.integers(1, 65535))
def test_explicit_port_validates_only_itself_or_the_portless_url(
    host: str, rest: str, port: int, other: int
) -> None:
    url = f"https://{host}:{port}{rest}"
    validator = RequestValidator(TOKEN)
    assert validator.validate(url, {}, reference_signature(TOKEN, url))
    assert validator.validate(url, {}, reference_signature(TOKEN, f"https://{host}{rest}"))
    assume(other != port)
    forged = reference_signature(TOKEN, f"https://{host}:{other}{rest}")
    assert not validator.validate(url, {}, forged)
