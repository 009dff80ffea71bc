"""Sales funnels and campaigns on the emulator (semantics S12, S13; protocol §8.3).

Each behaviour is shown through the SDK (``sm`` / ``asm``) and as raw JSON
(``api``); the state (``account_a.funnels``) is read directly where the wire
shows nothing (groups, transitions' order, snapshots).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from routes_helpers import A_OWNER, NOW, NOW_MS, OMIT, Api

from salesmanago import (
    Addressee,
    AlreadyExistsError,
    AsyncSalesManago,
    ContactUpsert,
    FunnelStage,
    NotFoundError,
    SalesManago,
)
from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.errors import (
    Conflict,
    ContactNotFound,
    FunnelNotFound,
    InvalidField,
    StageNotFound,
)
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.funnels import DEFAULT_GROUP, StageSpec, Target

WARSAW = ZoneInfo("Europe/Warsaw")
STAGES = [{"name": "Lead", "order": 1}, {"name": "Offer", "order": 2}, {"name": "Won", "order": 3}]


def make_funnel(api: Api, name: str = "Sales", **fields: object) -> None:
    api.ok("funnel/add", funnel=name, stages=fields.pop("stages", STAGES), **fields)


def card(api: Api, email: str) -> dict[str, object]:
    """The full contact as ``contact/listAll`` shows it."""
    contacts = api.ok("contact/listAll", email=[email])["contacts"]
    assert len(contacts) == 1
    return dict(contacts[0])


# --- funnel/add -------------------------------------------------------------------------


def test_s12_1_sdk_add_funnel_with_ordered_stages(sm: SalesManago, account_a: Account) -> None:
    """S12.1: a funnel with ordered stages; S13.1: no group -> the account's default group."""
    sm.funnels.add("Sales", ["Lead", "Offer", "Won"], pot_value=Decimal("100.50"))
    info = account_a.funnels.get("sales")
    assert info.name == "Sales"
    assert info.stages == ("Lead", "Offer", "Won")
    assert info.group == DEFAULT_GROUP
    assert info.pot_value == Decimal("100.50")
    assert info.created_on == NOW
    assert sm.funnels.count("Sales") == 0


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


def test_s12_1_sdk_second_funnel_with_same_name_fails(sm: SalesManago, account_a: Account) -> None:
    """S12.1: names are unique in the account (trimmed, any case); the first stays as it was."""
    sm.funnels.add("Sales", ["Lead"])
    with pytest.raises(AlreadyExistsError) as info:
        sm.funnels.add(" SALES ", ["Other stage"])
    assert "Funnel SALES already exists" in str(info.value)
    assert account_a.funnels.get("Sales").stages == ("Lead",)


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


def test_s13_1_sdk_campaign_groups(sm: SalesManago, account_a: Account) -> None:
    """S13.1: a campaign keeps its group; one without a group gets the default group."""
    sm.campaigns.create("Spring", group="Marketing", stages=["Invited", "Attended"])
    sm.campaigns.create("Autumn", stages=[FunnelStage(name="Invited", order=1)])
    assert account_a.funnels.get("Spring").group == "Marketing"
    assert account_a.funnels.get("Autumn").group == DEFAULT_GROUP
    with pytest.raises(AlreadyExistsError):
        sm.campaigns.create("spring", stages=["Invited"])


def test_s13_1_default_group_is_the_accounts_setting(api: Api, account_a: Account) -> None:
    """S13.1: the default group is a setting of the account (``funnels.default_group``)."""
    account_a.funnels.default_group = "Sprzedaż"
    make_funnel(api)
    assert account_a.funnels.get("Sales").group == "Sprzedaż"


# --- funnel/addContact --------------------------------------------------------------------


def test_s12_1_sdk_add_contacts_by_email_id_and_tag(sm: SalesManago, account_a: Account) -> None:
    """Protocol §5.4: EMAIL, CONTACT_ID and TAG addressees; each contact once; id -> added."""
    ann = sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    bob = sm.contacts.upsert(ContactUpsert(email="bob@example.com", tags=["VIP"]))
    cid = sm.contacts.upsert(ContactUpsert(email="cid@example.com", tags=["VIP"]))
    gone = sm.contacts.upsert(ContactUpsert(email="gone@example.com", tags=["VIP"]))
    sm.contacts.delete("gone@example.com")
    sm.funnels.add("Sales", ["Lead", "Offer"])
    added = sm.funnels.add_contacts(
        "Sales",
        "lead",
        ["ANN@example.com", Addressee.contact_id(cid.contact_id.upper()), Addressee.tag("vip")],
    )
    assert added == {ann.contact_id: True, cid.contact_id: True, bob.contact_id: True}
    assert gone.contact_id not in added
    assert sm.funnels.count("Sales") == 3
    assert sm.funnels.count("Sales", "Lead") == 3
    assert sm.funnels.count("Sales", "Offer") == 0
    place = account_a.funnels.of_contact(account_a.find_live("ann@example.com"))[0]
    assert (place.funnel, place.stage) == ("Sales", "Lead")


