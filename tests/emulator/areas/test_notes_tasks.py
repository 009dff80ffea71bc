"""Notes (S9.1) and tasks (S9.2) in the emulator (protocol §8.4): state, raw JSON, SDK."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from routes_helpers import A_OWNER, A_SECOND, NOW, NOW_MS, OMIT, Api, snapshot

from salesmanago import (
    AsyncSalesManago,
    ContactUpsert,
    NotFoundError,
    SalesManago,
    TaskReminder,
    ValidationError,
)
from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.errors import (
    AuthenticationFailed,
    ContactNotFound,
    InvalidField,
    ReadOnlyOwner,
    TaskNotFound,
)
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.notes import MAX_NOTE
from salesmanago_emulator.state.tasks import REMINDERS, canonical_reminder

NOTE = "contact/addNote"
TASK = "contact/updateTask"
DUE = NOW + timedelta(days=2)
DUE_MS = NOW_MS + 2 * 86_400_000


def full(api: Api, email: str = "a@example.com") -> dict[str, Any]:
    """The full contact ``email`` read as the api's owner (any owner's contacts)."""
    (contact,) = api.ok("contact/listAll", email=[email])["contacts"]
    return dict(contact)


def area_state(account: Account) -> Any:
    """Notes and tasks of the account, to prove "no state change"."""
    return dump_area(account, "notes"), dump_area(account, "tasks")


def create_body(**task: Any) -> dict[str, Any]:
    """An ``updateTask`` body creating a task on a@example.com, without owner."""
    fields = {"id": False, "contactEmail": "a@example.com", "note": "Call", "date": DUE_MS, **task}
    fields = {k: v for k, v in fields.items() if v is not OMIT}
    return {"owner": OMIT, "smContactTaskReq": fields, "finished": False}


# --- notes: state -------------------------------------------------------------------


def test_s9_1_note_of_1024_characters_is_kept_whole(account_a: Account, contact: str) -> None:
    """S9.1: 1024 characters (counted as characters, not bytes) are taken as they are."""
    text = "ż" * MAX_NOTE
    note = account_a.notes.add("a@example.com", text, owner=" Owner@A.example.com ")
    assert note.text == text
    assert note.author == A_OWNER
    assert not note.private
    assert note.created_on == NOW
    record = account_a.find(contact)
    assert record is not None
    assert account_a.notes.of(record) == [note]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("ż" * 1025, "must be at most 1024 characters long (got 1025)"),
        ("   ", "must not be empty"),
        (42, "must be a string"),
    ],
)
def test_s9_1_bad_note_is_refused_never_truncated(
    account_a: Account, contact: str, text: Any, rule: str
) -> None:
    """S9.1: a longer note is refused with an error naming ``note``; nothing is stored."""
    with pytest.raises(InvalidField) as info:
        account_a.notes.add(contact, text, owner=A_OWNER)
    assert info.value.field == "note"
    assert info.value.rule == rule
    assert area_state(account_a) == ([], [])


def test_s9_1_private_note_is_visible_to_its_author_only(account_a: Account, contact: str) -> None:
    """S9.1: a private note shows to its author; public notes to every user."""
    public = account_a.notes.add(contact, "public", owner=A_SECOND)
    private = account_a.notes.add(contact, "mine", owner=A_OWNER, private=True)
    record = account_a.find(contact)
    assert record is not None
    assert account_a.notes.visible_to(record, A_OWNER.upper()) == [public, private]
    assert account_a.notes.visible_to(record, A_SECOND) == [public]


def test_s9_1_note_refusals_for_missing_contact_and_read_only_owner(
    account_a: Account, contact: str
) -> None:
    """A note needs a live contact and an owner allowed to act on it (S1.4)."""
    with pytest.raises(ContactNotFound):
        account_a.notes.add("nobody@example.com", "x", owner=A_OWNER)
    account_a.users.add_owner(contact, A_SECOND, "READ_ONLY")
    with pytest.raises(ReadOnlyOwner):
        account_a.notes.add(contact, "x", owner=A_SECOND)
    assert area_state(account_a) == ([], [])


# --- tasks: state -------------------------------------------------------------------


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


# --- deletion, reset, snapshot ----------------------------------------------------------


def test_s3_soft_delete_keeps_notes_and_tasks_frozen_until_restored(
    account_a: Account, contact: str
) -> None:
    """S3.1/S3.2: kept through a soft delete, unchangeable meanwhile, back on restore."""
    note = account_a.notes.add(contact, "kept", owner=A_OWNER)
    task = account_a.tasks.create(contact, "Call", DUE)
    account_a.contacts.delete(contact)
    with pytest.raises(ContactNotFound):
        account_a.tasks.update(task.id, note="x")
    with pytest.raises(ContactNotFound):
        account_a.tasks.finish(task.id)
    with pytest.raises(ContactNotFound):
        account_a.tasks.create(contact, "Call", DUE)
    with pytest.raises(ContactNotFound):
        account_a.notes.add(contact, "x", owner=A_OWNER)
    account_a.contacts.upsert(ContactWrite(email="a@example.com"), A_OWNER)  # restores (S3.2)
    record = account_a.find(contact)
    assert record is not None
    assert account_a.notes.of(record) == [note]
    assert account_a.tasks.finish(task.id) == task


@pytest.mark.parametrize("how", ["permanent", "forget", "purge"])
def test_s3_removal_drops_notes_and_tasks(
    account_a: Account, contact: str, clock: FrozenClock, how: str
) -> None:
    """S3.3/S3.4: removed for good, the contact's notes and tasks are gone."""
    account_a.notes.add(contact, "gone", owner=A_OWNER)
    task = account_a.tasks.create(contact, "Call", DUE)
    if how == "permanent":
        account_a.contacts.delete(contact, permanently=True)
    elif how == "forget":
        account_a.contacts.forget(contact)
    else:
        account_a.contacts.delete(contact)
        clock.advance(timedelta(days=1))
        account_a.run_due_purge()
    assert account_a.tasks.get(task.id) is None
    with pytest.raises(TaskNotFound):
        account_a.tasks.finish(task.id)
    assert area_state(account_a) == ([], [])
    new = account_a.contacts.upsert(ContactWrite(email="a@example.com"), A_OWNER)
    assert account_a.notes.of(new) == []
    assert account_a.tasks.of(new) == []


