"""Tasks (S9.2), sync and async: against the platform's canned replies, then end to end
on the emulator."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sdk_helpers import body, envelope, ok
from tasks_helpers import DUE

from salesmanago import ContactUpsert, NotFoundError, SalesManago, TaskReminder, ValidationError

UPDATE_TASK = "/api/contact/updateTask"

WHEN = datetime(2025, 1, 31, 23, 0, tzinfo=timezone(timedelta(hours=1)))
WHEN_MS = 1738360800000


def test_task_create_sends_id_false_without_owner(api, platform) -> None:
    """S9.2; protocol §14: updateTask creates with ``id: false`` and needs no owner."""
    update_task = platform.post(UPDATE_TASK).mock(return_value=envelope(ok(taskId="t-1")))
    task_id = api(
        "tasks.create",
        "a@example.com",
        "Call back",
        WHEN,
        reminder=TaskReminder.MIN_15,
        cc=["boss@example.com", "me@example.com"],
    )
    assert task_id == "t-1"
    assert body(update_task) == {
        "smContactTaskReq": {
            "id": False,
            "contactEmail": "a@example.com",
            "note": "Call back",
            "date": WHEN_MS,
            "cc": "boss@example.com,me@example.com",
            "reminder": "_15_MIN",
        },
        "finished": False,
    }


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("15_MIN", "_15_MIN"),
        ("_15_MIN", "_15_MIN"),
        ("30_MIN", "_30_MIN"),
        ("_30_MIN", "_30_MIN"),
        ("1_HOUR", "_1_HOUR"),
        ("_12_HOUR", "_12_HOUR"),
        ("1_DAY", "_1_DAY"),
        ("_1_WEEK", "_1_WEEK"),
        (TaskReminder.WEEK_1, "_1_WEEK"),
    ],
)
def test_reminder_accepts_both_spellings_and_sends_one(api, platform, given, sent) -> None:
    """Protocol §13.12: ``15_MIN`` and ``_15_MIN`` both accepted; ``_15_MIN`` sent."""
    update_task = platform.post(UPDATE_TASK).mock(return_value=envelope(ok(taskId="t-1")))
    api("tasks.update", "t-1", reminder=given)
    assert body(update_task)["smContactTaskReq"]["reminder"] == sent


def test_reminder_enum_reads_both_spellings() -> None:
    assert TaskReminder("15_MIN") is TaskReminder("_15_MIN") is TaskReminder.MIN_15
    assert TaskReminder("1_week") is TaskReminder.WEEK_1
    with pytest.raises(ValueError, match="2_MIN"):
        TaskReminder("2_MIN")


def test_task_update_sends_only_the_given_fields(api, platform) -> None:
    update_task = platform.post(UPDATE_TASK).mock(return_value=envelope(ok(taskId="t-1")))
    assert api("tasks.update", "t-1", note="Call back - urgent", realized=True) == "t-1"
    assert body(update_task) == {
        "smContactTaskReq": {"id": "t-1", "note": "Call back - urgent", "realized": True},
        "finished": False,
    }


def test_task_finish_sends_only_the_id(api, platform) -> None:
    update_task = platform.post(UPDATE_TASK).mock(return_value=envelope(ok(taskId="t-1")))
    assert api("tasks.finish", "t-1") == "t-1"
    assert body(update_task) == {"smContactTaskReq": {"id": "t-1"}, "finished": True}


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "field"),
    [
        ("tasks.update", ("t-1",), {"reminder": "2_MIN"}, "smContactTaskReq.reminder"),
        ("tasks.update", ("",), {}, "smContactTaskReq.id"),
        ("tasks.update", ("t-1",), {"cc": "a@example.com"}, "smContactTaskReq.cc"),
        ("tasks.update", ("t-1",), {"cc": ["nope"]}, "smContactTaskReq.cc[0]"),
        ("tasks.create", ("bad", "n", WHEN), {}, "smContactTaskReq.contactEmail"),
        ("tasks.create", ("a@example.com", "", WHEN), {}, "smContactTaskReq.note"),
        ("tasks.create", ("a@example.com", "n", datetime(2025, 1, 1)), {}, "smContactTaskReq.date"),
        ("tasks.finish", ("  ",), {}, "smContactTaskReq.id"),
    ],
)
def test_task_validation(api, platform, method, args, kwargs, field) -> None:
    with pytest.raises(ValidationError) as info:
        api(method, *args, **kwargs)
    assert info.value.field == field
    assert not platform.calls


# --- end to end on the emulator (sm: account A's client) ----------------------------


def test_sdk_task_lifecycle_with_reminders_and_cc(sm: SalesManago) -> None:
    """S9.2 end to end: the SDK sends ``_15_MIN``; create, update, realize, finish."""
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    due = datetime(2026, 1, 17, 11, 0, tzinfo=timezone(timedelta(hours=1)))
    task_id = sm.tasks.create(
        "a@example.com", "Call", due, reminder="15_MIN", cc=["boss@example.com", "me@example.com"]
    )
    (task,) = sm.contacts.list(["a@example.com"])[0].tasks
    assert task.task_id == task_id
    assert task.reminder is TaskReminder.MIN_15
    assert task.date == due
    assert task.cc_emails == ("boss@example.com", "me@example.com")
    assert sm.tasks.update(task_id, note="Call back", reminder=TaskReminder.DAY_1) == task_id
    assert sm.tasks.update(task_id, realized=True) == task_id
    (task,) = sm.contacts.list(["a@example.com"])[0].tasks
    assert (task.note, task.reminder, task.realized) == ("Call back", TaskReminder.DAY_1, True)
    assert sm.tasks.finish(task_id) == task_id
    assert sm.contacts.list(["a@example.com"])[0].tasks == ()
    with pytest.raises(NotFoundError, match="Task not found"):
        sm.tasks.finish(task_id)


def test_sdk_task_for_missing_contact_is_not_found(sm: SalesManago) -> None:
    """A task on a contact that does not exist: NotFoundError."""
    with pytest.raises(NotFoundError, match="Contact not found"):
        sm.tasks.create("nobody@example.com", "Call", DUE)
