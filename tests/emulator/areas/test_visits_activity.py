"""Visits (semantics S16.1, S16.2, S2.8 monitoring, S3 deletion, S4.4 company scoring)
and ``recentActivity`` answered from them (protocol §6, §13.6, §14), from Python, raw
JSON and the SDK (sync and async); the control operations are in
``tests/emulator/control/test_control_activity.py``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from routes_helpers import A_ID, B_ID, NOW, NOW_MS, OMIT, Api

from salesmanago import AsyncSalesManago, ContactUpsert, ExportDataType, SalesManago
from salesmanago_emulator import Account, ContactNotFound, Emulator, FrozenClock, InvalidField
from salesmanago_emulator.snapshot import dump_area

ACTIVITY = "contact/recentActivity"
HOUR_MS = 3_600_000


def full(api: Api, email: str) -> dict[str, Any]:
    """The full contact ``email`` (raw JSON, any owner)."""
    (contact,) = api.ok("contact/listAll", email=[email])["contacts"]
    return dict(contact)


def activity(api: Api, start_ms: int, end_ms: int, **flags: Any) -> dict[str, Any]:
    """``recentActivity`` between two ms instants, sent without owner (§14)."""
    body = {"from": start_ms, "to": end_ms, **flags}
    answer = api.ok(ACTIVITY, owner=OMIT, **body)["recentActivity"]
    return dict(answer)


# --- recording, the card, scoring -----------------------------------------------------


def test_s16_1_visit_is_on_the_card_with_its_fields(api: Api, account_a: Account) -> None:
    """S16.1: date, duration, source, source detail, URL, points; ``contactVisits`` of
    the full shape (§5.3) lists them oldest first; ``lastVisit`` follows."""
    contact_id = api.upsert("ann@example.com")
    later = account_a.activity.record(
        "ann@example.com",
        url="https://shop.example.com/cart",
        at=NOW + timedelta(minutes=5),
        duration_seconds=40,
        source="search",
        source_detail="google.com",
        ip="203.0.113.7",
    )
    earlier = account_a.activity.record(contact_id, url="https://shop.example.com/")
    assert later is not None
    assert earlier is not None
    assert (later.contact_id, later.source, earlier.source) == (contact_id, "SEARCH", "DIRECT")
    card = full(api, "ann@example.com")
    assert card["contactVisits"] == [
        {
            "visitId": earlier.id,
            "date": NOW_MS,
            "url": "https://shop.example.com/",
            "duration": 0,
            "source": "DIRECT",
            "sourceDetail": None,
            "points": 0,
            "ip": None,
        },
        {
            "visitId": later.id,
            "date": NOW_MS + 300_000,
            "url": "https://shop.example.com/cart",
            "duration": 40,
            "source": "SEARCH",
            "sourceDetail": "google.com",
            "points": 0,
            "ip": "203.0.113.7",
        },
    ]
    assert card["lastVisit"] == NOW_MS + 300_000


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


def test_s2_8_sdk_stop_monitoring_then_visit(sm: SalesManago, account_a: Account) -> None:
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    sm.contacts.stop_monitoring(["ann@example.com"])
    assert account_a.activity.record("ann@example.com", url="https://x.example/") is None
    sm.contacts.restore_monitoring(["ann@example.com"])
    assert account_a.activity.record("ann@example.com", url="https://x.example/") is not None


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


# --- deletion -----------------------------------------------------------------------------


def test_s3_1_soft_delete_hides_visits_and_restore_shows_them(api: Api, account_a: Account) -> None:
    api.upsert("ann@example.com")
    account_a.activity.record("ann@example.com", url="https://x.example/")
    api.ok("contact/delete", email="ann@example.com")
    hidden = activity(api, NOW_MS - HOUR_MS, NOW_MS, allVisits=True)
    assert (hidden["prospects"], hidden["allVisits"], hidden["visitStats"]) == ([], [], [])
    record = account_a.find("ann@example.com")
    assert record is not None
    assert account_a.activity.of(record) == []
    account_a.contacts.restore("ann@example.com")
    assert len(full(api, "ann@example.com")["contactVisits"]) == 1
    assert len(activity(api, NOW_MS - HOUR_MS, NOW_MS)["prospects"]) == 1


def test_s3_3_permanent_delete_and_purge_drop_visits(
    api: Api, account_a: Account, clock: FrozenClock
) -> None:
    """A permanent delete, forget-me and the nightly purge (S3.4) drop the visits."""
    for email in ("ann@example.com", "bob@example.com", "cat@example.com"):
        api.upsert(email)
        account_a.activity.record(email, url="https://x.example/")
    api.ok("contact/delete", email="ann@example.com", permanently=True)
    account_a.contacts.forget("bob@example.com")
    api.ok("contact/delete", email="cat@example.com")
    clock.advance(timedelta(days=1))
    account_a.run_due_purge()
    assert dump_area(account_a, "activity") == []
    api.upsert("ann@example.com")  # a new card with the address starts with no visits
    assert full(api, "ann@example.com")["contactVisits"] == []


# --- recentActivity -------------------------------------------------------------------------


def _traffic(api: Api, account: Account) -> dict[str, str]:
    ids = {
        "cus": api.upsert("cus@example.com", contact={"state": "CUSTOMER", "name": "Cus"}),
        "par": api.upsert("par@example.com", contact={"state": "PARTNER"}),
        "pro": api.upsert("pro@example.com"),
        "oth": api.upsert("oth@example.com", contact={"state": "OTHER"}),
        "idle": api.upsert("idle@example.com"),
    }
    record = account.activity.record
    record("cus@example.com", url="https://x.example/1", at=NOW - timedelta(minutes=50),
           duration_seconds=10, points=2, ip="198.51.100.1")  # fmt: skip
    record("cus@example.com", url="https://x.example/2", at=NOW - timedelta(minutes=10),
           duration_seconds=20, points=1, source="email", ip="198.51.100.2")  # fmt: skip
    record("par@example.com", url="https://x.example/3", at=NOW - timedelta(minutes=30))
    record("pro@example.com", url="https://x.example/4", at=NOW, source="search")
    record("oth@example.com", url="https://x.example/5", at=NOW - timedelta(minutes=20))
    record(None, url="https://x.example/6", at=NOW - timedelta(minutes=40), ip="192.0.2.9")
    record("pro@example.com", url="https://x.example/old", at=NOW - timedelta(days=2))
    return ids


def test_s16_1_recent_activity_answers_from_the_visits(api: Api, account_a: Account) -> None:
    """§6 recentActivity: visiting live contacts by state (customers, partners,
    prospects; OTHER only in allVisits), anonymous visits, counts; the range is
    inclusive and visits outside it are left out; no ip without ipDetails."""
    ids = _traffic(api, account_a)
    answer = activity(api, NOW_MS - HOUR_MS, NOW_MS)
    assert (answer["from"], answer["to"]) == (NOW_MS - HOUR_MS, NOW_MS)
    assert (answer["totalContacts"], answer["monitoredContacts"]) == (5, 5)
    assert answer["customers"] == [
        {
            "contactId": ids["cus"],
            "email": "cus@example.com",
            "name": "Cus",
            "state": "CUSTOMER",
            "score": 3,
            "visits": 2,
            "duration": 30,
            "points": 3,
            "firstVisit": NOW_MS - 50 * 60_000,
            "lastVisit": NOW_MS - 10 * 60_000,
            "lastUrl": "https://x.example/2",
        }
    ]
    assert [c["email"] for c in answer["partners"]] == ["par@example.com"]
    assert [(c["email"], c["visits"]) for c in answer["prospects"]] == [("pro@example.com", 1)]
    (anonymous,) = answer["anonymous"]
    assert anonymous["url"] == "https://x.example/6"
    assert anonymous["date"] == NOW_MS - 40 * 60_000
    assert "ip" not in anonymous
    assert "contactId" not in anonymous
    assert answer["allVisits"] == []


def test_s16_1_all_visits_and_ip_details(api: Api, account_a: Account) -> None:
    ids = _traffic(api, account_a)
    answer = activity(api, NOW_MS - HOUR_MS, NOW_MS, allVisits=True, ipDetails=True)
    visits = answer["allVisits"]
    assert [v["url"][-1] for v in visits] == ["1", "6", "3", "5", "2", "4"]
    assert [v["contactId"] for v in visits][:2] == [ids["cus"], None]
    assert visits[0]["email"] == "cus@example.com"
    assert visits[0]["ip"] == "198.51.100.1"
    assert visits[1]["email"] is None
    assert answer["anonymous"][0]["ip"] == "192.0.2.9"
    assert answer["customers"][0]["ip"] == "198.51.100.2"


def test_s16_2_visit_stats_by_source_hour_and_weekday(api: Api, account_a: Account) -> None:
    """visitStats: per source (most visits first), per hour of day and per weekday in
    the account's time zone (Europe/Warsaw: 10:00 UTC is 11:00), with percent and the
    group's last visit."""
    _traffic(api, account_a)
    stats = activity(api, NOW_MS - HOUR_MS, NOW_MS)["visitStats"]
    by_source = [(s["name"], s["visits"], s["percent"]) for s in stats if s["type"] == "SOURCE"]
    assert by_source == [("DIRECT", 4, 66.67), ("EMAIL", 1, 16.67), ("SEARCH", 1, 16.67)]
    hours = [(s["name"], s["visits"], s["lastVisit"]) for s in stats if s["type"] == "HOUR"]
    assert hours == [("10", 5, NOW_MS - 10 * 60_000), ("11", 1, NOW_MS)]
    weekdays = [(s["name"], s["visits"], s["percent"]) for s in stats if s["type"] == "WEEKDAY"]
    assert weekdays == [("THURSDAY", 6, 100.0)]


