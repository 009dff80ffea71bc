"""Control operations on the emulator's accounts: ``accounts``, ``accounts/create``, ``reset``.

- ``accounts`` (read-only): every account's ``clientId``, ``users``,
  ``timezone`` and live contact count (no secrets).
- ``accounts/create``: ``clientId``, ``apiSecret``, ``users`` (a list of
  e-mails, or one), ``timezone`` (default ``Europe/Warsaw``), ``passwords``
  (optional: user e-mail -> login password, protocol §2.3), ``consents``
  (optional: the account's named consents, S10.1: each a name or ``{name, text}``),
  ``consentForms`` (optional: its consent forms, each a name or ``{name, intId}``);
  an existing ``clientId`` is 409, any other key 400.
- ``reset``: drop every account, the call log and the fault rules (the clock stays).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ..errors import (
    RULE_CONSENT_FORM_LIST,
    RULE_CONSENT_LIST,
    RULE_EMAIL_LIST,
    RULE_PASSWORDS,
    TEXT_ACCOUNT_EXISTS,
)
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

if TYPE_CHECKING:
    from ..state.account import Account

__all__ = ["ACCOUNT_CREATE_KEYS", "OPERATIONS"]

ACCOUNT_CREATE_KEYS: Final = (
    "clientId",
    "apiSecret",
    "users",
    "timezone",
    "passwords",
    "consents",
    "consentForms",
)
"""The keys ``accounts/create`` takes."""


def _account_info(account: Account) -> dict[str, Any]:
    return {
        "clientId": account.client_id,
        "users": list(account.users),
        "timezone": account.timezone.key,
        "contacts": account.count(),
    }


def _reset(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Drop every account, the call log and the fault rules (the clock stays)."""
    emulator.reset()
    return {}


def _accounts(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """List the accounts: clientId, users, timezone, live contact count (no secrets)."""
    return {"accounts": [_account_info(account) for account in emulator.accounts]}


def _create_account(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Create an account: clientId, apiSecret, users, timezone, passwords, consents, forms."""
    client_id = args.text("clientId")
    users = args.data.get("users")
    if isinstance(users, str):
        users = [users]
    if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
        raise ControlError.field("users", RULE_EMAIL_LIST)
    passwords = args.data.get("passwords") or {}
    if not isinstance(passwords, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in passwords.items()
    ):
        raise ControlError.field("passwords", RULE_PASSWORDS)
    consents = _setup_list(args, "consents", RULE_CONSENT_LIST)
    forms = [  # the wire's intId is the Python setup's int_id
        {("int_id" if k == "intId" else k): v for k, v in f.items()}
        if isinstance(f, Mapping)
        else f
        for f in _setup_list(args, "consentForms", RULE_CONSENT_FORM_LIST)
    ]
    if any(account.client_id == client_id for account in emulator.accounts):
        raise ControlError(TEXT_ACCOUNT_EXISTS.format(client_id=client_id), 409)
    account = emulator.add_account(
        client_id=client_id,
        api_secret=args.text("apiSecret"),
        users=users,
        timezone=args.text("timezone", "Europe/Warsaw"),
        passwords=passwords,
        consents=consents,
        consent_forms=forms,
    )
    return {"account": _account_info(account)}


def _setup_list(args: ControlArgs, key: str, rule: str) -> list[Any]:
    """A list of names or objects (``consents``, ``consentForms``), or none."""
    value = args.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, (str, Mapping)) for v in value):
        raise ControlError.field(key, rule)
    return value


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="reset", handler=_reset, keys=()),
    ControlOperation(name="accounts", handler=_accounts, read_only=True, keys=()),
    ControlOperation(name="accounts/create", handler=_create_account, keys=ACCOUNT_CREATE_KEYS),
)
"""This module's operations."""
