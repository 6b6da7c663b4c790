"""Every operation is reachable in both styles, as the official helper library reaches it.

The expressions are the official library's (twilio-python 9.x); each test checks the
request that goes out on the wire (the fake Twilio records it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

import twiorm
from twiorm import Resource, registry
from twiorm.rest import load_every_declaration
from twiorm.transport import FunctionTransport

from ..conftest import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio

OTHER = "AC" + "b" * 32
SERVICE = "IS" + "1" * 32
CONVERSATION = "CH" + "2" * 32


def meta_page(key: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"meta": {"key": key, "next_page_url": None, "page": 0, "page_size": 50}, key: records}


def sent(fake: FakeTwilio) -> tuple[str, str, list[tuple[str, str]], list[tuple[str, str]]]:
    request = fake.requests[-1]
    return request.method, request.url, list(request.params), list(request.data)


def test_available_phone_numbers_of_a_country(client: twiorm.Client, fake: FakeTwilio) -> None:
    path = f"/2010-04-01/Accounts/{OTHER}/AvailablePhoneNumbers/US/Local.json"
    fake.reply("GET", path, {"available_phone_numbers": [{"phone_number": "+14155550123"}]})
    found = client.api.v2010.accounts(OTHER).available_phone_numbers("US").local.list(area_code=415)
    assert [n.phone_number for n in found] == ["+14155550123"]
    method, url, params, _ = sent(fake)
    assert (method, url) == ("GET", f"https://api.twilio.com{path}")
    assert ("AreaCode", "415") in params


def test_a_conversation_message_under_a_service(client: twiorm.Client, fake: FakeTwilio) -> None:
    path = f"/v1/Services/{SERVICE}/Conversations/{CONVERSATION}/Messages"
    fake.reply("POST", path, {"sid": "IM" + "3" * 32, "body": "hi"}, status=201)
    message = (
        client.conversations.v1.services(SERVICE)
        .conversations(CONVERSATION)
        .messages.create(body="hi")
    )
    assert message.body == "hi"
    assert sent(fake) == ("POST", f"https://conversations.twilio.com{path}", [], [("Body", "hi")])


def test_bulkexports_days_and_sync_documents(client: twiorm.Client, fake: FakeTwilio) -> None:
    fake.reply("GET", "/v1/Exports/Calls/Days", meta_page("days", [{"day": "2026-11-01"}]))
    assert [d.day for d in client.bulkexports.v1.exports("Calls").days.list()] == ["2026-11-01"]
    path = f"/v1/Services/{SERVICE}/Documents"
    fake.reply("POST", path, {"sid": "ET" + "4" * 32, "unique_name": "d", "data": {"a": 1}})
    document = client.sync.v1.services(SERVICE).documents.create(unique_name="d", data={"a": 1})
    assert document.data == {"a": 1}
    assert sent(fake)[3] == [("UniqueName", "d"), ("Data", '{"a":1}')]


def test_singletons_namespaces_and_lists_below_lists(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    account = f"/2010-04-01/Accounts/{ACCOUNT_SID}"
    fake.reply("GET", f"/2010-04-01/Accounts/{OTHER}/Balance.json", {"balance": "1.5"})
    assert client.api.v2010.accounts(OTHER).balance.fetch().balance == "1.5"
    fake.reply("GET", f"{account}/SIP/Domains.json", {"domains": []})
    assert client.api.v2010.account.sip.domains.list() == []
    fake.reply("GET", f"{account}/Usage/Records/Daily.json", {"usage_records": []})
    assert client.api.v2010.account.usage.records.daily.list() == []
    fake.reply("GET", "/v1/Configuration", {"account_sid": ACCOUNT_SID})
    assert client.conversations.v1.configuration().fetch().account_sid == ACCOUNT_SID


def test_the_official_call_structure(client: twiorm.Client, fake: FakeTwilio) -> None:
    # an identity by keyword, required parameters positionally
    fake.reply("GET", f"/v1/Services/{SERVICE}", {"sid": SERVICE})
    assert client.sync.v1.services(sid=SERVICE).fetch().sid == SERVICE
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    fake.reply("POST", path, {"sid": "SM" + "5" * 32}, status=201)
    client.messages.create("+14155550100", from_="Jack", body="hi")  # an alphanumeric sender
    assert sorted(sent(fake)[3]) == [("Body", "hi"), ("From", "Jack"), ("To", "+14155550100")]
    with pytest.raises(TypeError, match="positional"):
        client.messages.create("+14155550100", "+14155550101")


def test_shortcuts_resolve_to_the_newest_version_that_has_them(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply("GET", "/v2/Services", meta_page("services", []))
    assert client.chat.services.list() == []  # chat v3 has no Services list
    assert fake.requests[-1].url == "https://chat.twilio.com/v2/Services"
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Calls.json"
    fake.reply("GET", path, {"calls": []}, always=True)
    for listing in (client.api.v2010.calls, client.api.calls, client.calls):
        assert listing.list() == []


def test_an_api_key_client_takes_the_account_positionally(fake: FakeTwilio) -> None:
    key = "SK" + "6" * 32
    client = twiorm.Client(key, "secret", ACCOUNT_SID, transport=FunctionTransport(fake))
    assert client.account_sid == ACCOUNT_SID


def test_every_list_object_exposes_its_class_and_its_manager() -> None:
    load_every_declaration()
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN)
    listing = client.conversations.v1.services(SERVICE).conversations
    model = listing.model
    assert model.__module__ == "twiorm.resources.conversations.v1"
    query = model.objects.filter(chat_service_sid=SERVICE).using(client)
    assert query.request().path == f"/v1/Services/{SERVICE}/Conversations"


def test_django_style_sub_resources_of_a_generated_instance(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    from twiorm.resources.conversations.v1 import Conversation

    fake.reply("GET", f"/v1/Conversations/{CONVERSATION}", {"sid": CONVERSATION})
    conversation = Conversation.objects.using(client).get(CONVERSATION)
    fake.reply("GET", f"/v1/Conversations/{CONVERSATION}/Messages", meta_page("messages", []))
    assert list(conversation.messages.all()) == []


def test_names_are_unique_per_module_and_kept_apart_across_domains() -> None:
    load_every_declaration()
    by_module: dict[str, set[str]] = {}
    for model in registry.resources():
        if model.__module__.startswith("twiorm.resources.") and model.__module__.count(".") == 3:
            names = by_module.setdefault(model.__module__, set())
            assert model.__name__ not in names, model
            names.add(model.__name__)
    services = [m for m, names in by_module.items() if "Service" in names]
    assert len(services) >= 10  # Services exists in many domains, apart by module


def test_every_keyword_is_an_identifier_of_the_official_spelling() -> None:
    load_every_declaration()
    checked = 0
    for model in registry.resources():
        meta = model._meta
        for operation in meta.operations.values():
            for name in operation.parameters:
                assert name.isidentifier(), (model, name)
                checked += 1
    assert checked > 3500
    from twiorm.resources.api.v2010 import Call

    assert "status_callback_event" in Call._meta.operations["create"].parameters
    assert "from_" in Call._meta.operations["create"].parameters


def test_import_twiorm_builds_no_generated_module() -> None:
    code = (
        "import sys, twiorm\n"
        "from twiorm.resources import Call\n"
        "loaded = [m for m in sys.modules if m.count('.') == 3\n"
        "          and m.startswith('twiorm.resources.')]\n"
        "print(len(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_generated_classes_are_resources() -> None:
    from twiorm.resources.bulkexports.v1 import Day

    assert issubclass(Day, Resource)
    assert Day._meta.operations["fetch"].answer == "redirect"
    assert json.dumps(Day._meta.identity) == '"day"'


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("api.v2010.account.signing_keys", "SigningKey"),
        ("api.v2010.account.new_signing_keys", "NewSigningKey"),
        ("api.v2010.account.validation_requests", "ValidationRequest"),
        ("api.v2010.account.outgoing_caller_ids", "OutgoingCallerId"),
        ("bulkexports.v1.exports('Calls').export_custom_jobs", "ExportCustomJob"),
        ("intelligence.v2.transcripts('GT' + 'a' * 32).encrypted_sentences", "EncryptedSentences"),
        ("chat.v2.services('IS' + 'a' * 32).users('US' + 'a' * 32).user_channels", "UserChannel"),
    ],
)
def test_sub_resources_have_the_official_names(path: str, model: str) -> None:
    # The names are the documents' own (x-twilio mountName and dependentProperties).
    client = twiorm.Client(ACCOUNT_SID, AUTH_TOKEN)
    listing = eval(f"client.{path}", {"client": client})
    assert listing.model.__name__ == model


def test_help_shows_what_the_declaration_says() -> None:
    import pydoc

    from twiorm.resources.conversations.v1 import Conversation

    text = pydoc.render_doc(Conversation, renderer=pydoc.plaintext)
    assert "create: POST /v1/Conversations" in text
    assert "state (one of initializing, inactive, active, closed)" in text
    assert "Filters: " in text or "list: GET /v1/Conversations" in text
    from twiorm.resources import Call

    assert "to (required, an E.164 phone number" in (Call.__doc__ or "")


def test_a_json_body_given_as_one_object(client: twiorm.Client, fake: FakeTwilio) -> None:
    # the official helpers' form: contents.create(content_create_request={...})
    fake.reply("POST", "/v1/Content", {"sid": "HX" + "1" * 32}, status=201)
    client.content.v1.contents.create(
        content_create_request={"friendly_name": "hi", "language": "en", "types": {"a": {}}}
    )
    sent_body = json.loads(fake.requests[-1].content or b"")
    assert sent_body == {"friendly_name": "hi", "language": "en", "types": {"a": {}}}
    with pytest.raises(twiorm.ValidationError, match="language"):
        client.content.v1.contents.create(content_create_request={"language": 5, "types": {}})


def test_headers_of_a_list_and_keywords_as_the_official_library_spells_them(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    fake.reply("GET", "/v1/PluginService/Plugins", meta_page("plugins", []))
    client.flex_api.v1.plugins.list(flex_metadata="m1")
    assert fake.requests[-1].headers["Flex-Metadata"] == "m1"
    from twiorm.resources.messaging.v1 import BrandRegistrations

    assert "a2p_profile_bundle_sid" in BrandRegistrations._meta.operations["create"].parameters
    from twiorm.resources.lookups.v2 import LookupAccountRateLimits

    assert "fields" in LookupAccountRateLimits._meta.operations["fetch"].parameters
