"""Sales funnels and campaigns over raw JSON (protocol §8.3, §5.4; semantics S12, S13):
add, addContact, count, delete; the card's list."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from funnels_helpers import STAGES, _two_in_lead, card, count, make_funnel
from routes_helpers import NOW_MS, OMIT, Api

from salesmanago_emulator import Account, FrozenClock
from salesmanago_emulator.snapshot import dump_area

WARSAW = ZoneInfo("Europe/Warsaw")


def test_s12_1_raw_stages_sorted_by_order_and_names_trimmed(api: Api, account_a: Account) -> None:
    """Protocol §8.3: ``stages`` is ``[{name, order}]``; the order decides, not the list."""
    envelope = api.ok(
        "funnel/add",
        funnel="  Pipeline ",
        group=" B2B ",
        stages=[
            {"name": "Won", "order": 3},
            {"name": " Lead ", "order": 1},
            {"name": "Offer", "order": "2"},
        ],
    )
    assert envelope == {"success": True, "message": []}
    info = account_a.funnels.get("PIPELINE")
    assert (info.name, info.group, info.stages) == ("Pipeline", "B2B", ("Lead", "Offer", "Won"))


def test_s12_1_raw_stages_without_order_keep_list_order(api: Api, account_a: Account) -> None:
    make_funnel(api, stages=[{"name": "Zeta"}, {"name": "Alpha"}])
    assert account_a.funnels.get("Sales").stages == ("Zeta", "Alpha")


def test_s12_1_raw_second_funnel_fails_with_clear_message(api: Api) -> None:
    make_funnel(api)
    envelope = api.post("funnel/add", funnel="sales", stages=STAGES)
    assert envelope["success"] is False
    assert envelope["message"] == ["Funnel sales already exists"]
    assert envelope["values"] == {"funnel": "sales"}


def test_s12_1_funnel_names_are_per_account(api: Api, api_b: Api, account_b: Account) -> None:
    """S1.2: account B may use the name account A has, and sees none of A's funnels."""
    make_funnel(api)
    assert api_b.fail("funnel/count", funnel="Sales") == ["Funnel not found: Sales"]
    make_funnel(api_b)
    assert account_b.funnels.names() == ["Sales"]


@pytest.mark.parametrize(
    ("stages", "field", "rule"),
    [
        ([], "stages", "must not be empty"),
        ([{"name": "Le"}], "stages[0].name", "must be 3 to 255 characters long (got 2)"),
        ([{"name": "  Le  "}], "stages[0].name", "must be 3 to 255 characters long (got 2)"),
        (
            [{"name": "Lead"}, {"name": "x" * 256}],
            "stages[1].name",
            "must be 3 to 255 characters long (got 256)",
        ),
        ([{"name": "Lead"}, {"name": " LEAD"}], "stages[1].name", "repeats the name 'LEAD'"),
        (
            [{"name": "Lead", "order": 1}, {"name": "Won", "order": 3}],
            "stages.order",
            "must number the stages 1..2 without gaps or repeats (got [1, 3])",
        ),
        (
            [{"name": "Lead", "order": 1}, {"name": "Won", "order": 1}],
            "stages.order",
            "must number the stages 1..2 without gaps or repeats (got [1, 1])",
        ),
        (
            [{"name": "Lead", "order": 1}, {"name": "Won"}],
            "stages",
            "must give an order for every stage or for none",
        ),
        ([{"order": 1}], "stages[0].name", "is required"),
        ([{"name": "Lead", "order": "first"}], "stages[0].order", "must be an integer"),
        ("Lead", "stages", "must be a list of objects"),
        (OMIT, "stages", "is required"),
    ],
)
def test_protocol_3_4_raw_stage_rules_name_field_and_change_nothing(
    api: Api, account_a: Account, stages: object, field: str, rule: str
) -> None:
    """Protocol §3.4: stage names 3–255 characters, unique; orders 1..n contiguous."""
    envelope = api.post("funnel/add", funnel="Sales", stages=stages)
    assert envelope["success"] is False
    assert envelope["message"] == [f"Field '{field}' {rule}"]
    assert account_a.funnels.names() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"funnel": "  "}, "Field 'funnel' must not be empty"),
        ({"funnel": "x" * 256}, "Field 'funnel' must be 1 to 255 characters long (got 256)"),
        ({"group": " "}, "Field 'group' must not be empty"),
        ({"potValue": -1}, "Field 'potValue' must not be negative"),
        ({"potValue": "lots"}, "Field 'potValue' must be a number or a numeric string"),
    ],
)
def test_s12_1_raw_funnel_fields_are_checked(
    api: Api, account_a: Account, fields: dict[str, object], message: str
) -> None:
    body = {"funnel": "Sales", "stages": STAGES, **fields}
    assert api.fail("funnel/add", **body) == [message]
    assert account_a.funnels.names() == []


