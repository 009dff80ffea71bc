"""The Contact Manager's control operations (S15): ``contact-manager/recount``, ``run``,
``schedule``, ``cancel``, ``runs``, ``segments``, ``segments/create``, ``segments/delete`` and
``settings``, with selections and actions as JSON objects, over a real server as curl sends
them and in process; every bad key or value is refused naming its path and changes nothing.

The rules of each action are in ``tests/emulator/state/test_state_contact_manager_actions.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from control_helpers import ok, refusal, refused, upsert
from routes_helpers import A_ID, A_OWNER, A_SECOND

from salesmanago_emulator import Emulator, EmulatorServer, FrozenClock
from salesmanago_emulator.state import ContactWrite

READERS = {"include": [{"type": "tags", "tags": ["newsletter"]}], "exclude": [{"type": "invalid"}]}


@pytest.fixture
def readers(emu: Emulator[FrozenClock]) -> Emulator[FrozenClock]:
    """Account A: two opted-in newsletter readers (one invalid) and one other card."""
    account = emu.account(A_ID)
    for email, tags in (("a@x.pl", ("NEWSLETTER",)), ("b@x.pl", ("NEWSLETTER",)), ("c@x.pl", ())):
        account.contacts.upsert(ContactWrite(email=email, tags=tags, force_opt_in=True), A_OWNER)
    account.optin.mark_invalid("b@x.pl")
    return emu


def test_recount_and_run_over_http_as_curl_sends_them(
    readers: Emulator[FrozenClock], server: EmulatorServer
) -> None:
    assert ok(server, "contact-manager/recount", {"selection": READERS})["count"] == 1
    body = {
        "selection": READERS,
        "actions": [{"type": "emailOptOut"}, {"type": "addTags", "tags": ["bulk"]}],
    }
    run = ok(server, "contact-manager/run", body)["run"]
    assert (run["id"], run["status"], run["user"]) == (1, "DONE", A_OWNER)
    [report] = run["reports"]
    assert report["email"] == "a@x.pl"
    assert report["outcomes"] == [
        {"action": "emailOptOut", "applied": True, "reason": None},
        {"action": "addTags", "applied": True, "reason": None},
    ]
    account = readers.account(A_ID)
    assert account.find_live("a@x.pl").opted_out
    assert "BULK" in account.find_live("a@x.pl").tags
    assert not account.find_live("c@x.pl").opted_out
    listed = ok(server, "contact-manager/runs", method="GET")["runs"]
    assert [(r["id"], r["selected"], "reports" in r) for r in listed] == [(1, 1, False)]
    whole = ok(server, "contact-manager/runs", {"runId": 1})["run"]
    assert whole["reports"] == run["reports"]


def test_schedule_then_the_clock_passes_it(
    readers: Emulator[FrozenClock], server: EmulatorServer
) -> None:
    at = "2026-01-15T12:00:00+00:00"
    body = {"selection": {}, "actions": [{"type": "setScoring", "points": 4}], "at": at}
    run = ok(server, "contact-manager/schedule", body)["run"]
    assert (run["status"], run["scheduledFor"]) == ("SCHEDULED", at)
    ok(server, "clock/advance", {"seconds": 2 * 3600 - 1})
    assert ok(server, "contact-manager/runs")["runs"][0]["status"] == "SCHEDULED"
    ok(server, "clock/advance", {"seconds": 1})
    [done] = ok(server, "contact-manager/runs")["runs"]
    assert (done["status"], done["selected"], done["executedOn"]) == ("DONE", 3, at)
    assert readers.account(A_ID).find_live("c@x.pl").score == 4


def test_cancel_a_scheduled_run(readers: Emulator[FrozenClock]) -> None:
    body = {"selection": {}, "actions": [{"type": "delete"}], "at": "2026-01-16T00:00:00+00:00"}
    run_id = readers.control("contact-manager/schedule", body)["run"]["id"]
    cancelled = readers.control("contact-manager/cancel", {"runId": run_id})["run"]
    assert cancelled["status"] == "CANCELLED"
    readers.clock.advance(readers.clock.now().replace(day=17) - readers.clock.now())
    assert readers.account(A_ID).count() == 3


def test_segments_create_list_use_and_delete(readers: Emulator[FrozenClock]) -> None:
    created = readers.control(
        "contact-manager/segments/create", {"name": "Readers", "selection": READERS}
    )
    assert created["segment"]["name"] == "Readers"
    assert created["segment"]["selection"]["include"][0]["tags"] == ["NEWSLETTER"]
    listed = readers.control("contact-manager/segments")["segments"]
    assert [s["name"] for s in listed] == ["Readers"]
    assert set(listed[0]) == {"name", "selection", "createdOn"}
    assert listed[0]["selection"] == created["segment"]["selection"]
    count = readers.control("contact-manager/recount", {"selection": {"segment": "readers"}})
    assert count["count"] == 1
    readers.control("contact-manager/segments/delete", {"name": "Readers"})
    assert readers.control("contact-manager/segments")["segments"] == []


def test_settings_name_order(readers: Emulator[FrozenClock]) -> None:
    assert readers.control("contact-manager/settings", {"nameOrder": 2}) == {"nameOrder": 2}
    assert readers.account(A_ID).name_order == 2
    assert refusal(readers, "contact-manager/settings", {"nameOrder": 3}) == (
        400,
        "Field 'nameOrder' must be one of 1, 2",
    )


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        (
            "run",
            {"selection": {}, "actions": []},
            "Field 'actions' must name at least one action: none is selected by default",
        ),
        (
            "run",
            {"selection": {}, "actions": [{"type": "emailOptIn"}]},
            "Field 'actions[0].type' cannot be OPT_IN",
        ),
        (
            "run",
            {"selection": {}, "actions": [{"type": "addTags", "tags": ["ok", 1]}]},
            "Field 'actions[0].tags[1]' must be a string",
        ),
        (
            "run",
            {"selection": {}, "actions": [{"type": "addNote", "text": "x" * 1025}]},
            "Field 'actions[0].text' must be at most 1024 characters long (got 1025)",
        ),
        (
            "run",
            {"selection": {}, "actions": [{"type": "setScoring", "points": 1, "pts": 2}]},
            "Field 'actions[0].pts' is not a key of a setScoring action",
        ),
        (
            "run",
            {"selection": {}, "actions": [{"type": "addOwner", "owner": "nobody@x.pl"}]},
            "Field 'actions[0].owner' must be a user of the account",
        ),
        (
            "recount",
            {"selection": {"include": [{"type": "scoring", "minimum": 5, "maximum": 1}]}},
            "Field 'selection.include[0].maximum' must not be before minimum",
        ),
        (
            "recount",
            {"selection": {"exclude": [{"tags": ["A"]}]}},
            "Field 'selection.exclude[0].type' is required",
        ),
        ("recount", {"selection": {"include": "tags"}}, "Field 'selection.include' must be a list"),
        ("recount", {}, "Field 'selection' is required"),
        ("recount", {"selection": {}, "extra": 1}, "Field 'extra' is not a key of control"),
        (
            "schedule",
            {"selection": {}, "actions": [{"type": "delete"}], "at": "2026-01-15T10:00:00Z"},
            "Field 'at' must be later than the emulator's clock",
        ),
        (
            "recount",
            {"selection": {"segment": "nope"}},
            "Field 'segment' names no segment of the account",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_path_and_changes_nothing(
    readers: Emulator[FrozenClock], name: str, body: dict[str, Any], message: str
) -> None:
    before = readers.export_state()
    status, text = refusal(readers, f"contact-manager/{name}", body)
    assert status == 400
    assert text.startswith(message), text
    assert readers.export_state() == before


def test_refusals_over_http(readers: Emulator[FrozenClock], server: EmulatorServer) -> None:
    body = {"selection": {}, "actions": [{"type": "setScoring", "points": "many"}]}
    status, message = refused(server, "contact-manager/run", body)
    assert (status, message) == (
        400,
        "Field 'actions[0].points' must be an integer (got the string 'many')",
    )
    status, _ = refused(
        server, "contact-manager/run", {"selection": {}, "actions": []}, method="GET"
    )
    assert status == 405


def test_a_run_as_another_user_and_an_api_created_contact(
    readers: Emulator[FrozenClock], server: EmulatorServer
) -> None:
    upsert(server, "api@x.pl")
    valid = {"exclude": [{"type": "invalid"}]}
    body = {"selection": valid, "actions": [{"type": "addNote", "text": "hi", "private": True}]}
    run = ok(server, "contact-manager/run", {**body, "user": A_SECOND})["run"]
    assert {r["email"] for r in run["reports"]} == {"a@x.pl", "c@x.pl", "api@x.pl"}
    assert run["user"] == A_SECOND
