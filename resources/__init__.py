"""Declarations of the Twilio resources twiorm knows about."""

from .account import Account
from .call import Call
from .conference import Conference
from .incoming_phone_number import IncomingPhoneNumber
from .lookups_phone_number import PhoneNumber
from .message import Message
from .messaging_service import Service
from .outgoing_caller_id import OutgoingCallerId
from .participant import Participant
from .recording import CallRecording, ConferenceRecording, Recording
from .verify_service import Verification, VerificationCheck, VerifyService

Number = IncomingPhoneNumber

__all__ = [
    "Account",
    "Call",
    "CallRecording",
    "Conference",
    "ConferenceRecording",
    "IncomingPhoneNumber",
    "Message",
    "Number",
    "OutgoingCallerId",
    "Participant",
    "PhoneNumber",
    "Recording",
    "Service",
    "Verification",
    "VerificationCheck",
    "VerifyService",
]
