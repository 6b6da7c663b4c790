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
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from twiorm.errors import MalformedResponseError, RequestTimeout, ValidationError

if TYPE_CHECKING:
    from twiorm.base_client import BaseClient as Client
    from twiorm.resource import Resource

__all__ = ["ExportDay", "ExportJob", "resource_for"]

#: A custom export job's days still being worked on, by status (BulkExports' job_enum_status).
_PENDING = frozenset({"Submitted", "Running", "RunningToBeDeleted"})


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


class ExportJob:
    """What a custom export job can do besides its REST operations (a mixin of ``Job``)."""

    raw: Any

    @property
    def done(self) -> bool:
        """Whether no day of the job is still submitted or running."""
        details = self.raw.get("details")
        if not isinstance(details, list) or not details:
            return False
        return all(
            isinstance(group, dict) and group.get("status") not in _PENDING for group in details
        )

    def wait(
        self,
        *,
        interval: float = 10.0,
        timeout: float = 3600.0,
        client: Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Any:
        """Fetch the job every ``interval`` seconds until it is done; return it.

        Raises ``RequestTimeout`` after ``timeout`` seconds of waiting.
        """
        waited = 0.0
        while True:
            self.refresh(client=client)  # type: ignore[attr-defined]
            if self.done:
                return self
            if waited >= timeout:
                raise RequestTimeout(
                    f"export job {self.raw.get('job_sid')} not done after {waited:.0f} s"
                )
            sleep(interval)
            waited += interval

    async def wait_async(
        self, *, interval: float = 10.0, timeout: float = 3600.0, client: Client | None = None
    ) -> Any:
        """``wait`` without blocking the event loop."""
        import asyncio

        waited = 0.0
        while True:
            await self.arefresh(client=client)  # type: ignore[attr-defined]
            if self.done:
                return self
            if waited >= timeout:
                raise RequestTimeout(
                    f"export job {self.raw.get('job_sid')} not done after {waited:.0f} s"
                )
            await asyncio.sleep(interval)
            waited += interval