def test_s16_1_recent_activity_iso_range_and_empty_range(api: Api, account_a: Account) -> None:
    """§14: ISO-8601 ``from``/``to``; a range with no visits answers empty lists."""
    _traffic(api, account_a)
    iso = api.ok(ACTIVITY, **{"from": "2026-01-15T10:00:00+00:00", "to": NOW_MS})
    assert [c["email"] for c in iso["recentActivity"]["prospects"]] == ["pro@example.com"]
    empty = activity(api, NOW_MS + 1, NOW_MS + HOUR_MS, allVisits=True)
    assert all(empty[key] == [] for key in ("customers", "anonymous", "allVisits", "visitStats"))
    assert empty["totalContacts"] == 5


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


def test_s1_2_visits_belong_to_one_account(api: Api, api_b: Api, account_a: Account) -> None:
    _traffic(api, account_a)
    answer = activity(api_b, NOW_MS - HOUR_MS, NOW_MS, allVisits=True)
    assert answer["allVisits"] == answer["anonymous"] == answer["visitStats"] == []


def test_s16_1_sdk_recent_activity_from_visits(
    sm: SalesManago, api: Api, account_a: Account
) -> None:
    """The SDK's RecentActivity keeps the items as plain JSON objects."""
    ids = _traffic(api, account_a)
    result = sm.activity.recent(NOW - timedelta(hours=1), NOW, all_visits=True)
    assert [c["contactId"] for c in result.customers] == [ids["cus"]]
    assert [c["email"] for c in result.partners] == ["par@example.com"]
    assert len(result.anonymous) == 1
    assert len(result.all_visits) == 6
    assert {s["type"] for s in result.visit_stats} == {"SOURCE", "HOUR", "WEEKDAY"}
    assert (result.total_contacts, result.monitored_contacts) == (5, 5)


