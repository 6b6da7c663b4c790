"""Messaging v1, Verify v2 and Lookups v2: other hosts, the meta envelope, ISO dates."""

from __future__ import annotations

from datetime import datetime

import twiorm
from twiorm.resources import PhoneNumber, Service, Verification, VerificationCheck, VerifyService

VA = "VA" + "a" * 32


def test_messaging_services_page_through_the_meta_envelope(twilio: twiorm.Client) -> None:
    services = list(Service.objects.using(twilio).all()[:5])
    assert services
    assert isinstance(services[0].date_created, datetime)
    assert services[0].date_created.tzinfo is not None


def test_create_a_messaging_service(twilio: twiorm.Client) -> None:
    service = Service.objects.using(twilio).create(friendly_name="alerts", sticky_sender=True)
    assert service.sid.startswith("MG")


def test_start_and_check_a_verification(twilio: twiorm.Client) -> None:
    service = VerifyService.objects.using(twilio).create(friendly_name="login")
    assert service.sid.startswith("VA")
    verification = Verification.objects.using(twilio).create(
        service_sid=VA, to="+14155550100", channel="sms"
    )
    assert verification.status is not None
    check = VerificationCheck.objects.using(twilio).create(
        service_sid=VA, to="+14155550100", code="123456"
    )
    assert check.valid in (True, False)


def test_lookup_a_phone_number_with_fields(twilio: twiorm.Client) -> None:
    number = PhoneNumber.objects.using(twilio).get("+14159929960", fields="line_type_intelligence")
    assert number.phone_number.startswith("+")
    assert number.valid in (True, False)
