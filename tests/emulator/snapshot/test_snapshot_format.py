"""The snapshot format: the whole state as JSON-ready data, round trips, version 1, and
refusals naming the path with nothing changed."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from snapshot_helpers import (
    CLIENT_ID,
    LATER,
    NOW,
    OWNERS,
    assert_refused,
    exported,
    fresh,
    imported,
    populated,
    through_json,
)

from salesmanago_emulator import Conflict, ContactNotFound, Emulator, FrozenClock, SystemClock
from salesmanago_emulator._jsoncodec import encode_json
from salesmanago_emulator.control import ControlError
from salesmanago_emulator.snapshot import AREAS, FORMAT, VERSION, SnapshotError, load_state
from salesmanago_emulator.state import ContactWrite
from salesmanago_emulator.statefile import StateFile

V1_STATE: Path = Path(__file__).parent / "v1_state.json"
"""An export of :func:`snapshot_helpers.populated` by the version 1 code."""


def test_export_holds_every_card_field_and_is_json() -> None:
    data = populated().export_state()
    assert (data["format"], data["version"]) == (FORMAT, VERSION) == (FORMAT, 2)
    assert through_json(data) == data
    (account,) = data["accounts"]
    assert (account["clientId"], account["apiSecret"], account["timezone"]) == (
        "c1",
        "s1",
        "Europe/Warsaw",
    )
    assert list(account) == [
        "clientId",
        "apiSecret",
        "timezone",
        *(key for key, area in AREAS.items() if area is not None),
    ]
    assert account["optin"] == {"consents": ["Newsletter"]}
    full, _buyer, gone = account["contacts"]
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
    assert data["clock"] == {"frozen": True, "now": "2026-01-15T10:07:00+00:00"}


def test_round_trip_keeps_behaviour_soft_delete_purge_and_tag_list() -> None:
    source = populated()
    target = imported(through_json(source.export_state()))
    assert target.export_state() == source.export_state()
    account = target.account(CLIENT_ID)
    assert target.clock.now() == source.clock.now()
    assert [(t.tag, t.count) for t in account.tags.list()] == [("LOYAL", 1), ("VIP", 1)]
    assert account.count() == 2
    assert account.next_purge() == datetime(2026, 1, 16, 1, 0, tzinfo=timezone.utc)
    account.contacts.restore("gone@example.com")  # still restorable before 02:00
    account.contacts.delete("gone@example.com")
    target.clock.set(datetime(2026, 1, 16, 1, 0, tzinfo=timezone.utc))
    assert account.find("gone@example.com") is None
    assert account.modified_between(NOW, NOW + timedelta(minutes=5))[0].email == (
        "full@example.com"
    )


def test_import_into_a_system_clock_keeps_that_clock() -> None:
    target = Emulator(clock=SystemClock())
    target.import_state(exported())
    assert target.account(CLIENT_ID).count() == 2
    assert target.clock.now().year >= 2026


def test_load_state_builds_accounts_on_the_clock_and_changes_nothing_else() -> None:
    """The lower-level API: accounts on ``clock``, the saved instant returned, the clock
    itself not moved (the emulator moves it when it swaps the accounts in)."""
    clock = FrozenClock(LATER)
    accounts, now = load_state(exported(), clock)
    assert now == datetime(2026, 1, 15, 10, 7, tzinfo=timezone.utc)
    assert clock.now() == LATER
    assert [a.client_id for a in accounts] == [CLIENT_ID]
    assert accounts[0].clock is clock


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
        st.tuples(st.just("note"), _emails, st.text(min_size=1, max_size=8), st.booleans()),
        st.tuples(st.just("visit"), _emails, st.integers(0, 3)),
        st.tuples(st.just("tick"), st.integers(0, 30 * 3600)),
    ),
    max_size=25,
)


def _apply(emu: Emulator[FrozenClock], ops: list[tuple[Any, ...]]) -> None:
    account = emu.account(CLIENT_ID)
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
            elif op[0] == "note" and op[2].strip():
                account.notes.add(op[1], op[2], owner=OWNERS[0], private=op[3])
            elif op[0] == "visit":
                account.activity.record(op[1], url="https://x.example/", points=op[2])
            elif op[0] == "tick":
                emu.clock.advance(timedelta(seconds=op[1]))
        except (ContactNotFound, Conflict):
            pass  # refusals (a missing card, a read-only owner, the last owner) are fine


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=_ops)
def test_property_export_import_export_is_identity(ops: list[tuple[Any, ...]]) -> None:
    source = fresh()
    _apply(source, ops)
    first = source.export_state()
    target = imported(through_json(first))
    assert target.export_state() == first
    assert source.export_state() == first  # exporting changes nothing
    pairs = zip(
        source.account(CLIENT_ID).all_contacts(),
        target.account(CLIENT_ID).all_contacts(),
        strict=True,
    )
    for a, b in pairs:
        assert (a.id, a.email, a.deleted) == (b.id, b.email, b.deleted)
    assert source.account(CLIENT_ID).tags.list() == target.account(CLIENT_ID).tags.list()


def _account(data: dict[str, Any]) -> dict[str, Any]:
    account: dict[str, Any] = data["accounts"][0]
    return account


@pytest.mark.parametrize(
    ("mutate", "path", "problem"),
    [
        (lambda d: d.update(format="other"), "format", f"must be {FORMAT!r}"),
        (lambda d: d.update(version=99), "version", "must be 1 or 2 (got 99)"),
        (lambda d: d.update(version=True), "version", "must be 1 or 2 (got True)"),
        (lambda d: d.update(extra=1), "extra", "is not a key of a state"),
        (lambda d: d.pop("accounts"), "accounts", "is required"),
        (lambda d: d.update(accounts={}), "accounts", "must be a list (got an object)"),
        (lambda d: d["clock"].update(now="soon"), "clock.now", "must be an ISO-8601 date-time"),
        (lambda d: d["clock"].update(frozen="yes"), "clock.frozen", "must be true or false"),
        (lambda d: _account(d).update(users=[]), "accounts[0].users", "must name at least"),
        (
            lambda d: _account(d).update(timezone="Mars/Base"),
            "accounts[0].timezone",
            "unknown time zone 'Mars/Base'",
        ),
        (lambda d: _account(d).update(clientId=""), "accounts[0].clientId", "must not be empty"),
        (lambda d: _account(d).update(apiSecret=7), "accounts[0].apiSecret", "must be a string"),
        (
            lambda d: _account(d).update(areas={}),
            "accounts[0].areas",
            "is not a key of an account",
        ),
        (lambda d: d["accounts"].append(d["accounts"][0]), "accounts[1].clientId", "repeats 'c1'"),
    ],
)
def test_bad_data_names_the_path_and_loads_nothing(mutate: Any, path: str, problem: str) -> None:
    assert_refused(mutate, path, problem)


def test_not_an_object_is_refused() -> None:
    with pytest.raises(SnapshotError, match=r"\(top level\): must be an object"):
        fresh().import_state([])  # type: ignore[arg-type]


def test_a_missing_area_is_empty_and_a_missing_clock_keeps_the_clock() -> None:
    data = exported()
    for key in [k for k in _account(data) if k not in ("clientId", "apiSecret", "users")]:
        del _account(data)[key]
    del data["clock"]
    target = imported(data)
    account = target.account(CLIENT_ID)
    assert (account.count(), account.timezone.key, target.clock.now()) == (
        0,
        "Europe/Warsaw",
        LATER,
    )


# --- version 1 ----------------------------------------------------------------------------


def _v1() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(V1_STATE.read_text(encoding="utf-8"))
    return data


def test_v1_export_imports_with_every_area() -> None:
    """An export of the version 1 format (written by the code before version 2, from
    the same scenario as :func:`populated`) imports, and exports as version 2 with the
    same data: the same as that scenario's own version 2 export, but for the ids."""
    old = _v1()
    target = imported(old)
    data = target.export_state()
    assert data["version"] == 2
    assert imported(through_json(data)).export_state() == data
    account, v1 = _account(data), _account(old)
    assert [c["id"] for c in account["contacts"]] == [c["id"] for c in v1["contacts"]]
    assert account["contacts"] == v1["contacts"]
    assert account["optin"]["consents"] == v1["consents"]
    assert account["notes"] == v1["areas"]["notes"]["notes"]
    assert account["tasks"] == v1["areas"]["tasks"]["tasks"]
    assert account["coupons"] == v1["areas"]["coupons"]["coupons"]
    no_client = {"device": None, "os": None, "browser": None}  # keys version 1 did not have
    assert account["activity"] == [{**v, **no_client} for v in v1["areas"]["activity"]["visits"]]
    for key in ("funnels", "companies", "callbacks", "exports"):
        assert account[key] == v1["areas"][key], key
    # keys version 1 did not have: workflow triggers and the firing log (S14.3), empty
    no_firing = {"workflowFirings": [], "nextFiringNumber": 1}
    workflows = [{**w, "triggers": []} for w in v1["areas"]["rules"]["workflows"]]
    assert account["rules"] == {**v1["areas"]["rules"], **no_firing, "workflows": workflows}
    assert [e["eventId"] for e in account["events"]] == [
        e["eventId"] for e in v1["areas"]["events"]["events"]
    ]
    purchase = account["events"][1]
    assert (purchase["contactExtEventType"], purchase["date"], purchase["value"]) == (
        "PURCHASE",
        "2026-01-15T10:00:00+00:00",
        "10.50",
    )
    assert (purchase["detail1"], purchase["detail3"]) == ("one", "three")
    fresh_export = populated().export_state()
    _account(fresh_export)["loyalty"] = []  # an area version 1 did not have
    _account(fresh_export)["timeline"] = []  # an area version 1 did not have
    assert _without_ids(data) == _without_ids(fresh_export)


