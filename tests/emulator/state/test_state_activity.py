"""Visits in the state layer (S16.1, S2.8 monitoring, S3 deletion, S4.4 scoring): recording,
refusals, the report, reset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from activity_helpers import HOUR_MS, _traffic, activity, full
from routes_helpers import NOW, NOW_MS, Api

from salesmanago import SalesManago
from salesmanago_emulator import Account, ContactNotFound, FrozenClock, InvalidField
from salesmanago_emulator.snapshot import dump_area


def test_s4_4_visit_points_add_to_the_score_and_the_company(
    api: Api, account_a: Account, sm: SalesManago
) -> None:
    """Points go through the account's add_score: the contact's scoring and its
    company's summed scoring (S4.4) both follow."""
    api.upsert("ann@example.com", contact={"company": "Acme"})
    api.upsert("bob@example.com", contact={"company": "Acme"})
    account_a.activity.record("ann@example.com", url="https://x.example/a", points=5)
    account_a.activity.record("bob@example.com", url="https://x.example/b", points=2)
    account_a.activity.record("bob@example.com", url="https://x.example/c", points=-1)
    assert account_a.companies.company("Acme").scoring == 6
    (ann,) = sm.contacts.basic(["ann@example.com"])
    assert ann.score == 5
    assert ann.last_visit == NOW


def test_s2_8_stopped_monitoring_records_nothing(api: Api, account_a: Account) -> None:
    """S2.8 / seed 003 [6]: no visit is recorded for a contact whose monitoring is
    stopped (record() ignores it and returns None; no points); after restoreMonitoring
    visits are recorded again."""
    api.upsert("ann@example.com")
    addressees = [{"addresseeType": "EMAIL", "value": "ann@example.com"}]
    api.ok("contact/stopMonitoring", contacts=addressees)
    assert account_a.activity.record("ann@example.com", url="https://x.example/", points=3) is None
    card = full(api, "ann@example.com")
    assert (card["contactVisits"], card["score"], card["lastVisit"]) == ([], 0, None)
    assert activity(api, NOW_MS - HOUR_MS, NOW_MS)["prospects"] == []
    api.ok("contact/restoreMonitoring", contacts=addressees)
    assert account_a.activity.record("ann@example.com", url="https://x.example/", points=3)
    assert full(api, "ann@example.com")["score"] == 3


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({"url": " "}, "url", "must not be empty"),
        ({"url": 7}, "url", "must be a string"),
        ({"url": "https://x/" + "a" * 2048}, "url", "must be at most 2048 characters long"),
        ({"duration_seconds": -1}, "duration", "must be 0 or more (got -1)"),
        ({"duration_seconds": 1.5}, "duration", "must be an integer"),
        ({"points": "3"}, "points", "must be an integer"),
        ({"points": True}, "points", "must be an integer"),
        ({"source": ""}, "source", "must not be empty"),
        ({"at": datetime(2026, 1, 15, 10)}, "date", "must be a timezone-aware instant"),
        ({"source_detail": "d" * 256}, "sourceDetail", "must be at most 255 characters"),
    ],
)
def test_visit_refusals_name_field_and_rule_and_change_nothing(
    api: Api, account_a: Account, fields: dict[str, Any], field: str, rule: str
) -> None:
    api.upsert("ann@example.com")
    before = (dump_area(account_a, "activity"), full(api, "ann@example.com"))
    arguments: dict[str, Any] = {"url": "https://x.example/", "points": 4, **fields}
    with pytest.raises(InvalidField) as caught:
        account_a.activity.record("ann@example.com", **arguments)
    assert caught.value.field == field
    assert rule in str(caught.value)
    assert (dump_area(account_a, "activity"), full(api, "ann@example.com")) == before


def test_s3_2_visit_needs_a_live_contact(api: Api, account_a: Account) -> None:
    """A missing or soft-deleted contact -> ContactNotFound, nothing recorded."""
    api.upsert("ann@example.com")
    api.ok("contact/delete", email="ann@example.com")
    for key in ("ann@example.com", "nobody@example.com"):
        with pytest.raises(ContactNotFound):
            account_a.activity.record(key, url="https://x.example/")
    assert dump_area(account_a, "activity") == []