async def test_s16_1_async_sdk_recent_activity_from_visits(
    asm: AsyncSalesManago, api: Api, account_a: Account
) -> None:
    _traffic(api, account_a)
    result = await asm.activity.recent(NOW - timedelta(hours=1), NOW, ip_details=True)
    assert result.all_visits == ()
    assert result.customers[0]["ip"] == "198.51.100.2"
    assert result.prospects[0]["email"] == "pro@example.com"


def test_export_data_visits_type_lists_the_contact_visits(
    sm: SalesManago, account_a: Account
) -> None:
    """§6 export/data ``VISITS`` adds ``contactVisits`` (the same items as the card)."""
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    account_a.activity.record("ann@example.com", url="https://x.example/", duration_seconds=9)
    file = sm.exports.contact_data(["ann@example.com"], [ExportDataType.VISITS])
    (contact,) = file.json()["contacts"]
    assert [(v["url"], v["duration"]) for v in contact["contactVisits"]] == [
        ("https://x.example/", 9)
    ]


# --- area protocol ------------------------------------------------------------------------


def test_reset_and_snapshot_round_trip(emu: Emulator, api: Api, account_a: Account) -> None:
    """The state export keeps every visit (anonymous too) in order; reset forgets
    them; an import brings them back, reports included."""
    _traffic(api, account_a)
    state = dump_area(account_a, "activity")
    assert len(state) == 7
    before = activity(api, NOW_MS - HOUR_MS, NOW_MS, allVisits=True, ipDetails=True)
    exported = emu.export_state()
    account_a.activity.reset()
    assert dump_area(account_a, "activity") == []
    emu.import_state(exported)
    assert dump_area(emu.account(A_ID), "activity") == state
    assert activity(api, NOW_MS - HOUR_MS, NOW_MS, allVisits=True, ipDetails=True) == before
    assert emu.export_state() == exported
    assert dump_area(emu.account(B_ID), "activity") == []


def test_account_reset_forgets_visits(api: Api, account_a: Account) -> None:
    _traffic(api, account_a)
    account_a.reset()
    assert dump_area(account_a, "activity") == []
    assert account_a.activity.anonymous == ()


def test_visit_date_defaults_to_the_injected_clock(
    api: Api, account_a: Account, clock: FrozenClock
) -> None:
    api.upsert("ann@example.com")
    clock.advance(timedelta(hours=2))
    visit = account_a.activity.record("ann@example.com", url="https://x.example/")
    assert visit is not None
    assert visit.at == NOW + timedelta(hours=2)
    assert visit.at.tzinfo is not None
    assert visit.at.astimezone(timezone.utc) == datetime(2026, 1, 15, 12, tzinfo=timezone.utc)