def _without_ids(data: dict[str, Any]) -> str:
    """The export as text with every id (UUIDs, tokens, keys) replaced by its order."""
    text = json.dumps(data, sort_keys=True, default=str)
    seen: dict[str, str] = {}
    pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32,40}"
    return re.sub(pattern, lambda m: seen.setdefault(m.group(), f"id{len(seen)}"), text)


def test_v1_areas_named_jobs_and_visits_import_as_exports_and_activity() -> None:
    """Version 1 exports written before the areas were renamed kept the export jobs
    under ``jobs`` and the visits under ``visits``."""
    old = _v1()
    areas = _account(old)["areas"]
    areas["jobs"] = areas.pop("exports")
    areas["visits"] = areas.pop("activity")
    assert imported(old).export_state() == imported(_v1()).export_state()


def test_v1_funnel_amounts_in_exponent_form_are_read_as_plain_decimals() -> None:
    """Version 1 wrote a funnel's amounts with ``str(Decimal)``: ``"1E+1"`` for a ten
    sent as ``1e1``; version 2 writes ``"10"`` and refuses the other spelling."""
    old = _v1()
    sales = _account(old)["areas"]["funnels"]["funnels"][0]
    sales["potValue"] = "1E+1"
    sales["members"][0]["potValue"] = "7.250"
    funnels = _account(imported(old).export_state())["funnels"]["funnels"]
    assert (funnels[0]["potValue"], funnels[0]["members"][0]["potValue"]) == ("10", "7.250")


