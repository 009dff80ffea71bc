"""The checkpoint file of a bulk sync: which rows were acknowledged, and of which input.

A row is identified by its index in the input; the input by a SHA-256 digest of
its rows (each row's ``repr``, length-prefixed) up to the highest acknowledged
index. A resumed run reads its input again, skips the acknowledged rows, and
sends nothing until the digest of the rows before that index matches: another
input (or the same rows in another order) is refused with
[`CheckpointError`][salesmanago.errors.CheckpointError] before anything is sent.

The file is a journal of JSON lines, each followed by a tab and the CRC-32 of its
JSON (hex). The first line holds the format, the kind of rows and everything
acknowledged when the run started (written to a temporary file and renamed over
the old checkpoint, so the file is always whole); each acknowledged chunk then
appends one line: its rows, the texts of its refused rows, and the digest. A line
is written with one ``write`` and flushed to the operating system before the next
chunk is sent, so a killed process loses nothing it acknowledged. A last line cut
short (the machine itself failed while writing it) fails its CRC and is ignored:
that chunk is sent again, which an upsert tolerates. Appending costs a few
microseconds where rewriting and renaming a file costs milliseconds, more than a
chunk's own work.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import os
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final

import attrs

from .errors import CheckpointError

__all__ = ["FORMAT", "Checkpoint", "CheckpointFile", "DoneRanges"]

#: The ``format`` of a checkpoint file, and its version.
FORMAT: Final = "salesmanago-sync-checkpoint"
VERSION: Final = 1


class DoneRanges:
    """A set of row indexes kept as sorted, disjoint, non-adjacent ``[start, end)`` ranges."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, ranges: list[tuple[int, int]] | None = None) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in ranges or ():
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        """Add the rows ``start .. end - 1`` (merging with touching ranges)."""
        if end <= start:
            return
        # every range overlapping or touching [start, end)
        first = bisect.bisect_left(self._ends, start)
        last = bisect.bisect_right(self._starts, end)
        if first < last:
            start = min(start, self._starts[first])
            end = max(end, self._ends[last - 1])
        self._starts[first:last] = [start]
        self._ends[first:last] = [end]

    def __contains__(self, index: object) -> bool:
        if not isinstance(index, int):
            return False
        position = bisect.bisect_right(self._starts, index) - 1
        return position >= 0 and index < self._ends[position]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(zip(self._starts, self._ends, strict=True))

    def __len__(self) -> int:
        """The number of rows in the set."""
        return sum(e - s for s, e in self)

    @property
    def high(self) -> int:
        """One past the highest row in the set (0 when empty)."""
        return self._ends[-1] if self._ends else 0


@attrs.define
class Checkpoint:
    """What a checkpoint file records.

    Attributes:
        kind: what was synced (``contacts``, ``events``); a checkpoint of another
            kind is refused.
        done: the acknowledged rows (applied or refused).
        refused: the texts of each refused row, by index.
        hashed: the rows ``0 .. hashed - 1`` covered by ``digest`` (the highest
            acknowledged row plus one).
        digest: the SHA-256 of those rows, hex.
    """

    kind: str
    done: DoneRanges = attrs.field(factory=DoneRanges)
    refused: dict[int, tuple[str, ...]] = attrs.field(factory=dict)
    hashed: int = 0
    digest: str = ""

    def add(
        self,
        done: list[tuple[int, int]],
        refused: Mapping[int, tuple[str, ...]],
        hashed: int,
        digest: str,
    ) -> None:
        """Record acknowledged rows (one line of the file)."""
        for start, end in done:
            self.done.add(start, end)
        self.refused.update(refused)
        if hashed > self.hashed:
            self.hashed, self.digest = hashed, digest


def _line(document: Mapping[str, Any]) -> bytes:
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    return text + b"\t" + f"{zlib.crc32(text):08x}".encode() + b"\n"


def _entry(
    done: Any, refused: Mapping[int, tuple[str, ...]], hashed: int, digest: str
) -> dict[str, Any]:
    return {
        "done": [[s, e] for s, e in done],
        "refused": {str(i): list(texts) for i, texts in sorted(refused.items())},
        "hashed": hashed,
        "digest": digest,
    }


