"""The tasks area in a snapshot: every task, card by card, oldest first, then the tasks
of no contact (``contactId`` ``null``, protocol §14) oldest first (S9.2).

``"tasks": [{"id": "...", "contactId": "<a card's id>" | null, "note": "...",
"date": "<instant>", "reminder": "_15_MIN" | null, "cc": ["<e-mail>"],
"realized": false, "owner": "<a user>", "createdOn": "<instant>"}, ...]``.
Checked as the wire checks a task: a text not blank, a reminder in its
stored spelling, the ``cc`` e-mails valid and each once, the assignee a user.
"""

from __future__ import annotations

from typing import Any, Final

from ..clock import utc_iso
from ..state._normalize import check_text
from ..state.account import Account
from ..state.tasks import Task, canonical_reminder
from ._reader import Fields, Unique, Value
from .contacts import card
from .users import user

__all__ = ["KEYS", "dump", "load"]

KEYS: Final = (
    "id",
    "contactId",
    "note",
    "date",
    "reminder",
    "cc",
    "realized",
    "owner",
    "createdOn",
)
"""The keys of a task."""


def _dumped(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "contactId": task.contact_id,
        "note": task.note,
        "date": utc_iso(task.date),
        "reminder": task.reminder,
        "cc": list(task.cc),
        "realized": task.realized,
        "owner": task.owner,
        "createdOn": utc_iso(task.created_on),
    }


def dump(account: Account) -> list[dict[str, Any]]:
    """Every task, card by card (oldest card first), each card's oldest first; then the
    tasks of no contact."""
    on_cards = [_dumped(t) for record in account.all_contacts() for t in account.tasks.of(record)]
    return on_cards + [_dumped(task) for task in account.tasks.unattached]


def _reminder(value: Value) -> str:
    given = value.text()
    return value.stored(given, value.rule(lambda raw, _: canonical_reminder(raw)))


def _cc(fields: Fields) -> tuple[str, ...]:
    seen = Unique()
    emails = []
    for item in fields.items("cc"):
        email = item.email()
        seen.add(item, email)
        emails.append(email)
    return tuple(emails)


def load(account: Account, value: Value) -> None:
    """Put the tasks of ``value`` on the loaded cards of ``account`` (``contactId``
    ``null``: a task of no contact)."""
    ids = Unique()
    for item in value.items():
        fields = item.fields("a task", KEYS)
        record = fields.get("contactId", lambda v: card(account, v))
        task = Task(
            id=fields.need("id").identifier(ids),
            contact_id=None if record is None else record.id,
            note=fields.need("note").rule(check_text),
            date=fields.need("date").instant(),
            reminder=fields.get("reminder", _reminder),
            cc=_cc(fields),
            realized=fields.need("realized").boolean(),
            owner=user(account, fields.need("owner")),
            created_on=fields.need("createdOn").instant(),
        )
        account.tasks.restore_saved(record, task)
