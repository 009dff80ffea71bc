"""Smoke test of the scale and load benchmarks at tiny sizes (seconds), so they cannot rot.

The figures are not checked against their targets here (tiny sizes say nothing
about scale); only that every benchmark runs, measures and finds no problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench` lives at the repository root, next to tests/
    sys.path.insert(0, str(ROOT))

from bench import batch_split, contacts, load, memory, scale, upsert_split  # noqa: E402


def test_scale_ops_measures_every_operation() -> None:
    results = scale.scale_ops(small=200, large=1000, calls=20, rounds=2)
    assert [r.name for r in results] == [*scale.OPS, scale.ACCOUNT_VS_DICT]
    for r in results[:-1]:
        assert r.ratio > 0
        assert r.target == scale.TARGET
        assert r.lower_is_better
        assert "µs at 200" in r.detail
    vs_dict = results[-1]
    assert vs_dict.ratio > 0
    assert vs_dict.target == scale.DICT_TARGET
    assert "account.has_contact" in vs_dict.detail
    assert "dict.get" in vs_dict.detail


def test_scale_ops_runs_only_the_named_ones() -> None:
    results = scale.scale_ops(small=100, large=300, calls=10, rounds=2, only={"scale_upsert"})
    assert [r.name for r in results] == ["scale_upsert"]
    assert scale.run(quick=True, only={"load"}) == []


def test_populate_spreads_contacts_over_companies_with_scores_and_tags() -> None:
    emu = scale.populate(2500)
    account = emu.account(scale.CLIENT_ID)
    assert account.count() == 2500
    view = account.companies.company(scale.company(7))
    assert len(view.persons) == 2500 // scale.COMPANIES + (2500 % scale.COMPANIES > 7)
    assert view.scoring == sum(r.score for r in view.persons) > 0


def test_load_integrity_finds_no_lost_or_duplicated_contact_subprocess_server() -> None:
    result = load.load_integrity(threads=4, per_thread=50, server_kind="subprocess")
    assert result.name == "load_integrity"
    assert result.ratio == 0.0, result.detail
    assert "lost 0, duplicated 0" in result.detail


def test_load_integrity_counts_every_card() -> None:
    with load.server("thread") as url:
        report = load.integrity(url, threads=3, per_thread=40)
    # 3 x 32 own e-mails + 8 shared ones, each exactly once
    assert report.expected == report.cards == report.live_count == 3 * 32 + 8
    assert report.problems == 0


def test_scale_account_vs_dict_runs_alone() -> None:
    results = scale.scale_ops(
        small=100, large=300, calls=10, rounds=2, only={scale.ACCOUNT_VS_DICT}
    )
    assert [r.name for r in results] == [scale.ACCOUNT_VS_DICT]
    assert scale.run(quick=True, only={"memory"}) == []


def test_load_async_measures_both_runs() -> None:
    latency, bare, aio = load.load_async(
        loopback_count=40, latency_count=40, latency=0.005, server_kind="thread"
    )
    assert latency.name == "load_async"
    assert latency.ratio > 0
    assert not latency.lower_is_better
    assert "WITH 5 ms injected latency" in latency.detail
    assert bare.name == "load_async_bare"
    assert bare.ratio > 0
    assert bare.lower_is_better
    assert bare.target == load.BARE_TARGET
    assert "NO latency" in bare.detail
    assert aio.name == "load_async_bare_aio"  # the same rounds over the aiohttp transport
    assert aio.ratio > 0
    assert aio.lower_is_better
    assert aio.target == load.BARE_TARGET
    assert "aiohttp transport" in aio.detail


def test_emulator_cost_create_creates_in_every_round() -> None:
    result = contacts.emulator_cost_create(calls=20, rounds=3)
    assert result.name == "emulator_cost"
    assert result.ratio > 0
    assert result.target == 1.2
    assert result.lower_is_better
    assert "CREATES" in result.detail
    assert "(60 in 3 rounds)" in result.detail


def test_emulator_cost_update_updates_existing_contacts() -> None:
    result = contacts.emulator_cost_update(calls=20, rounds=3)
    assert result.name == "emulator_cost_upd"
    assert result.ratio > 0
    assert result.target == 1.2  # the same target as creates (issue 17)
    assert result.lower_is_better
    assert "UPDATES of 20 existing contacts" in result.detail


def test_json_floor_stores_one_entry_per_item() -> None:
    request = {
        "upsertDetails": [{"contact": {"email": f"u{i}@x.example", "n": 1.5}} for i in range(3)]
    }
    store = contacts.json_floor([(request, {"contactIds": {}})])
    assert sorted(store) == ["u0@x.example", "u1@x.example", "u2@x.example"]
    assert str(store["u0@x.example"]["contact"]["n"]) == "1.5"  # a Decimal, exact


def test_batch_floor_divides_by_the_floor() -> None:
    result = contacts.batch_floor(300)
    assert result.name == "batch_floor"
    assert result.ratio > 0
    assert result.target == 3.0
    assert result.lower_is_better
    assert "300 contacts in" in result.detail
    assert "floor" in result.detail


def test_memory_is_measured_in_a_fresh_process_through_the_router() -> None:
    figures = memory.measure(1500)
    assert figures["count"] == 1500
    assert figures["calls"] == 2  # two batchupsert requests, both in the call log
    assert figures["peak"] >= figures["after"] > 0
    result = memory.memory_bytes(1500)
    assert result.name == "memory_bytes"
    assert result.target == memory.TARGET
    assert "B per contact at 1500 contacts" in result.detail


def test_batch_split_prints_every_part(capsys: pytest.CaptureFixture[str]) -> None:
    assert batch_split.main(["50"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("50 items, 1 requests")
    assert [line.split()[0] for line in lines[1:]] == [
        "first",
        "end",
        "SDK",
        "emulator",
        "account",
        "kept",
    ]
    assert float(lines[-1].split()[4]) > 0  # "kept after the batch: N bytes ..."


def test_upsert_split_adds_up_inside_and_outside(capsys: pytest.CaptureFixture[str]) -> None:
    assert upsert_split.main(["20"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("20 creates per round")
    rows = {line.split()[0]: [float(x) for x in line.split()[1:]] for line in lines[2:4]}
    assert set(rows) == {"constant", "emulator"}
    for total, inside, outside in rows.values():
        assert 0 < inside < total
        assert outside == pytest.approx(total - inside, abs=0.11)
    assert lines[4].startswith("emulator - constant: ")