class CheckpointFile:
    """The checkpoint of one run: read once, then rewritten whole at the first
    acknowledgment and appended to at each one after."""

    def __init__(self, path: str | os.PathLike[str], kind: str) -> None:
        self.path = Path(path)
        self.kind = kind
        self._stream: IO[bytes] | None = None

    def load(self) -> Checkpoint:
        """What the file records (nothing when there is no file); a file that is no
        checkpoint of this kind raises CheckpointError."""
        state = Checkpoint(kind=self.kind)
        try:
            lines = self.path.read_bytes().split(b"\n")
        except FileNotFoundError:
            return state
        if lines and not lines[-1]:
            lines.pop()
        if not lines:
            raise self._bad("the file is empty")
        for number, raw in enumerate(lines, start=1):
            document = self._read_line(raw, number, last=number == len(lines))
            if document is None:  # a last line cut short: its chunk was not recorded
                break
            if number == 1:
                self._check_header(document)
            state.add(*self._entry(document, number))
        if state.hashed != state.done.high:
            raise self._bad("'hashed' must be one past the highest acknowledged row")
        return state

    def _bad(self, why: str) -> CheckpointError:
        return CheckpointError(f"checkpoint {str(self.path)!r} is not a sync checkpoint: {why}")

    def _read_line(self, raw: bytes, number: int, *, last: bool) -> Mapping[str, Any] | None:
        text, _, crc = raw.rpartition(b"\t")
        try:
            if f"{zlib.crc32(text):08x}".encode() != crc:
                raise ValueError("its CRC does not match")
            document = json.loads(text)
        except ValueError as error:
            if last and number > 1:
                return None
            raise self._bad(f"line {number} is damaged ({error})") from None
        if not isinstance(document, Mapping):
            raise self._bad(f"line {number} is not a JSON object")
        return document

    def _check_header(self, document: Mapping[str, Any]) -> None:
        if document.get("format") != FORMAT:
            raise self._bad(f"'format' must be {FORMAT!r}")
        if document.get("version") != VERSION:
            raise self._bad(f"'version' must be {VERSION} (got {document.get('version')!r})")
        if document.get("kind") != self.kind:
            raise CheckpointError(
                f"checkpoint {str(self.path)!r} belongs to a sync of "
                f"{document.get('kind')}, not of {self.kind}"
            )

    def _entry(
        self, document: Mapping[str, Any], number: int
    ) -> tuple[list[tuple[int, int]], dict[int, tuple[str, ...]], int, str]:
        done_raw, refused_raw = document.get("done"), document.get("refused")
        hashed, digest = document.get("hashed"), document.get("digest")
        where = f"line {number}: "
        if not isinstance(done_raw, list) or not isinstance(refused_raw, Mapping):
            raise self._bad(where + "'done' must be a list of [start, end], 'refused' an object")
        if not isinstance(hashed, int) or not _count(hashed) or not isinstance(digest, str):
            raise self._bad(where + "'hashed' must be an integer, 0 or more; 'digest' a string")
        done = []
        for pair in done_raw:
            if not isinstance(pair, list) or len(pair) != 2 or not all(map(_count, pair)):
                raise self._bad(where + "'done' must be a list of [start, end], 0 or more")
            done.append((pair[0], pair[1]))
        refused: dict[int, tuple[str, ...]] = {}
        for key, texts in refused_raw.items():
            if not str(key).isdigit() or not isinstance(texts, list):
                raise self._bad(where + "'refused' must map row indexes to lists of texts")
            refused[int(key)] = tuple(str(t) for t in texts)
        return done, refused, hashed, digest

    def record(
        self, state: Checkpoint, start: int, end: int, refused: Mapping[int, tuple[str, ...]]
    ) -> None:
        """Record a chunk acknowledged: its rows (``state`` already holds them) and the
        texts of its refused rows (``refused``, which ``state`` need not hold)."""
        if self._stream is None:
            self._rewrite(state, refused)
            return
        self._stream.write(_line(_entry([(start, end)], refused, state.hashed, state.digest)))
        self._stream.flush()

    def _rewrite(self, state: Checkpoint, refused: Mapping[int, tuple[str, ...]]) -> None:
        header = {"format": FORMAT, "version": VERSION, "kind": self.kind}
        texts = {**state.refused, **refused}
        data = _line({**header, **_entry(state.done, texts, state.hashed, state.digest)})
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with open(temporary, "wb") as file:
                file.write(data)
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        self._stream = open(self.path, "ab")  # noqa: SIM115 - open for the run, closed by close()

    def close(self) -> None:
        """Close the file (it stays for a resume)."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def remove(self) -> None:
        """Close and remove the file: the run is complete."""
        self.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
