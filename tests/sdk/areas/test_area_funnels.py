"""Sales funnels (S12), sync and async; the funnel and campaign resources keep their own
signatures over one implementation. Against the platform's canned replies, then end to
end on the emulator."""

from __future__ import annotations

import inspect
from decimal import Decimal

import httpx
import pytest
from routes_helpers import NOW
from sdk_helpers import answers, body, envelope, ok, posted

from salesmanago import (
    Addressee,
    AddresseeType,
    AlreadyExistsError,
    AsyncSalesManago,
    ContactUpsert,
    FunnelStage,
    NotFoundError,
    SalesManago,
    ValidationError,
)
from salesmanago.resources.campaigns import AsyncCampaigns, Campaigns
from salesmanago.resources.funnels import AsyncFunnels, Funnels
from salesmanago_emulator import Account
from salesmanago_emulator.state.funnels import DEFAULT_GROUP

ADD = "/api/funnel/add"
ADD_CONTACT = "/api/funnel/addContact"
DELETE = "/api/funnel/delete"
COUNT = "/api/funnel/count"
OWNER = "owner@shop.example.com"


def test_funnel_add_numbers_plain_stage_names_in_order(api, platform) -> None:
    """S12.1: a funnel with ordered stages; orders 1..n from the list."""
    add = platform.post(ADD).mock(return_value=envelope(ok()))
    assert (
        api(
            "funnels.add",
            "Sales",
            ["Lead", "Offer", "Won"],
            group="B2B",
            pot_value=Decimal("100.50"),
        )
        is None
    )
    assert body(add) == {
        "owner": OWNER,
        "funnel": "Sales",
        "group": "B2B",
        "potValue": Decimal("100.50"),
        "stages": [
            {"name": "Lead", "order": 1},
            {"name": "Offer", "order": 2},
            {"name": "Won", "order": 3},
        ],
    }
    assert b'"potValue":100.50' in add.calls[0].request.content


def test_funnel_add_keeps_given_orders_and_sends_them_sorted(api, platform) -> None:
    add = platform.post(ADD).mock(return_value=envelope(ok()))
    stages = [
        FunnelStage(name="Won", order=3),
        FunnelStage(name="Lead", order=1),
        FunnelStage(name="Offer", order=2),
    ]
    api("funnels.add", "Sales", stages)
    assert body(add) == {
        "owner": OWNER,
        "funnel": "Sales",
        "stages": [
            {"name": "Lead", "order": 1},
            {"name": "Offer", "order": 2},
            {"name": "Won", "order": 3},
        ],
    }


@pytest.mark.parametrize(
    ("stages", "field", "rule"),
    [
        ([], "stages", "non-empty"),
        (["Le"], "stages[0].name", "at least 3"),
        (["Lead", "x" * 256], "stages[1].name", "at most 255"),
        (
            [FunnelStage(name="Lead", order=1), FunnelStage(name="Won", order=3)],
            "stages.order",
            "without gaps",
        ),
        (
            [FunnelStage(name="Lead", order=1), FunnelStage(name="Won", order=1)],
            "stages.order",
            "without gaps",
        ),
        ([FunnelStage(name="Lead", order=1), FunnelStage(name="Won")], "stages", "every stage"),
        (["Lead", "lead"], "stages[1].name", "repeats"),
        ("Lead", "stages", "non-empty list"),
    ],
)
def test_funnel_stage_rules(api, platform, stages, field, rule) -> None:
    """Protocol §3.4: stage names 3–255 characters; orders 1..n contiguous."""
    with pytest.raises(ValidationError) as info:
        api("funnels.add", "Sales", stages)
    assert info.value.field == field
    assert rule in info.value.rule
    assert not platform.calls


def test_second_funnel_with_the_same_name_fails(api, platform) -> None:
    """S12.1: the platform's 'already exists' maps to AlreadyExistsError; no retry."""
    add = platform.post(ADD).mock(
        return_value=httpx.Response(
            200, json={"success": False, "message": ["Funnel Sales already exists"]}
        )
    )
    with pytest.raises(AlreadyExistsError):
        api("funnels.add", "Sales", ["Lead"])
    assert add.call_count == 1


def test_add_contacts_by_email_id_and_tag(api, platform) -> None:
    """S12.1: contacts added to a stage; the answer maps contact id -> added."""
    add_contact = platform.post(ADD_CONTACT).mock(
        return_value=envelope(ok(addedContacts={"c-1": True, "c-2": False}))
    )
    result = api(
        "funnels.add_contacts",
        "Sales",
        "Lead",
        ["a@example.com", Addressee.contact_id("c-2"), Addressee.tag("VIP")],
        pot_value=5,
        modify=True,
    )
    assert result == {"c-1": True, "c-2": False}
    assert body(add_contact) == {
        "owner": OWNER,
        "funnel": "Sales",
        "stage": "Lead",
        "contacts": [
            {"addresseeType": "EMAIL", "value": "a@example.com"},
            {"addresseeType": "CONTACT_ID", "value": "c-2"},
            {"addresseeType": "TAG", "value": "VIP"},
        ],
        "potValue": 5,
        "modify": True,
    }


