"""Tasks on contacts: create, edit, complete, finish (semantics S9.2; protocol §8.4).

A task is about one contact, or about none, and has a note (its text), a
due date, an optional reminder, reminder e-mails (``cc``), a ``realized``
(completed) flag and an assignee: the user who created it, or, when the
request named none (``updateTask`` needs no ``owner``, protocol §14), the
contact's main owner. A task created with no contact (no ``contactEmail``: a
live suite does this, protocol §14) belongs to the account alone: it is
assigned to the named user or else the account's first user, shows on no
card, and is read with [`TasksArea.get`][salesmanago_emulator.state.tasks.TasksArea.get] /
[`TasksArea.unattached`][salesmanago_emulator.state.tasks.TasksArea.unattached]; an update naming a
contact moves it onto that card. Finishing a task deletes it; its id is then unknown. Ids are unique
in the account (they come from the account's id factory).

Reminders are stored in the spelling the live platform returned
(``_15_MIN``, protocol §13.12); both ``15_MIN`` and ``_15_MIN`` are accepted.

Tasks live on their contact's card (extension ``tasks``, id -> task, oldest
first) with an account-wide index id -> contact; tasks of no contact in a
list of the account's own, oldest first. A soft-deleted contact keeps
its tasks but they cannot be changed until it is restored; a permanent delete,
"forget me" or the purge drops them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar, Final

import attrs

from ..errors import (
    RULE_AWARE,
    RULE_ONE_OF,
    RULE_REQUIRED,
    RULE_STRING,
    ContactNotFound,
    InvalidField,
    TaskNotFound,
)
from ._card import ContactRecord
from ._core import AccountArea, AccountCore
from ._normalize import check_text, validate_email
from .users import UsersArea

__all__ = ["REMINDERS", "Task", "TasksArea", "canonical_reminder"]

REMINDERS: Final = ("_15_MIN", "_30_MIN", "_1_HOUR", "_12_HOUR", "_1_DAY", "_1_WEEK")
"""Reminder values as stored and shown; the same without the leading ``_`` are accepted."""

_REMINDER_BY_SPELLING: Final = {
    **{value: value for value in REMINDERS},
    **{value[1:]: value for value in REMINDERS},
}


def canonical_reminder(value: object) -> str:
    """The stored spelling of a reminder (``15_MIN`` -> ``_15_MIN``); InvalidField otherwise.

    Spellings are matched exactly (upper case, no white space).
    """
    if not isinstance(value, str):
        raise InvalidField("reminder", RULE_STRING)
    stored = _REMINDER_BY_SPELLING.get(value)
    if stored is None:
        raise InvalidField("reminder", RULE_ONE_OF.format(choices=", ".join(REMINDERS)))
    return stored


@attrs.frozen(kw_only=True)
class Task:
    """One task of one contact; replaced (not changed) on update."""

    id: str
    """The task id (``taskId``)."""
    contact_id: str | None
    """The id of the contact it is about; ``None`` for a task of no contact."""
    note: str
    """What to do."""
    date: datetime
    """When it is due."""
    reminder: str | None
    """One of `REMINDERS`, or ``None``."""
    cc: tuple[str, ...]
    """Normalised e-mails that also get the reminder."""
    realized: bool
    """Completed (it stays listed until finished)."""
    owner: str
    """The assignee: a user of the account."""
    created_on: datetime
    """When it was created."""


def _date(value: object) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidField("date", RULE_AWARE)
    return value


def _cc(emails: Iterable[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for email in emails:
        out[validate_email(email, "cc")] = None
    return tuple(out)


class TasksArea(AccountArea):
    """The tasks on an account's contacts (S9.2)."""

    key: ClassVar[str] = "tasks"

    def __init__(self, account: AccountCore, *, users: UsersArea) -> None:
        """No tasks yet."""
        super().__init__(account)
        self._users = users
        self._contact_of: dict[str, str] = {}
        self._unattached: dict[str, Task] = {}

    # --- reads -------------------------------------------------------------------

    def of(self, record: ContactRecord) -> list[Task]:
        """The tasks of ``record``, oldest first (finished ones are gone)."""
        return list(self._held(record).values())

    def get(self, task_id: str) -> Task | None:
        """The task with this id (on a card or of no contact), or ``None``."""
        return self._locate(task_id)[0]

    @property
    def unattached(self) -> list[Task]:
        """The tasks of no contact, oldest first (protocol §14)."""
        return list(self._unattached.values())

    # --- writes ------------------------------------------------------------------

    def create(
        self,
        contact: str | None,
        note: str,
        date: datetime,
        *,
        reminder: str | None = None,
        cc: Iterable[str] = (),
        realized: bool = False,
        owner: str | None = None,
    ) -> Task:
        """A new task on the live contact ``contact`` (e-mail or id), assigned to ``owner``.

        Without ``owner`` the contact's main owner is the assignee. ``contact``
        ``None`` makes a task of no contact (protocol §14), assigned to ``owner``
        or else the account's first user. Refusals: AuthenticationFailed
        (``owner`` not a user); InvalidField naming the task's field;
        ContactNotFound; ReadOnlyOwner.
        """
        user = self._users.acting(owner) if owner is not None else None
        record = None if contact is None else self._contact(contact)
        now = self.account.clock.now()
        text = check_text(note, "note")
        due = _date(date)
        remind = None if reminder is None else canonical_reminder(reminder)
        emails = _cc(cc)
        if record is not None:
            self.account.check_may_write(record, user)
        if user is None:
            user = self._users[0] if record is None else record.main_owner
        task = Task(
            id=self.account.new_id(),
            contact_id=None if record is None else record.id,
            note=text,
            date=due,
            reminder=remind,
            cc=emails,
            realized=bool(realized),
            owner=user,
            created_on=now,
        )
        self._put(record, task)
        return task

    def update(
        self,
        task_id: str,
        *,
        contact: str | None = None,
        note: str | None = None,
        date: datetime | None = None,
        reminder: str | None = None,
        cc: Iterable[str] | None = None,
        realized: bool | None = None,
        owner: str | None = None,
    ) -> Task:
        """Change the given fields of task ``task_id``; ``contact`` moves it to another contact
        (a task of no contact onto that card).

        The assignee stays. Refusals: AuthenticationFailed (``owner`` not a
        user); TaskNotFound; ContactNotFound (the task's contact or the new one
        is missing or soft-deleted); InvalidField; ReadOnlyOwner.
        """
        user = self._users.acting(owner) if owner is not None else None
        task, record = self._task(task_id)
        target = record if contact is None else self._contact(contact)
        changes: dict[str, Any] = {}
        if note is not None:
            changes["note"] = check_text(note, "note")
        if date is not None:
            changes["date"] = _date(date)
        if reminder is not None:
            changes["reminder"] = canonical_reminder(reminder)
        if cc is not None:
            changes["cc"] = _cc(cc)
        if realized is not None:
            changes["realized"] = bool(realized)
        for card in (record, target):
            if card is not None:
                self.account.check_may_write(card, user)
        updated = attrs.evolve(task, contact_id=None if target is None else target.id, **changes)
        if target is not record:
            self._drop(record, task.id)
        self._put(target, updated)
        return updated

    def finish(self, task_id: str, *, owner: str | None = None) -> Task:
        """Finish (delete) task ``task_id``; returns it as it was (S9.2).

        Refusals: AuthenticationFailed (``owner`` not a user); TaskNotFound
        (unknown or finished already); ContactNotFound (its contact is
        soft-deleted); ReadOnlyOwner.
        """
        user = self._users.acting(owner) if owner is not None else None
        task, record = self._task(task_id)
        if record is not None:
            self.account.check_may_write(record, user)
        self._drop(record, task.id)
        return task

    # --- helpers -----------------------------------------------------------------

    def _contact(self, key: str) -> ContactRecord:
        if not isinstance(key, str) or not key.strip():
            raise InvalidField("contactEmail", RULE_REQUIRED)
        return self.account.find_live(key)

    def _locate(self, task_id: str) -> tuple[Task | None, ContactRecord | None]:
        """The task with this id and the card holding it (``None`` where unknown, and for
        a task of no contact)."""
        if not isinstance(task_id, str):
            return None, None
        alone = self._unattached.get(task_id)
        if alone is not None:
            return alone, None
        contact_id = self._contact_of.get(task_id)
        record = None if contact_id is None else self.account.find(contact_id)
        return (None if record is None else self._held(record).get(task_id)), record

    def _task(self, task_id: str) -> tuple[Task, ContactRecord | None]:
        task, record = self._locate(task_id)
        if task is None or (record is None and task.contact_id is not None):
            raise TaskNotFound(str(task_id))
        if record is not None and record.deleted:
            raise ContactNotFound(str(task.contact_id))
        return task, record

    def _held(self, record: ContactRecord) -> dict[str, Task]:
        held = record.extension(self.key)
        return held if isinstance(held, dict) else {}

    def _put(self, record: ContactRecord | None, task: Task) -> None:
        if record is None:
            self._unattached[task.id] = task
            return
        held = record.extension(self.key)
        if not isinstance(held, dict):
            held = {}
            record.set_extension(self.key, held)
        held[task.id] = task
        self._contact_of[task.id] = record.id

    def _drop(self, record: ContactRecord | None, task_id: str) -> None:
        if record is None:
            del self._unattached[task_id]
            return
        del self._held(record)[task_id]
        del self._contact_of[task_id]

    # --- contact hooks, reset, state import --------------------------------------------

    def contact_removed(self, record: ContactRecord) -> None:
        """The contact is gone for good: its tasks go with it."""
        for task_id in self._held(record):
            if self._contact_of.get(task_id) == record.id:
                del self._contact_of[task_id]

    def reset(self) -> None:
        """No tasks."""
        self._contact_of.clear()
        self._unattached.clear()

    def restore_saved(self, record: ContactRecord | None, task: Task) -> None:
        """Put back ``task`` of ``record`` (``None``: of no contact) as a state export saved
        it, after the others (a state import: nothing is checked here)."""
        self._put(record, task)
