"""The users area in a snapshot: the account's users, oldest first, with their logins.

``"users": ["owner@example.com", {"email": "jan@example.com", "password": "...",
"tokens": [{"token": "...", "validTo": "<instant>"}]}, ...]``: at least one user,
each once, its e-mail in stored form (trimmed, lower case). A user with no login
password is its e-mail; one with a password (protocol §2.3) is an object holding
it, checked by the rule the control API applies (1 to 256 characters, not blank),
and the login tokens still valid when the state was exported (``tokens``, left
out when there are none; each token's value once in the account). The list is
read before the account is built (`read`); `load` puts the passwords
and tokens back; `user` reads an e-mail naming one of the users.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, Final

from ..clock import utc_iso
from ..errors import RULE_AT_LEAST_ONE_USER, RULE_NOT_A_USER
from ..state.account import Account
from ..state.users import LoginToken, check_password
from ._reader import Fields, Unique, Value

__all__ = ["KEYS", "TOKEN_KEYS", "dump", "load", "read", "user"]

KEYS: Final = ("email", "password", "tokens")
"""The keys of a user with a login password."""
TOKEN_KEYS: Final = ("token", "validTo")
"""The keys of a login token."""


def dump(account: Account) -> list[str | dict[str, Any]]:
    """The users, oldest first: an e-mail, or an object with the password and tokens."""
    users = account.users
    tokens = users.tokens()
    out: list[str | dict[str, Any]] = []
    for email in users:
        password = users.password(email)
        if password is None:
            out.append(email)
            continue
        item: dict[str, Any] = {"email": email, "password": password}
        mine = [t for t in tokens if t.user == email]
        if mine:
            item["tokens"] = [{"token": t.value, "validTo": utc_iso(t.valid_to)} for t in mine]
        out.append(item)
    return out


def _login(item: Value) -> Fields | None:
    """The object form of a user (``None``: the item must be a plain e-mail)."""
    return item.fields("a user", KEYS) if isinstance(item.raw, Mapping) else None


def read(value: Value) -> list[str]:
    """The users of an account to build: e-mails in stored form, each once, at least one
    (the objects' passwords and tokens are checked by `load`)."""
    seen = Unique()
    users = []
    for item in value.items():
        login = _login(item)
        where = item if login is None else login.need("email")
        email = where.email()
        seen.add(where, email)
        users.append(email)
    if not users:
        value.refuse(RULE_AT_LEAST_ONE_USER)
    return users


def load(account: Account, value: Value) -> None:
    """Put the users' passwords and tokens back on the freshly built ``account``."""
    seen = Unique()
    for item in value.items():
        login = _login(item)
        if login is None:
            continue
        email = login.need("email").email()
        password = login.need("password").rule(check_password)
        tokens = []
        for entry in login.items("tokens"):
            fields = entry.fields("a login token", TOKEN_KEYS)
            tokens.append(
                LoginToken(
                    value=fields.need("token").identifier(seen),
                    user=email,
                    valid_to=fields.need("validTo").instant(),
                )
            )
        account.users.restore_saved(sys.intern(email), password, tokens)


def user(account: Account, value: Value) -> str:
    """A user of ``account`` named by ``value`` (an author, an owner), in stored form."""
    email = value.email()
    if email not in account.users:
        value.refuse(RULE_NOT_A_USER.format(value=email))
    return sys.intern(email)