def test_s13_1_default_group_is_the_accounts_setting(api: Api, account_a: Account) -> None:
    """S13.1: the default group is a setting of the account (``funnels.default_group``)."""
    account_a.funnels.default_group = "Sprzedaż"
    make_funnel(api)
    assert account_a.funnels.get("Sales").group == "Sprzedaż"


def test_s12_1_raw_add_contact_answers_added_contacts(api: Api) -> None:
    contact_id = api.upsert("ann@example.com")
    make_funnel(api)
    envelope = api.ok(
        "funnel/addContact",
        funnel="Sales",
        stage="Lead",
        contacts=[{"addresseeType": "email", "value": "ann@example.com"}],
    )
    assert envelope == {"success": True, "message": [], "addedContacts": {contact_id: True}}
    assert api.ok("funnel/count", funnel="Sales", stage="Lead")["count"] == 1


@pytest.mark.parametrize(
    ("contacts", "message"),
    [
        (
            [{"addresseeType": "FUNNEL", "value": "Sales"}],
            "Field 'contacts[0].addresseeType' must be one of EMAIL, CONTACT_ID, TAG",
        ),
        ([{"addresseeType": "EMAIL"}], "Field 'contacts[0].value' is required"),
        ([], "Field 'contacts' must not be empty"),
        (
            [{"addresseeType": "CONTACT_ID", "value": "no-such-id"}],
            "Contact not found: no-such-id",
        ),
        (
            [{"addresseeType": "CONTACT_ID", "value": "ann@example.com"}],
            "Contact not found: ann@example.com",
        ),
        (
            [{"addresseeType": "EMAIL", "value": "deleted@example.com"}],
            "Contact not found: deleted@example.com",
        ),
        ([{"addresseeType": "TAG", "value": " , "}], "Field 'contacts[0].value' must not be empty"),
    ],
)
def test_protocol_5_4_raw_addressee_errors(
    api: Api, account_a: Account, contacts: object, message: str
) -> None:
    """Protocol §5.4: the addressee types funnels take; a contact id is not an e-mail."""
    api.upsert("ann@example.com")
    api.upsert("deleted@example.com")
    api.ok("contact/delete", email="deleted@example.com")
    make_funnel(api)
    assert api.fail("funnel/addContact", funnel="Sales", stage="Lead", contacts=contacts) == [
        message
    ]
    assert account_a.funnels.count("Sales") == 0


def test_s12_1_raw_tag_addressee_matching_nobody_adds_nothing(api: Api) -> None:
    make_funnel(api)
    envelope = api.ok(
        "funnel/addContact",
        funnel="Sales",
        stage="Lead",
        contacts=[{"addresseeType": "TAG", "value": "NOBODY"}],
    )
    assert envelope["addedContacts"] == {}


def test_s12_1_raw_unknown_stage_names_funnel_and_stage(api: Api) -> None:
    make_funnel(api)
    envelope = api.post("funnel/count", funnel="Sales", stage="Nope")
    assert envelope["message"] == ["Stage not found: Nope (funnel Sales)"]
    assert envelope["values"] == {"funnel": "Sales", "stage": "Nope"}


def test_s12_1_move_between_stages_keeps_transitions_and_times(
    api: Api, clock: FrozenClock
) -> None:
    """S12.1: moving a contact keeps every transition with its time (the emulator's clock)."""
    api.upsert("ann@example.com")
    make_funnel(api, potValue="12.50")
    add = {"funnel": "Sales", "contacts": [{"addresseeType": "EMAIL", "value": "ann@example.com"}]}
    api.ok("funnel/addContact", stage="Lead", **add)
    clock.advance(timedelta(hours=1))
    api.ok("funnel/addContact", stage="Offer", **add)
    clock.advance(timedelta(hours=1))
    api.ok("funnel/addContact", stage="Won", potValue=99, **add)
    hour = 3_600_000
    assert card(api, "ann@example.com")["contactFunnels"] == [
        {
            "funnel": "Sales",
            "stage": "Won",
            "potValue": 99,
            "createdOn": NOW_MS,
            "modifiedOn": NOW_MS + 2 * hour,
            "transitions": [
                {"stage": "Lead", "date": NOW_MS},
                {"stage": "Offer", "date": NOW_MS + hour},
                {"stage": "Won", "date": NOW_MS + 2 * hour},
            ],
        }
    ]
    assert [
        api.ok("funnel/count", funnel="Sales", stage=s)["count"] for s in ["Lead", "Offer", "Won"]
    ] == [0, 0, 1]


