"""Every list and instance the official helper library (twilio 9.x) reaches, twiorm reaches
by the same names and call structure, and at the same URL.

The test walks the official client's attributes (its domains, versions, lists, and the
instances lists are called for), follows the same names on ``twiorm.Client``, calls lists
with the same number of values, and compares the URL each object stands for. Nothing is
sent. Names of versions and domains that Twilio's documents in ``../shared/twilio-oai`` do
not have yet (the official library may be newer) are listed apart, not failed.
"""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import pytest

import twiorm
from twiorm import fields
from twiorm.errors import InvalidPathParameterError
from twiorm.paths import fill_path
from twiorm.rest import load_declarations

twilio_rest = pytest.importorskip("twilio.rest")
official_lists = pytest.importorskip("twilio.base.list_resource")

ACCOUNT = "AC" + "a" * 32
# Newer than the documents twiorm is generated from: not declared, and said so.
NOT_IN_THE_DOCUMENTS = {
    "conversations.v2",
    "insights.v3",
    "intelligence.v3",
    "knowledge.v2",
    "routes.v3",
    "voice.v2",
    "voice.v3",
    "memory",
    "webhooks",
    "preview_iam.organization",
    "numbers.v1.sms_verification_checks",
    "numbers.v1.sms_verifications",
    "numbers.v1.voice_verifications",
    "trusthub.v1.a2_p_brand_registrations",
    "trusthub.v1.a2_p_campaign_registrations",
    "trusthub.v1.customer_profiles_provisional_copy",
    "trusthub.v1.trust_products_provisional_copy",
    # The documents make one resource of CreateChallengePasskeys and UpdateChallengePasskeys
    # (one operationId): twiorm reaches it as new_challenge, whose update approves.
    "verify.services(...).approve_challenge",
}


class Walk:
    def __init__(self) -> None:
        self.compared = 0
        self.differences: list[str] = []
        self.missing: list[str] = []
        self.seen: set[str] = set()

    def our_url(self, ours: Any) -> str | None:
        model = getattr(ours, "model", None) or getattr(ours, "_model", None)
        if model is None or not hasattr(ours, "_path"):
            return None
        meta = model._meta
        values = {"account_sid": ACCOUNT, **ours._path}
        if hasattr(ours, "_identity"):
            if meta.identity and ours._identity is not None:
                values[meta.identity] = ours._identity
            return fill_path(meta, meta.instance_path, values)
        # A list's URL; or, for a list whose listing needs more (a report's id), another
        # operation's (its create).
        for template in (meta.list_path, *meta.paths.values()):
            try:
                return fill_path(meta, template, values)
            except InvalidPathParameterError:
                continue
        return None

    def compare(self, official: Any, ours: Any, where: str) -> None:
        url = getattr(official, "_uri", None)
        if not url:  # a list that stands for no URL until it is called (archived_calls)
            return
        mine = self.our_url(ours)
        if mine is None:
            return
        self.compared += 1
        if not mine.endswith(url):
            self.differences.append(f"{where}: official {url}, twiorm {mine}")

    def walk(self, official: Any, ours: Any, where: str, depth: int = 0) -> None:
        if depth > 9:
            return
        for name, member in inspect.getmembers(type(official)):
            if not isinstance(member, property) or name.startswith("_"):
                continue
            try:
                child = getattr(official, name)
            except Exception:  # noqa: BLE001 - a property of the official client that needs more
                continue
            if type(child).__module__.split(".")[0] != "twilio":
                continue
            path = f"{where}.{name}"
            try:
                mine = getattr(ours, name)
            except AttributeError:
                if path.removeprefix("client.") not in NOT_IN_THE_DOCUMENTS:
                    self.missing.append(path)
                continue
            self.compare(child, mine, path)
            key = f"{type(child).__module__}.{type(child).__name__}"
            if key in self.seen:
                continue
            self.seen.add(key)
            self.walk(child, mine, path, depth + 1)
            if isinstance(child, official_lists.ListResource) and callable(child):
                self.call(child, mine, path, depth)

    def call(self, official: Any, ours: Any, where: str, depth: int) -> None:
        wanted = list(inspect.signature(official.__call__).parameters)
        model = getattr(ours, "model", None)
        if not wanted or model is None:
            return
        meta = model._meta
        unknown = [p for p in meta.path_params if p not in ours._path and p != "account_sid"]
        names = [*unknown, *([meta.identity] if meta.identity else [])]
        if len(names) != len(wanted):
            self.differences.append(f"{where}(...): official takes {wanted}, twiorm {names}")
            return
        values = [self.value_for(model, name) for name in names]
        self.compare(official(*values), ours(*values), f"{where}(...)")
        self.walk(official(*values), ours(*values), f"{where}(...)", depth + 1)

    @staticmethod
    def value_for(model: Any, name: str) -> str:
        field = model._meta.fields.get(name)
        return field.prefixes[0] + "b" * 32 if isinstance(field, fields.Sid) else "Value1"


