"""Recent activity (protocol §6), sync and async: against the platform's canned replies,
then end to end on the emulator (visits recorded through its state)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from activity_helpers import _traffic
from exports_helpers import _sdk_seed
from routes_helpers import NOW, Api
from sdk_helpers import body, envelope, ok

from salesmanago import AsyncSalesManago, ContactState, ContactUpsert, SalesManago, ValidationError
from salesmanago_emulator import Account

ACTIVITY = "/api/contact/recentActivity"
START = datetime(2024, 5, 1, tzinfo=timezone.utc)
END = datetime(2024, 5, 2, tzinfo=timezone.utc)


def test_recent_activity_without_owner(api, platform) -> None:
    """§6 recentActivity; §14: sent without owner; items kept as JSON objects."""
    activity_route = platform.post(ACTIVITY).mock(
        return_value=envelope(
            ok(
                recentActivity={
                    "from": 1714521600000,
                    "to": 1714608000000,
                    "monitoredContacts": 12,
                    "totalContacts": 100,
                    "customers": [
                        {"contactId": "c-1", "email": "a@example.com", "time": 1714521600500}
                    ],
                    "partners": [],
                    "prospects": [{"email": "p@example.com"}],
                    "anonymous": [],
                    "allVisits": [{"url": "https://shop.example.com/p/1"}],
                    "visitStats": [],
                }
            )
        )
    )
    activity = api("activity.recent", START, END, all_visits=True, ip_details=True)
    assert body(activity_route) == {
        "from": 1714521600000,
        "to": 1714608000000,
        "allVisits": True,
        "ipDetails": True,
    }
    assert activity.start == START
    assert activity.end == END
    assert (activity.monitored_contacts, activity.total_contacts) == (12, 100)
    assert activity.customers[0]["email"] == "a@example.com"
    assert activity.prospects == ({"email": "p@example.com"},)
    assert activity.all_visits[0]["url"] == "https://shop.example.com/p/1"


def test_recent_activity_defaults_and_plural_key(api, platform) -> None:
    activity_route = platform.post(ACTIVITY).mock(
        return_value=envelope(ok(recentActivities={"monitoredContacts": 1}))
    )
    activity = api("activity.recent", START, END)
    assert body(activity_route) == {
        "from": 1714521600000,
        "to": 1714608000000,
        "allVisits": False,
        "ipDetails": False,
    }
    assert activity.monitored_contacts == 1
    assert activity.customers == ()


def test_recent_activity_range_checks(api, platform) -> None:
    with pytest.raises(ValidationError) as info:
        api("activity.recent", END, START)
    assert info.value.field == "to"
    with pytest.raises(ValidationError) as info:
        api("activity.recent", datetime(2024, 1, 1), END)
    assert info.value.field == "from"
    assert not platform.calls


# --- end to end on the emulator (sm / asm: account A's clients) ---------------------


def test_s2_8_sdk_stop_monitoring_then_visit(sm: SalesManago, account_a: Account) -> None:
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    sm.contacts.stop_monitoring(["ann@example.com"])
    assert account_a.activity.record("ann@example.com", url="https://x.example/") is None
    sm.contacts.restore_monitoring(["ann@example.com"])
    assert account_a.activity.record("ann@example.com", url="https://x.example/") is not None


def test_s16_1_sdk_recent_activity_from_visits(
    sm: SalesManago, raw_api: Api, account_a: Account
) -> None:
    """The SDK's RecentActivity keeps the items as plain JSON objects."""
    ids = _traffic(raw_api, account_a)
    result = sm.activity.recent(NOW - timedelta(hours=1), NOW, all_visits=True)
    assert [c["contactId"] for c in result.customers] == [ids["cus"]]
    assert [c["email"] for c in result.partners] == ["par@example.com"]
    assert len(result.anonymous) == 1
    assert len(result.all_visits) == 6
    assert {s["type"] for s in result.visit_stats} == {"SOURCE", "HOUR", "WEEKDAY"}
    assert (result.total_contacts, result.monitored_contacts) == (5, 5)


async def test_s16_1_async_sdk_recent_activity_from_visits(
    asm: AsyncSalesManago, raw_api: Api, account_a: Account
) -> None:
    _traffic(raw_api, account_a)
    result = await asm.activity.recent(NOW - timedelta(hours=1), NOW, ip_details=True)
    assert result.all_visits == ()
    assert result.customers[0]["ip"] == "198.51.100.2"
    assert result.prospects[0]["email"] == "pro@example.com"


def test_s16_1_sdk_recent_activity(sm: SalesManago, account_a: Account) -> None:
    """End to end: sm.activity.recent (sent without owner) answers the counts and the
    range's visits (inclusive start; an earlier visit left out) by the contact's state,
    the anonymous ones, and every visit oldest first."""
    _sdk_seed(sm)
    sm.contacts.upsert(ContactUpsert(email="ann@example.com", state=ContactState.CUSTOMER))
    start = NOW - timedelta(days=1)
    record = account_a.activity.record
    record("ann@example.com", url="https://x.example/ann", at=NOW - timedelta(hours=2))
    record("cat@example.com", url="https://x.example/cat", at=start)
    record(None, url="https://x.example/anon", at=NOW)
    record("dan@example.com", url="https://x.example/old", at=start - timedelta(seconds=1))
    activity = sm.activity.recent(start, NOW, all_visits=True)
    assert activity.start == start
    assert activity.end == NOW
    assert (activity.total_contacts, activity.monitored_contacts) == (3, 3)
    assert [(c["email"], c["state"], c["visits"], c["lastUrl"]) for c in activity.customers] == [
        ("ann@example.com", "CUSTOMER", 1, "https://x.example/ann")
    ]
    assert [c["email"] for c in activity.prospects] == ["cat@example.com"]
    assert activity.partners == ()
    assert [v["url"] for v in activity.anonymous] == ["https://x.example/anon"]
    assert [(v["email"], v["url"]) for v in activity.all_visits] == [
        ("cat@example.com", "https://x.example/cat"),
        ("ann@example.com", "https://x.example/ann"),
        (None, "https://x.example/anon"),
    ]


async def test_s16_1_async_sdk_recent_activity(asm: AsyncSalesManago, account_a: Account) -> None:
    """The async client: with ip_details the items carry the ip; a soft-deleted
    contact's visits (S3.1) and a visit before the range are left out; allVisits not
    asked for, so none."""
    for email in ("ann@example.com", "bob@example.com"):
        await asm.contacts.upsert(ContactUpsert(email=email))
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    record = account_a.activity.record
    record("ann@example.com", url="https://x.example/old", at=start - timedelta(days=1))
    record("ann@example.com", url="https://x.example/a", at=NOW, ip="198.51.100.7")
    record("bob@example.com", url="https://x.example/b", at=NOW, ip="198.51.100.8")
    record(None, url="https://x.example/anon", at=start, ip="192.0.2.1")
    await asm.contacts.delete("bob@example.com")
    activity = await asm.activity.recent(start, NOW, ip_details=True)
    assert activity.total_contacts == 1
    assert [(c["email"], c["visits"], c["ip"]) for c in activity.prospects] == [
        ("ann@example.com", 1, "198.51.100.7")
    ]
    assert activity.customers == activity.partners == activity.all_visits == ()
    assert [(v["url"], v["ip"]) for v in activity.anonymous] == [
        ("https://x.example/anon", "192.0.2.1")
    ]
