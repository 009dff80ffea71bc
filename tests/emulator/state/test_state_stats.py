"""Counting a card's activity (S16.1, S16.2; ``state/_stats.py``): percentages rounded
half-up, histograms by local hour and weekday."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from salesmanago_emulator.state._stats import histograms, percent, shares

WARSAW = ZoneInfo("Europe/Warsaw")
T0 = datetime(2026, 1, 15, 10, tzinfo=timezone.utc)

_instants = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.just(timezone.utc),
)


def test_s16_1_percent_is_half_up_with_two_decimals() -> None:
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 16) == Decimal("6.25")
    assert percent(1, 400) == Decimal("0.25")
    assert percent(1, 800) == Decimal("0.13")  # 0.125: half-up, not to even
    assert percent(0, 0) == Decimal("0.00")


def test_s16_1_shares_most_first_then_by_name_with_last_visit() -> None:
    found = shares(
        [("B", T0), ("A", T0 + timedelta(hours=1)), ("B", T0 + timedelta(hours=2)), ("C", T0)]
    )
    assert [(s.name, s.visits, s.percent) for s in found] == [
        ("B", 2, Decimal("50.00")),
        ("A", 1, Decimal("25.00")),
        ("C", 1, Decimal("25.00")),
    ]
    assert found[0].last_visit == T0 + timedelta(hours=2)


@given(st.lists(st.tuples(st.sampled_from("ABCDEFG"), _instants), max_size=60))
def test_s16_1_property_percentages_sum_to_100_within_the_rounding(
    items: list[tuple[str, datetime]],
) -> None:
    found = shares(items)
    assert sum(s.visits for s in found) == len(items)
    if items:
        assert abs(sum(s.percent for s in found) - 100) <= Decimal("0.005") * len(found)


def test_s16_2_histograms_count_in_the_account_zone() -> None:
    # 23:30 UTC on Sunday 2026-01-18 is 00:30 on Monday in Warsaw
    late = datetime(2026, 1, 18, 23, 30, tzinfo=timezone.utc)
    found = histograms([("VISITS", [late]), ("EXTERNAL_EVENTS", [T0])], WARSAW)
    assert found.sources == ("VISITS", "EXTERNAL_EVENTS")
    assert found.hourly[0] == 1
    assert found.hourly[11] == 1  # 10:00 UTC = 11:00 in Warsaw (winter)
    assert found.weekly[0] == 1  # Monday
    assert found.weekly[3] == 1  # Thursday 2026-01-15
    assert found.total == 2


@given(
    st.lists(st.lists(_instants, max_size=20), max_size=3),
    st.none() | _instants,
    st.none() | _instants,
)
def test_s16_2_property_totals_equal_the_items_in_range(
    sources: list[list[datetime]], start: datetime | None, end: datetime | None
) -> None:
    found = histograms([(f"S{i}", items) for i, items in enumerate(sources)], WARSAW, start, end)
    in_range = [
        when
        for items in sources
        for when in items
        if (start is None or when >= start) and (end is None or when <= end)
    ]
    assert found.total == sum(found.weekly) == len(in_range)
    assert len(found.hourly) == 24
    assert len(found.weekly) == 7