def test_s12_1_readding_at_the_same_stage_changes_nothing(api: Api, clock: FrozenClock) -> None:
    """Already at the stage -> ``false``; no new transition, value and times kept."""
    contact_id = api.upsert("ann@example.com")
    make_funnel(api)
    add = {"funnel": "Sales", "contacts": [{"addresseeType": "EMAIL", "value": "ann@example.com"}]}
    api.ok("funnel/addContact", stage="Lead", potValue=5, **add)
    before = card(api, "ann@example.com")["contactFunnels"]
    clock.advance(timedelta(minutes=5))
    again = api.ok("funnel/addContact", stage="lead", potValue=7, **add)
    assert again["addedContacts"] == {contact_id: False}
    assert card(api, "ann@example.com")["contactFunnels"] == before


def test_s12_1_pot_value_defaults_to_funnel_then_kept_on_move(api: Api) -> None:
    api.upsert("ann@example.com")
    api.upsert("bob@example.com")
    make_funnel(api, potValue=10)
    api.ok(
        "funnel/addContact",
        funnel="Sales",
        stage="Lead",
        contacts=[{"addresseeType": "EMAIL", "value": "ann@example.com"}],
    )
    api.ok(
        "funnel/addContact",
        funnel="Sales",
        stage="Lead",
        potValue=3.25,
        contacts=[{"addresseeType": "EMAIL", "value": "bob@example.com"}],
    )
    api.ok(
        "funnel/addContact",
        funnel="Sales",
        stage="Offer",
        contacts=[{"addresseeType": "EMAIL", "value": "bob@example.com"}],
    )
    assert card(api, "ann@example.com")["contactFunnels"][0]["potValue"] == 10
    assert card(api, "bob@example.com")["contactFunnels"][0]["potValue"] == Decimal("3.25")


def test_s12_1_modify_flag_marks_the_contact_modified(api: Api, clock: FrozenClock) -> None:
    """Protocol §8.3 ``modify``: only with ``true`` does the card's ``modifiedOn`` move."""
    api.upsert("ann@example.com")
    api.upsert("bob@example.com")
    make_funnel(api)
    clock.advance(timedelta(minutes=10))
    for email, modify in (("ann@example.com", True), ("bob@example.com", OMIT)):
        api.ok(
            "funnel/addContact",
            funnel="Sales",
            stage="Lead",
            modify=modify,
            contacts=[{"addresseeType": "EMAIL", "value": email}],
        )
    assert card(api, "ann@example.com")["modifiedOn"] == NOW_MS + 600_000
    assert card(api, "bob@example.com")["modifiedOn"] == NOW_MS


def members(account: Account, funnel: str = "Sales") -> dict[str, str]:
    """The funnel's members as the state holds them (soft-deleted ones too): id -> stage."""
    (found,) = (f for f in dump_area(account, "funnels")["funnels"] if f["name"] == funnel)
    return {m["contactId"]: m["stage"] for m in found["members"]}


def test_s3_1_count_ignores_soft_deleted_and_follows_restore(api: Api) -> None:
    """S3.1: a soft-deleted contact counts nowhere; S3.2: a restore (by upsert) counts again."""
    _two_in_lead(api)
    api.ok("contact/delete", email="ann@example.com")
    assert (count(api), count(api, "Lead")) == (1, 1)
    api.upsert("ann@example.com")
    assert (count(api), count(api, "Lead")) == (2, 2)
    assert card(api, "ann@example.com")["contactFunnels"][0]["stage"] == "Lead"


