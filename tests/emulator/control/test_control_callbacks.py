"""The callbacks' control operations (``/_emulator/callbacks...``, ``actions...``), in process."""

from __future__ import annotations

import json

import pytest
from callbacks_helpers import Receiver
from routes_helpers import A_OWNER, B_ID

from salesmanago_emulator import Account, Emulator
from salesmanago_emulator.control import CONTROL_TABLE, ControlError
from salesmanago_emulator.state import ContactWrite


def test_callbacks_operations_are_in_the_table() -> None:
    names = {operation.name for operation in CONTROL_TABLE.operations}
    assert {
        "callbacks",
        "callbacks/register",
        "callbacks/unregister",
        "callbacks/deliver",
        "callbacks/clear",
        "actions/register",
        "actions/unregister",
        "actions/fire",
    } <= names


def test_s10_3_register_list_deliver_clear_through_control(
    emu: Emulator, account_a: Account, receiver: Receiver
) -> None:
    answer = emu.control(
        "callbacks/register", {"kind": "opt_out", "url": receiver.url("/out"), "secret": "s3"}
    )
    assert answer == {"endpoint": {"kind": "OPT_OUT", "url": receiver.url("/out")}}
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl", force_opt_in=True), A_OWNER)
    account_a.optin.opt_out("jan@shop.pl")
    listing = emu.control("callbacks", {"pendingOnly": "true"})
    assert listing["endpoints"] == [{"kind": "OPT_OUT", "url": receiver.url("/out")}]
    assert "s3" not in json.dumps(listing)  # secrets are not listed
    [pending] = listing["outbox"]
    assert (pending["kind"], pending["delivered"], pending["attempts"]) == ("OPT_OUT", False, 0)
    delivered = emu.control("callbacks/deliver")
    assert (delivered["delivered"], delivered["failed"]) == (1, 0)
    assert json.loads(receiver.requests[0].body)["id"] == pending["id"]
    assert emu.control("callbacks", {"pendingOnly": True})["outbox"] == []
    assert emu.control("callbacks/clear", {"deliveredOnly": True}) == {"removed": 1}
    assert emu.control("callbacks/unregister", {"kind": "OPT_OUT"}) == {"removed": True}
    assert emu.control("callbacks")["endpoints"] == []


def test_s10_3_control_deliver_reports_failures(
    emu: Emulator, account_a: Account, receiver: Receiver
) -> None:
    emu.control("callbacks/register", {"kind": "OPT_IN", "url": receiver.url(), "secret": "s"})
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl", force_opt_in=True), A_OWNER)
    receiver.statuses.extend([500, 500])
    first = emu.control("callbacks/deliver")
    assert (first["delivered"], first["failed"]) == (0, 1)
    assert first["entries"][0]["lastError"] == f"HTTP 500 from {receiver.url()}"
    assert emu.control("callbacks/deliver")["entries"] == []  # one attempt each by default
    again = emu.control("callbacks/deliver", {"retryFailed": True, "maxAttempts": 2})
    assert (again["delivered"], again["entries"][0]["attempts"]) == (1, 3)


def test_s17_3_actions_through_control(emu: Emulator, account_b: Account) -> None:
    account_b.contacts.upsert(ContactWrite(email="jan@shop.pl"), "owner@b.example.com")
    registered = emu.control(
        "actions/register",
        {"clientId": B_ID, "url": "http://127.0.0.1:9/crm", "secret": "s", "kinds": "TASK"},
    )
    endpoint = registered["endpoint"]
    assert endpoint["kinds"] == ["TASK"]
    fired = emu.control(
        "actions/fire",
        {
            "clientId": B_ID,
            "kind": "task",
            "contact": "jan@shop.pl",
            "data": {"text": "Call", "date": "+2days"},
        },
    )
    [entry] = fired["entries"]
    assert entry["payload"]["data"]["dueDate"] == "2026-01-17"
    assert emu.control("callbacks", {"clientId": B_ID})["actions"] == [endpoint]
    assert emu.control("actions/unregister", {"clientId": B_ID, "id": endpoint["id"]}) == {
        "removed": True
    }


@pytest.mark.parametrize(
    ("name", "body", "status"),
    [
        ("callbacks/register", {"kind": "OPT_IN", "url": "ftp://x", "secret": "s"}, 400),
        ("callbacks/register", {"kind": "OPT_IN", "url": "http://127.0.0.1/"}, 400),
        ("callbacks/register", {"clientId": "nobody", "kind": "OPT_IN"}, 404),
        ("actions/fire", {"kind": "NOTE", "contact": "ghost@shop.pl", "data": {"text": "x"}}, 404),
        ("actions/fire", {"kind": "NOTE", "contact": "ghost@shop.pl", "data": [1]}, 400),
        ("actions/register", {"url": "http://127.0.0.1/", "secret": "s", "kinds": 3}, 400),
    ],
)
def test_control_refusals(emu: Emulator, name: str, body: dict[str, object], status: int) -> None:
    with pytest.raises(ControlError) as err:
        emu.control(name, body)
    assert err.value.status == status
