"""The visits' control operations (S16.1, S2.8): ``visits/record`` and ``visits``.

Visits from Python, raw JSON and the SDK are in ``tests/emulator/{state,routes}/test_*_activity.py``
and ``tests/sdk/areas/test_area_activity.py``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from control_helpers import refusal
from routes_helpers import A_ID, NOW, Api

from salesmanago_emulator import Account, Emulator
from salesmanago_emulator.control import ControlError
from salesmanago_emulator.snapshot import dump_area


def test_control_visits_record_and_list(emu: Emulator, api: Api) -> None:
    """/_emulator/visits/record: contact (absent: anonymous), url, date, duration,
    source, sourceDetail, points, ip; /_emulator/visits lists them."""
    contact_id = api.upsert("ann@example.com")
    answer = emu.control(
        "visits/record",
        {
            "clientId": A_ID,
            "contact": "ann@example.com",
            "url": "https://x.example/p",
            "date": "2026-01-15T09:30:00+00:00",
            "duration": "12",
            "source": "referral",
            "sourceDetail": "blog.example",
            "points": 4,
            "ip": "192.0.2.1",
        },
    )
    assert answer["recorded"] is True
    visit = answer["visit"]
    assert visit["contactId"] == contact_id
    assert visit["date"] == "2026-01-15T09:30:00+00:00"
    assert (visit["duration"], visit["source"], visit["points"]) == (12, "REFERRAL", 4)
    anonymous = emu.control("visits/record", {"url": "https://x.example/q"})["visit"]
    assert anonymous["contactId"] is None
    assert anonymous["date"] == NOW.isoformat()
    listed = emu.control("visits", {"contact": contact_id})["visits"]
    assert [v["id"] for v in listed] == [visit["id"]]
    assert [v["id"] for v in emu.control("visits")["visits"]] == [anonymous["id"]]
    (card,) = api.ok("contact/listAll", email=["ann@example.com"])["contacts"]
    assert card["score"] == 4


def test_s2_8_control_visits_record_on_a_stopped_contact(
    emu: Emulator, api: Api, account_a: Account
) -> None:
    """S2.8 through the control API: nothing recorded, said with ``recorded: false``."""
    api.upsert("ann@example.com")
    account_a.contacts.stop_monitoring("ann@example.com")
    answer = emu.control("visits/record", {"contact": "ann@example.com", "url": "https://x/"})
    assert answer == {"recorded": False, "visit": None}


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"contact": "ann@example.com"}, 400, "Field 'url' is required"),
        ({"contact": "nobody@example.com", "url": "u"}, 404, "Contact not found"),
        ({"url": "u", "duration": -5}, 400, "duration"),
        ({"url": "u", "date": "2026-01-15T09:30:00"}, 400, "timezone-aware"),
        ({"url": "u", "points": 1.5}, 400, "Field 'points' must be an integer"),
        ({"url": "u", "clientId": "nope"}, 404, "nope"),
    ],
)
def test_control_visits_record_refusals(
    emu: Emulator, api: Api, body: dict[str, Any], status: int, message: str
) -> None:
    api.upsert("ann@example.com")
    with pytest.raises(ControlError, match=message) as caught:
        emu.control("visits/record", body)
    assert caught.value.status == status
    assert dump_area(emu.account(A_ID), "activity") == []


def test_s16_1_control_visits_record_with_user_agent_and_stats(emu: Emulator, api: Api) -> None:
    """visits/record takes userAgent, device, os, browser; visits/stats answers the
    groups with counts, percentages (exact decimals) and last visits."""
    api.upsert("ann@example.com")
    agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1"
    first = emu.control(
        "visits/record", {"contact": "ann@example.com", "url": "https://x/", "userAgent": agent}
    )["visit"]
    assert (first["device"], first["os"], first["browser"]) == ("MOBILE", "IOS", "SAFARI")
    for _ in range(2):
        emu.control(
            "visits/record",
            {"contact": "ann@example.com", "url": "https://x/", "device": "desktop"},
        )
    stats = emu.control("visits/stats", {"clientId": A_ID, "contact": "ann@example.com"})
    assert (stats["visits"], stats["lastVisit"]) == (3, NOW.isoformat())
    assert stats["devices"] == [
        {"name": "DESKTOP", "visits": 2, "percent": Decimal("66.67"), "lastVisit": NOW.isoformat()},
        {"name": "MOBILE", "visits": 1, "percent": Decimal("33.33"), "lastVisit": NOW.isoformat()},
    ]
    assert [g["name"] for g in stats["operatingSystems"]] == ["UNKNOWN", "IOS"]
    assert [g["name"] for g in stats["browsers"]] == ["UNKNOWN", "SAFARI"]
    later = emu.control(
        "visits/stats", {"contact": "ann@example.com", "from": "2026-01-16T00:00:00+00:00"}
    )
    assert (later["visits"], later["lastVisit"], later["devices"]) == (0, None, [])


def test_s16_2_control_contacts_histograms(emu: Emulator, api: Api) -> None:
    api.upsert("ann@example.com")
    emu.control("visits/record", {"contact": "ann@example.com", "url": "https://x/"})
    answer = emu.control("contacts/histograms", {"contact": "ann@example.com"})
    assert answer["sources"] == ["VISITS", "EMAIL_OPENS", "EXTERNAL_EVENTS"]
    assert answer["total"] == 1
    assert answer["hourly"][11] == 1  # 10:00 UTC in Europe/Warsaw
    assert answer["weekly"] == [0, 0, 0, 1, 0, 0, 0]  # a Thursday
    none = emu.control(
        "contacts/histograms", {"contact": "ann@example.com", "sources": "EXTERNAL_EVENTS"}
    )
    assert (none["sources"], none["total"]) == (["EXTERNAL_EVENTS"], 0)


@pytest.mark.parametrize(
    ("operation", "body", "status", "text"),
    [
        ("visits/stats", {"contact": "nobody@example.com"}, 404, "Contact not found"),
        ("visits/stats", {"contact": "ann@example.com", "to": "2026-01-16"}, 400, "Field 'to'"),
        (
            "contacts/histograms",
            {"contact": "ann@example.com", "sources": ["X"]},
            400,
            "Field 'sources'",
        ),
        ("contacts/histograms", {}, 400, "Field 'contact' is required"),
        ("visits/record", {"contact": "ann@example.com", "url": "u", "os": 3}, 400, "Field 'os'"),
    ],
)
def test_s16_control_card_activity_refusals(
    emu: Emulator, api: Api, operation: str, body: dict[str, Any], status: int, text: str
) -> None:
    api.upsert("ann@example.com")
    got_status, message = refusal(emu, operation, body)
    assert (got_status, message[: len(text)]) == (status, text), message
    assert emu.control("visits", {"contact": "ann@example.com"})["visits"] == []
