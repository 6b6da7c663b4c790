"""Twilio accounts: the main account and its subaccounts."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from twiorm.base_client import BaseClient
    from twiorm.resources.api import v2010_types as _types

ACCOUNT_STATUS = ("active", "suspended", "closed")
ACCOUNT_TYPE = ("Trial", "Full")


class Account(Resource):
    class Meta:
        path = "/2010-04-01/Accounts/{sid}.json"
        domain = "api"
        verbs = ("list", "fetch", "create", "update")
        list_key = "accounts"

    auth_token = fields.Str(secret=True)
    date_created = fields.RFC2822DateTime()
    date_updated = fields.RFC2822DateTime()
    friendly_name = fields.Str(create=True, update=True, filter=True)
    owner_account_sid = fields.Sid("AC")
    sid = fields.Sid("AC")
    status = fields.Enum(ACCOUNT_STATUS, update=True, filter=True)
    subresource_uris = fields.UriMap()
    type = fields.Enum(ACCOUNT_TYPE)
    uri = fields.Str()

    if TYPE_CHECKING:
        objects: ClassVar[_types.AccountManager]

        def update(self, *, client: BaseClient | None = None, **values: Unpack[_types.AccountUpdate]) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.AccountUpdate]
        ) -> Self: ...
