"""Helpers of the snapshot tests: an emulator with every area holding data, and
ways to break its export at one place.

:func:`populated` uses only the Python API, so the same scenario served to
write ``v1_state.json`` (an export of the version 1 format) before version 2.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator._jsoncodec import encode_json
from salesmanago_emulator.snapshot import SnapshotError
from salesmanago_emulator.state import Birthday, ConsentDetail, ContactWrite, DictionaryProperty
from salesmanago_emulator.state.events import EventWrite
from salesmanago_emulator.state.funnels import StageSpec, Target

__all__ = [
    "CLIENT_ID",
    "LATER",
    "NOW",
    "OWNERS",
    "area",
    "assert_refused",
    "exported",
    "fresh",
    "imported",
    "populated",
    "through_json",
]

NOW = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
LATER = datetime(2031, 1, 1, tzinfo=timezone.utc)
CLIENT_ID = "c1"
OWNERS = ["owner@example.com", "second@example.com", "third@example.com"]


def fresh(now: datetime = NOW) -> Emulator[FrozenClock]:
    """One account (three users) on a clock frozen at ``now``; nothing else."""
    emulator = Emulator(clock=FrozenClock(now))
    emulator.add_account(client_id=CLIENT_ID, api_secret="s1", users=OWNERS)
    return emulator


def _cards(emu: Emulator[FrozenClock]) -> None:
    """One of everything a card holds, a second card soft-deleted, a third plain."""
    account = emu.account(CLIENT_ID)
    account.optin.add_consent("Newsletter")
    account.loyalty.create_program("Club")
    account.contacts.upsert(
        ContactWrite(
            email="full@example.com",
            name="Full",
            phone="+48 600",
            fax="1",
            company="Acme",
            external_id="x-1",
            state="customer",
            street_address="Main 1",
            zip_code="00-001",
            city="Kraków",
            country="PL",
            province="MA",
            birthday=Birthday(None, 2, 29),
            lang="pl",
            tags=("VIP", "NEW"),
            tag_scoring=True,
            properties={"color": "blue"},
            dictionary_properties=(DictionaryProperty("size", "NUMBER", "42"),),
            force_opt_in=True,
            consent_details=(
                ConsentDetail("Newsletter", True, NOW - timedelta(days=1), "10.0.0.1"),
            ),
        ),
        OWNERS[0],
    )
    account.users.add_owner("full@example.com", OWNERS[1], "READ_ONLY")
    account.users.add_owner("full@example.com", OWNERS[2])
    account.scoring.set("full@example.com", 12)
    account.optin.phone_opt_in("full@example.com")
    account.optin.mark_invalid("full@example.com")
    account.contacts.stop_monitoring("full@example.com")
    emu.clock.advance(timedelta(minutes=5))
    account.tags.manage("full@example.com", ["VIP"], ["NEW"], tag_scoring=True)
    account.contacts.upsert(
        ContactWrite(email="buyer@example.com", company="acme ", tags=("LOYAL",)), OWNERS[1]
    )
    account.contacts.upsert(
        ContactWrite(email="gone@example.com", tags=("VIP",), loyalty_program="Club"), OWNERS[1]
    )
    account.contacts.delete("gone@example.com")


def _areas(emu: Emulator[FrozenClock]) -> None:
    """Data in every area beyond the cards."""
    account = emu.account(CLIENT_ID)
    owner = OWNERS[0]
    buyer_id = account.find_live("buyer@example.com").id
    account.events.add(
        EventWrite(
            event_type="PURCHASE",
            date=NOW,
            description="order 1",
            value=Decimal("10.50"),
            details={1: "one", 3: "three"},
            external_id="o-1",
        ),
        owner,
        email="buyer@example.com",
    )
    account.events.add(EventWrite(event_type="VISIT", date=NOW), owner, email="full@example.com")
    account.coupons.add("buyer@example.com", "WELCOME", coupon="ABCDE1", owner=owner)
    account.coupons.add("buyer@example.com", "GEN", length=40, owner=owner)
    account.coupons.use("buyer@example.com", "ABCDE1", owner=owner)
    account.notes.add("buyer@example.com", "called back", owner=owner)
    account.notes.add("buyer@example.com", "secret", owner=OWNERS[1], private=True)
    account.tasks.create(
        "buyer@example.com",
        "follow up",
        NOW + timedelta(days=1),
        reminder="15_MIN",
        cc=["boss@example.com"],
        owner=owner,
    )
    account.tasks.create("full@example.com", "call", NOW + timedelta(days=2), realized=True)
    account.funnels.add("Sales", [StageSpec("Lead stage"), StageSpec("Won stage")], pot_value=5)
    account.funnels.add("Other", [StageSpec("One"), StageSpec("Two")], group="G")
    account.funnels.add_contacts("Sales", "Lead stage", [Target("EMAIL", "buyer@example.com")])
    account.funnels.add_contacts("Other", "One", [Target("EMAIL", "buyer@example.com")])
    emu.clock.advance(timedelta(minutes=1))
    account.funnels.add_contacts(
        "Sales", "Won stage", [Target("EMAIL", "buyer@example.com")], pot_value=Decimal("7.25")
    )
    account.loyalty.create_program("Old", active=False)
    account.loyalty.add_contacts("Club", [Target("EMAIL", "buyer@example.com")])
    account.loyalty.modify_points(
        "Club", [Target("EMAIL", "buyer@example.com")], 20, comment="welcome"
    )
    account.loyalty.modify_points(
        "Club", [Target("CONTACT_ID", buyer_id)], 5, modification="SUBTRACT"
    )
    account.callbacks.register("OPT_IN", "http://127.0.0.1:1/in?e=$email$", "s-in")
    account.callbacks.register("OPT_OUT", "http://127.0.0.1:1/out", "s-out")
    account.callbacks.register_action("http://localhost:1/crm", "s-crm", kinds=["TASK", "TAGS"])
    account.optin.opt_in("buyer@example.com")
    account.optin.opt_out("buyer@example.com")
    account.callbacks.fire_action("TASK", "buyer@example.com", {"text": "t", "date": "+1day"})
    first, second, _ = account.callbacks.outbox()
    account.callbacks.record_attempt(first.id, emu.clock.now(), error=None)
    account.callbacks.record_attempt(second.id, emu.clock.now(), error="HTTP 500 from x")
    account.exports.processing_time = timedelta(seconds=90)
    account.exports.polls_until_done = 1
    job = account.exports.start("CONTACT_LIST", "email\nbuyer@example.com\n")
    account.exports.poll(job)
    account.exports.start("CONTACT_DATA", "{}")
    account.activity.record(
        "buyer@example.com",
        url="https://shop.example.com/",
        duration_seconds=30,
        source="search",
        source_detail="google",
        points=3,
        ip="10.0.0.2",
    )
    account.activity.record(None, url="https://shop.example.com/anon")
    rule_id = account.rules.insert(
        name="R",
        owner=owner,
        max_fire_times=3,
        delay_conditions_check=True,
        delay_conditions_value=1,
        delay_conditions_period="DAY",
        events=[{"type": "X", "weight": 1.5}],
        actions=[{"type": "TAG", "tags": ["A"]}],
    ).id
    kept = account.rules.add_workflow("Kept", max_fire_times=2)
    account.rules.delete_workflow(account.rules.add_workflow("Gone").id)
    buyer = account.find_live("buyer@example.com").id
    account.rules.run_rule(rule_id, [buyer])
    account.rules.run_workflow(kept.id, [buyer])
    emu.clock.advance(timedelta(minutes=1))


def populated() -> Emulator[FrozenClock]:
    """An emulator whose account holds data in every area (see the module docstring)."""
    emu = fresh()
    _cards(emu)
    _areas(emu)
    return emu


def through_json(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` written as JSON text and read back as the state file reads it."""
    decoded: dict[str, Any] = json.loads(encode_json(data), parse_float=Decimal)
    return decoded


def exported() -> dict[str, Any]:
    """The export of :func:`populated`, through JSON text."""
    return through_json(populated().export_state())


def imported(data: dict[str, Any]) -> Emulator[FrozenClock]:
    """A fresh emulator at another instant that imported ``data``."""
    target = fresh(LATER)
    target.import_state(data)
    return target


def area(data: dict[str, Any], key: str) -> Any:
    """The data of area ``key`` of the first account of an export."""
    return data["accounts"][0][key]


def assert_refused(
    mutate: Callable[[dict[str, Any]], object], path: str, problem: str
) -> SnapshotError:
    """Importing ``populated()``'s export changed by ``mutate`` is refused at ``path``
    with ``problem`` (its start), and the emulator importing it is left unchanged."""
    data = copy.deepcopy(exported())
    mutate(data)
    target = fresh()
    target.account(CLIENT_ID).contacts.upsert(ContactWrite(email="keep@example.com"), OWNERS[0])
    before = target.export_state()
    with pytest.raises(SnapshotError) as caught:
        target.import_state(data)
    assert caught.value.path == path
    assert caught.value.problem.startswith(problem), caught.value.problem
    assert f"{path}: {caught.value.problem}" in str(caught.value)
    assert target.export_state() == before
    return caught.value
