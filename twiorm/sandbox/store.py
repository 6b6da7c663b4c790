"""The sandbox's state: records grouped in collections, newest last, behind one lock.

A record is kept as the JSON object the API answers with (``data``), plus the path values
it was created under (``parents``: its account, its call …) and a sequence number that
orders every record ever stored. ``data`` is replaced on update, never changed in place,
so a reader holding an old one sees a consistent record without the lock.

Page tokens name a record (``PA<sid>``); the sequence number of every key ever stored is
kept, so a token stays usable after its record is deleted.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Collection", "Store", "StoredRecord"]


@dataclass
class StoredRecord:
    """One record: its key (identity value), order, JSON data and path values."""

    key: str
    seq: int
    data: dict[str, Any]
    parents: dict[str, str]

    def value(self, name: str, key: str | None) -> Any:
        """The value of path parameter ``name``: from the path it was created under, else
        from the record's own property ``key`` (a call recording's ``call_sid``)."""
        if name in self.parents:
            return self.parents[name]
        return self.data.get(key) if key is not None else None


class Collection:
    """The records of one Twilio list, by key, in the order they were stored."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._records: dict[str, StoredRecord] = {}
        self._positions: dict[str, int] = {}

    def add(self, record: StoredRecord) -> None:
        self._records[record.key] = record
        self._positions[record.key] = record.seq

    def get(self, key: str) -> StoredRecord | None:
        return self._records.get(key)

    def remove(self, key: str) -> None:
        self._records.pop(key, None)

    def position(self, key: str) -> int | None:
        """The sequence number a key was stored with, even if since deleted."""
        return self._positions.get(key)

    def newest_first(self) -> Iterator[StoredRecord]:
        return reversed(self._records.values())

    def __len__(self) -> int:
        return len(self._records)


class Store:
    """Every collection of one sandbox. Hold ``lock`` while reading or changing them."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._collections: dict[str, Collection] = {}
        self._sequence = itertools.count(1)

    def collection(self, name: str) -> Collection:
        """The collection called ``name``, created empty on first use."""
        found = self._collections.get(name)
        if found is None:
            found = self._collections[name] = Collection(name)
        return found

    def next_seq(self) -> int:
        return next(self._sequence)

    def clear(self) -> None:
        """Forget every record (sequence numbers keep growing, so old tokens stay stale)."""
        self._collections.clear()
