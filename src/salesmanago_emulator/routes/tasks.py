"""Tasks of contacts (protocol §8.4; S9.2): ``updateTask``, and ``contactTasks`` of the card.

``updateTask`` takes no ``owner`` (protocol §14) but checks one when sent. It
reads ``smContactTaskReq``: ``id`` absent, ``null`` or ``false`` creates a task
(``note`` and ``date`` required; without ``contactEmail`` the task is about no
contact and goes to the owner sent, else the account's first user: a live
suite creates one so, protocol §14); a task id changes the fields sent, or
with top-level ``finished: true`` deletes the task (only ``id`` is read).
Every form answers ``taskId``. The state names a task's fields by
themselves; this route names them under ``smContactTaskReq.``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

from ..errors import RULE_REQUIRED, RULE_STRING, InvalidField
from ..state._card import ContactRecord
from ..state.account import Account
from ._base import RequestContext, RouteTable
from ._parse import Body, opt_bool, opt_date, opt_str, req_date, req_object, req_str, to_ms

__all__ = ["FIELD", "card_tasks", "table"]

table: Final = RouteTable("tasks")
"""The tasks route."""

FIELD: Final = "smContactTaskReq."
"""Where ``updateTask``'s fields are, as error texts name them."""

_T = TypeVar("_T")


def _in_task(call: Callable[[], _T]) -> _T:
    """Run a state call; a field it refuses is named under `FIELD`."""
    try:
        return call()
    except InvalidField as err:
        raise err.under(FIELD) from None


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


@table.route("/api/contact/updateTask", owner_required=False)
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
        contact = opt_str(task, "contactEmail", FIELD)
        note = req_str(task, "note", FIELD)
        date = req_date(task, "date", FIELD)
        created = _in_task(
            lambda: tasks.create(
                contact,
                note,
                date,
                reminder=reminder,
                cc=cc or (),
                realized=bool(realized),
                owner=owner,
            )
        )
        return {"taskId": created.id}
    changing = task_id
    contact_opt = opt_str(task, "contactEmail", FIELD)
    note_opt = opt_str(task, "note", FIELD)
    date_opt = opt_date(task, "date", FIELD)
    updated = _in_task(
        lambda: tasks.update(
            changing,
            contact=contact_opt,
            note=note_opt,
            date=date_opt,
            reminder=reminder,
            cc=cc,
            realized=realized,
            owner=owner,
        )
    )
    return {"taskId": updated.id}


def card_tasks(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """``contactTasks``: the contact's open tasks, oldest first; ``cc`` comma-separated,
    ``null`` when none."""
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
