"""Raw-JSON helpers for the route tests: no SDK, auth bodies built by hand."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import httpx

from salesmanago_emulator import Account, Emulator, FrozenClock

NOW = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
NOW_MS = 1_768_471_200_000
URL = "https://app3.salesmanago.pl"

A_ID, A_SECRET = "clienta000000001", "secret-a"
A_OWNER, A_SECOND = "owner@a.example.com", "second@a.example.com"
B_ID, B_SECRET = "clientb000000002", "secret-b"
B_OWNER = "owner@b.example.com"

OMIT = object()
"""Pass as a field value to leave the key out of the body."""


def new_emulator(clock: FrozenClock | None = None) -> Emulator[FrozenClock]:
    """Accounts A (two users) and B (one user) on ``clock`` (default: frozen at ``NOW``)."""
    emulator = Emulator(clock=clock if clock is not None else FrozenClock(NOW))
    emulator.add_account(client_id=A_ID, api_secret=A_SECRET, users=[A_OWNER, A_SECOND])
    emulator.add_account(client_id=B_ID, api_secret=B_SECRET, users=[B_OWNER])
    return emulator


def sha(api_key: str, client_id: str, secret: str) -> str:
    """The request signature (protocol §2.2)."""
    return hashlib.sha1((api_key + client_id + secret).encode()).hexdigest()


class Api:
    """Posts raw JSON bodies for one account and owner."""

    def __init__(self, http: httpx.Client, client_id: str, secret: str, owner: str) -> None:
        self.http = http
        self.client_id = client_id
        self.secret = secret
        self.owner = owner

    def body(self, **fields: Any) -> dict[str, Any]:
        """Auth fields plus ``fields``; a value of OMIT removes the key."""
        api_key = "key-123"
        body: dict[str, Any] = {
            "clientId": self.client_id,
            "apiKey": api_key,
            "requestTime": NOW_MS,
            "sha": sha(api_key, self.client_id, self.secret),
            "owner": self.owner,
        }
        body.update(fields)
        return {k: v for k, v in body.items() if v is not OMIT}

    def send(self, path: str, body: Any) -> httpx.Response:
        """POST ``body`` (a dict, or raw bytes) to ``/api/<path>``."""
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.http.post(
            f"{URL}/api/{path}", content=content, headers={"Content-Type": "application/json"}
        )

    def post(self, path: str, **fields: Any) -> dict[str, Any]:
        """POST an authenticated body; expects HTTP 200 and returns the envelope."""
        response = self.send(path, self.body(**fields))
        assert response.status_code == 200, response.text
        envelope = response.json()
        assert isinstance(envelope["success"], bool)
        assert isinstance(envelope["message"], list)
        return envelope

    def ok(self, path: str, **fields: Any) -> dict[str, Any]:
        """POST and expect ``success: true``."""
        envelope = self.post(path, **fields)
        assert envelope["success"] is True, envelope
        return envelope

    def fail(self, path: str, **fields: Any) -> list[str]:
        """POST and expect ``success: false``; returns the messages."""
        envelope = self.post(path, **fields)
        assert envelope["success"] is False, envelope
        assert envelope["message"], envelope
        return list(envelope["message"])

    def upsert(self, email: str, **fields: Any) -> str:
        """Upsert a contact with ``email``; returns its id."""
        contact = {"email": email, **fields.pop("contact", {})}
        return str(self.ok("contact/upsert", contact=contact, **fields)["contactId"])


def snapshot(account: Account) -> Any:
    """Everything observable about an account's contacts, to prove "no state change"."""
    cards = []
    for r in account.all_contacts():
        cards.append(
            (
                r.id,
                r.email,
                r.name,
                r.phone,
                r.company,
                r.state,
                r.deleted,
                r.opted_out,
                r.opted_out_phone,
                r.monitored,
                r.main_owner,
                dict(r.owners),
                {t: (e.score, e.created_on) for t, e in r.tags.items()},
                dict(r.properties),
                r.modified_on,
            )
        )
    return sorted(cards), [(t.tag, t.count) for t in account.tags.list()]


# --- exact numbers: bodies as JSON text, answers read with Decimal ----------------------


def raw(api: Api, path: str, text: str) -> dict[str, Any]:
    """POST the auth fields plus ``text``, JSON text of the other keys (numbers kept as
    written, e.g. a ``contactEvent``); the answer with its numbers read as Decimal."""
    auth = json.dumps(api.body())[:-1]
    response = api.send(path, f"{auth}, {text}}}".encode())
    assert response.status_code == 200, response.text
    return dict(json.loads(response.content, parse_float=Decimal))


def full(api: Api, email: str = "jan@example.com") -> dict[str, Any]:
    """The full contact ``email`` (``contact/list``), its numbers read as Decimal."""
    response = api.send("contact/list", api.body(email=[email]))
    [contact] = json.loads(response.content, parse_float=Decimal)["contacts"]
    return dict(contact)
