"""Snapshot of the messages area (S11): sending accounts, templates, messages, sends and
the cards' records; a queued send is queued again after an import.

The shared populated scenario holds no messages, so this module has a scenario of its own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, NOW, OWNERS, fresh, through_json

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.snapshot import SnapshotError, dump_area
from salesmanago_emulator.state import ContactWrite
from salesmanago_emulator.state.messages import Target

HTML = "<p>x</p>$opt-out$"


def _scenario() -> Emulator[FrozenClock]:
    emu = fresh()
    account = emu.account(CLIENT_ID)
    owner = OWNERS[0]
    for email in ("a@example.com", "b@example.com"):
        account.contacts.upsert(ContactWrite(email=email, force_opt_in=True), owner)
    account.contacts.upsert(ContactWrite(email="c@example.com"), owner)
    template = account.messages.add_template("<p>t</p>", name="Main")
    sender = account.messages.add_email_account("shop@example.com", "Shop")
    email = account.messages.add_email(
        "Hello", user=owner, html=HTML, email_account_id=sender.id, template_id=template.id
    )
    sent = account.messages.send_email(
        owner,
        [Target("EMAIL", e) for e in ("a@example.com", "c@example.com", "zz@example.com")],
        email_id=email.id,
        html=HTML,
        campaign="Spring",
    )
    first = account.messages.records(sent.id)[0]
    account.messages.click(first.id, "https://x.example")
    account.messages.send_email(
        owner, [Target("EMAIL", "b@example.com")], email_id=email.id, date=NOW + timedelta(days=1)
    )
    account.messages.send_sms(owner, [Target("EMAIL", "a@example.com")], text="Hi")
    return emu


def _exported() -> dict[str, Any]:
    return through_json(_scenario().export_state())


def test_messages_round_trip_and_a_queued_send_still_goes_out() -> None:
    data = _exported()
    saved = data["accounts"][0]["messages"]
    assert [r["status"] for r in saved["records"]] == ["SENT", "IE", "WFS", "OO"]
    target = fresh()
    target.import_state(data)
    account = target.account(CLIENT_ID)
    assert dump_area(account, "messages") == saved
    assert target.export_state() == data
    target.clock.advance(timedelta(days=2))
    b = account.find_live("b@example.com")
    assert [m.status for m in account.messages.of(b)] == ["SENT"]


def _mutated(change: Any) -> dict[str, Any]:
    data = _exported()
    change(data["accounts"][0]["messages"])
    return data


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (
            lambda m: m["records"][0].update(status="DELIVERED"),
            "accounts[0].messages.records[0].status",
            "must be one of FP, IE",
        ),
        (
            lambda m: m["conversations"][0].update(html="<p>no link</p>"),
            "accounts[0].messages.conversations[0].html",
            "must contain the $opt-out$ link",
        ),
        (
            lambda m: m["records"][1].update(conversationId="nope"),
            "accounts[0].messages.records[1].conversationId",
            "names no conversation of the account",
        ),
        (
            lambda m: m["emails"][0].update(user="stranger@example.com"),
            "accounts[0].messages.emails[0].user",
            "must be a user",
        ),
        (
            lambda m: m["records"][0].update(contactId="no-card"),
            "accounts[0].messages.records[0].contactId",
            "",
        ),
        (
            lambda m: m.update(extra=[]),
            "accounts[0].messages.extra",
            "is not a key of the messages area",
        ),
    ],
)
def test_bad_values_are_refused_by_path_and_change_nothing(
    change: Any, path: str, problem: str
) -> None:
    data = _mutated(change)
    target = fresh()
    target.account(CLIENT_ID).contacts.upsert(ContactWrite(email="keep@example.com"), OWNERS[0])
    before = target.export_state()
    with pytest.raises(SnapshotError) as caught:
        target.import_state(data)
    assert caught.value.path == path
    assert caught.value.problem.startswith(problem), caught.value.problem
    assert target.export_state() == before