def test_v1_bad_value_is_refused_by_its_version_2_path() -> None:
    old = _v1()
    _account(old)["areas"]["notes"]["notes"][1]["priv"] = "false"
    target = fresh()
    before = target.export_state()
    with pytest.raises(SnapshotError) as caught:
        target.import_state(old)
    assert str(caught.value).endswith(
        "accounts[0].notes[1].priv: must be true or false (got the string 'false')"
    )
    assert target.export_state() == before


def test_v1_unknown_area_is_refused_by_name() -> None:
    old = _v1()
    _account(old)["areas"]["nope"] = {}
    with pytest.raises(SnapshotError) as caught:
        fresh().import_state(copy.deepcopy(old))
    assert caught.value.path == "accounts[0].nope"


# --- the doors: the control API's state/import and the --state file -----------------------


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: _account(d)["notes"][1].update(priv="false"), "accounts[0].notes[1].priv"),
        (lambda d: _account(d)["users"].append("not-an-email"), "accounts[0].users[3]"),
        (
            lambda d: _account(d)["contacts"][0]["tags"][0].update(tag="lower case!"),
            "accounts[0].contacts[0].tags[0].tag",
        ),
        (
            lambda d: _account(d)["contacts"][0].update(score=10**100),
            "accounts[0].contacts[0].score",
        ),
    ],
)
def test_control_state_import_and_the_state_file_refuse_by_path(
    change: Any, where: str, tmp_path: Path
) -> None:
    """Issue 11's reproductions through ``state/import`` (400 naming the path, nothing
    changed) and through the ``--state`` file (the server does not start: SnapshotError)."""
    data = exported()
    change(data)
    target = fresh()
    before = target.export_state()
    with pytest.raises(ControlError) as caught:
        target.control("state/import", {"state": data})
    assert caught.value.status == 400
    assert f"{where}: " in caught.value.messages[0]
    assert target.export_state() == before
    path = tmp_path / "state.json"
    path.write_text(encode_json(data), encoding="utf-8")
    with pytest.raises(SnapshotError) as error:
        StateFile(path, target).load()
    assert error.value.path == where
    assert target.export_state() == before