def test_reset_forgets_notes_and_tasks(account_a: Account, contact: str) -> None:
    """Reset empties both areas."""
    account_a.notes.add(contact, "x", owner=A_OWNER)
    task = account_a.tasks.create(contact, "Call", DUE)
    account_a.reset()
    assert account_a.tasks.get(task.id) is None
    assert area_state(account_a) == ([], [])


# --- notes: raw JSON -------------------------------------------------------------------


def test_raw_add_note_answers_a_message_and_the_card_lists_it(api: Api) -> None:
    """Protocol §8.4: success carries its text in ``message``; ``contactNotes`` shows the note."""
    contact_id = api.upsert("a@example.com")
    assert api.ok(NOTE, email="a@example.com", note="Called", priv=True)["message"] == [
        "Note added"
    ]
    api.ok(NOTE, contactId=contact_id, note="n" * 1024)
    notes = full(api)["contactNotes"]
    assert [(n["note"], n["priv"], n["date"], n["owner"]) for n in notes] == [
        ("Called", True, NOW_MS, A_OWNER),
        ("n" * 1024, False, NOW_MS, A_OWNER),
    ]
    assert all(isinstance(n["id"], str) and n["id"] for n in notes)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": "ą" * 1025}, "Field 'note' must be at most 1024 characters long (got 1025)"),
        ({"note": OMIT}, "Field 'note' is required"),
        ({"note": ""}, "Field 'note' must not be empty"),
        ({"priv": "yes"}, "Field 'priv' must be a boolean"),
        ({"email": OMIT}, "Field 'email' is required"),
        ({"email": "nobody@example.com"}, "Contact not found: nobody@example.com"),
        ({"owner": OMIT}, "Not authenticated, not owner specified"),
    ],
)
def test_raw_add_note_refusals(
    api: Api, account_a: Account, fields: dict[str, Any], message: str
) -> None:
    """S9.1 on the wire: the field and rule are named, nothing is stored or cut."""
    api.upsert("a@example.com")
    before = snapshot(account_a), area_state(account_a)
    envelope = api.post(NOTE, **{"email": "a@example.com", "note": "x", **fields})
    assert envelope["success"] is False
    assert envelope["message"] == [message]
    assert (snapshot(account_a), area_state(account_a)) == before


