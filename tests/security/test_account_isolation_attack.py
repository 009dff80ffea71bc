"""S1.2 under attack: a client of account B aims every route at account A's identifiers.

Account A is filled with rich data (contacts with tags, details, consents,
owners, a soft-deleted one; events with externalIds; coupons, used and not;
notes, private and not; tasks; a funnel with stages; finished export jobs),
and every identifier it got is collected (:class:`security_helpers.Identifiers`).
Then B sends, to EVERY route of ``ALL_ROUTES``, the valid request shapes of
:data:`security_helpers.SAMPLES` with each identifier field set to one of A's,
as B's owner, as A's owner (``owner``, and ``user`` where a route reads it),
and with A's ``clientId`` under B's signature.

For every request, from a fresh copy of the seeded state (``import_state``):

- the answer is a well-formed envelope, never a 5xx;
- A's exported state is byte-for-byte the same afterwards;
- no answer to B, no export file B can fetch, and nothing in B's own state
  holds an identifier of A that B did not send itself (an echo of the key B
  sent is no leak; A's e-mail next to the id B sent is);
- a request naming one of A's users as owner, or A's client id, is refused.

A route with no attack body fails (a plain failure, neither skipped nor
xfailed): new routes cannot slip through unattacked. No hypothesis here: the
bodies are enumerated (338 request sequences, about 1 100 requests, ~3 s).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from routes_helpers import A_ID, A_OWNER, B_ID, B_OWNER, B_SECRET, OMIT, URL, Api
from security_helpers import (
    SAMPLES,
    Identifiers,
    check_envelope,
    new_emulator,
    seed_account,
    state_text,
    strings_in,
)

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.routes import ALL_ROUTES

ROUTES = {route.path: route for route in ALL_ROUTES}


def _route_params() -> list[Any]:
    """Every served route, plainly: one with no attack body fails its test."""
    return [pytest.param(path, id=path.removeprefix("/api/")) for path in sorted(ROUTES)]


Seeded = tuple[dict[str, Any], Identifiers, str]


@pytest.fixture(scope="module")
def seeded() -> Seeded:
    """A's rich data: (the whole exported state, A's identifiers, A's state text)."""
    emulator = new_emulator()
    with httpx.Client(transport=emulator.transport()) as http:
        api = Api(http, A_ID, "secret-a", A_OWNER)
        ids = seed_account(api, emulator)
    return emulator.export_state(), ids, state_text(emulator, A_ID)


def _fresh(seeded: Seeded) -> Emulator[FrozenClock]:
    emulator = new_emulator()
    emulator.import_state(seeded[0])
    return emulator


def test_seeded_state_round_trips(seeded: Seeded) -> None:
    """The attack's baseline: an import of A's exported state exports the same text."""
    assert state_text(_fresh(seeded), A_ID) == seeded[2]


class Attack:
    """B's requests in one fresh emulator, checked for leaks as they go."""

    def __init__(
        self,
        emulator: Emulator[FrozenClock],
        http: httpx.Client,
        secrets: set[str],
        api: Api | None = None,
    ) -> None:
        self.emulator = emulator
        self.api = api if api is not None else Api(http, B_ID, B_SECRET, B_OWNER)
        self.http = http
        self.secrets = {s.lower() for s in secrets}
        self.sent: list[str] = []

    def leaks(self, text: str) -> list[str]:
        """A's identifiers in ``text`` that B did not send."""
        low = text.lower()
        return sorted(
            s for s in self.secrets if s in low and not any(s in sent for sent in self.sent)
        )

    def send(self, path: str, fields: dict[str, Any]) -> dict[str, Any]:
        body = self.api.body(**fields)
        self.sent.extend(s.lower() for s in strings_in(fields))
        response = self.api.send(path.removeprefix("/api/"), body)
        envelope = check_envelope(response.status_code, response.text)
        assert envelope is not None
        leaked = self.leaks(response.text)
        assert not leaked, f"{path} {fields} leaked {leaked}: {response.text[:800]}"
        url = envelope.get("fileUrl")
        if isinstance(url, str):
            assert A_ID.lower() not in url.lower(), url
            file = self.http.get(URL + url)
            assert file.status_code == 200, file.text
            leaked = self.leaks(file.text)
            assert not leaked, f"export file of {path} {fields} leaked {leaked}"
        return envelope


