"""Bookkeeping behind an account's contacts: lookups, counts, indexes, pending purges.

`ContactStore` knows nothing about the platform's rules; it keeps its
indexes consistent as the [`Account`][salesmanago_emulator.Account]
adds, renames, tags, soft-deletes, restores and removes records. Every method
costs O(1) (amortised) or O(tags of one contact), never O(contacts).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from ._card import ContactRecord, TagEntry
from ._normalize import normalize_email
from ._purge import PurgeQueue
from ._tagindex import TagIndex
from ._timeindex import TimeIndex

__all__ = ["ContactStore"]

_Entry = tuple[datetime, str]


class ContactStore:
    """All records of one account and the indexes over them."""

    __slots__ = (
        "_later",
        "by_email",
        "by_id",
        "created",
        "live",
        "modified",
        "purges",
        "tags",
    )

    def __init__(self) -> None:
        """An empty store."""
        self.by_email: dict[str, ContactRecord] = {}
        self.by_id: dict[str, ContactRecord] = {}
        self.tags = TagIndex()
        self.created = TimeIndex()
        self.modified = TimeIndex()
        self.purges = PurgeQueue()
        self.live = 0
        # Inside deferred_indexing: the records added, and the (instant, id) entries
        # of the records touched, which the time indexes receive on leaving it.
        self._later: tuple[list[ContactRecord], list[_Entry]] | None = None

    def lookup(self, key: str) -> ContactRecord | None:
        """The record whose e-mail or id is ``key`` (any case, surrounding white space
        ignored; only ASCII is folded, see `normalize_email`)."""
        norm = normalize_email(key)
        record = self.by_email.get(norm)
        return record if record is not None else self.by_id.get(norm)

    def add(self, record: ContactRecord) -> None:
        """Register a new live record (without tags yet)."""
        self.by_email[record.email] = record
        self.by_id[record.id] = record
        self.live += 1
        if self._later is not None:
            self._later[0].append(record)
            return
        self.created.add(record.created_on, record.id)
        self.modified.add(record.modified_on, record.id)
        self._compact(self.created, "created_on")

    def touch(self, record: ContactRecord, now: datetime) -> None:
        """Mark ``record`` modified at ``now`` (the only way ``modified_on`` changes)."""
        if record.modified_on == now:
            return  # already indexed at this instant
        record.modified_on = now
        if self._later is not None:
            self._later[1].append((now, record.id))
            return
        self.modified.add(now, record.id)
        self._compact(self.modified, "modified_on")

    @contextmanager
    def deferred_indexing(self) -> Iterator[None]:
        """Within the block, `add` and `touch` index in one step at its end.

        For a batch of writes: the lookups by e-mail and id stay current at every
        step; only the created/modified time indexes, which no write reads,
        receive the batch's entries together on leaving the block (however it is
        left). Blocks do not nest.
        """
        added: list[ContactRecord] = []
        modified: list[_Entry] = []
        self._later = (added, modified)
        try:
            yield
        finally:
            self._later = None
            # a new record is indexed as created and modified at its creation
            times = [record.created_on for record in added]
            ids = [record.id for record in added]
            self.created.extend(times, ids)
            self.modified.extend(times, ids)
            self.modified.extend([when for when, _ in modified], [i for _, i in modified])
            self._compact(self.created, "created_on")
            self._compact(self.modified, "modified_on")

    def _compact(self, index: TimeIndex, attr: str) -> None:
        """Rebuild ``index`` from the live records' ``attr`` once stale entries dominate."""
        if index.needs_rebuild(len(self.by_id)):
            index.rebuild((getattr(r, attr), r.id) for r in self.by_id.values())

    def rename(self, record: ContactRecord, new_email: str) -> None:
        """Move ``record`` to ``new_email`` (the caller checked it is free)."""
        del self.by_email[record.email]
        record.email = new_email
        self.by_email[new_email] = record

    def put_tag(self, record: ContactRecord, tag: str, entry: TagEntry, now: datetime) -> None:
        """Put ``tag`` on ``record`` (or replace its entry), counting it if new."""
        if record.put_tag(tag, entry):
            self.tags.added(tag, live=not record.deleted, now=now)

    def drop_tag(self, record: ContactRecord, tag: str) -> bool:
        """Take ``tag`` off ``record``; true if it was there."""
        if record.drop_tag(tag):
            self.tags.removed(tag, live=not record.deleted)
            return True
        return False

    def soft_delete(self, record: ContactRecord, now: datetime, purge_at: datetime) -> None:
        """Mark ``record`` deleted at ``now`` and schedule its purge at ``purge_at``."""
        record.deleted = True
        record.deleted_at = now
        self.touch(record, now)
        self.live -= 1
        self.tags.went_dead(record.tags)
        self.purges.push(purge_at, record.id, now)

    def restore(self, record: ContactRecord) -> None:
        """Bring a soft-deleted ``record`` back (its pending purge entry goes stale)."""
        record.deleted = False
        record.deleted_at = None
        self.live += 1
        self.tags.went_live(record.tags)

    def remove(self, record: ContactRecord) -> None:
        """Remove ``record`` for good, with everything it carries."""
        del self.by_email[record.email]
        del self.by_id[record.id]
        live = not record.deleted
        if live:
            self.live -= 1
        for tag in record.tags:
            self.tags.removed(tag, live=live)

    def clear(self) -> None:
        """Forget every record."""
        self.by_email.clear()
        self.by_id.clear()
        self.tags.clear()
        self.created.clear()
        self.modified.clear()
        self.purges.clear()
        self.live = 0