def test_raw_note_does_not_modify_the_card(api: Api, clock: FrozenClock) -> None:
    """Adding a note leaves the card's ``modifiedOn`` alone (a note is not contact data)."""
    api.upsert("a@example.com")
    clock.advance(timedelta(hours=1))
    api.ok(NOTE, email="a@example.com", note="x")
    api.ok(TASK, **create_body())
    assert full(api)["modifiedOn"] == NOW_MS


# --- tasks: raw JSON -------------------------------------------------------------------


def test_raw_task_create_update_finish_same_task_id(api: Api) -> None:
    """Protocol §14: create with ``id: false``, update and finish all answer the same taskId."""
    api.upsert("a@example.com")
    task_id = api.ok(TASK, **create_body(reminder="15_MIN", cc="b@x.example, c@x.example,"))[
        "taskId"
    ]
    assert isinstance(task_id, str)
    (task,) = full(api)["contactTasks"]
    assert task == {
        "id": task_id,
        "note": "Call",
        "date": DUE_MS,
        "cc": "b@x.example,c@x.example",
        "reminder": "_15_MIN",
        "realized": False,
        "owner": A_OWNER,
    }
    update = {"id": task_id, "note": "Call back", "reminder": "_30_MIN", "realized": True}
    assert api.ok(TASK, owner=OMIT, smContactTaskReq=update)["taskId"] == task_id
    assert api.ok(TASK, owner=OMIT, smContactTaskReq={"id": task_id, "cc": ""})["taskId"] == task_id
    (task,) = full(api)["contactTasks"]
    assert (task["note"], task["reminder"], task["realized"], task["cc"]) == (
        "Call back",
        "_30_MIN",
        True,
        None,
    )
    finish = {"owner": OMIT, "smContactTaskReq": {"id": task_id}, "finished": True}
    assert api.ok(TASK, **finish)["taskId"] == task_id
    assert full(api)["contactTasks"] == []
    assert api.fail(TASK, **finish) == [f"Task not found: {task_id}"]


@pytest.mark.parametrize(
    "date", [DUE_MS, DUE_MS // 1000, str(DUE_MS), "2026-01-17T11:00:00+01:00", "2026-01-17T10:00Z"]
)
def test_raw_task_date_forms(api: Api, date: Any) -> None:
    """Protocol §13.2, §14: ms, seconds, numeric strings and ISO-8601 dates are read alike."""
    api.upsert("a@example.com")
    api.ok(TASK, **create_body(date=date))
    assert full(api)["contactTasks"][0]["date"] == DUE_MS


@pytest.mark.parametrize("absent", [{"id": None}, {"id": OMIT}])
def test_raw_task_id_absent_or_null_creates(api: Api, absent: dict[str, Any]) -> None:
    """``id`` omitted or ``null`` creates like ``false``; a request owner becomes the assignee."""
    api.upsert("a@example.com")
    body = {**create_body(**absent), "owner": A_SECOND}
    api.ok(TASK, **body)
    assert full(api)["contactTasks"][0]["owner"] == A_SECOND


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (create_body(note=OMIT), "Field 'smContactTaskReq.note' is required"),
        (create_body(date=OMIT), "Field 'smContactTaskReq.date' is required"),
        (create_body(date="tomorrow"), "Field 'smContactTaskReq.date' must be a timestamp"),
        (create_body(reminder="2_MIN"), "Field 'smContactTaskReq.reminder' must be one of"),
        (create_body(cc="b@x.example,oops"), "Field 'smContactTaskReq.cc' must be a valid"),
        (create_body(realized="yes"), "Field 'smContactTaskReq.realized' must be a boolean"),
        (create_body(id=True), "Field 'smContactTaskReq.id' must be a string"),
        (create_body(contactEmail="nobody@example.com"), "Contact not found: nobody@example.com"),
        ({"owner": OMIT, "finished": True}, "Field 'smContactTaskReq' is required"),
        (
            {"owner": OMIT, "smContactTaskReq": {"id": False}, "finished": True},
            "Field 'smContactTaskReq.id' is required",
        ),
        (
            {"owner": OMIT, "smContactTaskReq": {"id": "nope"}, "finished": False},
            "Task not found: nope",
        ),
        (
            {"owner": OMIT, "smContactTaskReq": {"id": 5}, "finished": True},
            "Task not found: 5",
        ),
        ({**create_body(), "finished": "no"}, "Field 'finished' must be a boolean"),
        ({**create_body(), "owner": "stranger@example.com"}, "Not authenticated, invalid owner"),
    ],
)
def test_raw_task_refusals(
    api: Api, account_a: Account, body: dict[str, Any], message: str
) -> None:
    """Every refusal names its field or cause and stores nothing."""
    api.upsert("a@example.com")
    before = snapshot(account_a), area_state(account_a)
    messages = api.fail(TASK, **body)
    assert messages[0].startswith(message), messages
    assert (snapshot(account_a), area_state(account_a)) == before


