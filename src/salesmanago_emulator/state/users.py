"""Users and owners: the account's platform users, and who owns each card (S1.4-S1.7).

The users are the valid ``owner`` values of every request (protocol §11.2):
[`UsersArea`][salesmanago_emulator.state.users.UsersArea] is the sequence of their normalised
e-mails, oldest first. A card has one main owner and any number of co-owners and read-only owners
(S1.4); an owner is removed only while the card keeps another (S1.5); a
read-only owner may not change the card (S1.6).

A user may also have a login password (protocol §2.3): a login with it issues a
`LoginToken`, valid `TOKEN_LIFETIME` (24 h) on the emulator's clock,
which ``account/integration`` trades for the account's signature. Passwords and
token values never show in a repr.
"""

from __future__ import annotations

import hmac
import secrets
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import ClassVar, Final, overload

import attrs

from ..errors import (
    INVALID_OWNER,
    RULE_NOT_A_USER,
    RULE_NOT_EMPTY,
    RULE_ONE_OF,
    RULE_STRING,
    RULE_TOO_LONG,
    TEXT_LAST_OWNER,
    TEXT_MAIN_OWNER_LEVEL,
    TEXT_NOT_OWNER,
    TOKEN_REFRESH_FAILED,
    USER_NOT_AUTHENTICATED,
    AuthenticationFailed,
    Conflict,
    InvalidField,
)
from ._card import OWNER_LEVELS, ContactRecord
from ._core import AccountArea, AccountCore
from ._normalize import normalize_email, validate_email

__all__ = ["MAX_PASSWORD", "TOKEN_LIFETIME", "LoginToken", "UsersArea", "check_password"]

TOKEN_LIFETIME: Final = timedelta(hours=24)
"""How long a login token is valid from its issue (grade D)."""
MAX_PASSWORD: Final = 256
"""The longest password, in characters (grade D)."""


def check_password(value: object, field: str) -> str:
    """A login password as it is kept: a string of 1 to 256 characters, not all white
    space (InvalidField naming ``field`` otherwise). Kept exactly as given."""
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    if not value.strip():
        raise InvalidField(field, RULE_NOT_EMPTY)
    if len(value) > MAX_PASSWORD:
        raise InvalidField(field, RULE_TOO_LONG.format(limit=MAX_PASSWORD, length=len(value)))
    return value


