"""Rule-action callbacks to an integrator such as a CRM (S17.3): checks, payload, routing."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, NOW_MS

from salesmanago_emulator import Account, ContactNotFound, FrozenClock, InvalidField
from salesmanago_emulator.state import ContactWrite
from salesmanago_emulator.state.callbacks import callback_key

CRM_URL = "http://127.0.0.1:9/crm/actions"
CRM_SECRET = "crm-secret"


@pytest.fixture
def crm(account_a: Account) -> Account:
    """Account A with one contact and a CRM endpoint for every action kind."""
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl"), A_OWNER)
    account_a.callbacks.register_action(CRM_URL, CRM_SECRET)
    return account_a


def fire(account: Account, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    [entry] = account.callbacks.fire_action(kind, "jan@shop.pl", data)
    assert entry.kind == kind
    assert entry.url == CRM_URL
    data_out: dict[str, Any] = entry.payload["data"]
    return data_out


def test_s17_3_deal_stage_action_payload_and_defaults(crm: Account) -> None:
    """Seed 002: ``stage`` required; defaults sort by modified date, descending, limit 1."""
    [entry] = crm.callbacks.fire_action(
        "deal_stage", "JAN@shop.pl", {"stage": "Offer", "status": "Won"}
    )
    record = crm.find("jan@shop.pl")
    assert record is not None
    assert entry.payload == {
        "id": entry.id,
        "type": "DEAL_STAGE",
        "clientId": A_ID,
        "contactId": record.id,
        "email": "jan@shop.pl",
        "createdOn": NOW_MS,
        "key": callback_key("jan@shop.pl", CRM_SECRET),
        "data": {
            "stage": "Offer",
            "status": "won",
            "sort": "modified",
            "order": "desc",
            "limit": 1,
        },
    }
    assert crm.callbacks.outbox() == [entry]


def test_s17_3_deal_stage_options(crm: Account) -> None:
    data = {"stage": "Negotiation", "status": "lost", "process": "B2B", "sort": "name"}
    assert fire(crm, "DEAL_STAGE", {**data, "order": "asc", "limit": 0}) == {
        **data,
        "order": "asc",
        "limit": 0,
    }
    assert fire(crm, "DEAL_STAGE", {"stage": "Call"}) == {
        "stage": "Call",
        "sort": "modified",
        "order": "desc",
        "limit": 1,
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "data.stage"),
        ({"status": "won"}, "data.stage"),
        ({"stage": "S", "status": "closed"}, "data.status"),
        ({"stage": "S", "sort": "size"}, "data.sort"),
        ({"stage": "S", "order": "up"}, "data.order"),
        ({"stage": "S", "limit": -1}, "data.limit"),
        ({"stage": "S", "limit": True}, "data.limit"),
        ({"stage": "S", "colour": "red"}, "data.colour"),
    ],
)
def test_s17_3_deal_stage_refusals_queue_nothing(
    crm: Account, data: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidField) as err:
        crm.callbacks.fire_action("DEAL_STAGE", "jan@shop.pl", data)
    assert err.value.field == field
    assert crm.callbacks.outbox() == []


def test_s17_3_task_date_absolute_or_relative(crm: Account, clock: FrozenClock) -> None:
    base = {"text": "Call back"}
    assert fire(crm, "TASK", {**base, "date": "2026-03-01"})["dueDate"] == "2026-03-01"
    assert fire(crm, "TASK", {**base, "date": "+2days"})["dueDate"] == "2026-01-17"
    assert fire(crm, "TASK", {**base, "date": "+5months"}) == {
        "text": "Call back",
        "owner": A_OWNER,  # the contact's main owner by default
        "date": "+5months",
        "dueDate": "2026-06-15",
    }
    # the account's day (Warsaw), and a month end clamped
    clock.set(datetime(2026, 1, 30, 23, 30, tzinfo=timezone.utc))  # 31 Jan 00:30 in Warsaw
    assert fire(crm, "TASK", {**base, "date": "+1month"})["dueDate"] == "2026-02-28"
    assert fire(crm, "TASK", {**base, "date": "+1day"})["dueDate"] == "2026-02-01"


@pytest.mark.parametrize(
    "date", ["tomorrow", "2026-02-30", "+2weeks", "2026/03/01", 20260301, None]
)
def test_s17_3_task_date_refused(crm: Account, date: object) -> None:
    with pytest.raises(InvalidField) as err:
        crm.callbacks.fire_action("TASK", "jan@shop.pl", {"text": "x", "date": date})
    assert err.value.field == "data.date"
    assert crm.callbacks.outbox() == []


def test_s17_3_tags_comma_separated_and_normalised(crm: Account) -> None:
    assert fire(crm, "TAGS", {"tags": "vip, Łódź ,,vip"}) == {"tags": "VIP,LODZ"}
    assert fire(crm, "TAGS", {"tags": ["a", "b,c"]}) == {"tags": "A,B,C"}
    with pytest.raises(InvalidField):
        crm.callbacks.fire_action("TAGS", "jan@shop.pl", {"tags": " , "})


def test_s17_3_notification_and_note(crm: Account) -> None:
    assert fire(crm, "NOTIFICATION", {"text": "Hot lead", "owner": "SECOND@a.example.com"}) == {
        "text": "Hot lead",
        "owner": A_SECOND,
    }
    assert fire(crm, "NOTE", {"text": "Asked for a quote"}) == {"text": "Asked for a quote"}
    for data, field in [
        ({"text": "x", "owner": "stranger@x.pl"}, "data.owner"),
        ({"text": "  "}, "data.text"),
        ({}, "data.text"),
    ]:
        with pytest.raises(InvalidField) as err:
            crm.callbacks.fire_action("NOTIFICATION", "jan@shop.pl", data)
        assert err.value.field == field


def test_s17_3_endpoints_receive_only_their_kinds(account_a: Account) -> None:
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl"), A_OWNER)
    assert account_a.callbacks.fire_action("NOTE", "jan@shop.pl", {"text": "x"}) == []
    deals = account_a.callbacks.register_action(
        "http://localhost/deals", "s1", kinds=["deal_stage"]
    )
    every = account_a.callbacks.register_action("http://localhost/all", "s2")
    notes = account_a.callbacks.fire_action("NOTE", "jan@shop.pl", {"text": "x"})
    assert [e.url for e in notes] == ["http://localhost/all"]
    both = account_a.callbacks.fire_action("DEAL_STAGE", "jan@shop.pl", {"stage": "Offer"})
    assert [e.url for e in both] == ["http://localhost/deals", "http://localhost/all"]
    assert both[0].payload["key"] != both[1].payload["key"]  # each with its own secret
    assert account_a.callbacks.unregister_action(deals.id) is True
    assert account_a.callbacks.action_endpoints == [every]
    with pytest.raises(InvalidField):
        account_a.callbacks.register_action("http://localhost/x", "s", kinds=["EMAIL"])
    with pytest.raises(InvalidField):
        account_a.callbacks.register_action("http://localhost/x", "s", kinds=[])


def test_s17_3_action_needs_a_live_contact(crm: Account) -> None:
    crm.contacts.delete("jan@shop.pl")
    with pytest.raises(ContactNotFound):
        crm.callbacks.fire_action("NOTE", "jan@shop.pl", {"text": "x"})
    with pytest.raises(InvalidField) as err:
        crm.callbacks.fire_action("EMAIL", "jan@shop.pl", {})
    assert err.value.field == "kind"
    assert crm.callbacks.outbox() == []
