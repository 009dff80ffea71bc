"""Loyalty programs through the Python API (protocol §8.6, §3.3, §5.2 ``loyaltyProgram``).

Programs are created by the emulator only; members are enrolled, gain and lose
points; every refused call changes nothing; enrolments follow the card through
soft delete (S3.1), restore (S3.2), purge and forget me (S3.3).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import (
    Conflict,
    ContactNotFound,
    InvalidField,
    LoyaltyProgramExists,
    LoyaltyProgramInactive,
    LoyaltyProgramNotFound,
)
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import Account, ContactWrite
from salesmanago_emulator.state._addressees import Target
from salesmanago_emulator.state.loyalty import MAX_POINTS, PointsChange

WARSAW = ZoneInfo("Europe/Warsaw")
OWNER = "owner@shop.pl"
ANN, BOB = "ann@example.com", "bob@example.com"


def _email(value: str) -> list[Target]:
    return [Target("EMAIL", value)]


def _saved(account: Account) -> dict[str, Any]:
    """What a refused call must leave as it was: the cards and the loyalty area."""
    return {key: dump_area(account, key) for key in ("contacts", "tags", "loyalty")}


@pytest.fixture
def club(account: Account) -> Account:
    """An account with program ``Club`` and two cards, Ann (tag VIP) and Bob."""
    account.loyalty.create_program("Club")
    account.contacts.upsert(ContactWrite(email=ANN, tags=("VIP",)), OWNER)
    account.contacts.upsert(ContactWrite(email=BOB), OWNER)
    return account


# --- programs ----------------------------------------------------------------------


def test_protocol_8_6_programs_are_named_trimmed_and_unique_in_any_case(
    account: Account, clock: FrozenClock
) -> None:
    program = account.loyalty.create_program("  Club ")
    assert (program.name, program.active, program.created_on) == ("Club", True, clock.now())
    assert account.loyalty.create_program("Old", active=False).active is False
    with pytest.raises(LoyaltyProgramExists, match="Loyalty program club already exists"):
        account.loyalty.create_program("club")
    assert [p.name for p in account.loyalty.programs()] == ["Club", "Old"]
    assert account.loyalty.program(" CLUB").name == "Club"
    with pytest.raises(LoyaltyProgramNotFound, match="Specified loyalty program does not exist"):
        account.loyalty.program("Gold")


@pytest.mark.parametrize(
    ("name", "active", "field", "rule"),
    [
        ("  ", True, "name", "must not be empty"),
        (5, True, "name", "must be a string"),
        ("x" * 256, True, "name", "must be at most 255 characters long (got 256)"),
        ("Club", "yes", "active", "must be a boolean"),
    ],
)
def test_program_refusals_name_the_field(
    account: Account, name: Any, active: Any, field: str, rule: str
) -> None:
    with pytest.raises(InvalidField) as caught:
        account.loyalty.create_program(name, active=active)
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert account.loyalty.programs() == []


def test_a_program_is_switched_off_and_on_keeping_its_members(club: Account) -> None:
    club.loyalty.add_contacts("Club", _email(ANN))
    club.loyalty.modify_points("Club", _email(ANN), 7)
    assert club.loyalty.set_active("club", False).active is False
    assert club.loyalty.points("Club", ANN) == 7
    assert club.loyalty.set_active("Club", True).active is True
    with pytest.raises(InvalidField):
        club.loyalty.set_active("Club", "false")  # type: ignore[arg-type]
    assert club.loyalty.program("Club").active is True
    assert club.loyalty.modify_points("Club", _email(ANN), 1) == {club.find_live(ANN).id: 8}


# --- enrolling and removing ---------------------------------------------------------


def test_protocol_8_6_enrolled_members_start_at_zero_and_enrolling_twice_keeps_them(
    club: Account, clock: FrozenClock
) -> None:
    """Decision: enrolling a member again changes nothing (its points and history stay)."""
    ann, bob = club.find_live(ANN), club.find_live(BOB)
    assert club.loyalty.add_contacts("Club", _email(ANN)) == {ann.id: True}
    club.loyalty.modify_points("Club", _email(ANN), 10)
    clock.advance(timedelta(hours=1))
    added = club.loyalty.add_contacts("Club", [Target("CONTACT_ID", ann.id), *_email(BOB)])
    assert added == {ann.id: False, bob.id: True}
    assert (club.loyalty.points("Club", ANN), club.loyalty.points("Club", BOB)) == (10, 0)
    (enrolment,) = club.loyalty.of_contact(ann)
    assert enrolment.enrolled_on == clock.now() - timedelta(hours=1)
    assert [(r.email, e.points) for r, e in club.loyalty.members("Club")] == [(ANN, 10), (BOB, 0)]


def test_protocol_5_4_a_tag_enrols_every_live_card_carrying_it(club: Account) -> None:
    club.contacts.upsert(ContactWrite(email="cid@example.com", tags=("VIP",)), OWNER)
    club.contacts.delete("cid@example.com")
    assert list(club.loyalty.add_contacts("Club", [Target("tag", "vip")])) == [
        club.find_live(ANN).id
    ]
    assert club.loyalty.add_contacts("Club", [Target("TAG", "NOBODY")]) == {}


def test_remove_drops_points_and_history_and_a_non_member_is_left_as_it_is(
    club: Account,
) -> None:
    """Decisions: removing takes the points and history away (joining again starts at 0);
    removing a non-member succeeds and changes nothing."""
    ann, bob = club.find_live(ANN), club.find_live(BOB)
    club.loyalty.add_contacts("Club", _email(ANN))
    club.loyalty.modify_points("Club", _email(ANN), 10)
    assert club.loyalty.remove_contacts("Club", _email(ANN) + _email(BOB)) == {
        ann.id: True,
        bob.id: False,
    }
    assert club.loyalty.points("Club", ANN) is None
    assert club.loyalty.of_contact(ann) == []
    assert club.loyalty.members("Club") == []
    club.loyalty.add_contacts("Club", _email(ANN))
    assert club.loyalty.points("Club", ANN) == 0


def test_a_tag_removes_only_the_members_carrying_it(club: Account) -> None:
    club.loyalty.add_contacts("Club", _email(ANN))
    assert club.loyalty.remove_contacts("Club", [Target("TAG", "VIP")]) == {
        club.find_live(ANN).id: True
    }
    assert club.loyalty.remove_contacts("Club", [Target("TAG", "VIP")]) == {}


# --- points ------------------------------------------------------------------------------


def test_protocol_8_6_points_are_added_and_subtracted_with_comment_and_instant(
    club: Account, clock: FrozenClock
) -> None:
    ann = club.find_live(ANN)
    club.loyalty.add_contacts("Club", _email(ANN))
    assert club.loyalty.modify_points("Club", _email(ANN), 20, comment="welcome") == {ann.id: 20}
    clock.advance(timedelta(minutes=5))
    changed = club.loyalty.modify_points(
        "Club", _email(ANN), 5, modification=" subtract ", comment=""
    )
    assert changed == {ann.id: 15}
    (enrolment,) = club.loyalty.of_contact(ann)
    assert enrolment.history == (
        PointsChange("ADD", 20, "welcome", clock.now() - timedelta(minutes=5)),
        PointsChange("SUBTRACT", 5, "", clock.now()),
    )
    assert club.loyalty.points("Club", ann.id) == 15


def test_subtract_below_zero_refuses_the_whole_call(club: Account) -> None:
    """Decision (wire file §3): one member short of points refuses the call for all."""
    club.loyalty.add_contacts("Club", _email(ANN) + _email(BOB))
    club.loyalty.modify_points("Club", _email(ANN), 10)
    club.loyalty.modify_points("Club", _email(BOB), 3)
    before = _saved(club)
    with pytest.raises(Conflict, match=f"^Not enough points: {BOB} has 3$"):
        club.loyalty.modify_points("Club", _email(ANN) + _email(BOB), 5, modification="SUBTRACT")
    assert _saved(club) == before
    club.loyalty.modify_points("Club", _email(BOB), 3, modification="SUBTRACT")
    assert club.loyalty.points("Club", BOB) == 0


def test_adding_over_the_largest_balance_is_refused(club: Account) -> None:
    """Decision: a balance is at most 2^31-1 (the platform's points are an ``int``)."""
    club.loyalty.add_contacts("Club", _email(ANN))
    club.loyalty.modify_points("Club", _email(ANN), MAX_POINTS)
    before = _saved(club)
    with pytest.raises(Conflict, match=f"Too many points: {ANN} would have {MAX_POINTS + 1}"):
        club.loyalty.modify_points("Club", _email(ANN), 1)
    assert _saved(club) == before


def test_modify_points_of_a_contact_not_enrolled_is_refused(club: Account) -> None:
    """Decision (wire file §3): a contact named by e-mail or id must be a member."""
    club.loyalty.add_contacts("Club", _email(BOB))
    before = _saved(club)
    with pytest.raises(Conflict, match=f"^Contact {ANN} is not a member of loyalty program Club$"):
        club.loyalty.modify_points("Club", _email(BOB) + _email(ANN), 1)
    assert _saved(club) == before


def test_a_tag_gives_points_to_the_members_carrying_it_only(club: Account) -> None:
    """Decision: a TAG names the members with the tag; non-members with it are skipped."""
    club.contacts.upsert(ContactWrite(email="cid@example.com", tags=("VIP",)), OWNER)
    club.loyalty.add_contacts("Club", _email(ANN) + _email(BOB))
    changed = club.loyalty.modify_points("Club", [Target("TAG", "VIP")], 4)
    assert changed == {club.find_live(ANN).id: 4}
    assert club.loyalty.modify_points("Club", [Target("TAG", "NOBODY")], 4) == {}


@pytest.mark.parametrize(
    ("points", "modification", "comment", "field", "rule"),
    [
        (0, "ADD", None, "points", "must be at least 1"),
        (-3, "ADD", None, "points", "must be at least 1"),
        (MAX_POINTS + 1, "ADD", None, "points", f"must be at most {MAX_POINTS}"),
        (True, "ADD", None, "points", "must be an integer"),
        (1.5, "ADD", None, "points", "must be an integer"),
        (1, "MULTIPLY", None, "modificationType", "must be one of ADD, SUBTRACT"),
        (1, None, None, "modificationType", "must be a string"),
        (1, "ADD", 7, "comment", "must be a string"),
    ],
)
def test_points_are_whole_numbers_above_zero_and_bad_values_change_nothing(
    club: Account, points: Any, modification: Any, comment: Any, field: str, rule: str
) -> None:
    club.loyalty.add_contacts("Club", _email(ANN))
    before = _saved(club)
    with pytest.raises(InvalidField) as caught:
        club.loyalty.modify_points(
            "Club", _email(ANN), points, modification=modification, comment=comment
        )
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert _saved(club) == before


# --- the program's checks (protocol §3.3) -------------------------------------------------


@pytest.mark.parametrize("call", ["add", "remove", "modify"])
def test_protocol_3_3_unknown_and_inactive_programs_are_refused_by_every_call(
    club: Account, call: str
) -> None:
    club.loyalty.add_contacts("Club", _email(ANN))
    club.loyalty.create_program("Old", active=False)
    before = _saved(club)
    run = {
        "add": lambda name: club.loyalty.add_contacts(name, _email(BOB)),
        "remove": lambda name: club.loyalty.remove_contacts(name, _email(ANN)),
        "modify": lambda name: club.loyalty.modify_points(name, _email(ANN), 1),
    }[call]
    for name in ("Gold", "", "  "):
        with pytest.raises(LoyaltyProgramNotFound) as missing:
            run(name)
        assert missing.value.messages == ["Specified loyalty program does not exist"]
    with pytest.raises(LoyaltyProgramInactive) as inactive:
        run("old")
    assert inactive.value.messages == ["Specified loyalty program is inactive"]
    assert _saved(club) == before


def test_protocol_5_4_every_addressee_is_checked_before_anything_changes(club: Account) -> None:
    club.contacts.upsert(ContactWrite(email="gone@example.com"), OWNER)
    club.contacts.delete("gone@example.com")
    before = _saved(club)
    for targets, error in [
        (_email(ANN) + _email("ghost@example.com"), ContactNotFound),
        ([*_email(ANN), Target("CONTACT_ID", ANN)], ContactNotFound),
        (_email(ANN) + _email("gone@example.com"), ContactNotFound),
        ([*_email(ANN), Target("FUNNEL", "x")], InvalidField),
        ([*_email(ANN), Target("TAG", " , ")], InvalidField),
        ([], InvalidField),
    ]:
        with pytest.raises(error):
            club.loyalty.add_contacts("Club", targets)
    assert _saved(club) == before


def test_loyalty_calls_leave_the_card_unmodified(club: Account, clock: FrozenClock) -> None:
    """Decision: enrolment and points are the program's, not the card's: ``modifiedOn``
    stays (a contact write with ``loyaltyProgram`` saves the card, as every write does)."""
    ann = club.find_live(ANN)
    modified = ann.modified_on
    clock.advance(timedelta(hours=1))
    club.loyalty.add_contacts("Club", _email(ANN))
    club.loyalty.modify_points("Club", _email(ANN), 3)
    club.loyalty.remove_contacts("Club", _email(ANN))
    assert club.find_live(ANN).modified_on == modified


# --- following the card -------------------------------------------------------------------


def test_s3_1_a_soft_deleted_member_keeps_its_points_but_cannot_be_addressed(
    club: Account,
) -> None:
    club.loyalty.add_contacts("Club", _email(ANN))
    club.loyalty.modify_points("Club", _email(ANN), 9)
    ann = club.contacts.delete(ANN)
    assert ann is not None
    assert [(r.email, r.deleted, e.points) for r, e in club.loyalty.members("Club")] == [
        (ANN, True, 9)
    ]
    for call in (
        lambda: club.loyalty.modify_points("Club", _email(ANN), 1),
        lambda: club.loyalty.remove_contacts("Club", [Target("CONTACT_ID", ann.id)]),
        lambda: club.loyalty.points("Club", ANN),
    ):
        with pytest.raises(ContactNotFound):
            call()
    assert club.loyalty.modify_points("Club", [Target("TAG", "VIP")], 1) == {}
    club.contacts.upsert(ContactWrite(email=ANN), OWNER)  # S3.2: restored
    assert club.loyalty.points("Club", ANN) == 9


@pytest.mark.parametrize("how", ["purge", "permanently", "forget"])
def test_s3_3_a_card_gone_for_good_leaves_every_program(
    club: Account, clock: FrozenClock, how: str
) -> None:
    club.loyalty.create_program("Other")
    for program in ("Club", "Other"):
        club.loyalty.add_contacts(program, _email(ANN) + _email(BOB))
    if how == "purge":
        club.contacts.delete(ANN)
        clock.set(datetime(2026, 1, 16, 2, 0, tzinfo=WARSAW))
    elif how == "permanently":
        club.contacts.delete(ANN, permanently=True)
    else:
        club.contacts.forget(ANN)
    for program in ("Club", "Other"):
        assert [r.email for r, _ in club.loyalty.members(program)] == [BOB]
    club.contacts.upsert(ContactWrite(email=ANN), OWNER)  # a new card: no enrolment
    assert club.loyalty.points("Club", ANN) is None


def test_reset_forgets_every_program_and_enrolment(club: Account) -> None:
    club.loyalty.add_contacts("Club", _email(ANN))
    record = club.find_live(ANN)
    club.loyalty.reset()
    assert club.loyalty.programs() == []
    assert club.loyalty.of_contact(record) == []


# --- the contact write's loyaltyProgram (protocol §5.2, §3.3) ------------------------------


def test_protocol_5_2_a_write_naming_a_program_enrols_the_card(club: Account) -> None:
    created = club.contacts.upsert(
        ContactWrite(email="new@example.com", loyalty_program=" club"), OWNER
    )
    assert club.loyalty.points("Club", created.id) == 0
    club.loyalty.modify_points("Club", [Target("CONTACT_ID", created.id)], 5)
    club.contacts.upsert(ContactWrite(email="new@example.com", loyalty_program="Club"), OWNER)
    assert club.loyalty.points("Club", created.id) == 5  # enrolled already: kept
    club.contacts.insert(ContactWrite(email="ins@example.com", loyalty_program="Club"), OWNER)
    club.contacts.update(BOB, ContactWrite(name="Bob", loyalty_program="Club"), OWNER)
    assert [r.email for r, _ in club.loyalty.members("Club")] == [
        "new@example.com",
        "ins@example.com",
        BOB,
    ]


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("Gold", "Specified loyalty program does not exist"),
        ("", "Specified loyalty program does not exist"),
        ("Old", "Specified loyalty program is inactive"),
    ],
)
def test_protocol_3_3_a_write_naming_a_bad_program_changes_nothing(
    club: Account, program: str, message: str
) -> None:
    club.loyalty.create_program("Old", active=False)
    before = _saved(club)
    for write in (
        lambda: club.contacts.upsert(
            ContactWrite(email="new@example.com", tags=("NEW",), loyalty_program=program), OWNER
        ),
        lambda: club.contacts.upsert(
            ContactWrite(email=ANN, name="Changed", loyalty_program=program), OWNER
        ),
        lambda: club.contacts.insert(
            ContactWrite(email="ins@example.com", loyalty_program=program), OWNER
        ),
        lambda: club.contacts.update(BOB, ContactWrite(loyalty_program=program), OWNER),
    ):
        with pytest.raises((LoyaltyProgramNotFound, LoyaltyProgramInactive)) as caught:
            write()
        assert caught.value.messages == [message]
    assert _saved(club) == before


