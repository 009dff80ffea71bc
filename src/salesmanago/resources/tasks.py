"""Tasks on contacts: create, update, finish (protocol §8.4; semantics S9.2).

All three go through ``/api/contact/updateTask`` with a ``smContactTaskReq``
object; the live platform takes them without ``owner`` (protocol §14).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from .. import _converter
from .._calls import Call, Endpoint, Envelope
from .._options import RequestOptions, Unpack
from .._validation import check_aware, check_email
from ..errors import ValidationError
from ..models.tasks import TaskReminder
from ._base import AsyncAPIResource, SyncAPIResource

__all__ = ["AsyncTasks", "Tasks"]

# Creating is not idempotent (a repeat makes a second task); updating and
# finishing a given task id are.
CREATE_TASK: Final = Endpoint("/api/contact/updateTask", idempotent=False, send_owner=False)
UPDATE_TASK: Final = Endpoint("/api/contact/updateTask", idempotent=True, send_owner=False)


def _task_id(envelope: Envelope) -> str:
    value = envelope.get("taskId")
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise TypeError("taskId: expected a non-empty string")
    return str(value)


def _reminder(value: TaskReminder | str) -> str:
    try:
        return TaskReminder(value).value
    except ValueError:
        known = ", ".join(m.value.lstrip("_") for m in TaskReminder)
        raise ValidationError(
            "smContactTaskReq.reminder", f"must be one of {known} (got {value!r})"
        ) from None


def _cc(emails: Sequence[str]) -> str:
    if isinstance(emails, str):
        raise ValidationError("smContactTaskReq.cc", "must be a list of e-mails, not one string")
    return ",".join(check_email(e, f"smContactTaskReq.cc[{i}]") for i, e in enumerate(emails))


def _task_fields(
    email: str | None,
    note: str | None,
    date: datetime | None,
    reminder: TaskReminder | str | None,
    cc: Sequence[str] | None,
    realized: bool | None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if email is not None:
        fields["contactEmail"] = check_email(email, "smContactTaskReq.contactEmail")
    if note is not None:
        if not isinstance(note, str) or not note.strip():
            raise ValidationError("smContactTaskReq.note", "must be a non-empty text")
        fields["note"] = note
    if date is not None:
        check_aware(date, "smContactTaskReq.date")
        fields["date"] = _converter.to_ms(date)
    if cc is not None:
        fields["cc"] = _cc(cc)
    if reminder is not None:
        fields["reminder"] = _reminder(reminder)
    if realized is not None:
        fields["realized"] = bool(realized)
    return fields


def _check_task_id(task_id: str) -> str:
    if not isinstance(task_id, str) or not task_id.strip():
        raise ValidationError("smContactTaskReq.id", "must be a non-empty task id")
    return task_id.strip()


def create_call(
    email: str,
    note: str,
    date: datetime,
    reminder: TaskReminder | str | None,
    cc: Sequence[str],
    realized: bool | None,
) -> Call[str]:
    """A new task on the contact ``email`` (``id: false``, as the live platform takes it)."""
    if date is None:
        raise ValidationError("smContactTaskReq.date", "is required")
    task = {"id": False, **_task_fields(email, note, date, reminder, cc or None, realized)}
    return Call(CREATE_TASK, {"smContactTaskReq": task, "finished": False}, _task_id)


def update_call(
    task_id: str,
    email: str | None,
    note: str | None,
    date: datetime | None,
    reminder: TaskReminder | str | None,
    cc: Sequence[str] | None,
    realized: bool | None,
) -> Call[str]:
    """Change the given fields of the task ``task_id``."""
    fields = _task_fields(email, note, date, reminder, cc, realized)
    task = {"id": _check_task_id(task_id), **fields}
    return Call(UPDATE_TASK, {"smContactTaskReq": task, "finished": False}, _task_id)


def finish_call(task_id: str) -> Call[str]:
    """Finish the task ``task_id`` (``finished: true``; only its id is sent)."""
    task = {"id": _check_task_id(task_id)}
    return Call(UPDATE_TASK, {"smContactTaskReq": task, "finished": True}, _task_id)


class Tasks(SyncAPIResource):
    """Tasks on contacts (semantics S9.2).

    ``reminder`` takes a [`TaskReminder`][salesmanago.models.tasks.TaskReminder] or either spelling
    of its value (``"15_MIN"`` or ``"_15_MIN"``); the SDK sends ``_15_MIN``, the spelling the
    live platform stored and returned.
    """

    def create(
        self,
        email: str,
        note: str,
        date: datetime,
        *,
        reminder: TaskReminder | str | None = None,
        cc: Sequence[str] = (),
        realized: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Create a task due at ``date`` (aware) on the contact ``email``; ``cc`` are
        e-mails that also get the reminder. Returns the task's id. Not retried once it
        may have landed."""
        return self._with(options)._execute(create_call(email, note, date, reminder, cc, realized))

    def update(
        self,
        task_id: str,
        *,
        email: str | None = None,
        note: str | None = None,
        date: datetime | None = None,
        reminder: TaskReminder | str | None = None,
        cc: Sequence[str] | None = None,
        realized: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Change the given fields of the task; returns its (unchanged) id."""
        return self._with(options)._execute(
            update_call(task_id, email, note, date, reminder, cc, realized)
        )

    def finish(self, task_id: str, **options: Unpack[RequestOptions]) -> str:
        """Finish the task (``finished: true``): it leaves the contact's open tasks."""
        return self._with(options)._execute(finish_call(task_id))


class AsyncTasks(AsyncAPIResource):
    """Tasks on contacts (semantics S9.2).

    ``reminder`` takes a [`TaskReminder`][salesmanago.models.tasks.TaskReminder] or either spelling
    of its value (``"15_MIN"`` or ``"_15_MIN"``); the SDK sends ``_15_MIN``, the spelling the
    live platform stored and returned.
    """

    async def create(
        self,
        email: str,
        note: str,
        date: datetime,
        *,
        reminder: TaskReminder | str | None = None,
        cc: Sequence[str] = (),
        realized: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Create a task due at ``date`` (aware) on the contact ``email``; ``cc`` are
        e-mails that also get the reminder. Returns the task's id. Not retried once it
        may have landed."""
        return await self._with(options)._execute(
            create_call(email, note, date, reminder, cc, realized)
        )

    async def update(
        self,
        task_id: str,
        *,
        email: str | None = None,
        note: str | None = None,
        date: datetime | None = None,
        reminder: TaskReminder | str | None = None,
        cc: Sequence[str] | None = None,
        realized: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Change the given fields of the task; returns its (unchanged) id."""
        return await self._with(options)._execute(
            update_call(task_id, email, note, date, reminder, cc, realized)
        )

    async def finish(self, task_id: str, **options: Unpack[RequestOptions]) -> str:
        """Finish the task (``finished: true``): it leaves the contact's open tasks."""
        return await self._with(options)._execute(finish_call(task_id))
