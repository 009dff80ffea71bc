"""The cards' control operations: ``contact``, ``contacts`` and ``purge`` (over HTTP)."""

from __future__ import annotations

from control_helpers import ok, refused, signed_a, upsert
from routes_helpers import A_ID
from server_helpers import request

from salesmanago_emulator import EmulatorServer


def test_contact_and_contacts_views(server: EmulatorServer) -> None:
    contact_id = upsert(server, "a@example.com", name="Ann")
    card = ok(server, "contact", {"contact": "A@example.com"})["contact"]
    assert (card["id"], card["name"], card["score"]) == (contact_id, "Ann", 0)
    assert ok(server, "contact", {"contact": contact_id})["contact"]["email"] == "a@example.com"
    assert refused(server, "contact", {"contact": "nobody@example.com"})[0] == 404
    assert refused(server, "contact", {"clientId": "nope", "contact": "a@example.com"})[0] == 404
    assert [c["email"] for c in ok(server, "contacts")["contacts"]] == ["a@example.com"]


def test_purge_now_after_the_clock_passes_two_oclock(server: EmulatorServer) -> None:
    upsert(server, "gone@example.com")
    upsert(server, "kept@example.com")
    request(server.url, "/api/contact/delete", signed_a(email="gone@example.com"))
    assert ok(server, "purge")["purged"] == []  # 02:00 has not come yet
    deleted = ok(server, "contacts", {"includeDeleted": True})["contacts"]
    assert [(c["email"], c.get("deleted", False)) for c in deleted] == [
        ("gone@example.com", True),
        ("kept@example.com", False),
    ]
    assert deleted[0]["purgeAt"] == "2026-01-16T01:00:00+00:00"  # 02:00 in Warsaw
    ok(server, "clock/set", {"now": "2026-01-16T01:00:00+00:00"})
    purged = ok(server, "purge", {"clientId": A_ID})["purged"]
    assert [p["email"] for p in purged] == ["gone@example.com"]
    assert [c["email"] for c in ok(server, "contacts", {"includeDeleted": "true"})["contacts"]] == [
        "kept@example.com"
    ]
