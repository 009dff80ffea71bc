"""Campaigns (S13): funnels on the wire (protocol §8.3), sync and async; then end to end
on the emulator."""

from __future__ import annotations

import pytest
from sdk_helpers import body, envelope, ok, sent

from salesmanago import AlreadyExistsError, FunnelStage, SalesManago
from salesmanago_emulator import Account
from salesmanago_emulator.state.funnels import DEFAULT_GROUP

ADD = "/api/funnel/add"
ADD_CONTACT = "/api/funnel/addContact"
DELETE = "/api/funnel/delete"
COUNT = "/api/funnel/count"
OWNER = "owner@shop.example.com"


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


# --- end to end on the emulator (sm: account A's client) ----------------------------


def test_s13_1_sdk_campaign_groups(sm: SalesManago, account_a: Account) -> None:
    """S13.1: a campaign keeps its group; one without a group gets the default group."""
    sm.campaigns.create("Spring", group="Marketing", stages=["Invited", "Attended"])
    sm.campaigns.create("Autumn", stages=[FunnelStage(name="Invited", order=1)])
    assert account_a.funnels.get("Spring").group == "Marketing"
    assert account_a.funnels.get("Autumn").group == DEFAULT_GROUP
    with pytest.raises(AlreadyExistsError):
        sm.campaigns.create("spring", stages=["Invited"])
