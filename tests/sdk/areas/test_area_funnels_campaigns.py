"""Sales funnels (S12) and campaigns mapped onto them (S13), sync and async."""

from __future__ import annotations

import inspect
from decimal import Decimal

import httpx
import pytest
from sdk_helpers import answers, body, envelope, ok, posted, sent

from salesmanago import Addressee, AddresseeType, AlreadyExistsError, FunnelStage, ValidationError
from salesmanago.resources.campaigns import AsyncCampaigns, Campaigns
from salesmanago.resources.funnels import AsyncFunnels, Funnels

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


def test_campaigns_send_exactly_the_funnel_calls(api, platform) -> None:
    """S13.1 over protocol §8.3: a campaign with group and stages is a funnel on the wire."""
    add = platform.post(ADD).mock(return_value=envelope(ok()))
    platform.post(ADD_CONTACT).mock(return_value=envelope(ok(addedContacts={"c-1": True})))
    platform.post(COUNT).mock(return_value=envelope(ok(count=1)))
    platform.post(DELETE).mock(return_value=envelope(ok()))
    api("campaigns.create", "Spring 2025", group="Marketing", stages=["Invited", "Attended"])
    assert api("campaigns.add_contacts", "Spring 2025", "Invited", ["a@example.com"]) == {
        "c-1": True
    }
    assert api("campaigns.count", "Spring 2025") == 1
    api("campaigns.delete", "Spring 2025")
    assert [f"{r.method} {r.url.path}" for r in sent(platform.calls)] == [
        "POST /api/funnel/add",
        "POST /api/funnel/addContact",
        "POST /api/funnel/count",
        "POST /api/funnel/delete",
    ]
    assert body(add) == {
        "owner": OWNER,
        "funnel": "Spring 2025",
        "group": "Marketing",
        "stages": [{"name": "Invited", "order": 1}, {"name": "Attended", "order": 2}],
    }


def test_campaign_without_group_leaves_it_to_the_platform(api, platform) -> None:
    """S13.1: no group sent -> the account's default group applies."""
    add = platform.post(ADD).mock(return_value=envelope(ok()))
    api("campaigns.create", "Autumn", stages=["Invited"])
    assert "group" not in body(add)


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
        assert str(inspect.signature(method)) == _SIGNATURES[name].format(noun)
        assert inspect.getdoc(method)
