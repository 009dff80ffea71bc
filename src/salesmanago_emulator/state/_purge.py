"""The nightly purge of soft-deleted contacts (S3.1, S3.4).

Every night at 02:00 (account time zone) the platform removes for good every
contact marked deleted. A contact deleted at 23:59 is restorable until 02:00
the next morning; one deleted at 00:30 only until 02:00 the same morning.
On the spring-forward night, when 02:00 does not exist on the wall clock,
the purge happens at the instant the clock jumps; on the fall-back night, at
the first 02:00.

There is no background thread: the account asks `PurgeQueue` on every
operation whether the clock has passed the earliest pending instant, which is
an O(1) check when nothing is due.
"""

from __future__ import annotations

import heapq
from datetime import datetime, time, timedelta, timezone
from typing import Final
from zoneinfo import ZoneInfo

__all__ = ["PURGE_TIME", "PurgeQueue", "next_purge_instant"]

PURGE_TIME: Final = time(2, 0)
"""Wall-clock time of the nightly purge in the account's time zone (S3.1)."""


def next_purge_instant(deleted_at: datetime, tz: ZoneInfo) -> datetime:
    """The first nightly purge strictly after ``deleted_at``, as a UTC instant.

    That is the first 02:00 wall-clock time in ``tz`` after ``deleted_at``;
    a contact deleted at exactly 02:00 waits for the next night. ``fold=0``
    resolves both DST nights as S3.1 wants: a non-existent 02:00 (spring
    forward) maps to the instant the clock jumps, an ambiguous one (fall
    back) to its first occurrence.
    """
    if deleted_at.tzinfo is None or deleted_at.utcoffset() is None:
        raise ValueError("deleted_at must be timezone-aware")
    day = deleted_at.astimezone(tz).date()
    for offset in range(3):
        candidate_day = day + timedelta(days=offset)
        wall = datetime.combine(candidate_day, PURGE_TIME, tzinfo=tz).replace(fold=0)
        instant = wall.astimezone(timezone.utc)
        if instant > deleted_at:
            return instant
    raise AssertionError("unreachable: a 02:00 occurs within two days")  # pragma: no cover


class PurgeQueue:
    """Pending purges: (instant, contact id, deletion time), earliest first.

    An entry goes stale when its contact is restored (or removed) before the
    instant; the account checks each due entry against the record before
    removing anything, so stale entries are simply dropped.
    """

    __slots__ = ("_heap", "_seq")

    def __init__(self) -> None:
        """An empty queue."""
        self._heap: list[tuple[datetime, int, str, datetime]] = []
        self._seq = 0

    def push(self, instant: datetime, contact_id: str, deleted_at: datetime) -> None:
        """Schedule contact ``contact_id``, deleted at ``deleted_at``, for ``instant``."""
        self._seq += 1
        heapq.heappush(self._heap, (instant, self._seq, contact_id, deleted_at))

    def earliest(self) -> datetime | None:
        """The earliest pending instant, or ``None`` when nothing is pending."""
        return self._heap[0][0] if self._heap else None

    def is_due(self, now: datetime) -> bool:
        """Whether the earliest pending instant is at or before ``now``."""
        return bool(self._heap) and self._heap[0][0] <= now

    def pop_due(self, now: datetime) -> list[tuple[str, datetime]]:
        """Remove and return (contact id, deletion time) of every entry due at ``now``."""
        due: list[tuple[str, datetime]] = []
        heap = self._heap
        while heap and heap[0][0] <= now:
            _, _, contact_id, deleted_at = heapq.heappop(heap)
            due.append((contact_id, deleted_at))
        return due

    def clear(self) -> None:
        """Forget every pending purge."""
        self._heap.clear()

    def __len__(self) -> int:
        return len(self._heap)
