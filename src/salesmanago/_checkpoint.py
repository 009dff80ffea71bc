"""The checkpoint file of a bulk sync: which rows were acknowledged, and of which input.

A row is identified by its index in the input; the input by a SHA-256 digest of
its rows (each row's ``repr``, length-prefixed) up to the highest acknowledged
index. A resumed run reads its input again, skips the acknowledged rows, and
sends nothing until the digest of the rows before that index matches: another
input (or the same rows in another order) is refused with
:class:`~salesmanago.errors.CheckpointError` before anything is sent.

The file is JSON, rewritten whole after each acknowledged chunk to a temporary
file in the same folder, flushed to disk and renamed over the old one
(``os.replace``): a crash at any instant leaves the old or the new file, never a
torn one. It stays small: ranges of acknowledged rows (one range for an in-order
run) and the texts of refused rows.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from .errors import CheckpointError

__all__ = [
    "FORMAT",
    "Checkpoint",
    "DoneRanges",
    "load_checkpoint",
    "remove_checkpoint",
    "save_checkpoint",
]

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

    def to_json(self) -> dict[str, Any]:
        """The file's JSON document."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "kind": self.kind,
            "hashed": self.hashed,
            "digest": self.digest,
            "done": [[s, e] for s, e in self.done],
            "refused": {str(i): list(texts) for i, texts in sorted(self.refused.items())},
        }


def _bad(path: Path, why: str) -> CheckpointError:
    return CheckpointError(f"checkpoint {str(path)!r} is not a sync checkpoint: {why}")


def _int(value: object, path: Path, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(path, f"'{field}' must be an integer, 0 or more")
    return value


def _read(document: object, path: Path) -> Checkpoint:
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise _bad(path, f"'format' must be {FORMAT!r}")
    if document.get("version") != VERSION:
        raise _bad(path, f"'version' must be {VERSION} (got {document.get('version')!r})")
    kind, digest = document.get("kind"), document.get("digest")
    if not isinstance(kind, str) or not isinstance(digest, str):
        raise _bad(path, "'kind' and 'digest' must be strings")
    done_raw, refused_raw = document.get("done"), document.get("refused")
    if not isinstance(done_raw, list) or not isinstance(refused_raw, Mapping):
        raise _bad(path, "'done' must be a list of [start, end] and 'refused' an object")
    done = DoneRanges()
    for pair in done_raw:
        if not isinstance(pair, list) or len(pair) != 2:
            raise _bad(path, "'done' must be a list of [start, end]")
        done.add(_int(pair[0], path, "done"), _int(pair[1], path, "done"))
    refused: dict[int, tuple[str, ...]] = {}
    for key, texts in refused_raw.items():
        if not str(key).isdigit() or not isinstance(texts, list):
            raise _bad(path, "'refused' must map row indexes to lists of texts")
        refused[int(key)] = tuple(str(t) for t in texts)
    hashed = _int(document.get("hashed"), path, "hashed")
    if hashed != done.high:
        raise _bad(path, "'hashed' must be one past the highest acknowledged row")
    return Checkpoint(kind=kind, done=done, refused=refused, hashed=hashed, digest=digest)


def load_checkpoint(path: str | os.PathLike[str], kind: str) -> Checkpoint | None:
    """The checkpoint at ``path`` (``None`` when there is no file), checked to be a
    checkpoint of ``kind``; a file that is no checkpoint raises CheckpointError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise _bad(path, f"not JSON ({exc})") from None
    checkpoint = _read(document, path)
    if checkpoint.kind != kind:
        raise CheckpointError(
            f"checkpoint {str(path)!r} belongs to a sync of {checkpoint.kind}, not of {kind}"
        )
    return checkpoint


def save_checkpoint(path: str | os.PathLike[str], checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` to ``path`` atomically (a temporary file, fsync, rename)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    data = json.dumps(checkpoint.to_json(), separators=(",", ":")).encode()
    try:
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def remove_checkpoint(path: str | os.PathLike[str]) -> None:
    """Remove the checkpoint at ``path`` (nothing when there is none)."""
    with contextlib.suppress(FileNotFoundError):
        Path(path).unlink()
