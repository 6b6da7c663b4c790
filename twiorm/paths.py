"""Filling URL templates with checked, percent-encoded identities and path parameters.

Every value that goes into a path is checked first, so that no input can make a request
leave its resource's path. SIDs must match their declared pattern in full (a trailing
newline included). Free text (a participant label, a phone number) is refused when it
could name another path however a server decodes it: empty, or holding a ``.``, ``..``
or empty part between slashes or backslashes (``../Calls``, ``/``), also once
percent-decoded (``%2e%2e``) or Unicode-normalised (two fullwidth full stops, U+FF0E);
and when it holds characters that have no place in a URL or a log line (control
characters, lone surrogates, line separators, bidi overrides). What passes is percent-encoded with
nothing left as a separator, so ``a/b`` travels as the one segment ``a%2Fb``.

``fill_path`` applies the free-text check to every value again, whatever its source
(a client's account SID, a parent SID read from a response), so the guarantee does not
depend on each caller remembering to check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from twiorm.errors import InvalidPathParameterError
from twiorm.fields import Sid

if TYPE_CHECKING:
    from twiorm.options import Options

__all__ = ["check_path_value", "fill_path", "path_text_problem", "placeholders"]

#: A ``{name}`` in a URL template.
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# An acronym's end before a word: OAuthApps → O_Auth_Apps, as the official helpers name it.
_ACRONYM_END = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
# Unicode categories refused outright: controls, lone surrogates (not encodable as
# UTF-8), line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
# Bidirectional overrides and isolates, which make a value display as something else.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS = re.compile(r"[/\\]")
_PLAIN = re.compile(r"[A-Za-z0-9_+\-]+")
_FREE_TEXT_EXPECTED = (
    "a non-empty string without control characters whose parts between slashes are "
    "neither empty nor '.' or '..' (even percent-encoded)"
)


def path_text_problem(value: Any) -> str | None:
    """Say why ``value`` cannot stand for a path segment, or return ``None`` if it can."""
    if not isinstance(value, str):
        return f"not a string but {type(value).__name__}"
    if _PLAIN.fullmatch(value):
        return None  # letters, digits, "_", "-", "+" only (a SID, a number): nothing to read
    if value == "":
        return "empty"
    for char in value:
        if unicodedata.category(char) in _REFUSED_CATEGORIES or char in _BIDI_CONTROLS:
            return f"holds the character U+{ord(char):04X}"
    # The value is percent-encoded, so a slash in it is data, not a separator. But
    # servers differ in how much they decode before routing: check every reading.
    for reading in (value, unquote(value), unicodedata.normalize("NFKC", value)):
        for segment in _SEPARATORS.split(reading):
            if segment in ("", ".", ".."):
                return "would read as a relative or empty path segment if decoded"
    return None


def check_path_value(options: Options, name: str, value: Any, verb: str | None = None) -> str:
    """Return ``value`` if it may stand for ``{name}`` in the resource's URL, else raise.

    ``verb`` is the operation the URL is for; an identity alias (``Twilio.CURRENT``) is
    accepted only for the verbs that declare it (for any of them when ``verb`` is None).
    """
    field = options.fields.get(name)
    where = f"{options.resource_name}.{name}"
    if name == options.identity and isinstance(value, str):
        aliases = options.identity_aliases
        every = [alias for names in aliases.values() for alias in names]
        allowed = aliases.get(verb, ()) if verb else every
        if value in allowed:
            return value
        if verb and any(value in names for names in aliases.values()):
            takes = ", ".join(v for v, names in aliases.items() if value in names)
            raise InvalidPathParameterError(
                f"{where}: {value!r} stands for the identity only to {takes}, not to {verb}",
                resource=options.resource_name,
                field=name,
                expected=field.expected if field is not None else "an identity",
            )
    if isinstance(field, Sid) and name not in options.free_text:
        # fullmatch: the pattern's "$" would also accept a trailing newline.
        if not isinstance(value, str) or not field.pattern.fullmatch(value):
            raise InvalidPathParameterError(
                f"{where}: expected {field.expected}, got {_show(value)}",
                resource=options.resource_name,
                field=name,
                expected=field.expected,
            )
        return str(value)
    problem = path_text_problem(value)
    if problem is not None:
        raise InvalidPathParameterError(
            f"{where}: expected {_FREE_TEXT_EXPECTED}, got {_show(value)} ({problem})",
            resource=options.resource_name,
            field=name,
            expected=_FREE_TEXT_EXPECTED,
        )
    return str(value)


def fill_path(options: Options, template: str, values: Mapping[str, str]) -> str:
    """Fill ``template`` with ``values``, checking and percent-encoding each one."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        if value is None:
            raise InvalidPathParameterError(
                f"{options.resource_name} needs {name}=... to build its URL ({template})",
                resource=options.resource_name,
                field=name,
                expected="a value for the URL",
            )
        problem = path_text_problem(value)
        if problem is not None:
            raise InvalidPathParameterError(
                f"{options.resource_name}.{name}: {_show(value)} cannot go in a URL ({problem})",
                resource=options.resource_name,
                field=name,
                expected=_FREE_TEXT_EXPECTED,
            )
        return quote(str(value), safe="")

    return PLACEHOLDER.sub(replace, template)


def placeholders(template: str) -> list[str]:
    """Return the names of a template's placeholders, in order."""
    return PLACEHOLDER.findall(template)


def template_shape(template: str) -> str:
    """The template with every placeholder as ``{}``, to compare paths by shape."""
    return PLACEHOLDER.sub("{}", template)


def snake_case(segment: str) -> str:
    """``IncomingPhoneNumbers`` → ``incoming_phone_numbers``: a collection's Python name
    (``OAuthApps`` → ``o_auth_apps``, as the official helper library spells it)."""
    return _ACRONYM_END.sub("_", _CAMEL_BOUNDARY.sub("_", segment)).lower()


def _show(value: Any) -> str:
    # ascii(): a refused control or bidi character is shown escaped, not acted upon.
    text = ascii(value)
    return text if len(text) <= 80 else text[:77] + "..."
