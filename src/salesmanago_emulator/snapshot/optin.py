"""The opt-in area in a snapshot: the account's register of named consents (S10.1).

``"optin": {"consents": ["Newsletter", ...]}`` in the order they were
registered; each name trimmed, not blank, and once (names compare in any
case). The cards' statuses, consents and opt-in/opt-out history are on the
cards (:mod:`.contacts`).
"""

from __future__ import annotations

from typing import Any, Final

from ..state.account import Account
from ._reader import Unique, Value

__all__ = ["KEYS", "dump", "load"]

KEYS: Final = ("consents",)
"""The keys of the area's object."""


def dump(account: Account) -> dict[str, Any]:
    """The consent register."""
    return {"consents": account.optin.consents()}


def load(account: Account, value: Value) -> None:
    """Register the consents of ``value`` in ``account`` (before the cards naming them)."""
    seen = Unique()
    for item in value.fields("the opt-in area", KEYS).items("consents"):
        name = item.text(blank=False)
        item.stored(name, name.strip())
        seen.add(item, name.lower())
        account.optin.add_consent(name)
