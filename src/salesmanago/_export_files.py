"""Writing exported contacts to CSV or JSON Lines as they stream in (``exports.to_file``).

JSON Lines: one JSON object per contact, the export file's item as the platform
gave it. CSV: a header row, then one row per contact. The columns are ``id``,
``email``, ``name``, ``phone``, ``country``, ``exists``, then every other key of
the first contact in its order; a key first met on a later contact goes, with
its value, into the last column ``other`` as a JSON object, so nothing is
dropped. Empty cells are missing values; objects and lists are JSON; booleans
``true`` / ``false``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final

from .errors import ValidationError
from .models.exports import ExportedContact

__all__ = ["FORMATS", "ContactFileWriter", "check_format", "export_to", "open_destination"]

#: The formats ``exports.to_file`` writes.
FORMATS: Final = ("csv", "jsonl")
#: The first CSV columns, in order (the export file's documented keys).
LEAD_COLUMNS: Final = ("id", "email", "name", "phone", "country", "exists")
#: The CSV column holding, as a JSON object, keys not in the header.
OTHER_COLUMN: Final = "other"


def check_format(format: str) -> str:
    """``format`` if it is one of `FORMATS`, else a ValidationError."""
    if format not in FORMATS:
        raise ValidationError("format", f"must be one of {', '.join(FORMATS)} (got {format!r})")
    return format


def _json_default(value: object) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default, separators=(",", ":"))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        return _dumps(value)
    return str(value)


class ContactFileWriter:
    """Writes exported contacts to a text stream, one at a time; ``progress`` gets the
    count after each ``every`` contacts and at the end."""

    def __init__(
        self,
        stream: IO[str],
        format: str,
        *,
        every: int = 1000,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self._stream = stream
        self._format = check_format(format)
        self._csv: Any = None
        self._columns: list[str] = []
        self._every = every
        self._progress = progress
        self.count = 0

    def _item(self, contact: ExportedContact) -> dict[str, Any]:
        item = dict(contact.raw)
        if not item:  # a contact built by hand: its known fields
            item = {"id": contact.contact_id, "email": contact.email, "name": contact.name}
        return item

    def write(self, contact: ExportedContact) -> None:
        """Write one contact."""
        item = self._item(contact)
        if self._format == "jsonl":
            self._stream.write(_dumps(item) + "\n")
        else:
            self._write_row(item)
        self.count += 1
        if self._progress is not None and self.count % self._every == 0:
            self._progress(self.count)

    def _write_row(self, item: Mapping[str, Any]) -> None:
        if self._csv is None:
            self._csv = csv.writer(self._stream, lineterminator="\n")
            rest = [k for k in item if k not in LEAD_COLUMNS and k != OTHER_COLUMN]
            self._columns = [*LEAD_COLUMNS, *rest]
            self._csv.writerow([*self._columns, OTHER_COLUMN])
        other = {k: v for k, v in item.items() if k not in self._columns}
        row = [_cell(item.get(column)) for column in self._columns]
        self._csv.writerow([*row, _dumps(other) if other else ""])

    def finish(self) -> None:
        """End the file (a CSV export of no contact still gets its header)."""
        if self._format == "csv" and self._csv is None:
            self._csv = csv.writer(self._stream, lineterminator="\n")
            self._csv.writerow([*LEAD_COLUMNS, OTHER_COLUMN])
        self._stream.flush()
        if self._progress is not None:
            self._progress(self.count)


@contextlib.contextmanager
def export_to(
    destination: str | os.PathLike[str] | IO[str],
    format: str,
    page_size: int,
    progress: Callable[[int], None] | None,
) -> Iterator[ContactFileWriter]:
    """A writer of ``format`` to ``destination`` (checked before anything is opened),
    finished when the block ends well (a path is then renamed into place)."""
    check_format(format)
    with open_destination(destination) as stream:
        writer = ContactFileWriter(stream, format, every=page_size, progress=progress)
        yield writer
        writer.finish()


@contextlib.contextmanager
def open_destination(destination: str | os.PathLike[str] | IO[str]) -> Iterator[IO[str]]:
    """A text stream to write to: a given stream as it is, or a file at a path.

    A file is written as ``<name>.part`` and renamed to its name when the export
    ends well, so a failed export never leaves a file that looks complete.
    """
    if not isinstance(destination, (str, os.PathLike)):
        yield destination
        return
    path = Path(destination)
    part = path.with_name(path.name + ".part")
    try:
        with open(part, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(part, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()
