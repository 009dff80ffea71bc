"""Control operations on the emulator's accounts: ``accounts``, ``accounts/create``, ``reset``.

- ``accounts`` (read-only): every account's ``clientId``, ``users``,
  ``timezone`` and live contact count (no secrets).
- ``accounts/create``: ``clientId``, ``apiSecret``, ``users`` (a list of
  e-mails, or one), ``timezone`` (default ``Europe/Warsaw``), ``passwords``
  (optional: user e-mail -> login password, protocol §2.3); an existing
  ``clientId`` is 409.
- ``reset``: drop every account, the call log and the fault rules (the clock stays).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ..errors import RULE_EMAIL_LIST, RULE_PASSWORDS, TEXT_ACCOUNT_EXISTS
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

if TYPE_CHECKING:
    from ..state.account import Account

__all__ = ["OPERATIONS"]


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
    """Create an account: clientId, apiSecret, users (list of e-mails), timezone, passwords."""
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
    if any(account.client_id == client_id for account in emulator.accounts):
        raise ControlError(TEXT_ACCOUNT_EXISTS.format(client_id=client_id), 409)
    account = emulator.add_account(
        client_id=client_id,
        api_secret=args.text("apiSecret"),
        users=users,
        timezone=args.text("timezone", "Europe/Warsaw"),
        passwords=passwords,
    )
    return {"account": _account_info(account)}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="reset", handler=_reset),
    ControlOperation(name="accounts", handler=_accounts, read_only=True),
    ControlOperation(name="accounts/create", handler=_create_account),
)
"""This module's operations."""
