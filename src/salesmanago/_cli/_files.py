"""The command's files: input records read lazily, the failures file.

Input: CSV (a header row, then one record per row; UTF-8, a BOM allowed) or JSON
Lines (one JSON object per line; an empty line is skipped). A JSON line that is no
object is a record that cannot be read: it is kept, in its place, as a record
holding only the problem (``READ_ERROR``), so the rows after it keep their numbers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Final

__all__ = ["READ_ERROR", "FailuresFile", "InputFile", "input_format"]

#: The key of a record that could not be read, holding why.
READ_ERROR: Final = "\x00read-error"
SUFFIXES: Final = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def input_format(path: Path, given: str | None) -> str:
    """The file's format: ``given``, else from its suffix (.csv, .jsonl, .ndjson)."""
    if given is not None:
        return given
    try:
        return SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise ValueError(
            f"cannot tell the format of {path.name!r} from its suffix: name it .csv or "
            ".jsonl, or pass --format csv|jsonl"
        ) from None


class InputFile:
    """An input file: its columns and its records, read lazily."""

    def __init__(self, path: Path, format: str) -> None:
        self.path = path
        self.format = format
        self.columns: list[str] = self._columns()

    def _open(self) -> IO[str]:
        return open(self.path, encoding="utf-8-sig", newline="")

    def _columns(self) -> list[str]:
        with self._open() as stream:
            if self.format == "csv":
                header = next(csv.reader(stream), None)
                if header is None:
                    raise ValueError(f"{self.path.name}: the file is empty (no header row)")
                if len(set(header)) != len(header):
                    raise ValueError(f"{self.path.name}: the header names a column twice")
                return header
            columns: dict[str, None] = {}
            for _, record in zip(range(1000), self._json_records(stream), strict=False):
                columns.update(dict.fromkeys(k for k in record if k != READ_ERROR))
            return list(columns)

    def records(self) -> Iterator[Mapping[str, Any]]:
        """Every record, in order."""
        with self._open() as stream:
            if self.format == "csv":
                reader = csv.reader(stream)
                header = next(reader)
                width = len(header)
                for number, row in enumerate(reader, start=1):
                    if len(row) != width:
                        why = f"row {number} has {len(row)} cells, the header {width}"
                        yield {READ_ERROR: why, **dict(zip(header, row, strict=False))}
                    else:
                        yield dict(zip(header, row, strict=True))
            else:
                yield from self._json_records(stream)

    @staticmethod
    def _json_records(stream: IO[str]) -> Iterator[Mapping[str, Any]]:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                yield {READ_ERROR: f"line {number} is not JSON: {error}"}
                continue
            if not isinstance(record, dict):
                yield {READ_ERROR: f"line {number} is not a JSON object"}
            else:
                yield record

    def count(self) -> int:
        """About how many records the file holds (its line count, less the header),
        for the progress bar."""
        lines = 0
        with open(self.path, "rb") as stream:
            while block := stream.read(1 << 20):
                lines += block.count(b"\n")
        return max(lines - (self.format == "csv"), 0)


class FailuresFile:
    """The failures file: one JSON object per row that was not applied.

    ``{"row": 18, "index": 17, "status": "REFUSED", "errors": [...], "input": {...}}``:
    the row's number among the file's records (from 1), its index as the
    platform's texts name it (from 0), what became of it, the texts, and the
    record as read.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._stream: IO[str] | None = None

    def write(
        self, index: int, status: str, errors: Sequence[str], record: Mapping[str, Any] | None
    ) -> None:
        """Add one row."""
        if self._stream is None:
            self._stream = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - kept open
        entry = {
            "row": index + 1,
            "index": index,
            "status": status,
            "errors": list(errors),
            "input": {k: v for k, v in (record or {}).items() if k != READ_ERROR},
        }
        self._stream.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self.count += 1

    def close(self) -> None:
        """Flush and close the file; with no failure, remove an old one."""
        if self._stream is not None:
            self._stream.close()
        elif self.path.exists():
            self.path.unlink()