@pytest.mark.parametrize(
    ("contacts", "field"),
    [
        ([], "contacts"),
        (["not-an-email"], "contacts[0]"),
        ([Addressee(addressee_type=AddresseeType.FUNNEL, value="x")], "contacts[0].addresseeType"),
        ([Addressee.email("bad")], "contacts[0].value"),
    ],
)
def test_add_contacts_validation(api, platform, contacts, field) -> None:
    with pytest.raises(ValidationError) as info:
        api("funnels.add_contacts", "Sales", "Lead", contacts)
    assert info.value.field == field
    assert not platform.calls


def test_delete_and_count_whole_funnel_or_one_stage(api, platform) -> None:
    delete = platform.post(DELETE).mock(return_value=envelope(ok()))
    count = platform.post(COUNT).mock(side_effect=answers(ok(count=7), ok(count=2)))
    assert api("funnels.count", "Sales") == 7
    assert api("funnels.count", "Sales", "Lead") == 2
    api("funnels.delete", "Sales", "Lead")
    api("funnels.delete", "Sales")
    assert posted(count.calls) == [
        {"owner": OWNER, "funnel": "Sales"},
        {"owner": OWNER, "funnel": "Sales", "stage": "Lead"},
    ]
    assert posted(delete.calls) == [
        {"owner": OWNER, "funnel": "Sales", "stage": "Lead"},
        {"owner": OWNER, "funnel": "Sales"},
    ]


def test_count_answer_must_be_an_integer(api, platform) -> None:
    from salesmanago import ResponseValidationError

    platform.post(COUNT).mock(return_value=envelope(ok(count="many")))
    with pytest.raises(ResponseValidationError):
        api("funnels.count", "Sales")


_SIGNATURES = {
    "add": "(self, name: 'str', stages: 'Sequence[str | FunnelStage]', *, group: 'str | None' = "
    "None, pot_value: 'Decimal | int | None' = None) -> 'None'",
    "create": "(self, name: 'str', *, stages: 'Sequence[str | FunnelStage]', group: 'str | None' "
    "= None, pot_value: 'Decimal | int | None' = None) -> 'None'",
    "add_contacts": "(self, {0}: 'str', stage: 'str', contacts: 'Sequence[str | Addressee]', *, "
    "pot_value: 'Decimal | int | None' = None, modify: 'bool | None' = None) -> 'dict[str, bool]'",
    "delete": "(self, {0}: 'str', stage: 'str | None' = None) -> 'None'",
    "count": "(self, {0}: 'str', stage: 'str | None' = None) -> 'int'",
}

#: The per-call options every resource method takes (issue 16).
_OPTIONS = ", **options: 'Unpack[RequestOptions]'"


@pytest.mark.parametrize(
    ("cls", "noun", "methods"),
    [
        (Funnels, "funnel", ["add", "add_contacts", "delete", "count"]),
        (AsyncFunnels, "funnel", ["add", "add_contacts", "delete", "count"]),
        (Campaigns, "campaign", ["create", "add_contacts", "delete", "count"]),
        (AsyncCampaigns, "campaign", ["create", "add_contacts", "delete", "count"]),
    ],
)
def test_funnels_and_campaigns_keep_their_own_signatures(
    cls: type, noun: str, methods: list[str]
) -> None:
    """Both send through one implementation (``_funnel_calls``), yet each public class
    keeps its own methods, parameter names and docstrings."""
    public = sorted(name for name in vars(cls) if not name.startswith("_"))
    assert public == sorted(methods)
    for name in methods:
        method = getattr(cls, name)
        expected = _SIGNATURES[name].format(noun).replace(") -> ", _OPTIONS + ") -> ")
        assert str(inspect.signature(method)) == expected
        assert inspect.getdoc(method)


# --- end to end on the emulator (sm / asm: account A's clients) ---------------------


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


def test_s12_1_sdk_second_funnel_with_same_name_fails(sm: SalesManago, account_a: Account) -> None:
    """S12.1: names are unique in the account (trimmed, any case); the first stays as it was."""
    sm.funnels.add("Sales", ["Lead"])
    with pytest.raises(AlreadyExistsError) as info:
        sm.funnels.add(" SALES ", ["Other stage"])
    assert "Funnel SALES already exists" in str(info.value)
    assert account_a.funnels.get("Sales").stages == ("Lead",)


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


def test_s3_3_permanent_delete_leaves_the_funnel(sm: SalesManago) -> None:
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    sm.funnels.add("Sales", ["Lead"])
    sm.funnels.add_contacts("Sales", "Lead", ["ann@example.com"])
    sm.contacts.delete("ann@example.com", permanently=True)
    assert sm.funnels.count("Sales") == 0


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