def test_raw_task_of_another_account_is_unknown(api: Api, api_b: Api) -> None:
    """Task ids are per account: account B cannot change or finish A's task."""
    api.upsert("a@example.com")
    task_id = api.ok(TASK, **create_body())["taskId"]
    api_b.upsert("a@example.com")
    finish = {"owner": OMIT, "smContactTaskReq": {"id": task_id}, "finished": True}
    assert api_b.fail(TASK, **finish) == [f"Task not found: {task_id}"]
    assert len(full(api)["contactTasks"]) == 1


# --- through the SDK ------------------------------------------------------------------


def test_sdk_note_private_and_long_refused(sm: SalesManago, emu: Emulator[FrozenClock]) -> None:
    """S9.1 end to end: messages returned, notes read back; 1025 characters never sent."""
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    assert sm.notes.add("Called", email="a@example.com", private=True) == ["Note added"]
    (contact,) = sm.contacts.list(["a@example.com"])
    (note,) = contact.notes
    assert (note.note, note.private, note.date, note.owner) == ("Called", True, NOW, A_OWNER)
    assert note.note_id
    sent = len(emu.calls)
    assert sent >= 3  # the calls above were recorded
    with pytest.raises(ValidationError, match="note") as info:
        sm.notes.add("x" * (MAX_NOTE + 1), email="a@example.com")
    assert info.value.field == "note"
    assert len(emu.calls) == sent  # refused by the SDK: no request sent
    assert [n.note for n in sm.contacts.list(["a@example.com"])[0].notes] == ["Called"]


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


async def test_sdk_async_note_and_task(asm: AsyncSalesManago, account_a: Account) -> None:
    """The async client: a note and a task land on account A's card."""
    await asm.contacts.upsert(ContactUpsert(email="a@example.com"))
    await asm.notes.add("async note", email="a@example.com")
    task_id = await asm.tasks.create("a@example.com", "Call", DUE)
    assert await asm.tasks.finish(task_id) == task_id
    record = account_a.find("a@example.com")
    assert record is not None
    assert [n.text for n in account_a.notes.of(record)] == ["async note"]
    assert account_a.tasks.of(record) == []


# --- owners must be users (S1.3) -------------------------------------------------------


def _contact_write_refusal(account: Account, owner: str) -> str:
    with pytest.raises(AuthenticationFailed) as info:
        account.contacts.update("a@example.com", ContactWrite(name="x"), owner)
    return str(info.value)


@pytest.mark.parametrize("owner", ["stranger@example.com", "not an e-mail"])
def test_s1_3_note_author_must_be_a_user(account_a: Account, contact: str, owner: str) -> None:
    expected = _contact_write_refusal(account_a, owner)
    with pytest.raises(AuthenticationFailed) as info:
        account_a.notes.add(contact, "hello", owner=owner)
    assert str(info.value) == expected
    assert account_a.notes.of(account_a.find_live(contact)) == []


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
