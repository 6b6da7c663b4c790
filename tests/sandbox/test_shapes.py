"""The sandbox serves every shape a declaration can state, from the same operation table."""

from __future__ import annotations

import pytest

import twiorm
import twiorm.sandbox

from ..core.shapes import Allowance, Settings, Template


def test_singletons_json_bodies_put_and_patch_are_served() -> None:
    with twiorm.sandbox.run(resources=[Settings, Template, Allowance]) as sandbox:
        client = sandbox.client
        settings = Settings.objects.using(client).get()  # exists from the start, as on Twilio
        settings.retention_days = 5
        settings.save()
        assert Settings.objects.using(client).get().retention_days == 5

        template = Template.objects.using(client).create(
            language="en", types={"twilio/text": {"body": "hi"}}
        )
        template.update(language="fr")
        template.perform("patch", approved=True)
        fetched = Template.objects.using(client).get(template.sid)
        assert (fetched.language, fetched.approved, fetched.types) == (
            "fr",
            True,
            {"twilio/text": {"body": "hi"}},
        )
        assert client.api.v2010.account.allowance.fetch().account_sid == client.account_sid
        methods = [(e.method, e.status) for e in sandbox.requests]
        assert ("PUT", 200) in methods
        assert ("PATCH", 200) in methods


def test_the_sandbox_refuses_what_the_table_does_not_allow() -> None:
    with twiorm.sandbox.run(resources=[Template]) as sandbox:
        client = sandbox.client
        template = Template.objects.using(client).create(language="en", types={})
        # POST is not how this resource updates: the table says PUT.
        with pytest.raises(twiorm.TwilioAPIError) as refused:
            client.request("POST", f"/v1/Templates/{template.sid}", domain="gizmos")
        assert refused.value.status == 405
        # A form body where JSON is declared is refused.
        with pytest.raises(twiorm.BadRequestError):
            client.request("POST", "/v1/Templates", domain="gizmos", data={"Language": "en"})
