"""Sorted (instant, contact id) entries for range listings of created/modified contacts.

Entries are appended as contacts are created or modified; an entry is stale
once its contact changed again, was removed or is soft-deleted, and the
caller's ``valid`` check filters those out at query time. When stale entries
outnumber the live ones the index is rebuilt from the records, so its size
stays proportional to the number of contacts and each write costs O(1)
(amortised; O(log n) search plus a shift when the clock went backwards).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

__all__ = ["TimeIndex"]


class TimeIndex:
    """(instant, id) entries kept sorted by instant, with lazy deletion.

    Held as two parallel lists, instants and ids (no pair object per entry: a
    million contacts are two million entries across the created and modified
    indexes). Only the instant orders the lists, so a burst of entries at one
    instant (a frozen clock) is appended in O(1); ties are sorted by id at
    query time.
    """

    __slots__ = ("_ids", "_times")

    def __init__(self) -> None:
        """An empty index."""
        self._times: list[datetime] = []
        self._ids: list[str] = []

    def add(self, when: datetime, contact_id: str) -> None:
        """Record that ``contact_id`` has instant ``when``."""
        times = self._times
        if not times or times[-1] <= when:
            times.append(when)
            self._ids.append(contact_id)
        else:
            at = bisect_right(times, when)
            times.insert(at, when)
            self._ids.insert(at, contact_id)

    def extend(self, times: Sequence[datetime], ids: Sequence[str]) -> None:
        """Record ``ids[i]`` at ``times[i]`` for every ``i`` at once (a batch of writes).

        One append of the whole batch when it has one instant, not earlier than
        the last entry (the usual case: a batch happens at one instant), else
        one `add` each.
        """
        if not times:
            return
        mine = self._times
        first = times[0]
        # all one instant: counted by equality, which a batch's shared instant object
        # passes by identity (min and max compared every entry twice over)
        if times.count(first) == len(times) and (not mine or mine[-1] <= first):
            mine.extend(times)
            self._ids.extend(ids)
        else:
            for when, contact_id in zip(times, ids, strict=True):
                self.add(when, contact_id)

    def needs_rebuild(self, live: int) -> bool:
        """Whether stale entries dominate (more than twice ``live`` plus some slack)."""
        return len(self._times) > 2 * live + 1024

    def rebuild(self, pairs: Iterable[tuple[datetime, str]]) -> None:
        """Replace every entry with the (instant, id) ``pairs`` (sorted here)."""
        ordered = sorted(pairs, key=lambda pair: pair[0])
        self._times = [when for when, _ in ordered]
        self._ids = [contact_id for _, contact_id in ordered]

    def between(
        self, start: datetime, end: datetime, valid: Callable[[datetime, str], bool]
    ) -> list[str]:
        """Ids with an instant in ``[start, end]`` for which ``valid`` holds, by (instant, id)."""
        times = self._times
        lo = bisect_left(times, start)
        hi = bisect_right(times, end)
        found = {
            entry for entry in zip(times[lo:hi], self._ids[lo:hi], strict=True) if valid(*entry)
        }
        return [contact_id for _, contact_id in sorted(found)]

    def clear(self) -> None:
        """Drop every entry."""
        self._times.clear()
        self._ids.clear()

    def __len__(self) -> int:
        return len(self._times)
