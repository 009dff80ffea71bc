"""Tags: a card's tags with their scores, and the account's tag list (S4.2, S5.1-S5.3).

Tag names are normalised (upper case, spaces to underscores, at most 255
characters; `normalize_tags`).
With tag scoring a newly added tag scores 1 and adding it again adds 1;
without, a new tag scores 0 and adding it again keeps its entry (S4.2). The
account's tag list counts live cards only (S3.1) and remembers when each tag
was first used (S5.3); the counters live in the store's
`TagIndex`.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime
from typing import ClassVar, Literal

from ..errors import RULE_ONE_OF, InvalidField
from ._card import ContactRecord, TagEntry
from ._core import AccountArea, AccountCore
from ._normalize import normalize_tags
from ._tagindex import TagCount
from ._writes import check_tag_conflict
from .users import UsersArea

__all__ = ["TagsArea"]


class TagsArea(AccountArea):
    """The tags on the account's cards, and its tag list."""

    key: ClassVar[str] = "tags"

    def __init__(self, account: AccountCore, *, users: UsersArea) -> None:
        """The tags of ``account``; ``users`` checks the acting owner."""
        super().__init__(account)
        self._users = users
        self._last_new: TagEntry | None = None  # see _new_entry

    def _new_entry(self, score: int, now: datetime) -> TagEntry:
        """The entry of a tag newly put on at ``now`` with ``score``: one object (immutable)
        for every tag put on at that instant, on every card of a batch alike."""
        last = self._last_new
        if last is None or last.score != score or last.created_on is not now:
            last = self._last_new = TagEntry(score, now)
        return last

    def manage(
        self,
        key: str,
        add: Iterable[str],
        remove: Iterable[str],
        *,
        tag_scoring: bool = False,
        owner: str | None = None,
    ) -> ContactRecord:
        """Add and remove tags on a live card (S5.1); the same tag in both -> InvalidField.

        With ``tag_scoring`` a newly added tag scores 1 and re-adding a tag
        adds 1 to its score; without, a new tag scores 0 and re-adding keeps
        its entry (S4.2). ``owner``, when given, must be a user and not a
        read-only owner of the card (S1.6).
        """
        user = self._users.acting(owner) if owner is not None else None
        adding = normalize_tags(add, "tags")
        removing = normalize_tags(remove, "removeTags")
        check_tag_conflict(adding, removing, "removeTags")

        def apply(record: ContactRecord, now: datetime) -> bool:
            self.account.check_may_write(record, user)
            removed = self.remove(record, removing)
            return self.add(record, adding, tag_scoring, now) or removed

        return self.account.change(key, apply)

    def add_from_details(
        self, key: str, prefix: str, detail_names: Iterable[str], *, tag_scoring: bool = False
    ) -> ContactRecord:
        """Tag a live card with ``prefix`` + the value of each named standard detail (S5.2).

        ``ROZMIARBUTA_`` with detail ``rozmiar_buta`` = ``43`` gives
        ``ROZMIARBUTA_43``; details the card lacks are skipped.
        """
        names = list(detail_names)

        def apply(record: ContactRecord, now: datetime) -> bool:
            values = [prefix + record.properties[n] for n in names if n in record.properties]
            tags = normalize_tags(values, "detailNames") if values else []
            return self.add(record, tags, tag_scoring, now)

        return self.account.change(key, apply)

    def creation_times(self) -> dict[str, datetime]:
        """When each tag the cards carry (soft-deleted ones too) was first used (S5.3)."""
        self.account.tick()
        return self.account.store.tags.creation_times()

    def restore_created(self, tag: str, when: datetime) -> None:
        """Set the first use of ``tag``, which a card carries, back to ``when`` as a state
        export saved it (a state import: nothing is checked here)."""
        self.account.store.tags.restore_created(tag, when)

    def list(self, order: Literal["name", "created"] = "name") -> builtins.list[TagCount]:
        """The account's tags with live-contact counts, by name or by creation (S5.3, S3.1)."""
        self.account.tick()
        if order not in ("name", "created"):
            raise InvalidField("order", RULE_ONE_OF.format(choices="name, created"))
        return self.account.store.tags.listing(order)

    # --- changes of one card (the caller touches and notifies) --------------------

    def add(self, record: ContactRecord, tags: Iterable[str], scoring: bool, now: datetime) -> bool:
        """Put normalised ``tags`` on ``record`` (S4.2 scoring); whether anything changed."""
        changed = False
        current = record.tags
        store = self.account.store
        fresh: TagEntry | None = None  # immutable: one object serves every new tag at ``now``
        for tag in tags:
            entry = current.get(tag)
            if entry is None:
                if fresh is None:
                    fresh = self._new_entry(1 if scoring else 0, now)
                store.put_tag(record, tag, fresh, now)
                changed = True
            elif scoring:
                store.put_tag(record, tag, TagEntry(entry.score + 1, entry.created_on), now)
                changed = True
        return changed

    def remove(self, record: ContactRecord, tags: Iterable[str]) -> bool:
        """Take normalised ``tags`` off ``record``; whether anything changed."""
        changed = False
        store = self.account.store
        for tag in tags:
            changed = store.drop_tag(record, tag) or changed
        return changed