def _variants(path: str, fields: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """B's owner; A's owner; A's owner as ``user`` where the route reads one; A's client
    id with B's signature."""
    out = [
        ("b-owner", fields),
        ("a-owner", {**fields, "owner": A_OWNER}),
        ("a-client-id", {**fields, "clientId": A_ID}),
    ]
    if ROUTES[path].accepts_user:
        out.append(("a-user", {**fields, "owner": OMIT, "user": A_OWNER}))
    return out


@pytest.mark.parametrize("path", _route_params())
def test_s1_2_b_attacks_every_route_with_a_identifiers(path: str, seeded: Seeded) -> None:
    """S1.2: whatever of A's identifiers B sends to ``path``, A is untouched and unseen."""
    assert path in SAMPLES, f"no attack body for {path}: add one to security_helpers.SAMPLES"
    _, ids, a_before = seeded
    secrets = ids.secrets()
    sequences = SAMPLES[path](ids)
    assert sequences
    for sequence in sequences:
        *setup, last = sequence
        for label, fields in _variants(path, last):
            emulator = _fresh(seeded)
            with httpx.Client(transport=emulator.transport()) as http:
                attack = Attack(emulator, http, secrets)
                for step in setup:
                    step_fields = {k: v for k, v in step.items() if k != "_path"}
                    assert attack.send(str(step["_path"]), step_fields)["success"], step
                envelope = attack.send(path, fields)
            if label != "b-owner":
                assert envelope["success"] is False, (label, fields, envelope)
            assert state_text(emulator, A_ID) == a_before, f"{path} {label} {fields} changed A"
            b_state = state_text(emulator, B_ID)
            leaked = attack.leaks(b_state)
            assert not leaked, f"{path} {fields}: B's own state holds A's {leaked}"


def test_s1_2_b_counts_and_listings_are_empty(seeded: Seeded) -> None:
    """S1.2: nothing of A is countable or listed through B (fresh B, rich A)."""
    _, ids, a_before = seeded
    emulator = _fresh(seeded)
    window = {"from": 0, "to": 10**13}
    with httpx.Client(transport=emulator.transport()) as http:
        b = Api(http, B_ID, B_SECRET, B_OWNER)
        assert b.ok("contact/tags")["tags"] == []
        assert b.ok("v2/contact/tags")["tags"] == []
        assert b.ok("contact/createdContacts", **window)["createdContacts"] == []
        assert b.ok("contact/modifiedContacts", **window)["modifiedContacts"] == []
        page = b.ok("contact/paginatedModifiedContacts", page=0, size=1000, **window)
        assert page["modifiedContacts"] == []
        assert page["hasMore"] is False
        activity = b.ok("contact/recentActivity", **window)["recentActivity"]
        assert activity["totalContacts"] == 0
        assert activity["monitoredContacts"] == 0
        assert b.ok("user/listByClient")["users"] == [B_OWNER]
        assert b.ok("contact/basic", email=list(ids.emails))["contacts"] == []
        assert b.ok("contact/listAllById", contactId=list(ids.contact_ids))["contacts"] == []
        for funnel in ids.funnels:
            assert b.fail("funnel/count", funnel=funnel)
        request_id = b.ok("contact/paginatedContactList/export", page=0, size=1000)["requestId"]
        url = b.ok("job/status", requestId=request_id)["fileUrl"]
        assert json.loads(http.get(URL + url).text)["contacts"] == []
        # A's files are not reachable through B's path, nor with a guessed token.
        for request_id in ids.request_ids:
            for token in (*ids.job_tokens, "0" * 32):
                assert (
                    http.get(f"{URL}/api/job/file/{B_ID}/{request_id}/{token}").status_code == 404
                )
            assert http.get(f"{URL}/api/job/file/{A_ID}/{request_id}/{'0' * 32}").status_code == 404
    assert state_text(emulator, A_ID) == a_before


def test_s1_2_a_state_is_rich(seeded: Seeded) -> None:
    """The attack means something: A really holds every kind of identifier."""
    _, ids, _ = seeded
    for name in (
        "emails",
        "contact_ids",
        "tags",
        "event_ids",
        "event_external_ids",
        "coupons",
        "funnels",
        "note_ids",
        "task_ids",
        "request_ids",
        "job_tokens",
        "loyalty_programs",
    ):
        assert getattr(ids, name), name


def test_leak_detector_can_fail(seeded: Seeded) -> None:
    """The check is real: A reading its own card by id is flagged (the e-mail was not sent)."""
    _, ids, _ = seeded
    emulator = _fresh(seeded)
    with httpx.Client(transport=emulator.transport()) as http:
        attack = Attack(emulator, http, ids.secrets(), Api(http, A_ID, "secret-a", A_OWNER))
        with pytest.raises(AssertionError, match="leaked"):
            attack.send("/api/contact/listAllById", {"contactId": [ids.contact_ids[0]]})
        assert attack.leaks(state_text(emulator, A_ID))
