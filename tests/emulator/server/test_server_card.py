"""The card's behaviour over a real socket (seed 003 §5, §6, §9, [13], §14; S16): the
control operations a curl user reads a timeline, visit statistics, histograms, the
e-commerce summary and recommendations with, ``GET`` with query parameters included."""

from __future__ import annotations

from server_helpers import NOW, OWNER, request, signed

from salesmanago_emulator import EmulatorServer

AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36"


def test_s16_card_behaviour_through_the_control_api_over_http(server: EmulatorServer) -> None:
    url = server.url
    event = {"date": 1_768_471_200_000, "contactExtEventType": "PURCHASE", "products": "p1,p2"}
    status, answer = request(
        url,
        "/api/contact/addContactExtEvent",
        signed(email="ann@example.com", forceOptIn=True, contactEvent={**event, "value": 12.5}),
    )
    assert (status, answer["success"]) == (200, True)
    request(
        url,
        "/api/contact/addContactExtEvent",
        signed(email="bob@example.com", contactEvent={**event, "products": "p1,p3"}),
    )
    status, answer = request(
        url,
        "/_emulator/visits/record",
        {"contact": "ann@example.com", "url": "https://shop.example.com/", "userAgent": AGENT},
    )
    assert (status, answer["visit"]["browser"]) == (200, "CHROME")

    status, answer = request(
        url, "/_emulator/contacts/timeline?contact=ann@example.com", method="GET"
    )
    assert status == 200
    assert answer["timeline"][:2] == [
        {"kind": "CONTACT_CREATED", "date": NOW.isoformat(), "details": {"owner": OWNER}},
        {"kind": "EMAIL_OPTED_IN", "date": NOW.isoformat(), "details": {"source": "FROM_INIT"}},
    ]
    _, stats = request(url, "/_emulator/visits/stats?contact=ann@example.com", method="GET")
    assert stats["devices"] == [
        {"name": "DESKTOP", "visits": 1, "percent": 100.0, "lastVisit": NOW.isoformat()}
    ]
    _, found = request(
        url,
        "/_emulator/contacts/histograms?contact=ann@example.com&sources=VISITS,EXTERNAL_EVENTS",
        method="GET",
    )
    assert (found["sources"], found["total"], found["hourly"][11]) == (
        ["VISITS", "EXTERNAL_EVENTS"],
        2,
        2,
    )
    _, summary = request(url, "/_emulator/contacts/ecommerce?contact=ann@example.com", method="GET")
    assert (summary["totalValue"], summary["averageBasket"], summary["transactions"]) == (
        12.5,
        12.5,
        1,
    )
    _, recs = request(
        url, "/_emulator/contacts/recommendations?contact=ann@example.com&limit=3", method="GET"
    )
    assert recs["recommendations"]["BOUGHT_TOGETHER"] == [{"product": "p3", "score": 1.0}]
