"""Tasks in the state layer (S9.2): create, update, complete, finish; reminders, owners."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from notes_helpers import _contact_write_refusal, area_state
from routes_helpers import A_OWNER, A_SECOND
from state_helpers import OTHER_USER, OWNER
from tasks_helpers import DUE

from salesmanago_emulator import Account
from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import (
    AuthenticationFailed,
    InvalidField,
    ReadOnlyOwner,
    TaskNotFound,
)
from salesmanago_emulator.state import ContactWrite
from salesmanago_emulator.state.tasks import REMINDERS, canonical_reminder


def test_s9_2_create_update_complete_finish(account_a: Account, contact: str) -> None:
    """S9.2: a task is created, edited, completed (realized) and finished (deleted)."""
    tasks = account_a.tasks
    task = tasks.create("a@example.com", "Call", DUE, reminder="15_MIN", cc=["B@x.example"])
    assert (task.note, task.date, task.reminder, task.cc) == (
        "Call",
        DUE,
        "_15_MIN",
        ("b@x.example",),
    )
    assert task.owner == A_OWNER  # no request owner: the contact's main owner
    assert not task.realized
    later = DUE + timedelta(hours=3)
    edited = tasks.update(task.id, note="Call back", date=later, reminder="_1_DAY")
    assert edited.id == task.id
    assert (edited.note, edited.date, edited.reminder, edited.cc) == (
        "Call back",
        later,
        "_1_DAY",
        ("b@x.example",),
    )
    assert tasks.update(task.id, realized=True).realized
    record = account_a.find(contact)
    assert record is not None
    assert [t.id for t in tasks.of(record)] == [task.id]
    assert tasks.finish(task.id).id == task.id
    assert tasks.of(record) == []
    assert tasks.get(task.id) is None
    with pytest.raises(TaskNotFound, match=f"Task not found: {task.id}"):
        tasks.finish(task.id)
    with pytest.raises(TaskNotFound):
        tasks.update(task.id, note="x")


def test_s9_2_assignee_is_the_request_owner_and_stays(account_a: Account, contact: str) -> None:
    """S9.2: the task's owner is the creating user; an update by another keeps it."""
    task = account_a.tasks.create(contact, "Call", DUE, owner=A_SECOND)
    assert task.owner == A_SECOND
    assert account_a.tasks.update(task.id, note="x", owner=A_OWNER).owner == A_SECOND


def test_s9_2_update_moves_a_task_to_another_contact(
    account_a: Account, contact: str, other: str
) -> None:
    """``contactEmail`` on an update moves the task; the old card no longer lists it."""
    task = account_a.tasks.create(contact, "Call", DUE)
    moved = account_a.tasks.update(task.id, contact="b@example.com")
    assert moved.contact_id == other
    first, second = account_a.find(contact), account_a.find(other)
    assert first is not None
    assert second is not None
    assert account_a.tasks.of(first) == []
    assert account_a.tasks.of(second) == [moved]


@pytest.mark.parametrize("value", REMINDERS)
def test_s9_2_reminder_both_spellings_store_the_underscore_one(value: str) -> None:
    """Protocol §13.12: ``15_MIN`` and ``_15_MIN`` are one value, stored as ``_15_MIN``."""
    assert canonical_reminder(value) == value
    assert canonical_reminder(value[1:]) == value


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"reminder": "2_MIN"}, "reminder", "must be one of _15_MIN"),
        ({"reminder": "15_min"}, "reminder", "must be one of"),
        ({"cc": ["not-an-email"]}, "cc", "valid e-mail"),
        ({"note": " "}, "note", "must not be empty"),
        ({"date": datetime(2026, 2, 1)}, "date", "timezone-aware"),
    ],
)
def test_s9_2_bad_task_fields_are_refused(
    account_a: Account, contact: str, kwargs: dict[str, Any], field: str, rule: str
) -> None:
    """Refusals name the task's field (the route adds ``smContactTaskReq.``); create and
    update store nothing."""
    args: dict[str, Any] = {"note": "Call", "date": DUE, **kwargs}
    with pytest.raises(InvalidField) as info:
        account_a.tasks.create(contact, args.pop("note"), args.pop("date"), **args)
    assert (info.value.field, rule in info.value.rule) == (field, True)
    task = account_a.tasks.create(contact, "Call", DUE)
    before = area_state(account_a)
    with pytest.raises(InvalidField):
        account_a.tasks.update(task.id, **kwargs)
    assert area_state(account_a) == before


