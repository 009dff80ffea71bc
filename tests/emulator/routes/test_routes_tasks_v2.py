"""``updateTask`` with no ``contactEmail`` and no ``owner`` (protocol §14, §8.4; S9.2).

A live suite (PX ``TaskServiceTest``) creates a task sending only ``note``, ``date``,
``cc`` and ``reminder``, then updates and finishes it by id, reading the same
``taskId`` each time. The emulator makes such a task one of no contact, assigned to
the account's first user (or the owner sent), shown on no card (grade D).
"""

from __future__ import annotations

from typing import Any

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, NOW_MS, OMIT
from routes_server import WIRES, over

from salesmanago_emulator import Emulator

TASK = "contact/updateTask"
DUE_MS = NOW_MS + 86_400_000


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
        update = {"id": task_id, "contactEmail": "a@example.com", "date": DUE_MS}
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
