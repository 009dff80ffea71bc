"""Snapshot: the whole state as JSON-ready data, round trips, and refusals naming the path."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmanago_emulator import Conflict, ContactNotFound, Emulator, FrozenClock, SystemClock
from salesmanago_emulator.snapshot import SnapshotError, export_state, import_state
from salesmanago_emulator.state import Birthday, ConsentDetail, ContactWrite, DictionaryProperty

NOW = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
OWNERS = ["owner@example.com", "second@example.com", "third@example.com"]


def fresh(now: datetime = NOW) -> Emulator:
    emulator = Emulator(clock=FrozenClock(now))
    emulator.add_account(client_id="c1", api_secret="s1", users=OWNERS)
    return emulator


def populated() -> Emulator:
    """One of everything the card holds."""
    emu = fresh()
    account = emu.account("c1")
    account.optin.add_consent("Newsletter")
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
    emu.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
    account.tags.manage("full@example.com", ["VIP"], ["NEW"], tag_scoring=True)
    account.contacts.upsert(ContactWrite(email="gone@example.com", tags=("VIP",)), OWNERS[1])
    account.contacts.delete("gone@example.com")
    return emu


def test_export_holds_every_card_field_and_is_json() -> None:
    data = export_state(populated())
    assert json.loads(json.dumps(data)) == data
    (account,) = data["accounts"]
    assert (account["clientId"], account["apiSecret"], account["timezone"]) == (
        "c1",
        "s1",
        "Europe/Warsaw",
    )
    assert account["consents"] == ["Newsletter"]
    full, gone = account["contacts"]
    assert full["birthday"] == {"year": None, "month": 2, "day": 29}
    assert full["owners"] == [
        {"email": OWNERS[1], "level": "READ_ONLY"},
        {"email": OWNERS[2], "level": "CO_OWNER"},
    ]
    assert [(t["tag"], t["score"]) for t in full["tags"]] == [("VIP", 2)]
    assert full["consents"][0]["status"] == "CONFIRMED"
    assert [(o["channel"], o["status"]) for o in full["optHistory"]][:2] == [
        ("EMAIL", "OPT_IN"),
        ("PHONE", "OPT_IN"),
    ]
    assert (full["invalid"], full["monitored"], full["score"], full["state"]) == (
        True,
        False,
        12,
        "CUSTOMER",
    )
    assert (gone["deleted"], gone["purgeAt"]) == (True, "2026-01-16T01:00:00+00:00")
    assert set(account["areas"]) == {
        "activity",
        "callbacks",
        "companies",
        "coupons",
        "events",
        "exports",
        "funnels",
        "notes",
        "rules",
        "tasks",
    }
    assert data["clock"] == {"frozen": True, "now": "2026-01-15T10:05:00+00:00"}


def test_round_trip_keeps_behaviour_soft_delete_purge_and_tag_list() -> None:
    source = populated()
    target = fresh(datetime(2030, 1, 1, tzinfo=timezone.utc))
    import_state(target, export_state(source))
    assert export_state(target) == export_state(source)
    account = target.account("c1")
    assert target.clock.now() == source.clock.now()
    assert [(t.tag, t.count) for t in account.tags.list()] == [("VIP", 1)]
    assert account.count() == 1
    assert account.next_purge() == datetime(2026, 1, 16, 1, 0, tzinfo=timezone.utc)
    account.contacts.restore("gone@example.com")  # still restorable before 02:00
    account.contacts.delete("gone@example.com")
    target.clock.set(datetime(2026, 1, 16, 1, 0, tzinfo=timezone.utc))  # type: ignore[attr-defined]
    assert account.find("gone@example.com") is None
    assert account.modified_between(NOW, NOW + timedelta(minutes=5))[0].email == (
        "full@example.com"
    )


def test_import_into_a_system_clock_keeps_that_clock() -> None:
    target = Emulator(clock=SystemClock())
    import_state(target, export_state(populated()))
    assert target.account("c1").count() == 1
    assert target.clock.now().year >= 2026


_emails = st.sampled_from([f"p{i}@example.com" for i in range(8)])
_tags = st.lists(st.sampled_from(["A", "B", "C_D", "ŻÓŁW"]), max_size=3)
_ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("upsert"),
            _emails,
            _tags,
            st.booleans(),
            st.dictionaries(st.sampled_from(["k1", "k2"]), st.text(max_size=5), max_size=2),
            st.sampled_from(OWNERS),
            st.one_of(st.none(), st.sampled_from(["Acme", "Other"])),
        ),
        st.tuples(st.just("delete"), _emails),
        st.tuples(st.just("restore"), _emails),
        st.tuples(st.just("score"), _emails, st.integers(-5, 5)),
        st.tuples(st.just("owner"), _emails, st.sampled_from(OWNERS[1:])),
        st.tuples(st.just("optin"), _emails),
        st.tuples(st.just("tick"), st.integers(0, 30 * 3600)),
    ),
    max_size=25,
)


def _apply(emu: Emulator, ops: list[tuple[Any, ...]]) -> None:
    account = emu.account("c1")
    for op in ops:
        try:
            if op[0] == "upsert":
                _, email, tags, scoring, props, owner, company = op
                account.contacts.upsert(
                    ContactWrite(
                        email=email,
                        tags=tuple(tags),
                        tag_scoring=scoring,
                        properties=props,
                        company=company,
                    ),
                    owner,
                )
            elif op[0] == "delete":
                account.contacts.delete(op[1])
            elif op[0] == "restore":
                account.contacts.restore(op[1])
            elif op[0] == "score":
                account.scoring.add(op[1], op[2])
            elif op[0] == "owner":
                account.users.add_owner(op[1], op[2])
            elif op[0] == "optin":
                account.optin.opt_in(op[1])
            else:
                emu.clock.advance(timedelta(seconds=op[1]))  # type: ignore[attr-defined]
        except (ContactNotFound, Conflict):
            pass  # refusals (a missing card, a read-only owner, the last owner) are fine


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=_ops)
def test_property_export_import_export_is_identity(ops: list[tuple[Any, ...]]) -> None:
    source = fresh()
    _apply(source, ops)
    first = export_state(source)
    target = fresh(datetime(2031, 1, 1, tzinfo=timezone.utc))
    import_state(target, json.loads(json.dumps(first)))
    assert export_state(target) == first
    assert export_state(source) == first  # exporting changes nothing
    pairs = zip(
        source.account("c1").all_contacts(), target.account("c1").all_contacts(), strict=True
    )
    for a, b in pairs:
        assert (a.id, a.email, a.deleted) == (b.id, b.email, b.deleted)
    assert source.account("c1").tags.list() == target.account("c1").tags.list()


def _broken(mutate: Any) -> dict[str, Any]:
    data = copy.deepcopy(export_state(populated()))
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.update(format="other"), "format"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d.pop("accounts"), "accounts"),
        (lambda d: d["accounts"][0].update(users=[]), "accounts[0]"),
        (lambda d: d["accounts"][0].update(timezone="Mars/Base"), "accounts[0]"),
        (
            lambda d: d["accounts"][0]["contacts"][0].update(email=5),
            "accounts[0].contacts[0].email",
        ),
        (
            lambda d: d["accounts"][0]["contacts"][1].update(email="full@example.com"),
            "accounts[0].contacts[1].email",
        ),
        (
            lambda d: d["accounts"][0]["contacts"][0].update(state="BOSS"),
            "accounts[0].contacts[0].state",
        ),
        (
            lambda d: d["accounts"][0]["contacts"][0].update(createdOn="2026-01-01T00:00:00"),
            "accounts[0].contacts[0].createdOn",
        ),
        (
            lambda d: d["accounts"][0]["contacts"][0]["tags"][0].update(score="1"),
            "accounts[0].contacts[0].tags[0].score",
        ),
        (
            lambda d: d["accounts"][0]["contacts"][0].update(mainOwner="stranger@example.com"),
            "accounts[0].contacts[0].mainOwner",
        ),
        (
            lambda d: d["accounts"][0]["contacts"][0].update(birthday={"month": 2, "day": 30}),
            "accounts[0].contacts[0].birthday",
        ),
        (
            lambda d: d["accounts"][0]["contacts"][1].update(purgeAt="2026-01-01T00:00:00+00:00"),
            "accounts[0].contacts[1].purgeAt",
        ),
        (lambda d: d["accounts"][0]["areas"].update(nope={}), "accounts[0].areas"),
        (lambda d: d["accounts"].append(d["accounts"][0]), "accounts[1].clientId"),
    ],
)
def test_bad_data_names_the_path_and_loads_nothing(mutate: Any, path: str) -> None:
    target = fresh()
    target.account("c1").contacts.upsert(ContactWrite(email="keep@example.com"), OWNERS[0])
    before = export_state(target)
    with pytest.raises(SnapshotError) as caught:
        import_state(target, _broken(mutate))
    assert caught.value.path == path
    assert path in str(caught.value)
    assert export_state(target) == before


def test_not_an_object_is_refused() -> None:
    with pytest.raises(SnapshotError, match="must be an object"):
        import_state(fresh(), [])  # type: ignore[arg-type]


def test_round_trip_with_every_area_holding_data() -> None:
    from decimal import Decimal

    from salesmanago import ContactUpsert, ExternalEvent, ExternalEventType

    source = fresh()
    with source.client("c1") as sm:
        sm.contacts.upsert(ContactUpsert(email="buyer@example.com", company="Acme"))
        sm.events.add(
            ExternalEvent(date=NOW, event_type=ExternalEventType.PURCHASE, value=Decimal("10.50")),
            email="buyer@example.com",
        )
        sm.coupons.add("WELCOME", email="buyer@example.com", coupon="ABCDE1")
        sm.notes.add("called back", email="buyer@example.com")
        sm.tasks.create("buyer@example.com", "follow up", NOW + timedelta(days=1))
        sm.funnels.add("Sales", ["Lead stage", "Won stage"])
    exported = export_state(source)
    areas = exported["accounts"][0]["areas"]
    assert sum(1 for state in areas.values() if state) >= 4  # areas really hold data
    target = fresh(datetime(2031, 1, 1, tzinfo=timezone.utc))
    import_state(target, json.loads(json.dumps(exported)))
    assert export_state(target) == exported
