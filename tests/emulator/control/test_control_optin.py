"""The opt-in area's control operations (S10, protocol §5.2, §7): consents and forms,
double opt-in confirmations, the opt-in/opt-out history (over HTTP and in Python)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from control_helpers import ok, refused, signed_a, upsert
from routes_helpers import A_ID, B_ID
from server_helpers import request

from salesmanago_emulator import Emulator, EmulatorServer
from salesmanago_emulator.state.optin import CONFIRMATION_VALIDITY


def test_s10_1_consents_and_forms_created_and_listed(server: EmulatorServer) -> None:
    created = ok(server, "consents/create", {"name": " Newsletter ", "text": "Weekly"})
    assert created["consent"] == {"name": "Newsletter", "text": "Weekly"}
    ok(server, "consents/create", {"name": "Partners"})
    form = ok(server, "consents/forms/create", {"name": "Footer", "intId": 4})
    assert form["consentForm"] == {"intId": 4, "name": "Footer"}
    listed = ok(server, "consents", {"clientId": A_ID}, method="POST")
    assert listed["consents"] == [
        {"name": "Newsletter", "text": "Weekly"},
        {"name": "Partners", "text": None},
    ]
    assert listed["consentForms"] == [{"intId": 4, "name": "Footer"}]
    assert ok(server, "consents", {"clientId": B_ID})["consents"] == []
    status, message = refused(server, "consents/forms/create", {"name": "Again", "intId": 4})
    assert (status, message) == (400, "Field 'intId' is taken by consent form 'Footer'")


def test_s10_2_double_opt_in_round_trip_over_http(server: EmulatorServer, emu: Emulator) -> None:
    """Upsert with useApiDoubleOptIn -> pending -> consents/confirm -> opted in, with the
    history entry (source MESSAGE) readable from optin/history."""
    status, envelope = request(
        server.url,
        "/api/contact/upsert",
        signed_a(contact={"email": "jan@example.com"}, useApiDoubleOptIn=True),
    )
    assert (status, envelope["success"]) == (200, True)
    pending = ok(server, "consents/confirmations", {"status": "PENDING"})["confirmations"]
    assert [(c["email"], c["origin"], c["status"]) for c in pending] == [
        ("jan@example.com", "UPSERT", "PENDING")
    ]
    confirmed = ok(server, "consents/confirm", {"requestId": pending[0]["requestId"]})
    assert confirmed["confirmation"]["status"] == "CONFIRMED"
    assert confirmed["contact"]["optedOut"] is False
    history = ok(server, "optin/history", {"contact": "jan@example.com"}, method="POST")
    assert [(h["status"], h["source"]) for h in history["history"]] == [("OPT_IN", "MESSAGE")]
    assert history["history"][0]["at"] == emu.clock.now().isoformat()


def test_confirmations_expire_by_call_and_by_clock(server: EmulatorServer, emu: Emulator) -> None:
    upsert(server, "a@example.com")
    upsert(server, "b@example.com")
    for email in ("a@example.com", "b@example.com"):
        status, envelope = request(
            server.url, "/api/email/sendConfirmation", signed_a(email=email, lang="PL")
        )
        assert (status, envelope["success"]) == (200, True)
    expired = ok(server, "consents/expire", {"contact": "a@example.com"})["confirmation"]
    assert (expired["status"], expired["email"]) == ("EXPIRED", "a@example.com")
    emu.clock.advance(CONFIRMATION_VALIDITY + timedelta(seconds=1))  # type: ignore[attr-defined]
    listed = ok(server, "consents/confirmations", {"contact": "b@example.com"})["confirmations"]
    assert [(c["status"], c["resolvedAt"]) for c in listed] == [("EXPIRED", listed[0]["expiresAt"])]
    assert refused(server, "consents/confirm", {"contact": "b@example.com"}) == (
        400,
        "Field 'contact' names a contact with no pending confirmation",
    )
    assert emu.account(A_ID).find_live("b@example.com").opted_out


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("consents/confirm", {}, (400, "Field 'requestId' is required")),
        ("consents/confirm", {"requestId": "1"}, (400, "Field 'requestId' names no confirmation")),
        ("consents/expire", {"contact": "nobody@example.com"}, (404, "Contact not found")),
        ("consents/confirmations", {"status": "DONE"}, (400, "Field 'status' must be one of")),
        ("optin/history", {}, (400, "Field 'contact' is required")),
        ("optin/history", {"contact": "jan@example.com", "channel": "SMS"}, (400, "Field 'ch")),
        ("optin/change", {"contact": "jan@example.com"}, (400, "Field 'optedOut' is required")),
        (
            "optin/change",
            {"contact": "jan@example.com", "optedOut": True, "source": "X"},
            (400, ""),
        ),
    ],
)
def test_refusals_name_the_field_and_change_nothing(
    server: EmulatorServer, emu: Emulator, name: str, body: dict[str, object], expected: object
) -> None:
    upsert(server, "jan@example.com")
    before = emu.export_state()
    status, message = refused(server, name, body)
    assert (status, message[: len(expected[1])]) == expected  # type: ignore[index]
    assert emu.export_state() == before


def test_s10_2_optin_change_records_the_source(server: EmulatorServer, emu: Emulator) -> None:
    """S10.2: the UI (MANAGE), an unsubscribe link (MESSAGE), a complaint (FEEDBACK_COMPL)."""
    upsert(server, "jan@example.com")
    ok(server, "optin/change", {"contact": "jan@example.com", "optedOut": False})
    ok(
        server,
        "optin/change",
        {"contact": "jan@example.com", "optedOut": True, "source": "MESSAGE"},
    )
    card = ok(
        server,
        "optin/change",
        {"contact": "jan@example.com", "optedOut": False, "channel": "PHONE"},
    )["contact"]
    assert (card["optedOut"], card["optedOutPhone"]) == (True, False)
    history = emu.control("optin/history", {"contact": "jan@example.com", "channel": "EMAIL"})
    assert [(h["status"], h["source"]) for h in history["history"]] == [
        ("OPT_IN", "MANAGE"),
        ("OPT_OUT", "MESSAGE"),
    ]
