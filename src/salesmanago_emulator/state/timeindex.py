"""Sorted (instant, contact id) entries for range listings of created/modified contacts.

Entries are appended as contacts are created or modified; an entry is stale
once its contact changed again, was removed or is soft-deleted, and the
caller's ``valid`` check filters those out at query time. When stale entries
outnumber the live ones the index is rebuilt from the records, so its size
stays proportional to the number of contacts and each write costs O(1)
(amortised; O(log n) search plus a shift when the clock went backwards).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from operator import itemgetter

__all__ = ["TimeIndex"]

_TIME = itemgetter(0)


class TimeIndex:
    """(instant, id) pairs kept sorted by instant, with lazy deletion.

    Only the instant orders the list, so a burst of entries at one instant (a
    frozen clock) is appended in O(1); ties are sorted by id at query time.
    """

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        """An empty index."""
        self._entries: list[tuple[datetime, str]] = []

    def add(self, when: datetime, contact_id: str) -> None:
        """Record that ``contact_id`` has instant ``when``."""
        entries = self._entries
        if not entries or entries[-1][0] <= when:
            entries.append((when, contact_id))
        else:
            insort(entries, (when, contact_id), key=_TIME)

    def extend(self, entries: Sequence[tuple[datetime, str]]) -> None:
        """Record every (instant, id) of ``entries`` at once (a batch of writes).

        One append of the whole batch when none of its instants is earlier than
        the last entry (the usual case), else one :meth:`add` each.
        """
        if not entries:
            return
        mine = self._entries
        ordered = sorted(entries, key=_TIME)  # stable: one instant stays in order
        if not mine or mine[-1][0] <= ordered[0][0]:
            mine.extend(ordered)
        else:
            for when, contact_id in entries:
                self.add(when, contact_id)

    def needs_rebuild(self, live: int) -> bool:
        """Whether stale entries dominate (more than twice ``live`` plus some slack)."""
        return len(self._entries) > 2 * live + 1024

    def rebuild(self, pairs: Iterable[tuple[datetime, str]]) -> None:
        """Replace every entry with ``pairs`` (sorted here)."""
        self._entries = sorted(pairs, key=_TIME)

    def between(
        self, start: datetime, end: datetime, valid: Callable[[datetime, str], bool]
    ) -> list[str]:
        """Ids with an instant in ``[start, end]`` for which ``valid`` holds, by (instant, id)."""
        entries = self._entries
        lo = bisect_left(entries, start, key=_TIME)
        hi = bisect_right(entries, end, key=_TIME)
        found = {entry for entry in entries[lo:hi] if valid(entry[0], entry[1])}
        return [contact_id for _, contact_id in sorted(found)]

    def clear(self) -> None:
        """Drop every entry."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
