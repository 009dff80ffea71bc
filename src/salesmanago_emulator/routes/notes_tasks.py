"""Notes and tasks of contacts; ``contactNotes`` and ``contactTasks`` of the full contact.

Protocol §8.4; semantics S9.1 (notes of at most 1024 characters, private or
not) and S9.2 (tasks created, edited, completed and finished through one
method). ``addNote`` is owner-bound; ``updateTask`` takes no ``owner``
(protocol §14) but checks one when sent.

``updateTask`` reads ``smContactTaskReq``: ``id`` absent, ``null`` or
``false`` creates a task (``contactEmail``, ``note`` and ``date`` required);
a task id changes the fields sent, or with top-level ``finished: true``
deletes the task (only ``id`` is read). Every form answers ``taskId``.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import RULE_REQUIRED, RULE_STRING, InvalidField
from ..state._card import ContactRecord
from ..state.account import Account
from ..state.tasks import FIELD
from ._base import RequestContext, RouteTable
from ._parse import Body, opt_bool, opt_date, opt_str, req_date, req_object, req_str, to_ms
from ._shapes import card_section
from .contacts import contact_key

__all__ = ["NOTE_ADDED", "table", "tasks_table"]

table: Final = RouteTable("notes")
"""The notes route."""
tasks_table: Final = RouteTable("tasks")
"""The tasks route."""

NOTE_ADDED: Final = "Note added"
"""The informative message of a successful ``addNote`` (protocol §3.1: success with text)."""


@table.route("/api/contact/addNote")
def add_note(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Add ``note`` (at most 1024 characters), private with ``priv``, to a contact (S9.1)."""
    key = contact_key(body)
    text = req_str(body, "note")
    private = bool(opt_bool(body, "priv"))
    ctx.account.notes.add(key, text, owner=ctx.owner, private=private)
    return {"message": [NOTE_ADDED]}


def _task_id(task: Body) -> str | None:
    """The task id, or ``None`` for "create" (absent, ``null`` or ``false``)."""
    value = task.get("id")
    if value is None or value is False:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InvalidField(FIELD + "id", RULE_STRING)
    if not value.strip():
        raise InvalidField(FIELD + "id", RULE_REQUIRED)
    return value.strip()


def _cc(task: Body) -> list[str] | None:
    """The comma-separated ``cc`` as a list (blank items skipped), or ``None`` if absent."""
    text = opt_str(task, "cc", FIELD)
    if text is None:
        return None
    return [item.strip() for item in text.split(",") if item.strip()]


@tasks_table.route("/api/contact/updateTask", owner_required=False)
def update_task(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Create, change or (``finished: true``) delete a task; answers ``taskId`` (S9.2)."""
    task = req_object(body, "smContactTaskReq")
    finished = bool(opt_bool(body, "finished"))
    task_id = _task_id(task)
    tasks = ctx.account.tasks
    owner = ctx.optional_owner
    if finished:
        if task_id is None:
            raise InvalidField(FIELD + "id", RULE_REQUIRED)
        return {"taskId": tasks.finish(task_id, owner=owner).id}
    reminder = opt_str(task, "reminder", FIELD)
    cc = _cc(task)
    realized = opt_bool(task, "realized", FIELD)
    if task_id is None:
        created = tasks.create(
            req_str(task, "contactEmail", FIELD),
            req_str(task, "note", FIELD),
            req_date(task, "date", FIELD),
            reminder=reminder,
            cc=cc or (),
            realized=bool(realized),
            owner=owner,
        )
        return {"taskId": created.id}
    updated = tasks.update(
        task_id,
        contact=opt_str(task, "contactEmail", FIELD),
        note=opt_str(task, "note", FIELD),
        date=opt_date(task, "date", FIELD),
        reminder=reminder,
        cc=cc,
        realized=realized,
        owner=owner,
    )
    return {"taskId": updated.id}


@card_section("contactNotes")
def notes_section(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """Every note of the contact, oldest first; private ones flagged ``priv`` with their author."""
    return [
        {
            "id": note.id,
            "note": note.text,
            "priv": note.private,
            "date": to_ms(note.created_on),
            "owner": note.author,
        }
        for note in account.notes.of(record)
    ]


@card_section("contactTasks")
def tasks_section(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """The contact's open tasks, oldest first; ``cc`` comma-separated, ``null`` when none."""
    return [
        {
            "id": task.id,
            "note": task.note,
            "date": to_ms(task.date),
            "cc": ",".join(task.cc) or None,
            "reminder": task.reminder,
            "realized": task.realized,
            "owner": task.owner,
        }
        for task in account.tasks.of(record)
    ]
