"""The bulk sync's checkpoint file (issue 16, item 1): acknowledged rows as ranges, an
atomic rewrite, and clear refusals of a file that is no checkpoint."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesmanago import CheckpointError
from salesmanago._checkpoint import (
    Checkpoint,
    DoneRanges,
    load_checkpoint,
    remove_checkpoint,
    save_checkpoint,
)

ranges = st.lists(
    st.tuples(st.integers(0, 200), st.integers(0, 30)).map(lambda p: (p[0], p[0] + p[1])),
    max_size=30,
)


@given(ranges)
def test_done_ranges_hold_exactly_the_rows_added(added: list[tuple[int, int]]) -> None:
    """Property: the set is the union of the ranges added, kept sorted, disjoint and
    non-touching (an in-order run is a single range however many chunks it had)."""
    done = DoneRanges()
    for start, end in added:
        done.add(start, end)
    expected = {i for start, end in added for i in range(start, end)}
    assert {i for i in range(250) if i in done} == expected
    assert len(done) == len(expected)
    pairs = list(done)
    assert all(s < e for s, e in pairs)
    assert all(e1 < s2 for (_, e1), (s2, _) in itertools.pairwise(pairs))
    assert done.high == max((e for s, e in added if e > s), default=0)


def test_a_checkpoint_round_trips_and_is_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "sync.checkpoint"
    state = Checkpoint(kind="contacts", done=DoneRanges([(0, 800)]), hashed=800, digest="ab")
    state.refused[17] = ("Field 'upsertDetails[17].contact.email' must be an e-mail address",)
    save_checkpoint(path, state)
    state.done.add(800, 1200)
    state.hashed = 1200
    save_checkpoint(path, state)
    assert os.listdir(tmp_path) == ["sync.checkpoint"], "no temporary file is left"
    loaded = load_checkpoint(path, "contacts")
    assert loaded is not None
    assert (list(loaded.done), loaded.hashed, loaded.digest) == ([(0, 1200)], 1200, "ab")
    assert loaded.refused == state.refused
    remove_checkpoint(path)
    remove_checkpoint(path)
    assert load_checkpoint(path, "contacts") is None


def test_a_failed_write_leaves_the_old_checkpoint(tmp_path: Path) -> None:
    path = tmp_path / "sync.checkpoint"
    save_checkpoint(path, Checkpoint(kind="events", done=DoneRanges([(0, 5)]), hashed=5))
    bad = Checkpoint(kind="events", done=DoneRanges([(0, 9)]), hashed=9)
    bad.refused[1] = (object(),)  # type: ignore[assignment]  # not JSON: the write fails
    with pytest.raises(TypeError):
        save_checkpoint(path, bad)
    assert json.loads(path.read_text())["hashed"] == 5
    assert os.listdir(tmp_path) == ["sync.checkpoint"]


@pytest.mark.parametrize(
    ("document", "why"),
    [
        ({"format": "other"}, "'format' must be 'salesmanago-sync-checkpoint'"),
        ({"format": "salesmanago-sync-checkpoint", "version": 9}, "'version' must be 1 (got 9)"),
        (
            {
                "format": "salesmanago-sync-checkpoint",
                "version": 1,
                "kind": "contacts",
                "digest": "",
                "done": [[0, 10]],
                "refused": {},
                "hashed": 4,
            },
            "'hashed' must be one past the highest acknowledged row",
        ),
        (
            {
                "format": "salesmanago-sync-checkpoint",
                "version": 1,
                "kind": "contacts",
                "digest": "",
                "done": [[0, -1]],
                "refused": {},
                "hashed": 0,
            },
            "'done' must be an integer, 0 or more",
        ),
    ],
)
def test_a_file_that_is_no_checkpoint_is_refused_saying_why(
    tmp_path: Path, document: object, why: str
) -> None:
    path = tmp_path / "sync.checkpoint"
    path.write_text(json.dumps(document))
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(path, "contacts")
    assert str(caught.value) == f"checkpoint {str(path)!r} is not a sync checkpoint: {why}"
