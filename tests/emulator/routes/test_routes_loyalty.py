"""Loyalty programs as raw JSON (protocol §8.6, §5.4, §3.3; §5.2 ``loyaltyProgram``).

``/api/loyalty/program/v1/addContact``, ``removeContact`` and ``modifyPoints``,
and the contact writes' ``loyaltyProgram`` option, through the in-process
transport; the programs are set up with ``account.loyalty`` (the platform's UI).
"""

from __future__ import annotations

from typing import Any

import pytest
from routes_helpers import A_ID, OMIT, Api, snapshot

from salesmanago_emulator import Account, Emulator
from salesmanago_emulator.snapshot import dump_area

ADD, REMOVE, MODIFY = (
    "loyalty/program/v1/addContact",
    "loyalty/program/v1/removeContact",
    "loyalty/program/v1/modifyPoints",
)
ANN, BOB = "ann@example.com", "bob@example.com"


def email(value: str) -> dict[str, str]:
    return {"addresseeType": "email", "value": value}


def _saved(account: Account) -> Any:
    return snapshot(account), dump_area(account, "loyalty")


@pytest.fixture
def club(api: Api, emu: Emulator) -> Account:
    """Program ``Club`` (and the inactive ``Old``), Ann (tag VIP) and Bob in account A."""
    account_a = emu.account(A_ID)
    account_a.loyalty.create_program("Club")
    account_a.loyalty.create_program("Old", active=False)
    api.upsert(ANN, tags=["VIP"])
    api.upsert(BOB)
    return account_a


def _points(account: Account, key: str) -> int | None:
    return account.loyalty.points("Club", key)


# --- the three paths -------------------------------------------------------------------


def test_protocol_8_6_enrol_modify_and_remove_with_lower_case_addressees(
    api: Api, club: Account
) -> None:
    ann_id = club.find_live(ANN).id
    assert api.ok(ADD, loyaltyProgram="Club", contacts=[email(ANN)]) == {
        "success": True,
        "message": [],
    }
    api.ok(ADD, loyaltyProgram="Club", contacts=[{"addresseeType": "tag", "value": "vip"}])
    api.ok(ADD, loyaltyProgram="Club", contacts=[{"addresseeType": "contact_id", "value": ann_id}])
    envelope = api.ok(
        MODIFY,
        loyaltyProgram="Club",
        contacts=[email(ANN)],
        points=20,
        modificationType="ADD",
        comment="welcome",
    )
    assert envelope["points"] == 20
    api.ok(
        MODIFY, loyaltyProgram="Club", contacts=[email(ANN)], points=5, modificationType="SUBTRACT"
    )
    assert _points(club, ANN) == 15
    history = club.loyalty.of_contact(club.find_live(ANN))[0].history
    assert [(c.kind, c.points, c.comment) for c in history] == [
        ("ADD", 20, "welcome"),
        ("SUBTRACT", 5, None),
    ]
    assert api.ok(REMOVE, loyaltyProgram="Club", contacts=[email(ANN)])["message"] == []
    assert _points(club, ANN) is None


def test_protocol_8_6_contacts_may_be_one_object_as_the_official_library_sends_it(
    api: Api, club: Account
) -> None:
    """Decision: the PHP library (``LoyaltyProgramService``) sends ``contacts`` as one
    addressee object, the C# one as a list: both are read."""
    api.ok(ADD, loyaltyProgram="Club", contacts=email(ANN))
    envelope = api.ok(
        MODIFY, loyaltyProgram="Club", contacts=email(ANN), points="3", modificationType="add"
    )
    assert envelope["points"] == 3
    assert api.fail(
        ADD, loyaltyProgram="Club", contacts={"addresseeType": "SMS", "value": "x"}
    ) == ["Field 'contacts.addresseeType' must be one of email, tag, contact_id"]
    api.ok(REMOVE, loyaltyProgram="Club", contacts=email(ANN))
    assert _points(club, ANN) is None