@pytest.mark.slow
def test_the_official_librarys_tree_is_twiorms() -> None:
    index = pytest.importorskip("twiorm.resources._index")
    for attribute in index.DOMAINS:
        load_declarations(attribute)
    walk = Walk()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the official library's own deprecation notices
        walk.walk(twilio_rest.Client(ACCOUNT, "t" * 32), twiorm.Client(ACCOUNT, "t" * 32), "client")
    assert walk.missing == []
    assert walk.differences == []
    assert walk.compared > 800


# Keywords of the official library's methods that Twilio's documents do not have yet.
NEWER_KEYWORDS = {
    "recording_configuration_id",
    "transcription_configuration_id",
    "passports",
    "message_intent",
    "templates",
    "resource_version",
    "author_sid",
    "code_challenge",
    "code_challenge_method",
    "code_verifier",
    "emergency_caller_position",
    "emergency_caller_location",
    "emergency_name",
    "emergency_address",
    "emergency_zip_code",
    "emergency_city",
    "emergency_state",
    "emergency_country",
}
METHODS = {"create": "create", "update": "update", "fetch": "fetch", "delete": "delete"}
METHODS["stream"] = "list"
NOT_KEYWORDS = {"self", "limit", "page_size", "page_token", "page_number", "kwargs", "args"}


class KeywordWalk(Walk):
    """Compare each official method's keywords with the twiorm operation's parameters."""

    def __init__(self) -> None:
        super().__init__()
        self.methods = 0
        self.unknown: list[str] = []

    def compare(self, official: Any, ours: Any, where: str) -> None:
        super().compare(official, ours, where)
        model = getattr(ours, "model", None) or getattr(ours, "_model", None)
        if model is None:
            return
        operations = model._meta.operations
        for method, name in METHODS.items():
            function = getattr(type(official), method, None)
            if function is None or name not in operations:
                continue
            operation = operations[name]
            ours_names = set(operation.parameters)
            if name == "list":  # twiorm takes X_before / X_after beside X__lte / X__gte
                ours_names |= {
                    n.replace("__gte", "_after").replace("__lte", "_before") for n in ours_names
                }
            self.methods += 1
            theirs = [p for p in inspect.signature(function).parameters if p not in NOT_KEYWORDS]
            for keyword in theirs:
                if keyword in ours_names or keyword in NEWER_KEYWORDS:
                    continue
                if operation.body == "json" and len(theirs) == 1:
                    continue  # the whole JSON body as one object: twiorm takes it so too
                self.unknown.append(f"{where}.{method}({keyword}=...)")


@pytest.mark.slow
def test_the_official_librarys_keywords_are_twiorms() -> None:
    index = pytest.importorskip("twiorm.resources._index")
    for attribute in index.DOMAINS:
        load_declarations(attribute)
    walk = KeywordWalk()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        walk.walk(twilio_rest.Client(ACCOUNT, "t" * 32), twiorm.Client(ACCOUNT, "t" * 32), "client")
    assert walk.unknown == []
    assert walk.methods > 1500
