"""Visits on the card and recentActivity over raw JSON (protocol §6, §13.6, §14; semantics
S16.1, S16.2, S3.1, S1.2)."""

from __future__ import annotations

from datetime import timedelta

from activity_helpers import ACTIVITY, HOUR_MS, _traffic, activity, full
from exports_helpers import _seed
from routes_helpers import NOW, NOW_MS, Api

from salesmanago_emulator import Account


def test_s16_1_recent_activity_counts_without_owner(api: Api, api_b: Api) -> None:
    """§6 recentActivity, §14 (no owner): the range echoed in ms, live contacts counted
    (S3.1), monitored ones (S2.8); no visits are recorded, so the lists are empty."""
    from routes_helpers import OMIT

    _seed(api, "a@example.com", "b@example.com", "c@example.com")
    api.ok("contact/delete", email="c@example.com")
    api.ok(
        "contact/stopMonitoring",
        contacts=[{"addresseeType": "EMAIL", "value": "b@example.com"}],
    )
    _seed(api_b, "other@example.com")
    answer = api.ok(ACTIVITY, owner=OMIT, **{"from": NOW_MS - 3_600_000, "to": NOW_MS})
    activity = answer["recentActivity"]
    assert activity == {
        "from": NOW_MS - 3_600_000,
        "to": NOW_MS,
        "monitoredContacts": 1,
        "totalContacts": 2,
        "customers": [],
        "partners": [],
        "prospects": [],
        "anonymous": [],
        "allVisits": [],
        "visitStats": [],
    }


def test_recent_activity_range_checks(api: Api) -> None:
    """§13.2 dates: ISO-8601 accepted; ``to`` before ``from`` and bad flags refused."""
    iso = api.ok(ACTIVITY, **{"from": "2026-01-15T09:00:00+00:00", "to": NOW_MS})
    assert iso["recentActivity"]["from"] == NOW_MS - 3_600_000
    assert api.fail(ACTIVITY, **{"from": NOW_MS, "to": NOW_MS - 1}) == [
        "Field 'to' must not be before 'from'"
    ]
    assert api.fail(ACTIVITY, **{"from": NOW_MS}) == ["Field 'to' is required"]
    assert api.fail(ACTIVITY, **{"from": NOW_MS, "to": NOW_MS, "allVisits": "yes"}) == [
        "Field 'allVisits' must be a boolean"
    ]


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


def test_s1_2_visits_belong_to_one_account(api: Api, api_b: Api, account_a: Account) -> None:
    _traffic(api, account_a)
    answer = activity(api_b, NOW_MS - HOUR_MS, NOW_MS, allVisits=True)
    assert answer["allVisits"] == answer["anonymous"] == answer["visitStats"] == []