def test_s3_3_permanent_delete_and_purge_drop_visits(
    api: Api, account_a: Account, emu_clock: FrozenClock
) -> None:
    """A permanent delete, forget-me and the nightly purge (S3.4) drop the visits."""
    for email in ("ann@example.com", "bob@example.com", "cat@example.com"):
        api.upsert(email)
        account_a.activity.record(email, url="https://x.example/")
    api.ok("contact/delete", email="ann@example.com", permanently=True)
    account_a.contacts.forget("bob@example.com")
    api.ok("contact/delete", email="cat@example.com")
    emu_clock.advance(timedelta(days=1))
    account_a.run_due_purge()
    assert dump_area(account_a, "activity") == []
    api.upsert("ann@example.com")  # a new card with the address starts with no visits
    assert full(api, "ann@example.com")["contactVisits"] == []


def test_s16_1_report_is_by_date_whatever_the_order_of_the_contacts(
    api: Api, account_a: Account
) -> None:
    """Visits of several contacts come oldest first (equal dates: recording order),
    whatever order the contacts were created in; a soft-deleted contact's visits are
    left out; the totals count live cards, the monitored ones among them."""
    for email in ("old@example.com", "new@example.com", "gone@example.com", "calm@example.com"):
        api.upsert(email)
    late = account_a.activity.record("old@example.com", url="https://x.example/3", at=NOW)
    early = account_a.activity.record(
        "new@example.com", url="https://x.example/1", at=NOW - timedelta(minutes=30)
    )
    anonymous = account_a.activity.record(
        None, url="https://x.example/2", at=NOW - timedelta(minutes=20)
    )
    tie = account_a.activity.record("new@example.com", url="https://x.example/4", at=NOW)
    account_a.activity.record("gone@example.com", url="https://x.example/5", at=NOW)
    api.ok("contact/delete", email="gone@example.com")
    account_a.contacts.stop_monitoring("calm@example.com")
    report = account_a.activity.report(NOW - timedelta(hours=1), NOW)
    assert [visit for visit, _ in report.visits] == [early, anonymous, late, tie]
    assert [None if r is None else r.email for _, r in report.visits] == [
        "new@example.com",
        None,
        "old@example.com",
        "new@example.com",
    ]
    assert [c.record.email for c in report.contacts] == ["new@example.com", "old@example.com"]
    assert report.anonymous == (anonymous,)
    assert (report.total_contacts, report.monitored_contacts) == (3, 2)


def test_account_reset_forgets_visits(api: Api, account_a: Account) -> None:
    _traffic(api, account_a)
    account_a.reset()
    assert dump_area(account_a, "activity") == []
    assert account_a.activity.anonymous == ()


def test_visit_date_defaults_to_the_injected_clock(
    api: Api, account_a: Account, emu_clock: FrozenClock
) -> None:
    api.upsert("ann@example.com")
    emu_clock.advance(timedelta(hours=2))
    visit = account_a.activity.record("ann@example.com", url="https://x.example/")
    assert visit is not None
    assert visit.at == NOW + timedelta(hours=2)
    assert visit.at.tzinfo is not None
    assert visit.at.astimezone(timezone.utc) == datetime(2026, 1, 15, 12, tzinfo=timezone.utc)


ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36"


def test_s16_1_device_system_and_browser_given_or_read_from_the_user_agent(
    api: Api, account_a: Account
) -> None:
    """Given fields win (stored upper case); the others come from the user agent; with
    neither they stay None."""
    api.upsert("ann@example.com")
    read = account_a.activity.record("ann@example.com", url="https://x/", user_agent=ANDROID_CHROME)
    assert read is not None
    assert (read.device, read.os, read.browser) == ("MOBILE", "ANDROID", "CHROME")
    mixed = account_a.activity.record(
        "ann@example.com", url="https://x/", user_agent=ANDROID_CHROME, browser="Firefox"
    )
    assert mixed is not None
    assert (mixed.device, mixed.os, mixed.browser) == ("MOBILE", "ANDROID", "FIREFOX")
    bare = account_a.activity.record("ann@example.com", url="https://x/")
    assert bare is not None
    assert (bare.device, bare.os, bare.browser) == (None, None, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"device": 3}, "device"),
        ({"os": "o" * 65}, "os"),
        ({"browser": []}, "browser"),
        ({"user_agent": "u" * 1025}, "userAgent"),
    ],
)
def test_s16_1_client_field_refusals_change_nothing(
    api: Api, account_a: Account, fields: dict[str, Any], field: str
) -> None:
    api.upsert("ann@example.com")
    with pytest.raises(InvalidField) as err:
        account_a.activity.record("ann@example.com", url="https://x/", **fields)
    assert err.value.field == field
    assert account_a.activity.recorded() == []


