"""Tasks of no contact (protocol §14, §8.4; S9.2): the state's rules.

``TasksArea.create(None, ...)`` makes a task about no contact (grade D): assigned
to the owner given, else the account's first user; found by id, listed in
``unattached``, moved onto a card by an update naming one; reset forgets it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import OTHER_USER, OWNER
from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import AuthenticationFailed, InvalidField, TaskNotFound
from salesmanago_emulator.state import Account, ContactWrite


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
