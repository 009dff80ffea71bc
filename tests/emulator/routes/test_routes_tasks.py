"""Tasks over raw JSON (protocol §8.4, §14; semantics S9.2): updateTask and the card's list."""

from __future__ import annotations

from typing import Any

import pytest
from notes_helpers import area_state, full
from routes_helpers import A_ID, A_OWNER, A_SECOND, NOW_MS, OMIT, Api, snapshot
from routes_server import WIRES, over
from tasks_helpers import DUE_MS, TASK, create_body

from salesmanago_emulator import Account, Emulator


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


# --- ``updateTask`` with no ``contactEmail`` and no ``owner`` (protocol §14, §8.4; S9.2) ----------

DUE_NEXT_DAY_MS = NOW_MS + 86_400_000


def _px_create(**task: Any) -> dict[str, Any]:
    """The body PX's ``TaskService::create`` sends: no owner, no contactEmail."""
    fields = {"id": False, "note": "Call to client.", "date": "2026-01-16T10:00:00+00:00"}
    fields.update({"cc": A_OWNER, "reminder": "_15_MIN", **task})
    return {"owner": OMIT, "finished": False, "smContactTaskReq": fields}


@pytest.mark.parametrize("wire", WIRES)
def test_protocol_14_task_without_contact_and_owner_create_update_finish(
    emu: Emulator, wire: str
) -> None:
    """§14: create, update and finish answer the same ``taskId``; the task is on no card."""
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        task_id = api.ok(TASK, **_px_create())["taskId"]
        assert isinstance(task_id, str)
        assert task_id
        task = account.tasks.get(task_id)
        assert task is not None
        assert (task.contact_id, task.owner, task.note) == (None, A_OWNER, "Call to client.")
        assert [t.id for t in account.tasks.unattached] == [task_id]
        (card,) = api.ok("contact/listAll", email=["a@example.com"])["contacts"]
        assert card["contactTasks"] == []
        update = {"id": task_id, "note": "Call - very important.", "reminder": "_30_MIN"}
        body = {"owner": OMIT, "finished": False, "smContactTaskReq": update}
        assert api.ok(TASK, **body)["taskId"] == task_id
        assert account.tasks.get(task_id).note == "Call - very important."  # type: ignore[union-attr]
        body = {"owner": OMIT, "finished": True, "smContactTaskReq": {"id": task_id}}
        assert api.ok(TASK, **body)["taskId"] == task_id
        assert account.tasks.get(task_id) is None
        assert account.tasks.unattached == []


@pytest.mark.parametrize("wire", WIRES)
def test_task_without_contact_goes_to_the_owner_sent(emu: Emulator, wire: str) -> None:
    """An ``owner`` sent (and checked) is the assignee of a task of no contact."""
    with over(emu, wire, owner=A_SECOND) as api:
        task_id = api.ok(TASK, **{**_px_create(), "owner": A_SECOND})["taskId"]
        assert api.fail(TASK, **{**_px_create(), "owner": "stranger@example.com"}) == [
            "Not authenticated, invalid owner"
        ]
    task = emu.account(A_ID).tasks.get(task_id)
    assert task is not None
    assert task.owner == A_SECOND
    assert len(emu.account(A_ID).tasks.unattached) == 1


@pytest.mark.parametrize("wire", WIRES)
def test_task_without_contact_moves_onto_the_card_an_update_names(emu: Emulator, wire: str) -> None:
    """An update with ``contactEmail`` puts the task on that card (same id)."""
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        task_id = api.ok(TASK, **_px_create())["taskId"]
        update = {"id": task_id, "contactEmail": "a@example.com", "date": DUE_NEXT_DAY_MS}
        body = {"owner": OMIT, "finished": False, "smContactTaskReq": update}
        assert api.ok(TASK, **body)["taskId"] == task_id
        (card,) = api.ok("contact/listAll", email=["a@example.com"])["contacts"]
        assert [t["id"] for t in card["contactTasks"]] == [task_id]
        assert card["contactTasks"][0]["owner"] == A_OWNER
    assert emu.account(A_ID).tasks.unattached == []


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ({"contactEmail": ""}, "Field 'smContactTaskReq.contactEmail' is required"),
        ({"contactEmail": 5}, "Field 'smContactTaskReq.contactEmail' must be a string"),
        ({"note": OMIT}, "Field 'smContactTaskReq.note' is required"),
        ({"reminder": "2_MIN"}, "Field 'smContactTaskReq.reminder' must be one of"),
    ],
)
def test_task_without_contact_refusals_change_nothing(
    emu: Emulator, task: dict[str, Any], message: str
) -> None:
    """A blank or mistyped ``contactEmail`` is still refused; so is any bad field."""
    body = _px_create(**task)
    body["smContactTaskReq"] = {k: v for k, v in body["smContactTaskReq"].items() if v is not OMIT}
    with over(emu, "transport") as api:
        (text,) = api.fail(TASK, **body)
    assert text.startswith(message)
    assert emu.account(A_ID).tasks.unattached == []
