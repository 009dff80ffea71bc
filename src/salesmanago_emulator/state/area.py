"""The base of an account's areas beyond the contact card (events, coupons, funnels, ...).

An area is pure state like the account itself: no HTTP, no JSON parsing. It
follows contact changes through the :class:`~.observers.ContactObserver`
hooks, is emptied by :meth:`AccountArea.reset`, and can write itself to and
read itself from JSON-ready data (:meth:`AccountArea.to_state`,
:meth:`AccountArea.load_state`) for the server's ``--state`` file and the
control API's state export. Per-contact data lives on the card through
:meth:`~.contacts.ContactRecord.extension` under the area's :attr:`key`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from .observers import ContactObserver

if TYPE_CHECKING:
    from .account_base import AccountBase

__all__ = ["AccountArea"]


class AccountArea(ContactObserver):
    """One area of an account; subclasses set :attr:`key` and override what they keep."""

    key: ClassVar[str] = ""
    """The area's name: its snapshot key and its key in the cards' extensions."""

    def __init__(self, account: AccountBase) -> None:
        """An empty area of ``account`` (the account registers it as an observer)."""
        self.account = account

    def reset(self) -> None:
        """Forget everything this area holds (the cards' extensions are dropped by the account)."""

    def to_state(self) -> dict[str, Any]:
        """This area's whole state as JSON-ready data (strings, numbers, lists, dicts)."""
        return {}

    def load_state(self, data: Mapping[str, Any]) -> None:
        """Replace this area's state with ``data`` from :meth:`to_state` (contacts load first)."""