async def test_s12_1_async_add_move_and_count(asm: AsyncSalesManago) -> None:
    """S12.1 through the async client: add, move to the next stage, count."""
    await asm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    await asm.funnels.add("Sales", ["Lead", "Offer"])
    [contact_id] = await asm.funnels.add_contacts("Sales", "Lead", ["ann@example.com"])
    assert await asm.funnels.add_contacts("Sales", "Offer", ["ann@example.com"]) == {
        contact_id: True
    }
    assert await asm.funnels.count("Sales", "Lead") == 0
    assert await asm.funnels.count("Sales", "Offer") == 1


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


def test_s12_1_sdk_unknown_contact_refuses_the_whole_request(
    sm: SalesManago, account_a: Account
) -> None:
    """No partial write: one unknown e-mail -> nothing is added, "not found"."""
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    sm.funnels.add("Sales", ["Lead"])
    with pytest.raises(NotFoundError) as info:
        sm.funnels.add_contacts("Sales", "Lead", ["ann@example.com", "ghost@example.com"])
    assert "Contact not found: ghost@example.com" in str(info.value)
    assert sm.funnels.count("Sales") == 0
    assert account_a.funnels.of_contact(account_a.find_live("ann@example.com")) == []


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


def test_s12_1_sdk_unknown_funnel_or_stage_is_not_found(sm: SalesManago) -> None:
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    with pytest.raises(NotFoundError, match="Funnel not found: Nope"):
        sm.funnels.add_contacts("Nope", "Lead", ["ann@example.com"])
    sm.funnels.add("Sales", ["Lead"])
    with pytest.raises(NotFoundError, match=r"Stage not found: Won \(funnel Sales\)"):
        sm.funnels.add_contacts("Sales", "Won", ["ann@example.com"])
    with pytest.raises(NotFoundError):
        sm.funnels.count("Sales", "Won")
    with pytest.raises(NotFoundError):
        sm.funnels.delete("Nope")


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


def test_s12_1_sdk_full_contact_shows_funnels_with_exact_money(sm: SalesManago) -> None:
    """The card's ``contactFunnels`` read by the SDK: funnel, stage, value (exact), times."""
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    sm.funnels.add("Sales", ["Lead"], pot_value=Decimal("100.50"))
    sm.campaigns.create("Spring", stages=["Invited"])
    sm.funnels.add_contacts("Sales", "Lead", ["ann@example.com"])
    sm.campaigns.add_contacts("Spring", "Invited", ["ann@example.com"], pot_value=Decimal("0.10"))
    [contact] = sm.contacts.list(["ann@example.com"])
    assert [(f.funnel, f.stage, f.pot_value) for f in contact.funnels] == [
        ("Sales", "Lead", Decimal("100.50")),
        ("Spring", "Invited", Decimal("0.10")),
    ]
    assert str(contact.funnels[0].pot_value) == "100.50"
    assert contact.funnels[0].created_on == NOW


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


# --- counts follow deletion ---------------------------------------------------------------


def _two_in_lead(api: Api) -> None:
    api.upsert("ann@example.com")
    api.upsert("bob@example.com")
    make_funnel(api)
    api.ok(
        "funnel/addContact",
        funnel="Sales",
        stage="Lead",
        contacts=[
            {"addresseeType": "EMAIL", "value": "ann@example.com"},
            {"addresseeType": "EMAIL", "value": "bob@example.com"},
        ],
    )


def count(api: Api, stage: object = OMIT) -> int:
    return int(api.ok("funnel/count", funnel="Sales", stage=stage)["count"])


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


def test_s3_3_permanent_delete_leaves_the_funnel(sm: SalesManago) -> None:
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    sm.funnels.add("Sales", ["Lead"])
    sm.funnels.add_contacts("Sales", "Lead", ["ann@example.com"])
    sm.contacts.delete("ann@example.com", permanently=True)
    assert sm.funnels.count("Sales") == 0


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