def test_s3_1_purge_removes_the_contact_from_the_funnel(
    api: Api, account_a: Account, clock: FrozenClock
) -> None:
    """S3.4: until 02:00 (account time zone) the soft-deleted contact keeps its place in the
    funnel; from 02:00 it is gone; a new card with its e-mail is not in."""
    assert account_a.timezone == WARSAW
    _two_in_lead(api)
    ann, bob = (account_a.find(e) for e in ("ann@example.com", "bob@example.com"))
    assert ann is not None
    assert bob is not None
    api.ok("contact/delete", email="ann@example.com")
    purge = datetime(2026, 1, 16, 2, 0, tzinfo=WARSAW)  # the first 02:00 after NOW (11:00)
    assert account_a.next_purge() == purge
    clock.set(purge - timedelta(seconds=1))  # 01:59:59 local: not purged yet
    assert count(api) == 1
    assert members(account_a) == {ann.id: "Lead", bob.id: "Lead"}
    kept = account_a.find("ann@example.com")
    assert kept is not None
    assert (kept.id, kept.deleted) == (ann.id, True)
    clock.set(purge)  # 02:00 local: the purge is due; the wire read runs it
    assert count(api) == 1
    assert members(account_a) == {bob.id: "Lead"}
    assert account_a.find("ann@example.com") is None
    assert account_a.find(ann.id) is None
    api.upsert("ann@example.com")
    assert count(api) == 1
    assert card(api, "ann@example.com")["contactFunnels"] == []
    assert members(account_a) == {bob.id: "Lead"}


def test_s3_2_restored_member_of_a_deleted_stage_is_out_of_it(
    api: Api, account_a: Account, clock: FrozenClock
) -> None:
    """A soft-deleted member of a deleted stage: restoring it finds no place in that funnel."""
    _two_in_lead(api)
    api.ok("funnel/add", funnel="Other", stages=STAGES)
    api.ok(
        "funnel/addContact",
        funnel="Other",
        stage="Offer",
        contacts=[{"addresseeType": "EMAIL", "value": "ann@example.com"}],
    )
    api.ok("contact/delete", email="ann@example.com")
    api.ok("funnel/delete", funnel="Other", stage="Offer")
    api.upsert("ann@example.com")
    assert api.ok("funnel/count", funnel="Other")["count"] == 0
    assert [p["funnel"] for p in card(api, "ann@example.com")["contactFunnels"]] == ["Sales"]


def test_s12_1_raw_delete_stage_its_contacts_leave_the_funnel(api: Api, account_a: Account) -> None:
    _two_in_lead(api)
    api.upsert("cid@example.com")
    api.ok(
        "funnel/addContact",
        funnel="Sales",
        stage="Won",
        contacts=[{"addresseeType": "EMAIL", "value": "cid@example.com"}],
    )
    assert api.ok("funnel/delete", funnel="Sales", stage="lead") == {"success": True, "message": []}
    assert account_a.funnels.get("Sales").stages == ("Offer", "Won")
    assert count(api) == 1
    assert api.fail("funnel/count", funnel="Sales", stage="Lead") == [
        "Stage not found: Lead (funnel Sales)"
    ]
    assert card(api, "ann@example.com")["contactFunnels"] == []
    assert card(api, "cid@example.com")["contactFunnels"][0]["stage"] == "Won"


def test_s12_1_raw_deleting_the_only_stage_is_refused(api: Api, account_a: Account) -> None:
    make_funnel(api, stages=[{"name": "Lead", "order": 1}])
    assert api.fail("funnel/delete", funnel="Sales", stage="Lead") == [
        "Stage Lead is the only stage of funnel Sales; delete the funnel instead"
    ]
    assert account_a.funnels.get("Sales").stages == ("Lead",)


def test_s12_1_raw_blank_stage_never_deletes_the_whole_funnel(api: Api, account_a: Account) -> None:
    make_funnel(api)
    assert api.fail("funnel/delete", funnel="Sales", stage="  ") == [
        "Field 'stage' must not be empty"
    ]
    assert account_a.funnels.names() == ["Sales"]


def test_s12_1_raw_count_needs_no_owner(api: Api) -> None:
    """``funnel/count`` is a read: ``owner`` may be left out (or sent as ``user``)."""
    make_funnel(api)
    assert api.ok("funnel/count", funnel="Sales", owner=OMIT)["count"] == 0
    assert api.fail("funnel/add", funnel="Other", stages=STAGES, owner=OMIT) == [
        "Not authenticated, not owner specified"
    ]
