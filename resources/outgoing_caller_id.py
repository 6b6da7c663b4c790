"""Verified caller IDs an account may present on outbound calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from twiorm.base_client import BaseClient
    from twiorm.resources.api import v2010_types as _types


class OutgoingCallerId(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{account_sid}/OutgoingCallerIds/{sid}.json"
        domain = "api"
        # no "create": POST to the list URL is CreateValidationRequest, which starts a
        # verification call and answers with a ValidationRequest body, not a caller ID
        verbs = ("list", "fetch", "update", "delete")
        list_key = "outgoing_caller_ids"

    sid = fields.Sid("PN")
    date_created = fields.RFC2822DateTime()
    date_updated = fields.RFC2822DateTime()
    friendly_name = fields.Str(update=True, filter=True)
    account_sid = fields.Sid("AC")
    phone_number = fields.PhoneNumber(filter=True)
    uri = fields.Str()

    if TYPE_CHECKING:
        objects: ClassVar[_types.OutgoingCallerIdManager]

        def update(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.OutgoingCallerIdUpdate]
        ) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.OutgoingCallerIdUpdate]
        ) -> Self: ...