# --- funnel/delete ------------------------------------------------------------------------


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


def test_s12_1_sdk_delete_whole_funnel_frees_its_name(sm: SalesManago, account_a: Account) -> None:
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    sm.funnels.add("Sales", ["Lead"])
    sm.funnels.add_contacts("Sales", "Lead", ["ann@example.com"])
    sm.funnels.delete("Sales")
    with pytest.raises(NotFoundError):
        sm.funnels.count("Sales")
    [contact] = sm.contacts.list(["ann@example.com"])
    assert contact.funnels == ()
    sm.funnels.add("sales", ["Lead"])
    assert account_a.funnels.names() == ["sales"]


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


# --- state-only actions --------------------------------------------------------------------


def test_s12_1_remove_contact_from_a_stage_or_the_funnel(account_a: Account, api: Api) -> None:
    """S12.1: removal from one stage or the whole funnel (no endpoint: protocol §8.3)."""
    _two_in_lead(api)
    funnels = account_a.funnels
    assert funnels.remove_contact("Sales", "ann@example.com", stage="Offer") is False
    assert funnels.remove_contact("Sales", "ann@example.com", stage="Lead") is True
    assert funnels.remove_contact("Sales", "bob@example.com") is True
    assert funnels.remove_contact("Sales", "bob@example.com") is False
    assert funnels.count("Sales") == 0
    with pytest.raises(ContactNotFound):
        funnels.remove_contact("Sales", "ghost@example.com")


def test_s12_1_state_refusals_are_typed(account_a: Account) -> None:
    funnels = account_a.funnels
    with pytest.raises(InvalidField) as info:
        funnels.add("Sales", [StageSpec("Lead")], pot_value=Decimal("NaN"))
    assert info.value.field == "potValue"
    funnels.add("Sales", [StageSpec("Lead"), StageSpec("Offer")])
    with pytest.raises(FunnelNotFound):
        funnels.count("Nope")
    with pytest.raises(StageNotFound):
        funnels.delete("Sales", "Nope")
    with pytest.raises(InvalidField) as info:
        funnels.add_contacts("Sales", "Lead", [Target("SMS", "x")])
    assert info.value.field == "contacts[0].addresseeType"
    funnels.delete("Sales", "Offer")
    with pytest.raises(Conflict):
        funnels.delete("Sales", "Lead")


def test_s12_1_addressee_value_must_be_of_its_type(account_a: Account) -> None:
    """EMAIL holding a contact id, or CONTACT_ID holding an e-mail, names nobody."""
    record = account_a.contacts.upsert(ContactWrite(email="ann@example.com"), A_OWNER)
    funnels = account_a.funnels
    funnels.add("Sales", [StageSpec("Lead")])
    for target in (Target("EMAIL", record.id), Target("CONTACT_ID", "ann@example.com")):
        with pytest.raises(ContactNotFound):
            funnels.add_contacts("Sales", "Lead", [target])
    assert funnels.add_contacts("Sales", "Lead", [Target("CONTACT_ID", record.id.upper())]) == {
        record.id: True
    }
    assert account_a.find_live_by("EMAIL", " ANN@example.com") is record
    assert account_a.find_live_by("EMAIL", record.id) is None
    assert account_a.find_live_by("CONTACT_ID", "ann@example.com") is None
    with pytest.raises(ValueError, match="kind"):
        account_a.find_live_by("TAG", "vip")
    account_a.contacts.delete("ann@example.com")
    assert account_a.find_live_by("EMAIL", "ann@example.com") is None  # soft-deleted: nobody


# --- reset and snapshot -------------------------------------------------------------------


def test_area_account_reset_forgets_funnels(api: Api, emu: object, account_a: Account) -> None:
    _two_in_lead(api)
    account_a.reset()
    assert account_a.funnels.names() == []
    make_funnel(api)
    assert count(api) == 0


# --- property: counts equal a recomputation from the cards ----------------------------------

PEOPLE = [f"p{i}@example.com" for i in range(4)]
STAGE_NAMES = ["Lead", "Offer", "Won"]

