"""The users area in a snapshot: the account's users, oldest first.

``"users": ["owner@example.com", ...]``: at least one e-mail, each in stored
form (trimmed, lower case) and once. The list is read before the account is
built (:func:`read`); :func:`user` reads an e-mail naming one of them.
"""

from __future__ import annotations

import sys

from ..errors import RULE_AT_LEAST_ONE_USER, RULE_NOT_A_USER
from ..state.account import Account
from ._reader import Unique, Value

__all__ = ["dump", "read", "user"]


def dump(account: Account) -> list[str]:
    """The users' e-mails, oldest first."""
    return list(account.users)


def read(value: Value) -> list[str]:
    """The users of an account to build: e-mails in stored form, each once, at least one."""
    seen = Unique()
    users = []
    for item in value.items():
        email = item.email()
        seen.add(item, email)
        users.append(email)
    if not users:
        value.refuse(RULE_AT_LEAST_ONE_USER)
    return users


def user(account: Account, value: Value) -> str:
    """A user of ``account`` named by ``value`` (an author, an owner), in stored form."""
    email = value.email()
    if email not in account.users:
        value.refuse(RULE_NOT_A_USER.format(value=email))
    return sys.intern(email)