@attrs.frozen(kw_only=True)
class LoginToken:
    """A temporary token a login issued to a user (protocol §2.3); its value never shows
    in the repr."""

    value: str = attrs.field(repr=False)
    """What the client sends back as ``token``."""
    user: str
    """The user (normalised e-mail) it was issued to."""
    valid_to: datetime
    """The instant it stops being valid (excluded): the issue plus `TOKEN_LIFETIME`."""

    def valid_at(self, now: datetime) -> bool:
        """Whether the token is still valid at ``now``."""
        return now < self.valid_to


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
        self._passwords: dict[str, str] = {}
        self._tokens: dict[str, LoginToken] = {}  # by value, oldest first

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
        """Whether ``email`` is a user, exactly as stored (normalised); see
        [`is_user`][salesmanago_emulator.state.users.UsersArea.is_user]."""
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
        if owner in self._set:  # already normalised (the router's case)
            return sys.intern(owner)
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

    # --- logins (protocol §2.3) -------------------------------------------------

    def set_password(self, email: str, password: str) -> str:
        """Give the user ``email`` the login ``password`` (`check_password`); returns
        the normalised user. A user who is none of the account's -> InvalidField ``email``.
        The tokens issued to the user before end (a new password logs it out)."""
        user = self.named(email, "email")
        self._passwords[user] = check_password(password, "password")
        self._tokens = {v: t for v, t in self._tokens.items() if t.user != user}
        return user

    def has_password(self, email: str) -> bool:
        """Whether the user ``email`` (any case) can log in."""
        return isinstance(email, str) and normalize_email(email) in self._passwords

    def password(self, email: str) -> str | None:
        """The login password of the user ``email``, or ``None`` (the state export's)."""
        return self._passwords.get(normalize_email(email)) if isinstance(email, str) else None

    def authenticates(self, email: str, password: str) -> bool:
        """Whether ``email`` (any case) is a user whose password is exactly ``password``."""
        if not isinstance(email, str) or not isinstance(password, str):
            return False
        stored = self._passwords.get(normalize_email(email))
        return stored is not None and hmac.compare_digest(stored.encode(), password.encode())

    def login(self, email: str, password: str) -> LoginToken:
        """Log in: a new token for the user, valid 24 h from now on the emulator's clock.

        A wrong user or password -> AuthenticationFailed ``User not authenticated``.
        """
        if not self.authenticates(email, password):
            raise AuthenticationFailed(USER_NOT_AUTHENTICATED)
        return self._issue(normalize_email(email))

    def refresh_token(self, owner: str) -> LoginToken:
        """A new token for the user ``owner`` (its older ones stay valid until they end).

        A user with no password -> AuthenticationFailed ``Token refreshed failed``.
        """
        user = self.acting(owner)
        if user not in self._passwords:
            raise AuthenticationFailed(TOKEN_REFRESH_FAILED)
        return self._issue(user)

    def _issue(self, user: str) -> LoginToken:
        now = self.account.clock.now()
        self._tokens = {v: t for v, t in self._tokens.items() if t.valid_at(now)}
        token = LoginToken(
            value=secrets.token_hex(20), user=sys.intern(user), valid_to=now + TOKEN_LIFETIME
        )
        self._tokens[token.value] = token
        return token

    def token(self, value: str) -> LoginToken | None:
        """The valid token whose value is ``value``, or ``None`` (unknown or expired)."""
        token = self._tokens.get(value) if isinstance(value, str) else None
        if token is None:
            return None
        if not token.valid_at(self.account.clock.now()):
            del self._tokens[value]
            return None
        return token

    def tokens(self) -> list[LoginToken]:
        """The tokens still valid now, oldest first (the state export's)."""
        now = self.account.clock.now()
        return [token for token in self._tokens.values() if token.valid_at(now)]

    def restore_saved(self, email: str, password: str, tokens: Iterable[LoginToken]) -> None:
        """Put back a user's password and tokens as a state export saved them (a state
        import: the values were checked by the reader)."""
        self._passwords[email] = password
        for token in tokens:
            self._tokens[token.value] = token

    def reset(self) -> None:
        """Forget every token; the users and their passwords stay (they are credentials)."""
        self._tokens.clear()

    # --- owners of a card --------------------------------------------------------

    def set_main_owner(self, key: str, new_owner: str) -> ContactRecord:
        """Make ``new_owner`` (a user) the main owner (S1.4); the old one stays as CO_OWNER."""
        new = self.named(new_owner, "newOwner")

        def apply(record: ContactRecord, now: datetime) -> bool:
            old = record.main_owner
            if new == old:
                return False
            previous = record.owner_level(new)
            record.drop_owner(new)
            record.main_owner = new
            record.put_owner(old, "CO_OWNER")
            self.account.notify_owner_assigned(record, new, "MAIN", previous)
            self.account.notify_owner_assigned(record, old, "CO_OWNER", "MAIN")
            return True

        return self.account.change(key, apply)

    def add_owner(self, key: str, email: str, level: str = "CO_OWNER") -> ContactRecord:
        """Add owner ``email`` (a user) at ``level``, or change an existing owner's level (S1.4).

        ``MAIN`` does what
        [`set_main_owner`][salesmanago_emulator.state.users.UsersArea.set_main_owner] does; giving
        the main owner a lower level -> Conflict (set another main owner first).
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
            self.account.notify_owner_assigned(record, user, level, current)
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
                self.account.notify_owner_removed(record, user, level)
                return True
            heir = next((e for e, lv in others if lv == "CO_OWNER"), others[0][0])
            heir_level = record.owner_level(heir)
            record.drop_owner(heir)
            record.main_owner = heir
            self.account.notify_owner_removed(record, user, level)
            self.account.notify_owner_assigned(record, heir, "MAIN", heir_level)
            return True

        return self.account.change(key, apply)
