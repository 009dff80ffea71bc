"""The created/modified time index: range listings match a plain sorted list (S2.3)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from salesmanago_emulator.state._timeindex import TimeIndex

T0 = datetime(2026, 1, 15, tzinfo=timezone.utc)
_when = st.integers(0, 6).map(lambda minutes: T0 + timedelta(minutes=minutes))
_id = st.sampled_from([f"id{n}" for n in range(8)])
# one step: a single add, or a batch (one instant, or mixed instants in any order)
_step = st.one_of(
    st.tuples(st.just("add"), st.lists(st.tuples(_when, _id), min_size=1, max_size=1)),
    st.tuples(
        st.just("batch"),
        st.tuples(_when, st.lists(_id, min_size=1, max_size=5)).map(
            lambda batch: [(batch[0], i) for i in batch[1]]
        ),
    ),
    st.tuples(st.just("batch"), st.lists(st.tuples(_when, _id), max_size=5)),
)


@settings(max_examples=200, derandomize=True)
@given(
    steps=st.lists(_step, max_size=12),
    start=_when,
    span=st.integers(0, 6),
    stale=st.sets(_id),
    rebuild=st.booleans(),
)
def test_between_lists_every_valid_entry_in_range_by_instant_then_id(
    steps: list[tuple[str, list[tuple[datetime, str]]]],
    start: datetime,
    span: int,
    stale: set[str],
    rebuild: bool,
) -> None:
    index = TimeIndex()
    model: list[tuple[datetime, str]] = []
    for kind, entries in steps:
        if kind == "add":
            index.add(*entries[0])
        else:
            index.extend([when for when, _ in entries], [i for _, i in entries])
        model.extend(entries)
    if rebuild:
        index.rebuild(reversed(model))
    end = start + timedelta(minutes=span)
    assert len(index) == len(model)

    def valid(when: datetime, contact_id: str) -> bool:
        return contact_id not in stale

    expected = sorted({(w, i) for w, i in model if start <= w <= end and valid(w, i)})
    assert index.between(start, end, valid) == [i for _, i in expected]


def test_clear_empties_the_index() -> None:
    index = TimeIndex()
    index.extend([T0, T0], ["a", "b"])
    index.clear()
    assert len(index) == 0
    assert index.between(T0, T0, lambda when, contact_id: True) == []