def test_modify_points_answers_the_balance_of_one_member_else_the_points_applied(
    api: Api, club: Account
) -> None:
    """Decision (wire file §3): ``points`` is the new balance when one member changed,
    else the points applied to each."""
    api.ok(ADD, loyaltyProgram="Club", contacts=[email(ANN), email(BOB)])
    api.ok(MODIFY, loyaltyProgram="Club", contacts=[email(ANN)], points=10, modificationType="ADD")
    both = api.ok(
        MODIFY,
        loyaltyProgram="Club",
        contacts=[email(ANN), email(BOB)],
        points=4,
        modificationType="ADD",
    )
    assert both["points"] == 4
    tagged = api.ok(
        MODIFY,
        loyaltyProgram="Club",
        contacts=[{"addresseeType": "TAG", "value": "VIP"}],
        points=1,
        modificationType="ADD",
    )
    assert tagged["points"] == 15  # the tag named one member: its balance
    assert (_points(club, ANN), _points(club, BOB)) == (15, 4)


def test_subtract_below_zero_is_refused_for_every_contact_named(api: Api, club: Account) -> None:
    api.ok(ADD, loyaltyProgram="Club", contacts=[email(ANN), email(BOB)])
    api.ok(MODIFY, loyaltyProgram="Club", contacts=[email(ANN)], points=9, modificationType="ADD")
    before = _saved(club)
    assert api.fail(
        MODIFY,
        loyaltyProgram="Club",
        contacts=[email(ANN), email(BOB)],
        points=2,
        modificationType="SUBTRACT",
    ) == [f"Not enough points: {BOB} has 0"]
    assert _saved(club) == before


def test_modify_points_of_a_non_member_is_refused_and_removing_one_succeeds(
    api: Api, club: Account
) -> None:
    before = _saved(club)
    assert api.fail(
        MODIFY, loyaltyProgram="Club", contacts=[email(ANN)], points=1, modificationType="ADD"
    ) == [f"Contact {ANN} is not a member of loyalty program Club"]
    api.ok(REMOVE, loyaltyProgram="Club", contacts=[email(ANN)])
    assert _saved(club) == before


@pytest.mark.parametrize("path", [ADD, REMOVE, MODIFY])
@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("Gold", "Specified loyalty program does not exist"),
        ("", "Specified loyalty program does not exist"),
        ("old", "Specified loyalty program is inactive"),
        (OMIT, "Field 'loyaltyProgram' is required"),
        (None, "Field 'loyaltyProgram' is required"),
        (7, "Field 'loyaltyProgram' must be a string"),
    ],
)
def test_protocol_3_3_the_program_must_exist_and_be_active(
    api: Api, club: Account, path: str, program: object, message: str
) -> None:
    before = _saved(club)
    extra = {"points": 1, "modificationType": "ADD"} if path == MODIFY else {}
    assert api.fail(path, loyaltyProgram=program, contacts=[email(ANN)], **extra) == [message]
    assert _saved(club) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"contacts": []}, "Field 'contacts' must not be empty"),
        ({"contacts": OMIT}, "Field 'contacts' is required"),
        ({"contacts": "ann@example.com"}, "Field 'contacts' must be a list of objects"),
        (
            {"contacts": [{"addresseeType": "FUNNEL", "value": "x"}]},
            "Field 'contacts[0].addresseeType' must be one of email, tag, contact_id",
        ),
        ({"contacts": [{"addresseeType": "email"}]}, "Field 'contacts[0].value' is required"),
        (
            {"contacts": [email(ANN), email("ghost@example.com")]},
            "Contact not found: ghost@example.com",
        ),
        (
            {"contacts": [{"addresseeType": "contact_id", "value": ANN}]},
            f"Contact not found: {ANN}",
        ),
        ({"points": 0}, "Field 'points' must be at least 1"),
        ({"points": -5}, "Field 'points' must be at least 1"),
        ({"points": 1.5}, "Field 'points' must be an integer"),
        ({"points": "ten"}, "Field 'points' must be an integer"),
        ({"points": 2**31}, "Field 'points' must be at most 2147483647"),
        ({"points": OMIT}, "Field 'points' is required"),
        ({"modificationType": "SET"}, "Field 'modificationType' must be one of ADD, SUBTRACT"),
        ({"modificationType": OMIT}, "Field 'modificationType' is required"),
        ({"comment": 5}, "Field 'comment' must be a string"),
    ],
)
def test_bad_modify_points_bodies_name_the_field_and_change_nothing(
    api: Api, club: Account, fields: dict[str, Any], message: str
) -> None:
    api.ok(ADD, loyaltyProgram="Club", contacts=[email(ANN)])
    before = _saved(club)
    body = {"contacts": [email(ANN)], "points": 1, "modificationType": "ADD", **fields}
    assert api.fail(MODIFY, loyaltyProgram="Club", **body) == [message]
    assert _saved(club) == before


