"""Lookups: information about a single phone number."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from twiorm import Resource, fields

if TYPE_CHECKING:
    from twiorm.resources.lookups import v2_types as _types

VALIDATION_ERROR = (
    "TOO_SHORT",
    "TOO_LONG",
    "INVALID_BUT_POSSIBLE",
    "INVALID_COUNTRY_CODE",
    "INVALID_LENGTH",
    "NOT_A_NUMBER",
)


class PhoneNumber(Resource):
    class Meta:
        path = "/v2/PhoneNumbers/{phone_number}"
        domain = "lookups"
        verbs = ("fetch",)
        identity = "phone_number"
        free_text_identity = True

    calling_country_code = fields.Str()
    country_code = fields.Str(fetch=True)
    phone_number = fields.PhoneNumber()
    national_format = fields.Str()
    valid = fields.Bool()
    validation_errors = fields.List(fields.Enum(VALIDATION_ERROR))
    caller_name = fields.Object()
    sim_swap = fields.Object()
    call_forwarding = fields.Object()
    line_type_intelligence = fields.Object()
    line_status = fields.Object()
    identity_match = fields.Object()
    reassigned_number = fields.Object()
    sms_pumping_risk = fields.Object()
    phone_number_quality_score = fields.Json()
    pre_fill = fields.Json()
    url = fields.Uri()
    # request-only parameters (absent from responses)
    first_name = fields.Str(fetch=True, write_only=True)
    last_name = fields.Str(fetch=True, write_only=True)
    address_line1 = fields.Str(fetch=True, write_only=True)
    address_line2 = fields.Str(fetch=True, write_only=True)
    city = fields.Str(fetch=True, write_only=True)
    state = fields.Str(fetch=True, write_only=True)
    postal_code = fields.Str(fetch=True, write_only=True)
    address_country_code = fields.Str(fetch=True, write_only=True)
    national_id = fields.Str(fetch=True, write_only=True)
    date_of_birth = fields.Str(fetch=True, write_only=True)
    last_verified_date = fields.Str(fetch=True, write_only=True)
    verification_sid = fields.Str(fetch=True, write_only=True)
    partner_sub_id = fields.Str(fetch=True, write_only=True)
    # Last on purpose: below this line "fields" would name this parameter, not the module.
    fields = fields.Str(fetch=True, write_only=True)  # "Fields": the data packages to add

    if TYPE_CHECKING:
        objects: ClassVar[_types.PhoneNumberManager]