def test_s9_2_read_only_owner_may_not_touch_tasks(account_a: Account, contact: str) -> None:
    """S1.4: a read-only owner may not create, edit or finish the contact's tasks."""
    task = account_a.tasks.create(contact, "Call", DUE)
    account_a.users.add_owner(contact, A_SECOND, "READ_ONLY")
    before = area_state(account_a)
    with pytest.raises(ReadOnlyOwner):
        account_a.tasks.create(contact, "Call", DUE, owner=A_SECOND)
    with pytest.raises(ReadOnlyOwner):
        account_a.tasks.update(task.id, note="x", owner=A_SECOND)
    with pytest.raises(ReadOnlyOwner):
        account_a.tasks.finish(task.id, owner=A_SECOND)
    assert area_state(account_a) == before


@pytest.mark.parametrize("owner", ["stranger@example.com", "not an e-mail"])
def test_s1_3_task_owner_must_be_a_user(account_a: Account, contact: str, owner: str) -> None:
    """create, update and finish refuse a non-user as contact writes do; nothing changes."""
    expected = _contact_write_refusal(account_a, owner)
    with pytest.raises(AuthenticationFailed) as info:
        account_a.tasks.create(contact, "call", DUE, owner=owner)
    assert str(info.value) == expected
    task = account_a.tasks.create(contact, "call", DUE, owner=A_SECOND.upper())
    assert task.owner == A_SECOND
    with pytest.raises(AuthenticationFailed) as info:
        account_a.tasks.update(task.id, note="changed", owner=owner)
    assert str(info.value) == expected
    with pytest.raises(AuthenticationFailed) as info:
        account_a.tasks.finish(task.id, owner=owner)
    assert str(info.value) == expected
    assert account_a.tasks.of(account_a.find_live(contact)) == [task]


# --- Tasks of no contact (protocol §14, §8.4; S9.2): the state's rules ----------


def test_protocol_14_task_of_no_contact_goes_to_the_first_user(
    account: Account, clock: FrozenClock
) -> None:
    due = clock.now() + timedelta(days=1)
    task = account.tasks.create(None, "Call", due, reminder="15_MIN", cc=["Boss@Shop.pl"])
    assert (task.contact_id, task.owner, task.reminder, task.cc) == (
        None,
        OWNER,
        "_15_MIN",
        ("boss@shop.pl",),
    )
    assert account.tasks.get(task.id) == task
    assert account.tasks.unattached == [task]


def test_task_of_no_contact_goes_to_the_owner_given(account: Account, clock: FrozenClock) -> None:
    task = account.tasks.create(None, "Call", clock.now(), owner=" Second@Shop.pl ")
    assert task.owner == OTHER_USER
    with pytest.raises(AuthenticationFailed):
        account.tasks.create(None, "Call", clock.now(), owner="stranger@shop.pl")
    assert account.tasks.unattached == [task]


def test_task_of_no_contact_is_checked_like_any_task(account: Account, clock: FrozenClock) -> None:
    with pytest.raises(InvalidField, match="'note' must not be empty"):
        account.tasks.create(None, " ", clock.now())
    with pytest.raises(InvalidField, match="'reminder'"):
        account.tasks.create(None, "Call", clock.now(), reminder="SOON")
    assert account.tasks.unattached == []


def test_update_and_finish_a_task_of_no_contact(account: Account, clock: FrozenClock) -> None:
    task = account.tasks.create(None, "Call", clock.now())
    changed = account.tasks.update(task.id, note="Call back", realized=True)
    assert (changed.id, changed.note, changed.realized, changed.contact_id) == (
        task.id,
        "Call back",
        True,
        None,
    )
    assert account.tasks.finish(task.id) == changed
    assert account.tasks.get(task.id) is None
    with pytest.raises(TaskNotFound):
        account.tasks.finish(task.id)


def test_update_naming_a_contact_moves_the_task_onto_its_card(
    account: Account, clock: FrozenClock
) -> None:
    record = account.contacts.upsert(ContactWrite(email="a@shop.pl"), OTHER_USER)
    task = account.tasks.create(None, "Call", clock.now())
    moved = account.tasks.update(task.id, contact="a@shop.pl")
    assert (moved.contact_id, moved.owner) == (record.id, OWNER)  # the assignee stays
    assert account.tasks.of(record) == [moved]
    assert account.tasks.unattached == []
    account.tasks.finish(task.id)
    assert account.tasks.of(record) == []


def test_reset_forgets_tasks_of_no_contact(account: Account, clock: FrozenClock) -> None:
    account.tasks.create(None, "Call", clock.now())
    account.reset()
    assert account.tasks.unattached == []
