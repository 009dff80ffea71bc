"""The account's tag list, kept up to date incrementally (S5.3, S3.1).

For each tag the index counts the live contacts carrying it (what the tag
list shows: soft-deleted contacts do not count, S3.1) and all contacts
carrying it (live or soft-deleted), and remembers when the tag was first put
on any contact of the account (for listing by creation date, S5.3). A tag
that no contact carries any more, not even a soft-deleted one, is forgotten;
used again later it starts with a new creation time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

import attrs

__all__ = ["TagCount", "TagIndex"]


@attrs.frozen
class TagCount:
    """One line of the account tag list: the tag, its live contact count, its creation time."""

    tag: str
    count: int
    created_on: datetime | None = attrs.field(default=None, eq=False)


class TagIndex:
    """Per-tag counters for one account; every update is O(1) per tag."""

    __slots__ = ("_created", "_live", "_total")

    def __init__(self) -> None:
        """An empty index."""
        self._live: dict[str, int] = {}
        self._total: dict[str, int] = {}
        self._created: dict[str, datetime] = {}

    def added(self, tag: str, *, live: bool, now: datetime) -> None:
        """A contact (live or not) got ``tag``."""
        total = self._total.get(tag, 0)
        if total == 0:
            self._created[tag] = now
        self._total[tag] = total + 1
        if live:
            self._live[tag] = self._live.get(tag, 0) + 1

    def removed(self, tag: str, *, live: bool) -> None:
        """A contact (live or not) lost ``tag`` (also: the contact itself was removed)."""
        total = self._total.get(tag, 0) - 1
        if total <= 0:
            self._total.pop(tag, None)
            self._created.pop(tag, None)
            self._live.pop(tag, None)
            return
        self._total[tag] = total
        if live:
            count = self._live.get(tag, 0) - 1
            if count <= 0:
                self._live.pop(tag, None)
            else:
                self._live[tag] = count

    def went_dead(self, tags: Iterable[str]) -> None:
        """A contact carrying ``tags`` was soft-deleted."""
        live = self._live
        for tag in tags:
            count = live.get(tag, 0) - 1
            if count <= 0:
                live.pop(tag, None)
            else:
                live[tag] = count

    def went_live(self, tags: Iterable[str]) -> None:
        """A soft-deleted contact carrying ``tags`` was restored."""
        live = self._live
        for tag in tags:
            live[tag] = live.get(tag, 0) + 1

    def count(self, tag: str) -> int:
        """Live contacts carrying ``tag``."""
        return self._live.get(tag, 0)

    def created_on(self, tag: str) -> datetime | None:
        """When ``tag`` was first put on a contact still carrying it, or ``None``."""
        return self._created.get(tag)

    def creation_times(self) -> dict[str, datetime]:
        """Every known tag's creation time (a copy), for snapshots."""
        return dict(self._created)

    def restore_created(self, tag: str, when: datetime) -> None:
        """Set a known tag's creation time back to a saved one (snapshot import)."""
        if tag in self._created:
            self._created[tag] = when

    def listing(self, order: Literal["name", "created"] = "name") -> list[TagCount]:
        """Tags with at least one live contact, by name or by (creation time, name)."""
        created = self._created
        if order == "created":
            names = sorted(self._live, key=lambda tag: (created[tag], tag))
        else:
            names = sorted(self._live)
        return [TagCount(tag, self._live[tag], created[tag]) for tag in names]

    def clear(self) -> None:
        """Forget every tag."""
        self._live.clear()
        self._total.clear()
        self._created.clear()
