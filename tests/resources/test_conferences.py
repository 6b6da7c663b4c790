"""Conference and Participant (identified by call_sid), replayed from cassettes."""

from __future__ import annotations

from datetime import date

import pytest

import twiorm
from twiorm.resources import Conference, ConferenceRecording, Participant

CF = "CF" + "a" * 32
CA = "CA" + "a" * 32


def test_filter_conferences_by_status_and_day(twilio: twiorm.Client) -> None:
    found = list(
        Conference.objects.using(twilio).filter(
            status="in-progress", date_created__gte=date(2026, 1, 1)
        )[:1]
    )
    assert all(isinstance(conference, Conference) for conference in found)


def test_conferences_cannot_be_created(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.VerbNotAllowedError, match="Conference does not allow create"):
        Conference.objects.using(client).create(friendly_name="x")


def test_end_a_conference(twilio: twiorm.Client) -> None:
    conference = Conference.objects.using(twilio).get(CF)
    conference.update(status="completed")


def test_muted_participants_of_one_conference(twilio: twiorm.Client) -> None:
    participants = list(Participant.objects.using(twilio).filter(conference_sid=CF, muted=True)[:1])
    assert all(isinstance(p, Participant) and isinstance(p.muted, bool) for p in participants)


def test_participants_need_their_conference(client: twiorm.Client) -> None:
    with pytest.raises(twiorm.InvalidPathParameterError, match="conference_sid"):
        list(Participant.objects.using(client).filter(muted=True))


def test_participant_by_call_sid_then_mute_and_kick(twilio: twiorm.Client) -> None:
    participant = Participant.objects.using(twilio).get(CA, conference_sid=CF)
    assert participant.pk == participant.call_sid
    participant.muted = True
    participant.save()
    participant.delete()


def test_dial_a_participant_in(twilio: twiorm.Client) -> None:
    participant = (
        Participant.objects.using(twilio)
        .filter(conference_sid=CF)
        .create(from_="+14155550199", to="+14155550100", status_callback_event=["join", "leave"])
    )
    assert participant.conference_sid.startswith("CF")


def test_conference_recordings(twilio: twiorm.Client) -> None:
    found = list(ConferenceRecording.objects.using(twilio).filter(conference_sid=CF)[:1])
    assert found
    assert found[0].sid.startswith("RE")
