"""What Twilio's OpenAPI documents do not say: the one reviewed table the generator reads.

Every entry says why. ``tools/generate.py`` applies these on top of what it reads from the
documents; generated files are never edited by hand.
"""

from __future__ import annotations

#: Resources whose declarations stay hand-written in ``resources/*.py``: they carry behaviour
#: and checks the documents do not state (one-of groups stated only in prose, Twilio.CURRENT
#: aliases, update-only enum choices, prices as decimals, durations as integers, the
#: sandbox's behaviours and the recorded cassettes). The generated module imports them under
#: the name the generator would give them, so both styles reach them the same way.
#: (module, generated class name) -> (hand module, hand class name)
HAND_DECLARED: dict[tuple[str, str], tuple[str, str]] = {
    ("api.v2010", "Account"): ("account", "Account"),
    ("api.v2010", "Call"): ("call", "Call"),
    ("api.v2010", "Conference"): ("conference", "Conference"),
    ("api.v2010", "Participant"): ("participant", "Participant"),
    ("api.v2010", "IncomingPhoneNumber"): ("incoming_phone_number", "IncomingPhoneNumber"),
    ("api.v2010", "OutgoingCallerId"): ("outgoing_caller_id", "OutgoingCallerId"),
    ("api.v2010", "Message"): ("message", "Message"),
    ("api.v2010", "Recording"): ("recording", "Recording"),
    ("api.v2010", "CallRecording"): ("recording", "CallRecording"),
    ("api.v2010", "ConferenceRecording"): ("recording", "ConferenceRecording"),
    ("messaging.v1", "Service"): ("messaging_service", "Service"),
    ("verify.v2", "Service"): ("verify_service", "VerifyService"),
    ("verify.v2", "Verification"): ("verify_service", "Verification"),
    ("verify.v2", "VerificationCheck"): ("verify_service", "VerificationCheck"),
    ("lookups.v2", "PhoneNumber"): ("lookups_phone_number", "PhoneNumber"),
}

#: Friendlier names kept beside the generated ones: (module, alias) -> class name.
ALIASES: dict[tuple[str, str], str] = {
    ("api.v2010", "Number"): "IncomingPhoneNumber",  # twiorm's short name since the seed
    ("verify.v2", "VerifyService"): "Service",  # as twiorm.resources exports it
}

#: Field types the documents leave as plain strings: (module, class, field) -> field type.
FIELD_TYPES: dict[tuple[str, str, str], str] = {}

#: The official library's domain shortcuts that do not resolve to the newest version having
#: the name (``client.lookups.phone_numbers`` is v1's): (client attribute, name) -> version.
SHORTCUT_VERSIONS: dict[tuple[str, str], str] = {
    ("content", "contents"): "v1",
    ("content", "content_and_approvals"): "v1",
    ("lookups", "phone_numbers"): "v1",
    ("messaging", "domain_certs"): "v1",
    ("oauth", "token"): "v1",
}

#: Names the official library reaches a resource by where the documents give none:
#: (module, class) -> mount name.
MOUNTS: dict[tuple[str, str], str] = {
    ("insights.v2", "InboundPhoneNumbersReport"): "inbound_reports",
    ("insights.v2", "OutboundPhoneNumbersReport"): "outbound_reports",
}

#: Behaviour beyond the REST operations, mixed into a generated class:
#: (module, class) -> (module, mixin class).
MIXINS: dict[tuple[str, str], tuple[str, str]] = {
    ("bulkexports.v1", "Day"): ("twiorm.bulkexports", "ExportDay"),  # day.records()
    ("bulkexports.v1", "Job"): ("twiorm.bulkexports", "ExportJob"),  # job.wait()
}
