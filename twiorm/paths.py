"""Filling URL templates with checked, percent-encoded identities and path parameters.

Every value that goes into a path is checked first, so that no input can make a request
leave its resource's path: SIDs must match their declared pattern, and free text (a
participant label, a phone number) is refused when empty, ``.``/``..`` or containing
control characters, then percent-encoded with nothing left as a separator.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from twiorm.errors import InvalidPathParameterError
from twiorm.fields import Sid

if TYPE_CHECKING:
    from twiorm.options import Options

__all__ = ["check_path_value", "fill_path"]

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_path_value(options: Options, name: str, value: Any) -> str:
    """Return ``value`` if it may stand for ``{name}`` in the resource's URL, else raise."""
    field = options.fields.get(name)
    where = f"{options.resource_name}.{name}"
    if isinstance(field, Sid) and not (name == options.identity and options.free_text_identity):
        if not isinstance(value, str) or not field.pattern.match(value):
            raise InvalidPathParameterError(
                f"{where}: expected {field.expected}, got {value!r}",
                resource=options.resource_name,
                field=name,
                expected=field.expected,
            )
        return value
    expected = "a non-empty string without control characters, not '.' or '..'"
    if not isinstance(value, str) or value in ("", ".", "..") or _CONTROL.search(value):
        raise InvalidPathParameterError(
            f"{where}: expected {expected}, got {value!r}",
            resource=options.resource_name,
            field=name,
            expected=expected,
        )
    return value


def fill_path(options: Options, template: str, values: Mapping[str, str]) -> str:
    """Fill ``template`` with ``values`` (already checked), percent-encoding each one."""

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
        return quote(value, safe="")

    return _PLACEHOLDER.sub(replace, template)


def placeholders(template: str) -> list[str]:
    """Return the names of a template's placeholders, in order."""
    return _PLACEHOLDER.findall(template)
