"""Control operations on contact cards: ``contact``, ``contacts`` and ``purge``.

- ``contact`` (read-only): one card (``contact``: e-mail or id), soft-deleted
  ones included, in the state file's format; a missing one is 404.
- ``contacts`` (read-only): every live card of the account; soft-deleted ones
  too with ``includeDeleted``.
- ``purge``: run the nightly purge now for the cards whose 02:00 has passed,
  in every account (or the one named by ``clientId``); answers ``purged``.

``contact`` and ``contacts`` act on the account named by ``clientId``
(default: the first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import ContactNotFound
from ..snapshot import export_card
from ._base import ControlArgs, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _contact(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """One card (``contact``: e-mail or id), soft-deleted ones included, in the state format."""
    account = args.account(emulator)
    key = args.text("contact")
    record = account.find(key)
    if record is None:
        raise ContactNotFound(key)
    return {"contact": export_card(account, record)}


def _contacts(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Every card of the account; soft-deleted ones too with ``includeDeleted``."""
    account = args.account(emulator)
    records = (
        account.all_contacts() if args.boolean("includeDeleted", False) else account.live_contacts()
    )
    return {"contacts": [export_card(account, record) for record in records]}


def _purge(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Run the nightly purge now for cards whose 02:00 has passed (all accounts or one)."""
    accounts = [args.account(emulator)] if "clientId" in args.data else emulator.accounts
    purged = [
        {"clientId": account.client_id, "id": record.id, "email": record.email}
        for account in accounts
        for record in account.run_due_purge()
    ]
    return {"purged": purged}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name="contact", handler=_contact, read_only=True, keys=("clientId", "contact")
    ),
    ControlOperation(
        name="contacts", handler=_contacts, read_only=True, keys=("clientId", "includeDeleted")
    ),
    ControlOperation(name="purge", handler=_purge, keys=("clientId",)),
)
"""This module's operations."""
