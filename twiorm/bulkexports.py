"""BulkExports: a day of Calls, Messages or Conferences as one file, read into records.

``client.bulkexports.v1.exports("Messages").days("2026-11-01").fetch()`` answers with a
307 whose ``redirect_to`` names the file (twiorm follows it without Twilio's credentials);
``day.records()`` reads that gzip'd JSON-lines file into instances of the matching resource,
parsed by the same fields as the REST API's records, one line at a time.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from twiorm.errors import MalformedResponseError, ValidationError

if TYPE_CHECKING:
    from twiorm.base_client import BaseClient as Client
    from twiorm.resource import Resource

__all__ = ["ExportDay", "resource_for"]


def resource_for(resource_type: str) -> type[Resource]:
    """The resource whose records a BulkExports file of ``resource_type`` holds."""
    import twiorm.resources as shipped  # data, loaded when a day is read

    found = {"Calls": shipped.Call, "Messages": shipped.Message, "Conferences": shipped.Conference}
    model = found.get(resource_type)
    if model is None:
        raise ValidationError(
            f"BulkExports files hold Calls, Messages or Conferences, not {resource_type!r}",
            field="resource_type",
            expected="Calls, Messages or Conferences",
        )
    return model


class ExportDay:
    """What a BulkExports day can do besides its REST operations (a mixin of ``Day``)."""

    raw: Any
    _context: dict[str, str]

    def records(self, *, client: Client | None = None) -> Iterator[Resource]:
        """The day's records, read from its file a line at a time."""
        resource_type = self._context.get("resource_type") or self.raw.get("resource_type")
        model = resource_for(str(resource_type))
        if not self.raw.get("redirect_to"):
            self.refresh(client=client)  # type: ignore[attr-defined]
        body: bytes = self.download(client=client)  # type: ignore[attr-defined]
        bound = self._bound_client(client)  # type: ignore[attr-defined]
        try:
            lines = gzip.GzipFile(fileobj=io.BytesIO(body)).readlines()
        except (OSError, EOFError):
            problem = "not a gzip'd JSON-lines file"
        else:
            for line in lines:
                if line.strip():
                    yield model._from_record(json.loads(line), bound, {})
            return
        raise MalformedResponseError(f"BulkExports day {self.raw.get('day')}: {problem}")
