"""Helpers of the note tests of several layers (S9.1; protocol §8.4), and of the task
tests that read notes and tasks together."""

from __future__ import annotations

from typing import Any

import pytest
from routes_helpers import Api

from salesmanago_emulator import Account
from salesmanago_emulator.errors import AuthenticationFailed
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state._card import ContactWrite

NOTE = "contact/addNote"


def full(api: Api, email: str = "a@example.com") -> dict[str, Any]:
    """The full contact ``email`` read as the api's owner (any owner's contacts)."""
    (contact,) = api.ok("contact/listAll", email=[email])["contacts"]
    return dict(contact)


def area_state(account: Account) -> Any:
    """Notes and tasks of the account, to prove "no state change"."""
    return dump_area(account, "notes"), dump_area(account, "tasks")


def _contact_write_refusal(account: Account, owner: str) -> str:
    """The text a contact write by ``owner`` is refused with (``owner`` is no user)."""
    with pytest.raises(AuthenticationFailed) as info:
        account.contacts.update("a@example.com", ContactWrite(name="x"), owner)
    return str(info.value)
