"""The coverage table compares the protocol with the code, not code with code.

The protocol's endpoint list ships as data (``salesmanago_emulator/data/
protocol_paths.json``); :func:`coverage` joins it with the route table. A path the
protocol names and the emulator does not serve must carry a one-line reason, and a
path with a reason must not be served: the list cannot go stale either way.
"""

from __future__ import annotations

import re

import pytest

from salesmanago_emulator.cli import main
from salesmanago_emulator.coverage import coverage, protocol_paths, routes
from salesmanago_emulator.routes import ALL_ROUTES, V3_ROUTES

SECTIONS = re.compile(r"^(2\.3|6|7|8\.[1-6]|9)$")


def test_the_list_is_well_formed() -> None:
    entries = protocol_paths()
    paths = [entry.path for entry in entries]
    assert len(paths) == len(set(paths)), "a path is listed twice"
    for entry in entries:
        assert entry.path.startswith(("/api/", "/v3/")), entry
        assert entry.method in ("GET", "POST"), entry
        assert SECTIONS.match(entry.section), entry
        assert entry.grade in ("A", "B", "C"), entry
        assert entry.purpose.strip(), entry
        assert entry.not_served is None or entry.not_served.strip(), entry


def test_a_path_is_served_exactly_when_it_has_no_reason() -> None:
    served = {route.path for route in (*ALL_ROUTES, *V3_ROUTES)}
    for entry in protocol_paths():
        if entry.not_served is None:
            assert entry.path in served, f"{entry.path} has no reason but is not served"
        else:
            assert entry.path not in served, f"{entry.path} is served: drop its reason"


def test_no_path_of_sections_2_3_and_6_is_left_out() -> None:
    """Issue 12: every path of §2.3 (authentication) and §6 (contacts) is served."""
    missing = [e.path for e in protocol_paths() if e.section in ("2.3", "6") and e.not_served]
    assert missing == []


def test_coverage_rows_follow_the_list_then_the_extra_served_paths() -> None:
    rows = coverage()
    listed = [entry.path for entry in protocol_paths()]
    assert [row.path for row in rows[: len(listed)]] == listed
    extra = {row.path for row in rows[len(listed) :]}
    assert extra == {info.path for info in routes()} - set(listed)
    for row in rows:
        assert row.served == (row.reason is None)
        assert (row.area is None) == (not row.served)


def test_cli_routes_all_prints_every_protocol_path_with_its_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["routes", "--all"]) == 0
    out = capsys.readouterr().out
    rows = coverage()
    for row in rows:
        line = next(line for line in out.splitlines() if line.split()[:1] == [row.path])
        if row.served:
            assert f"served ({row.area})" in line
        else:
            assert f"not implemented: {row.reason}" in line
    served = sum(row.served for row in rows)
    assert out.splitlines()[-1] == (
        f"{len(rows)} paths, {served} served, {len(rows) - served} not implemented"
    )


def test_cli_routes_refuses_an_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "--everything"]) == 2
    assert "unknown option '--everything'" in capsys.readouterr().err
