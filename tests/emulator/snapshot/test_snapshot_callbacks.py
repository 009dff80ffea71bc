"""Snapshot of the callbacks area (S10.3, S17.3): URLs, action endpoints and the outbox."""

from __future__ import annotations

import json
from typing import Any

import pytest
from callbacks_helpers import EMPTY, busy
from routes_helpers import A_ID, NOW
from snapshot_helpers import CLIENT_ID, area, assert_refused, exported, imported

from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.snapshot import callbacks as snapshot_callbacks
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import callbacks as callbacks_module


def test_callbacks_round_trip_with_their_secrets_and_outbox() -> None:
    data = exported()
    callbacks = area(data, "callbacks")
    assert [e["secret"] for e in callbacks["endpoints"]] == ["s-in", "s-out"]
    assert [(e["kind"], e["delivered"]) for e in callbacks["outbox"]] == [
        ("OPT_IN", True),
        ("OPT_OUT", False),
        ("TASK", False),
    ]
    account = imported(data).account(CLIENT_ID)
    assert dump_area(account, "callbacks") == callbacks
    assert [e.kind for e in account.callbacks.outbox(pending_only=True)] == ["OPT_OUT", "TASK"]
    assert account.callbacks.action_endpoints[0].kinds == ("TASK", "TAGS")


def test_s10_3_import_state_with_a_bad_callback_url_is_a_snapshot_error() -> None:
    """A bad entry refuses the whole import as a SnapshotError naming it; nothing changes."""
    assert_refused(
        lambda d: area(d, "callbacks")["endpoints"][1].update(url="ftp://nowhere"),
        "accounts[0].callbacks.endpoints[1].url",
        "must be an http or https URL with a host",
    )


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (
            lambda c: c.update(endpoints=[{"kind": "OPT_IN", "url": "nope", "secret": "s"}]),
            "endpoints[0].url",
            "must be an http or https URL with a host",
        ),
        (
            lambda c: c.update(
                actions=[{"id": "1", "url": "http://x/", "secret": "s", "kinds": ["SMS"]}]
            ),
            "actions[0].kinds[0]",
            "must be one of NOTIFICATION, NOTE, TASK, TAGS, DEAL_STAGE (got 'SMS')",
        ),
        (lambda c: c.update(outbox=[{"id": "1"}]), "outbox[0].payload", "is required"),
        (
            lambda c: c["endpoints"].append(c["endpoints"][0]),
            "endpoints[2].kind",
            "repeats 'OPT_IN'",
        ),
        (lambda c: c["endpoints"][0].update(kind="opt_in"), "endpoints[0].kind", "must be one of"),
        (lambda c: c["endpoints"][0].update(secret=""), "endpoints[0].secret", "must not be empty"),
        (
            lambda c: c["endpoints"][0].update(url=" http://127.0.0.1:1/in"),
            "endpoints[0].url",
            "must be written 'http://127.0.0.1:1/in'",
        ),
        (lambda c: c["actions"][0].update(kinds=[]), "actions[0].kinds", "must name at least one"),
        (
            lambda c: c["actions"][0].update(kinds=["TASK", "TASK"]),
            "actions[0].kinds[1]",
            "repeats",
        ),
        (lambda c: c["outbox"][0].update(attempts=-1), "outbox[0].attempts", "must be at least 0"),
        (lambda c: c["outbox"][0].update(delivered=1), "outbox[0].delivered", "must be true or"),
        (lambda c: c["outbox"][0].update(payload=[]), "outbox[0].payload", "must be an object"),
        (
            lambda c: c["outbox"][0]["payload"].update(createdOn=10**41),
            "outbox[0].payload.createdOn",
            "must have at most 40 digits",
        ),
        (lambda c: c["outbox"][1].update(lastAttempt="later"), "outbox[1].lastAttempt", "must be"),
        (lambda c: c["outbox"][2].update(kind="SMS"), "outbox[2].kind", "must be one of"),
    ],
)
def test_s10_3_import_checks_everything_before_changing_anything(
    change: Any, path: str, problem: str
) -> None:
    assert_refused(lambda d: change(area(d, "callbacks")), f"accounts[0].callbacks.{path}", problem)


def test_the_outbox_holds_at_most_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """As an account's outbox does (:data:`OUTBOX_LIMIT`, 10 000; 2 here)."""
    assert snapshot_callbacks.OUTBOX_LIMIT == callbacks_module.OUTBOX_LIMIT
    monkeypatch.setattr(snapshot_callbacks, "OUTBOX_LIMIT", 2)
    assert_refused(lambda d: None, "accounts[0].callbacks.outbox", "must hold at most 2 items")


# --- the whole emulator's export and import, on the two-account fixtures ---------------


def test_s10_3_state_round_trip_through_json(
    emu: Emulator, account_a: Account, clock: FrozenClock
) -> None:
    """URLs, action endpoints and the outbox go through the state export as JSON text."""
    busy(account_a, clock)
    copy = Emulator(clock=clock)
    copy.import_state(json.loads(json.dumps(emu.export_state())))
    callbacks = copy.account(A_ID).callbacks
    assert dump_area(copy.account(A_ID), "callbacks") == dump_area(account_a, "callbacks")
    assert callbacks.endpoints == account_a.callbacks.endpoints
    assert callbacks.action_endpoints == account_a.callbacks.action_endpoints
    assert callbacks.outbox() == account_a.callbacks.outbox()
    delivered, failed, pending = callbacks.outbox()
    assert (delivered.delivered, delivered.attempts, delivered.created) == (True, 1, NOW)
    assert (failed.delivered, failed.last_error) == (False, "HTTP 500 from x")
    assert pending.last_attempt is None
    assert callbacks.outbox(pending_only=True) == [failed, pending]


def test_s10_3_an_import_without_callbacks_replaces_everything(
    emu: Emulator, account_a: Account, clock: FrozenClock
) -> None:
    busy(account_a, clock)
    data = emu.export_state()
    for account in data["accounts"]:
        del account["callbacks"]
    emu.import_state(data)
    assert dump_area(emu.account(A_ID), "callbacks") == EMPTY
