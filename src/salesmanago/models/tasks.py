"""Task models (protocol §8.4; semantics S9.2)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import attrs

from .._converter import wire

__all__ = ["ContactTask", "TaskReminder"]


class TaskReminder(str, Enum):
    """When the platform reminds about a task (protocol §8.4, §13.12).

    Two spellings of the values exist: ``15_MIN`` (the API docs) and ``_15_MIN``
    (what a live test sent and read back). Both are accepted on input
    (``TaskReminder("15_MIN") is TaskReminder("_15_MIN") is TaskReminder.MIN_15``);
    the SDK sends the leading-underscore spelling, the one the live platform was
    seen to store and return.
    """

    MIN_15 = "_15_MIN"
    MIN_30 = "_30_MIN"
    HOUR_1 = "_1_HOUR"
    HOUR_12 = "_12_HOUR"
    DAY_1 = "_1_DAY"
    WEEK_1 = "_1_WEEK"

    @classmethod
    def _missing_(cls, value: object) -> TaskReminder | None:
        if isinstance(value, str):
            text = value.strip().upper()
            for member in cls:
                if text in (member.value, member.value.lstrip("_")):
                    return member
        return None


def _reminder_from_wire(value: Any) -> TaskReminder | str:
    """A known reminder as the enum (either spelling); anything else stays a string."""
    try:
        return TaskReminder(value)
    except ValueError:
        return str(value)


@attrs.frozen(kw_only=True)
class ContactTask:
    """A task as read back with a contact's full data (``contactTasks[]``, protocol §5.3).

    ``cc`` is the wire's comma-separated list of e-mails;
    [`cc_emails`][salesmanago.models.tasks.ContactTask.cc_emails] splits it.
    """

    task_id: str = attrs.field(metadata=wire(name="id"))
    note: str | None = None
    date: datetime | None = None
    cc: str | None = None
    reminder: TaskReminder | str | None = attrs.field(
        default=None, metadata=wire(structure=_reminder_from_wire)
    )
    realized: bool | None = None

    @property
    def cc_emails(self) -> tuple[str, ...]:
        """The e-mails in ``cc``."""
        return tuple(e.strip() for e in (self.cc or "").split(",") if e.strip())