def test_a_batch_item_naming_a_bad_program_fails_alone(club: Account) -> None:
    results = club.contacts.batch_upsert(
        [
            ContactWrite(email="a@example.com", loyalty_program="Club"),
            ContactWrite(email="b@example.com", loyalty_program="Gold"),
        ],
        OWNER,
    )
    assert isinstance(results[1], LoyaltyProgramNotFound)
    assert club.find("b@example.com") is None
    assert club.loyalty.points("Club", "a@example.com") == 0


def test_a_write_with_a_non_string_program_is_refused_naming_the_field(club: Account) -> None:
    with pytest.raises(InvalidField) as caught:
        club.contacts.upsert(ContactWrite(email="x@example.com", loyalty_program=5), OWNER)  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.rule) == ("loyaltyProgram", "must be a string")


# --- a property -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(st.tuples(st.sampled_from(["ADD", "SUBTRACT"]), st.integers(1, 50)), max_size=20)
)
def test_the_balance_is_the_sum_of_the_changes_applied_and_never_negative(
    steps: list[tuple[str, int]],
) -> None:
    account = Account("c", "s", [OWNER], clock=FrozenClock(datetime(2026, 1, 15, tzinfo=WARSAW)))
    account.loyalty.create_program("Club")
    account.contacts.upsert(ContactWrite(email=ANN, loyalty_program="Club"), OWNER)
    expected = 0
    for kind, points in steps:
        if kind == "SUBTRACT" and points > expected:
            with pytest.raises(Conflict):
                account.loyalty.modify_points("Club", _email(ANN), points, modification=kind)
        else:
            account.loyalty.modify_points("Club", _email(ANN), points, modification=kind)
            expected += points if kind == "ADD" else -points
        assert account.loyalty.points("Club", ANN) == expected >= 0
    (enrolment,) = account.loyalty.of_contact(account.find_live(ANN))
    assert sum(change.delta for change in enrolment.history) == expected
