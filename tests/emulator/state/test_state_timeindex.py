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


_PLUS_ONE = timezone(timedelta(hours=1))
# an instant as the clock gives it, or the same instant as another (equal, not identical) object
_spelled = st.tuples(_when, st.booleans()).map(
    lambda pair: pair[0].astimezone(_PLUS_ONE) if pair[1] else pair[0]
)


@settings(max_examples=200, derandomize=True)
@given(
    before=st.lists(st.tuples(_when, _id), max_size=4),
    batch=st.lists(st.tuples(_spelled, _id), max_size=6),
    shared=st.booleans(),
)
def test_extend_holds_what_adding_each_entry_in_turn_holds(
    before: list[tuple[datetime, str]], batch: list[tuple[datetime, str]], shared: bool
) -> None:
    """The batch path (one append when every instant is equal and not earlier than the
    last entry) leaves the entries, in order, exactly as one add each would; a batch at
    one shared instant object (a batch of writes) included."""
    if shared and batch:
        batch = [(batch[0][0], contact_id) for _, contact_id in batch]
    one_by_one, batched = TimeIndex(), TimeIndex()
    for index in (one_by_one, batched):
        for when, contact_id in before:
            index.add(when, contact_id)
    for when, contact_id in batch:
        one_by_one.add(when, contact_id)
    batched.extend([when for when, _ in batch], [i for _, i in batch])
    assert batched._times == one_by_one._times
    assert batched._ids == one_by_one._ids