def test_s3_1_a_soft_deleted_member_is_not_addressable(api: Api, club: Account) -> None:
    api.ok(ADD, loyaltyProgram="Club", contacts=[email(ANN)])
    api.ok("contact/delete", email=ANN)
    assert api.fail(REMOVE, loyaltyProgram="Club", contacts=[email(ANN)]) == [
        f"Contact not found: {ANN}"
    ]
    assert [r.email for r, _ in club.loyalty.members("Club")] == [ANN]


def test_the_loyalty_paths_need_an_owner(api: Api, club: Account) -> None:
    assert api.fail(ADD, owner=OMIT, loyaltyProgram="Club", contacts=[email(ANN)]) == [
        "Not authenticated, not owner specified"
    ]


# --- loyaltyProgram on contact writes (protocol §5.2) --------------------------------------


def test_protocol_5_2_upsert_insert_and_update_enrol_the_contact(api: Api, club: Account) -> None:
    api.upsert("new@example.com", loyaltyProgram="Club")
    api.ok("contact/insert", contact={"email": "ins@example.com"}, loyaltyProgram="club ")
    api.ok("contact/update", email=BOB, contact={"name": "Bob"}, loyaltyProgram="Club")
    enrolled = ("new@example.com", "ins@example.com", BOB)
    assert tuple(r.email for r, _ in club.loyalty.members("Club")) == enrolled
    assert {_points(club, e) for e in enrolled} == {0}


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("Gold", "Specified loyalty program does not exist"),
        ("", "Specified loyalty program does not exist"),
        ("Old", "Specified loyalty program is inactive"),
        (5, "Field 'loyaltyProgram' must be a string"),
    ],
)
def test_protocol_3_3_a_write_naming_a_bad_program_is_refused_before_any_change(
    api: Api, club: Account, program: object, message: str
) -> None:
    before = _saved(club)
    assert api.fail(
        "contact/upsert", contact={"email": "new@example.com"}, tags=["X"], loyaltyProgram=program
    ) == [message]
    assert api.fail(
        "contact/upsert", contact={"email": ANN, "name": "Changed"}, loyaltyProgram=program
    ) == [message]
    assert _saved(club) == before


def test_a_batch_item_naming_a_bad_program_fails_alone(api: Api, club: Account) -> None:
    envelope = api.post(
        "contact/batchupsert",
        upsertDetails=[
            {"contact": {"email": "a@example.com"}, "loyaltyProgram": "Club"},
            {"contact": {"email": "b@example.com"}, "loyaltyProgram": "Old"},
            {"contact": {"email": "c@example.com"}, "loyaltyProgram": 1},
        ],
    )
    assert envelope["success"] is False
    assert envelope["failures"] == {
        "1": ["Specified loyalty program is inactive"],
        "2": ["Field 'upsertDetails[2].loyaltyProgram' must be a string"],
    }
    assert list(envelope["contactIds"]) == ["a@example.com"]
    assert [r.email for r, _ in club.loyalty.members("Club")] == ["a@example.com"]
    assert club.find("b@example.com") is None
