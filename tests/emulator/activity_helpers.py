"""Helpers of the visit and recent-activity tests of several layers (S16.1, S16.2;
protocol §6, §14): raw JSON as an account (``routes_helpers.Api``) and visits recorded
through the state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from routes_helpers import NOW, OMIT, Api

from salesmanago_emulator import Account

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


def _traffic(api: Api, account: Account) -> dict[str, str]:
    """Five contacts (customer, partner, prospect, other, idle) and seven visits: six in
    the hour before NOW (one anonymous), one two days before; the contacts' ids by key."""
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
