"""The loyalty programs' control operations (protocol §8.6): ``loyalty/programs``,
``loyalty/programs/create``, ``loyalty/programs/activate``, ``loyalty/programs/deactivate``.

The platform creates programs in its UI; tests create them here and read the
members' points and history back.
"""

from __future__ import annotations

from typing import Any

import pytest
from control_helpers import ok, refused, signed_a, upsert
from routes_helpers import A_ID, B_ID, NOW, Api
from server_helpers import request

from salesmanago_emulator import Emulator, EmulatorServer
from salesmanago_emulator.control import ControlError

MODIFY = "loyalty/program/v1/modifyPoints"
ADD = "loyalty/program/v1/addContact"
AT = NOW.isoformat()


def test_create_answers_the_program_in_the_named_account(emu: Emulator) -> None:
    answer = emu.control("loyalty/programs/create", {"clientId": B_ID, "name": " Club "})
    assert answer == {"program": {"name": "Club", "active": True, "createdOn": AT, "members": []}}
    assert emu.account(A_ID).loyalty.programs() == []
    inactive = emu.control("loyalty/programs/create", {"name": "Old", "active": "false"})
    assert inactive["program"]["active"] is False
    assert [p.name for p in emu.account(A_ID).loyalty.programs()] == ["Old"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 400, "Field 'name' is required"),
        ({"name": 5}, 400, "Field 'name' must be a string"),
        ({"name": "  "}, 400, "Field 'name' must not be empty"),
        ({"name": "x" * 256}, 400, "Field 'name' must be at most 255 characters long"),
        ({"name": "N", "active": "maybe"}, 400, "Field 'active' must be true or false"),
        ({"name": "CLUB"}, 409, "Loyalty program CLUB already exists"),
        ({"name": "N", "clientId": "nope"}, 404, "nope"),
    ],
)
def test_create_refusals_change_nothing(
    emu: Emulator, body: dict[str, Any], status: int, message: str
) -> None:
    emu.control("loyalty/programs/create", {"name": "Club"})
    with pytest.raises(ControlError) as caught:
        emu.control("loyalty/programs/create", body)
    assert caught.value.status == status
    assert message in caught.value.messages[0]
    assert [p.name for p in emu.account(A_ID).loyalty.programs()] == ["Club"]


def test_programs_list_members_points_and_history(emu: Emulator, api: Api) -> None:
    emu.control("loyalty/programs/create", {"name": "Club"})
    emu.control("loyalty/programs/create", {"name": "Other"})
    ann = api.upsert("ann@example.com", loyaltyProgram="Club")
    api.upsert("gone@example.com", loyaltyProgram="Club")
    contacts = [{"addresseeType": "email", "value": "ann@example.com"}]
    api.ok(MODIFY, loyaltyProgram="Club", contacts=contacts, points=7, modificationType="ADD")
    api.ok("contact/delete", email="gone@example.com")
    club, other = emu.control("loyalty/programs")["programs"]
    assert other == {"name": "Other", "active": True, "createdOn": AT, "members": []}
    first, gone = club["members"]
    assert first == {
        "contactId": ann,
        "email": "ann@example.com",
        "deleted": False,
        "enrolledOn": AT,
        "points": 7,
        "history": [{"modificationType": "ADD", "points": 7, "comment": None, "at": AT}],
    }
    assert (gone["email"], gone["deleted"], gone["points"]) == ("gone@example.com", True, 0)
    assert emu.control("loyalty/programs", {"name": "club"})["program"] == club
    with pytest.raises(ControlError) as caught:
        emu.control("loyalty/programs", {"name": "Gold"})
    assert (caught.value.status, caught.value.messages) == (
        404,
        ["Specified loyalty program does not exist"],
    )


def test_deactivate_and_activate_switch_the_api_off_and_on(emu: Emulator, api: Api) -> None:
    emu.control("loyalty/programs/create", {"name": "Club"})
    api.upsert("ann@example.com")
    contacts = [{"addresseeType": "email", "value": "ann@example.com"}]
    assert (
        emu.control("loyalty/programs/deactivate", {"name": "club"})["program"]["active"] is False
    )
    assert api.fail(ADD, loyaltyProgram="Club", contacts=contacts) == [
        "Specified loyalty program is inactive"
    ]
    assert emu.control("loyalty/programs/activate", {"name": "Club"})["program"]["active"] is True
    api.ok(ADD, loyaltyProgram="Club", contacts=contacts)
    with pytest.raises(ControlError) as caught:
        emu.control("loyalty/programs/deactivate", {"name": "Gold"})
    assert caught.value.status == 404


def test_over_http_a_program_is_created_used_and_read(server: EmulatorServer) -> None:
    """The control API and the loyalty paths through the real server."""
    assert ok(server, "loyalty/programs/create", {"name": "Club"})["program"]["name"] == "Club"
    assert refused(server, "loyalty/programs/create", {"name": "club"}) == (
        409,
        "Loyalty program club already exists",
    )
    upsert(server, "ann@example.com")
    contacts = {"addresseeType": "email", "value": "ann@example.com"}
    for path, fields in [
        (ADD, {}),
        (MODIFY, {"points": 12, "modificationType": "ADD", "comment": "hi"}),
    ]:
        status, envelope = request(
            server.url, f"/api/{path}", signed_a(loyaltyProgram="Club", contacts=contacts, **fields)
        )
        assert (status, envelope["success"]) == (200, True), envelope
    assert envelope["points"] == 12
    status, envelope = request(
        server.url,
        "/api/contact/upsert",
        signed_a(contact={"email": "bob@example.com"}, loyaltyProgram="Gold"),
    )
    assert (status, envelope["message"]) == (200, ["Specified loyalty program does not exist"])
    upsert_body = signed_a(contact={"email": "bob@example.com"}, loyaltyProgram="Club")
    assert request(server.url, "/api/contact/upsert", upsert_body)[1]["success"] is True
    (program,) = ok(server, "loyalty/programs", method="GET")["programs"]
    assert [(m["email"], m["points"]) for m in program["members"]] == [
        ("ann@example.com", 12),
        ("bob@example.com", 0),
    ]
    assert refused(server, "loyalty/programs/deactivate", method="GET")[0] == 405
