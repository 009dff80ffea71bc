"""The bulk sync's checkpoint file (issue 16, item 1): acknowledged rows as ranges, a
journal of checked lines (a line cut short is ignored), and clear refusals of a file
that is no checkpoint."""

from __future__ import annotations

import itertools
import json
import os
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesmanago import CheckpointError
from salesmanago._checkpoint import CheckpointFile, DoneRanges

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


def _written(path: Path) -> CheckpointFile:
    """A checkpoint of two chunks: rows 0..799 (row 17 refused), then 800..1199."""
    file = CheckpointFile(path, "contacts")
    state = file.load()
    refused = {17: ("Field 'upsertDetails[17].contact.email' must be an e-mail address",)}
    state.add([(0, 800)], {}, 800, "d800")
    file.record(state, 0, 800, refused)
    state.add([(800, 1200)], {}, 1200, "d1200")
    file.record(state, 800, 1200, {})
    file.close()
    return file


def test_a_checkpoint_is_a_journal_read_back_whole(tmp_path: Path) -> None:
    path = tmp_path / "sync.checkpoint"
    _written(path)
    assert os.listdir(tmp_path) == ["sync.checkpoint"], "no temporary file is left"
    lines = path.read_bytes().splitlines()
    assert len(lines) == 2, "the first chunk rewrites the file, the second appends a line"
    loaded = CheckpointFile(path, "contacts").load()
    assert (list(loaded.done), loaded.hashed, loaded.digest) == ([(0, 1200)], 1200, "d1200")
    assert list(loaded.refused) == [17]
    CheckpointFile(path, "contacts").remove()
    assert not path.exists()
    assert list(CheckpointFile(path, "contacts").load().done) == []


def test_a_last_line_cut_short_is_ignored_and_its_chunk_sent_again(tmp_path: Path) -> None:
    """A machine that failed while a line was written leaves part of it: its CRC
    fails, so that chunk counts as not acknowledged."""
    path = tmp_path / "sync.checkpoint"
    _written(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 7])
    loaded = CheckpointFile(path, "contacts").load()
    assert (list(loaded.done), loaded.hashed) == ([(0, 800)], 800)


def test_a_damaged_line_before_the_last_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sync.checkpoint"
    _written(path)
    first, second = path.read_bytes().splitlines()
    path.write_bytes(first.replace(b"d800", b"x800") + b"\n" + second + b"\n")
    with pytest.raises(CheckpointError, match=r"line 1 is damaged \(its CRC does not match\)"):
        CheckpointFile(path, "contacts").load()


def test_a_checkpoint_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sync.checkpoint"
    _written(path)
    with pytest.raises(CheckpointError, match="belongs to a sync of contacts, not of events"):
        CheckpointFile(path, "events").load()


def _line(document: object) -> bytes:
    text = json.dumps(document).encode()
    return text + b"\t" + f"{zlib.crc32(text):08x}".encode() + b"\n"


HEADER = {"format": "salesmanago-sync-checkpoint", "version": 1, "kind": "contacts"}
ENTRY = {"done": [[0, 10]], "refused": {}, "hashed": 10, "digest": "d"}


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "the file is empty"),
        (b"my notes\n", "line 1 is damaged (its CRC does not match)"),
        (_line({"format": "other"}), "'format' must be 'salesmanago-sync-checkpoint'"),
        (_line({**HEADER, "version": 9}), "'version' must be 1 (got 9)"),
        (_line([1, 2]), "line 1 is not a JSON object"),
        (
            _line({**HEADER, **ENTRY, "hashed": 4}),
            "'hashed' must be one past the highest acknowledged row",
        ),
        (
            _line({**HEADER, **ENTRY, "done": [[0, -1]]}),
            "line 1: 'done' must be a list of [start, end], 0 or more",
        ),
        (
            _line({**HEADER, **ENTRY, "refused": {"x": ["t"]}}),
            "line 1: 'refused' must map row indexes to lists of texts",
        ),
    ],
)
def test_a_file_that_is_no_checkpoint_is_refused_saying_why(
    tmp_path: Path, content: bytes, why: str
) -> None:
    path = tmp_path / "sync.checkpoint"
    path.write_bytes(content)
    with pytest.raises(CheckpointError) as caught:
        CheckpointFile(path, "contacts").load()
    assert str(caught.value) == f"checkpoint {str(path)!r} is not a sync checkpoint: {why}"