funnel_op = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 3), st.sampled_from(STAGE_NAMES)),
    st.tuples(st.just("remove"), st.integers(0, 3), st.sampled_from([None, *STAGE_NAMES])),
    st.tuples(st.just("delete"), st.integers(0, 3), st.none()),
    st.tuples(st.just("restore"), st.integers(0, 3), st.none()),
    st.tuples(st.just("forget"), st.integers(0, 3), st.none()),
    st.tuples(st.just("purge"), st.just(0), st.none()),
    st.tuples(st.just("drop_stage"), st.just(0), st.sampled_from(STAGE_NAMES)),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(funnel_op, max_size=30))
def test_s12_1_property_counts_equal_recomputation(ops: list[tuple[str, int, str | None]]) -> None:
    """S12.1 / S3.1: after any adds, moves, removals, stage deletions, soft deletes, restores
    and purges, every count equals the live cards' places, and every place has a stage."""
    clock = FrozenClock(NOW)
    account = Account("c1", "s", [A_OWNER], clock=clock)
    funnels = account.funnels
    funnels.add("Sales", [StageSpec(s) for s in STAGE_NAMES])
    for email in PEOPLE:
        account.contacts.upsert(ContactWrite(email=email), A_OWNER)
    for kind, index, arg in ops:
        email = PEOPLE[index]
        try:
            if kind == "add":
                funnels.add_contacts("Sales", str(arg), [Target("EMAIL", email)])
            elif kind == "remove":
                funnels.remove_contact("Sales", email, stage=arg)
            elif kind == "delete":
                account.contacts.delete(email)
            elif kind == "restore":
                account.contacts.upsert(ContactWrite(email=email), A_OWNER)
            elif kind == "forget":
                account.contacts.forget(email)
            elif kind == "purge":
                clock.advance(timedelta(days=1))
            else:
                funnels.delete("Sales", str(arg))
        except (ContactNotFound, StageNotFound, Conflict):
            pass
    stages = funnels.get("Sales").stages
    live = [r for r in account.all_contacts() if not r.deleted]
    at = [p.stage for r in live for p in funnels.of_contact(r)]
    assert funnels.count("Sales") == len(at)
    for stage in stages:
        assert funnels.count("Sales", stage) == at.count(stage)
    assert all(p.stage in stages for r in account.all_contacts() for p in funnels.of_contact(r))


def test_area_emulator_export_import_keeps_funnels(emu: Emulator, api: Api) -> None:
    """The emulator's state file (``export_state`` / ``import_state``) carries the funnels."""
    _two_in_lead(api)
    api.ok("contact/delete", email="bob@example.com")
    data = json.loads(json.dumps(emu.export_state()))
    before = card(api, "ann@example.com")["contactFunnels"]
    emu.import_state(data)
    assert card(api, "ann@example.com")["contactFunnels"] == before
    assert count(api) == 1
    api.upsert("bob@example.com")
    assert count(api) == 2


def test_s13_2_export_import_keeps_the_order_contacts_joined_their_funnels(
    emu: Emulator, account_a: Account, api: Api
) -> None:
    """S13.2: a card lists its funnels in the order it joined them, not the funnels'
    creation order, and keeps it through export_state / import_state."""
    funnels = account_a.funnels
    funnels.add("First", [StageSpec("Lead")])
    funnels.add("Second", [StageSpec("Lead")])
    ann = account_a.contacts.upsert(ContactWrite(email="ann@example.com"), A_OWNER)
    bob = account_a.contacts.upsert(ContactWrite(email="bob@example.com"), A_OWNER)
    funnels.add_contacts("Second", "Lead", [Target("EMAIL", ann.email)])
    funnels.add_contacts("First", "Lead", [Target("EMAIL", ann.email), Target("EMAIL", bob.email)])
    funnels.add_contacts("Second", "Lead", [Target("EMAIL", bob.email)])
    assert [p.funnel for p in funnels.of_contact(ann)] == ["Second", "First"]
    assert [p.funnel for p in funnels.of_contact(bob)] == ["First", "Second"]
    before = card(api, "ann@example.com")["contactFunnels"]
    emu.import_state(json.loads(json.dumps(emu.export_state())))
    copy = emu.account(account_a.client_id)
    ann2, bob2 = copy.find_live(ann.id), copy.find_live(bob.id)
    assert [p.funnel for p in copy.funnels.of_contact(ann2)] == ["Second", "First"]
    assert [p.funnel for p in copy.funnels.of_contact(bob2)] == ["First", "Second"]
    assert card(api, "ann@example.com")["contactFunnels"] == before
