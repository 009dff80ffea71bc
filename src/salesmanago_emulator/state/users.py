"""Users and owners: the account's platform users, and who owns each card (S1.4-S1.7).

The users are the valid ``owner`` values of every request (protocol §11.2):
:class:`UsersArea` is the sequence of their normalised e-mails, oldest first.
A card has one main owner and any number of co-owners and read-only owners
(S1.4); an owner is removed only while the card keeps another (S1.5); a
read-only owner may not change the card (S1.6).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import ClassVar, overload

from ..errors import (
    INVALID_OWNER,
    RULE_NOT_A_USER,
    RULE_ONE_OF,
    TEXT_LAST_OWNER,
    TEXT_MAIN_OWNER_LEVEL,
    TEXT_NOT_OWNER,
    AuthenticationFailed,
    Conflict,
    InvalidField,
)
from ._card import OWNER_LEVELS, ContactRecord
from ._core import AccountArea, AccountCore
from ._normalize import normalize_email, validate_email

__all__ = ["UsersArea"]


class UsersArea(AccountArea, Sequence[str]):
    """The account's users (a sequence of normalised e-mails) and the cards' owners."""

    key: ClassVar[str] = "users"

    def __init__(self, account: AccountCore, users: Sequence[str]) -> None:
        """The users of ``account``: at least one valid e-mail (``ValueError`` otherwise)."""
        super().__init__(account)
        if isinstance(users, str) or not users:
            raise ValueError("users must be a non-empty sequence of e-mail addresses")
        emails: dict[str, None] = {}
        for index, user in enumerate(users):
            try:
                emails[sys.intern(validate_email(user, f"users[{index}]"))] = None
            except InvalidField as err:
                raise ValueError(str(err)) from None
        self._emails = tuple(emails)
        self._set = frozenset(self._emails)

    # --- the sequence of users ---------------------------------------------------

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        """The user e-mail(s) at ``index``, in the order they were added."""
        return self._emails[index]

    def __len__(self) -> int:
        """The number of users."""
        return len(self._emails)

    def __iter__(self) -> Iterator[str]:
        """The user e-mails, in the order they were added."""
        return iter(self._emails)

    def __contains__(self, email: object) -> bool:
        """Whether ``email`` is a user, exactly as stored (normalised); see :meth:`is_user`."""
        return email in self._set

    def __eq__(self, other: object) -> bool:
        """Equal to another sequence of the same e-mails in the same order."""
        if isinstance(other, (UsersArea, tuple, list)):
            return list(self._emails) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<UsersArea {list(self._emails)}>"

    def is_user(self, email: str) -> bool:
        """Whether ``email`` (any case) is a user of this account (a valid ``owner``)."""
        return isinstance(email, str) and normalize_email(email) in self._set

    def add(self, email: str) -> str:
        """Add a platform user; returns the normalised e-mail (InvalidField ``user`` if bad)."""
        user = sys.intern(validate_email(email, "user"))
        if user not in self._set:
            self._emails = (*self._emails, user)
            self._set = frozenset(self._emails)
        return user

    def acting(self, owner: str) -> str:
        """The normalised user a request acts as; AuthenticationFailed if not a user (§11.2)."""
        user = normalize_email(owner) if isinstance(owner, str) else ""
        if user not in self._set:
            raise AuthenticationFailed(INVALID_OWNER)
        return sys.intern(user)

    def named(self, email: str, field: str) -> str:
        """The normalised user ``email`` given in ``field``; InvalidField if not a user."""
        user = normalize_email(email) if isinstance(email, str) else ""
        if user not in self._set:
            raise InvalidField(field, RULE_NOT_A_USER.format(value=email))
        return sys.intern(user)

    # --- owners of a card --------------------------------------------------------

    def set_main_owner(self, key: str, new_owner: str) -> ContactRecord:
        """Make ``new_owner`` (a user) the main owner (S1.4); the old one stays as CO_OWNER."""
        new = self.named(new_owner, "newOwner")

        def apply(record: ContactRecord, now: datetime) -> bool:
            old = record.main_owner
            if new == old:
                return False
            record.drop_owner(new)
            record.main_owner = new
            record.put_owner(old, "CO_OWNER")
            return True

        return self.account.change(key, apply)

    def add_owner(self, key: str, email: str, level: str = "CO_OWNER") -> ContactRecord:
        """Add owner ``email`` (a user) at ``level``, or change an existing owner's level (S1.4).

        ``MAIN`` does what :meth:`set_main_owner` does; giving the main owner a
        lower level -> Conflict (set another main owner first).
        """
        if level not in OWNER_LEVELS:
            raise InvalidField("level", RULE_ONE_OF.format(choices=", ".join(OWNER_LEVELS)))
        if level == "MAIN":
            return self.set_main_owner(key, email)
        user = self.named(email, "owner")

        def apply(record: ContactRecord, now: datetime) -> bool:
            current = record.owner_level(user)
            if current == "MAIN":
                raise Conflict(TEXT_MAIN_OWNER_LEVEL.format(owner=user, contact=record.email))
            if current == level:
                return False
            record.put_owner(user, level)
            return True

        return self.account.change(key, apply)

    def remove_owner(self, key: str, email: str) -> ContactRecord:
        """Remove an owner while the card has more than one (S1.5), else Conflict.

        Removing the main owner promotes the earliest-added co-owner, or if
        there is none the earliest-added read-only owner.
        """
        user = normalize_email(email) if isinstance(email, str) else ""

        def apply(record: ContactRecord, now: datetime) -> bool:
            level = record.owner_level(user)
            if level is None:
                raise Conflict(TEXT_NOT_OWNER.format(owner=user, contact=record.email))
            others = record.other_owners()
            if not others:
                raise Conflict(TEXT_LAST_OWNER.format(contact=record.email))
            if level != "MAIN":
                record.drop_owner(user)
                return True
            heir = next((e for e, lv in others if lv == "CO_OWNER"), others[0][0])
            record.drop_owner(heir)
            record.main_owner = heir
            return True

        return self.account.change(key, apply)
