"""Helpers of the message tests of several layers (S11; protocol §8.6): the mixed list
of recipients the issue's first "Done when" line names, arranged through Python."""

from __future__ import annotations

from typing import Any, Final

from salesmanago_emulator import Account
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state._card import ContactWrite

VALID: Final = "valid@example.com"
OPTED_OUT: Final = "optedout@example.com"
INVALID: Final = "invalid@example.com"
DELETED: Final = "deleted@example.com"
UNKNOWN: Final = "nobody@example.com"
MIXED: Final = (VALID, OPTED_OUT, INVALID, DELETED, UNKNOWN)
"""A mixed list: valid, opted-out, invalid, soft-deleted, and no card at all."""
EXPECTED: Final = {VALID: "SENT", OPTED_OUT: "OO", INVALID: "IE", DELETED: "FP"}
"""The status each card of :data:`MIXED` ends in (S11.2); the unknown one is skipped."""
HTML: Final = "<p>Hello</p><a href='$opt-out$'>unsubscribe</a>"
"""An ``html`` with the required ``$opt-out$`` link."""


def arrange_mixed(account: Account, owner: str) -> str:
    """Cards for :data:`MIXED` (all but the unknown one) and an e-mail message; its id."""
    account.contacts.upsert(ContactWrite(email=VALID, force_opt_in=True), owner)
    account.contacts.upsert(ContactWrite(email=OPTED_OUT), owner)  # new cards are opted out
    account.contacts.upsert(ContactWrite(email=INVALID, force_opt_in=True), owner)
    account.optin.mark_invalid(INVALID)
    account.contacts.upsert(ContactWrite(email=DELETED, force_opt_in=True), owner)
    account.contacts.delete(DELETED)
    return account.messages.create_email(name="Newsletter", subject="News").id


def statuses(account: Account) -> dict[str, list[str]]:
    """Each card's e-mail statuses, oldest first, by e-mail."""
    return {
        record.email: [m.status for m in account.messages.of(record, "EMAIL")]
        for record in account.all_contacts()
    }


def area_state(account: Account) -> Any:
    """The messages area as a state export shows it, to prove "no state change"."""
    return dump_area(account, "messages")


def addressees(*emails: str) -> list[dict[str, str]]:
    """``[{addresseeType: EMAIL, value}]`` for ``emails``."""
    return [{"addresseeType": "EMAIL", "value": e} for e in emails]