def test_s16_1_visit_stats_per_device_system_and_browser(
    api: Api, account_a: Account, emu_clock: FrozenClock
) -> None:
    """Seed 003 §5 [2]-[4]: name, share in percent, visits and last visit per group,
    most visits first; visits that did not say are UNKNOWN; a range limits them."""
    api.upsert("ann@example.com")
    record = account_a.activity.record
    record("ann@example.com", url="https://x/1", user_agent=ANDROID_CHROME)
    emu_clock.advance(timedelta(hours=1))
    record("ann@example.com", url="https://x/2", device="desktop", os="windows", browser="edge")
    emu_clock.advance(timedelta(hours=1))
    record("ann@example.com", url="https://x/3", user_agent=ANDROID_CHROME)
    emu_clock.advance(timedelta(hours=1))
    record("ann@example.com", url="https://x/4")
    stats = account_a.activity.visit_stats("ann@example.com")
    assert (stats.visits, stats.last_visit) == (4, NOW + timedelta(hours=3))
    assert [(s.name, s.visits, str(s.percent), s.last_visit) for s in stats.devices] == [
        ("MOBILE", 2, "50.00", NOW + timedelta(hours=2)),
        ("DESKTOP", 1, "25.00", NOW + timedelta(hours=1)),
        ("UNKNOWN", 1, "25.00", NOW + timedelta(hours=3)),
    ]
    assert [s.name for s in stats.systems] == ["ANDROID", "UNKNOWN", "WINDOWS"]
    assert [s.name for s in stats.browsers] == ["CHROME", "EDGE", "UNKNOWN"]
    ranged = account_a.activity.visit_stats(
        "ann@example.com", NOW + timedelta(minutes=30), NOW + timedelta(hours=2)
    )
    assert [(s.name, str(s.percent)) for s in ranged.devices] == [
        ("DESKTOP", "50.00"),
        ("MOBILE", "50.00"),
    ]
    with pytest.raises(InvalidField) as err:
        account_a.activity.visit_stats("ann@example.com", datetime(2026, 1, 1))
    assert err.value.field == "from"
    with pytest.raises(ContactNotFound):
        account_a.activity.visit_stats("nobody@example.com")


def test_s16_2_histograms_over_visits_and_external_events(api: Api, account_a: Account) -> None:
    """Seed 003 §6: hourly and weekly counts over visits and external events, each
    source alone or together; a source the account has no area for yet counts nothing."""
    api.upsert("ann@example.com")
    account_a.activity.record("ann@example.com", url="https://x/", at=NOW)  # Thu 10:00 UTC
    api.ok(
        "contact/addContactExtEvent",
        email="ann@example.com",
        contactEvent={"date": NOW_MS + 14 * HOUR_MS, "contactExtEventType": "PURCHASE"},
    )  # Fri 00:00 UTC
    both = account_a.activity.histograms("ann@example.com")
    assert both.sources == ("VISITS", "EMAIL_OPENS", "EXTERNAL_EVENTS")
    # in the account's zone (Europe/Warsaw, UTC+1): Thursday 11:00 and Friday 01:00
    assert (both.total, both.hourly[11], both.hourly[1]) == (2, 1, 1)
    assert (both.weekly[3], both.weekly[4]) == (1, 1)
    events = account_a.activity.histograms("ann@example.com", sources=["EXTERNAL_EVENTS"])
    assert (events.total, events.hourly[1]) == (1, 1)
    assert account_a.activity.histograms("ann@example.com", sources=["EMAIL_OPENS"]).total == 0
    early = account_a.activity.histograms("ann@example.com", end=NOW)
    assert early.total == 1
    with pytest.raises(InvalidField) as err:
        account_a.activity.histograms("ann@example.com", sources=["CALLS"])
    assert err.value.field == "sources"
