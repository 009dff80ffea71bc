"""The messages' control operations (S11; protocol §8.6), over HTTP: set up a message,
read the records, and simulate opens, clicks, bounces and complaints."""

from __future__ import annotations

from control_helpers import ok, refused, signed_a
from messages_helpers import (
    EXPECTED,
    HTML,
    MIXED,
    VALID,
    addressees,
    arrange_mixed,
    statuses,
)
from routes_helpers import A_ID, A_OWNER
from server_helpers import request

from salesmanago_emulator import Account, EmulatorServer


def _send(server: EmulatorServer, email_id: str, *emails: str, **fields: object) -> str:
    status, envelope = request(
        server.url,
        "/api/email/sendEmail",
        signed_a(emailId=email_id, contacts=addressees(*emails), html=HTML, **fields),
    )
    assert (status, envelope["success"]) == (200, True), envelope
    return str(envelope["conversationId"])


def test_email_templates_create_gives_an_email_id_to_send(
    server: EmulatorServer, account_a: Account
) -> None:
    """``email/templates/create {clientId?, emailId?, name?, subject?} -> {emailId}``."""
    created = ok(
        server,
        "email/templates/create",
        {"clientId": A_ID, "emailId": "e-1", "name": "Welcome", "subject": "Hi"},
    )
    assert created["emailId"] == "e-1"
    message = account_a.messages.email("e-1")
    assert (message.name, message.subject, message.user) == ("Welcome", "Hi", A_OWNER)
    assert ok(server, "email/templates/create")["emailId"] != "e-1"


def test_messages_lists_the_records_of_a_send_over_the_server(
    server: EmulatorServer, account_a: Account
) -> None:
    """The issue's first "Done when" line over a real socket: each recipient's status."""
    email_id = arrange_mixed(account_a, A_OWNER)
    conversation_id = _send(server, email_id, *MIXED)
    answer = ok(server, "messages", {"conversationId": conversation_id})
    assert {m["address"]: m["status"] for m in answer["messages"]} == EXPECTED
    assert answer["conversation"]["skipped"] == ["nobody@example.com"]
    (mine,) = ok(server, "messages", {"contact": VALID})["messages"]
    assert mine["conversationId"] == conversation_id


def test_open_click_bounce_and_complaint(server: EmulatorServer, account_a: Account) -> None:
    """The recipient's side: open and click a delivered message, a soft bounce, and a
    complaint (S10.2 FEEDBACK_COMPL) on another."""
    email_id = arrange_mixed(account_a, A_OWNER)
    _send(server, email_id, VALID)
    (first,) = account_a.messages.of(account_a.find_live(VALID))
    opened = ok(server, "messages/open", {"messageId": first.id})["record"]
    assert len(opened["opens"]) == 1
    clicked = ok(
        server,
        "messages/click",
        {"messageId": first.id, "url": "https://x.example", "date": "2026-01-15T11:00:00+00:00"},
    )["record"]
    assert clicked["clicks"] == [{"at": "2026-01-15T11:00:00+00:00", "url": "https://x.example"}]
    assert ok(server, "messages/complaint", {"messageId": first.id})["optedOut"] is True
    assert account_a.find_live(VALID).opt_history[-1].source == "FEEDBACK_COMPL"
    assert (
        ok(server, "messages/bounce", {"messageId": first.id, "kind": "soft"})["record"]["status"]
        == "SF"
    )
    assert refused(server, "messages/bounce", {"messageId": first.id, "kind": "hard"}) == (
        400,
        f"Message {first.id} is SF: it cannot be bounced",
    )
    assert refused(server, "messages/open", {"messageId": "nope"})[0] == 400


def test_hard_bounce_marks_the_card_invalid(server: EmulatorServer, account_a: Account) -> None:
    """HF marks the card invalid through the opt-in area (S2.6)."""
    email_id = arrange_mixed(account_a, A_OWNER)
    _send(server, email_id, VALID)
    (message,) = account_a.messages.of(account_a.find_live(VALID))
    ok(server, "messages/bounce", {"messageId": message.id, "kind": "hard"})
    assert account_a.find_live(VALID).invalid
    assert statuses(account_a)[VALID] == ["HF"]


def test_cancel_a_queued_send_and_campaign_and_company_reads(
    server: EmulatorServer, account_a: Account
) -> None:
    """``messages/cancel``; ``messages`` by campaign; ``companies`` shows mailings."""
    email_id = arrange_mixed(account_a, A_OWNER)
    request(
        server.url,
        "/api/contact/upsert",
        signed_a(contact={"email": "p@acme.example", "company": "Acme"}, forceOptIn=True),
    )
    queued = _send(
        server, email_id, VALID, "p@acme.example", date="2030-01-01T00:00:00Z", campaign="Spring"
    )
    assert ok(server, "messages/cancel", {"conversationId": queued})["cancelled"] == 2
    by_campaign = ok(server, "messages", {"campaign": "spring"})["messages"]
    assert [m["status"] for m in by_campaign] == ["C", "C"]
    company = ok(server, "companies", {"name": "acme"})["company"]
    assert [m["address"] for m in company["mailings"]] == ["p@acme.example"]
    assert ok(server, "messages", {"company": "acme"})["messages"] == company["mailings"]
