"""Messaging Services: pools of senders sharing one configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields
from twiorm.fields import REQUIRED

if TYPE_CHECKING:
    from typing_extensions import Self, Unpack

    from twiorm.base_client import BaseClient
    from twiorm.resources.messaging import v1_types as _types

SERVICE_SCAN_MESSAGE_CONTENT = ("inherit", "enable", "disable")


class Service(Resource):
    class Meta:
        path = "/v1/Services/{sid}"
        domain = "messaging"
        verbs = ("list", "fetch", "create", "update", "delete")
        list_key = "services"

    sid = fields.Sid("MG")
    account_sid = fields.Sid("AC")
    friendly_name = fields.Str(create=REQUIRED, update=True)
    date_created = fields.ISODateTime()
    date_updated = fields.ISODateTime()
    inbound_request_url = fields.Uri(create=True, update=True)
    inbound_method = fields.HttpMethod(create=True, update=True)
    fallback_url = fields.Uri(create=True, update=True)
    fallback_method = fields.HttpMethod(create=True, update=True)
    status_callback = fields.Uri(create=True, update=True)
    sticky_sender = fields.Bool(create=True, update=True)
    mms_converter = fields.Bool(create=True, update=True)
    smart_encoding = fields.Bool(create=True, update=True)
    scan_message_content = fields.Enum(SERVICE_SCAN_MESSAGE_CONTENT, create=True, update=True)
    fallback_to_long_code = fields.Bool(create=True, update=True)
    area_code_geomatch = fields.Bool(create=True, update=True)
    synchronous_validation = fields.Bool(create=True, update=True)
    validity_period = fields.Int(create=True, update=True)
    url = fields.Uri()
    links = fields.UriMap()
    usecase = fields.Str(create=True, update=True)
    us_app_to_person_registered = fields.Bool()
    use_inbound_webhook_on_number = fields.Bool(create=True, update=True)

    if TYPE_CHECKING:
        objects: ClassVar[_types.ServiceManager]

        def update(self, *, client: BaseClient | None = None, **values: Unpack[_types.ServiceUpdate]) -> Self: ...
        async def aupdate(
            self, *, client: BaseClient | None = None, **values: Unpack[_types.ServiceUpdate]
        ) -> Self: ...
