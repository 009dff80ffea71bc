"""The tags area in a snapshot: when each tag of the account's list was first used (S5.3).

``"tags": {"VIP": "2026-01-15T10:00:00+00:00", ...}``: every tag a card
carries (soft-deleted cards too), in stored form, with its creation instant.
The tags on a card, with their scores, are on the card (`contacts`);
the list's counts follow from the cards. Read after the cards.
"""

from __future__ import annotations

from ..clock import utc_iso
from ..errors import RULE_TAG_NOT_CARRIED
from ..state.account import Account
from ._reader import Value

__all__ = ["dump", "load"]


def dump(account: Account) -> dict[str, str]:
    """Tag -> the instant it was first used, for every tag a card carries."""
    return {tag: utc_iso(when) for tag, when in account.tags.creation_times().items()}


def load(account: Account, value: Value) -> None:
    """Set the creation instants of ``value`` on the tags the loaded cards carry."""
    for name, when in value.entries():
        tag = Value(name, when.path).tag()
        if account.store.tags.created_on(tag) is None:
            when.refuse(RULE_TAG_NOT_CARRIED)
        account.tags.restore_created(tag, when.instant())
