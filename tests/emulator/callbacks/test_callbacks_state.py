"""The callbacks area's state: JSON round trip, reset, outbox bound (S10.3, S17.3).

The refusals of a bad imported value are in ``tests/emulator/snapshot/test_snapshot_callbacks.py``.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from routes_helpers import A_ID, A_OWNER, NOW

from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import ContactWrite
from salesmanago_emulator.state import callbacks as callbacks_module

EMPTY = {"endpoints": [], "actions": [], "outbox": []}


def busy(account: Account, clock: FrozenClock) -> Account:
    """URLs, an action endpoint, and an outbox with a delivered and a failed entry."""
    account.callbacks.register("OPT_IN", "http://127.0.0.1:1/in?e=$email$", "s-in")
    account.callbacks.register("OPT_OUT", "http://127.0.0.1:1/out", "s-out")
    account.callbacks.register_action("http://localhost:1/crm", "s-crm", kinds=["TASK", "TAGS"])
    account.contacts.upsert(ContactWrite(email="jan@shop.pl", force_opt_in=True), A_OWNER)
    clock.advance(timedelta(minutes=5))
    account.optin.opt_out("jan@shop.pl")
    account.callbacks.fire_action("TASK", "jan@shop.pl", {"text": "t", "date": "+1day"})
    first, second, _ = account.callbacks.outbox()
    account.callbacks.record_attempt(first.id, clock.now(), error=None)
    account.callbacks.record_attempt(second.id, clock.now(), error="HTTP 500 from x")
    return account


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


def test_s10_3_account_reset_empties_the_area(account_a: Account, clock: FrozenClock) -> None:
    busy(account_a, clock).reset()
    assert dump_area(account_a, "callbacks") == EMPTY
    assert account_a.callbacks in account_a.areas


def test_s10_3_clear_outbox(account_a: Account, clock: FrozenClock) -> None:
    busy(account_a, clock)
    assert account_a.callbacks.clear_outbox(delivered_only=True) == 1
    assert len(account_a.callbacks.outbox()) == 2
    assert account_a.callbacks.clear_outbox() == 2
    assert account_a.callbacks.outbox() == []


def test_s10_3_outbox_bound_drops_oldest_delivered_first(
    account_a: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(callbacks_module, "OUTBOX_LIMIT", 2)
    area = account_a.callbacks
    area.register("OPT_IN", "http://127.0.0.1:1/in", "s")
    area.register("OPT_OUT", "http://127.0.0.1:1/out", "s")
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl", force_opt_in=True), A_OWNER)
    account_a.optin.opt_out("jan@shop.pl")
    first, second = area.outbox()
    area.record_attempt(second.id, NOW, error=None)
    account_a.optin.opt_in("jan@shop.pl")  # third entry: the delivered one goes
    assert [(e.kind, e.delivered) for e in area.outbox()] == [("OPT_IN", False), ("OPT_IN", False)]
    assert area.outbox()[0] == first
    account_a.optin.opt_out("jan@shop.pl")  # none delivered: the oldest goes
    assert [e.kind for e in area.outbox()] == ["OPT_IN", "OPT_OUT"]
    assert first not in area.outbox()


@pytest.mark.parametrize("how", ["permanent delete", "forget me", "purge"])
def test_s3_3_removed_contact_drops_its_undelivered_callbacks(
    account_a: Account, clock: FrozenClock, how: str
) -> None:
    """S3.3: a card gone for good takes its pending outbox entries with it at once;
    the delivered one stays as the record of a call made; others' entries stay."""
    busy(account_a, clock)
    account_a.contacts.upsert(ContactWrite(email="ann@shop.pl", force_opt_in=True), A_OWNER)
    jan = account_a.find_live("jan@shop.pl").id
    delivered = account_a.callbacks.outbox()[0]
    ann_entry = account_a.callbacks.outbox()[-1]
    assert len(account_a.callbacks.outbox(pending_only=True)) == 3
    if how == "permanent delete":
        account_a.contacts.delete("jan@shop.pl", permanently=True)
    elif how == "forget me":
        account_a.contacts.forget("jan@shop.pl")
    else:
        account_a.contacts.delete("jan@shop.pl")
        assert len(account_a.callbacks.outbox()) == 4  # soft delete keeps them
        clock.advance(timedelta(days=1))
        account_a.run_due_purge()
        assert account_a.find(jan) is None
    assert account_a.callbacks.outbox() == [delivered, ann_entry]
    assert delivered.payload["contactId"] == jan


def test_s3_3_removing_a_contact_with_an_empty_outbox(account_a: Account) -> None:
    """Nothing queued (the usual case): a removal leaves the outbox empty and the rest intact."""
    account_a.callbacks.register("OPT_IN", "http://127.0.0.1:1/in", "s-in")
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl"), A_OWNER)
    account_a.contacts.delete("jan@shop.pl", permanently=True)
    assert account_a.callbacks.outbox() == []
    assert list(account_a.callbacks.endpoints) == ["OPT_IN"]
    account_a.contacts.upsert(ContactWrite(email="ann@shop.pl", force_opt_in=True), A_OWNER)
    assert [e.kind for e in account_a.callbacks.outbox()] == ["OPT_IN"]
