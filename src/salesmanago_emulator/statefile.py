"""The server's ``--state`` file: loaded at start, saved durably after every change.

Guarantee: once the server has answered a request, the state that request
produced is on disk. Killing the server at any moment (``kill -9``, power
loss after the answer) leaves a file that loads and holds every acknowledged
write: a save writes a temporary file in the same directory, ``fsync``\\ s it,
renames it over the state file (atomic on POSIX and Windows), then
``fsync``\\ s the directory so the rename itself survives a crash. A reader
never sees a half-written file; at worst it sees the previous complete one,
and then only for requests not yet answered.

Cost: each save exports and writes the whole state, O(state) per request.
For an emulator (thousands of contacts) that is milliseconds; a load of a
million contacts with ``--state`` would be slow, which is why the file is
optional. Saves are coalesced (group commit): requests finishing while a save
runs share the next save, and a save whose bytes equal the last one written
skips the disk. No request is acknowledged before a save covering it ends.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._jsoncodec import encode_json
from .errors import TEXT_STATE_NOT_OBJECT, TEXT_STATE_TOO_DEEP, TEXT_STATE_UNREADABLE
from .snapshot import SnapshotError
from .snapshot._reader import TOP

if TYPE_CHECKING:
    from ._emulator import Emulator

__all__ = ["StateFile", "read_state", "write_atomic"]


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    A symbolic link stays a link: its target is written (issue 15). A temporary file
    in the target's directory is written with the target's permission bits (``0o600``
    for a new file: the state holds secrets), fsynced, renamed over the target, and the
    directory is fsynced.
    """
    target = Path(os.path.realpath(path))
    directory = target.parent
    temp = directory / f".{target.name}.tmp"
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o600
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        if os.name == "posix":
            os.fchmod(fd, mode)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, target)
    if os.name == "posix":  # a directory cannot be opened for fsync on Windows
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def read_state(path: Path) -> dict[str, Any]:
    """The decoded state file; [`SnapshotError`][salesmanago_emulator.snapshot.SnapshotError] (path
    ``file``) if unreadable."""
    try:
        # decimals stay exact: rules keep the numbers they were sent (Decimal)
        data = json.loads(path.read_bytes().decode("utf-8"), parse_float=Decimal)
    except RecursionError:  # nested deeper than the JSON reader goes
        raise SnapshotError(
            "file", TEXT_STATE_UNREADABLE.format(path=str(path), error=TEXT_STATE_TOO_DEEP)
        ) from None
    except (OSError, ValueError) as err:
        raise SnapshotError(
            "file", TEXT_STATE_UNREADABLE.format(path=str(path), error=err)
        ) from None
    if not isinstance(data, dict):
        raise SnapshotError(TOP, TEXT_STATE_NOT_OBJECT.format(path=str(path)))
    return data


def _encode(data: Any) -> bytes:
    return encode_json(data).encode("utf-8")


class StateFile:
    """The state file of one emulator: `load`, `save`, and `commit` per change."""

    def __init__(self, path: str | os.PathLike[str], emulator: Emulator[Any]) -> None:
        """Bind ``path`` (its directory must exist) to ``emulator``; nothing is read yet."""
        self.path = Path(path).absolute()
        self.emulator = emulator
        self._io = threading.Lock()  # one save at a time
        self._counter = threading.Lock()
        self._requested = 0  # changes announced by commit()
        self._saved = 0  # changes covered by the last completed save
        self._last: bytes | None = None
        self.saves = 0
        """How many times the file was written (tests and curiosity)."""

    def load(self) -> bool:
        """Import the file into the emulator if it exists; whether it did (SnapshotError if bad)."""
        if not self.path.exists():
            return False
        self.emulator.import_state(read_state(self.path))
        return True

    def save(self) -> None:
        """Write the current state now (skipped when it equals the last write)."""
        self.commit()

    def commit(self) -> None:
        """Return once a save covering every change made before this call is on disk."""
        with self._counter:
            self._requested += 1
            mine = self._requested
        with self._io:
            if self._saved >= mine:
                return  # a save that started after our change covered it
            with self.emulator.lock:
                with self._counter:
                    target = self._requested
                data = self.emulator.export_state()
            payload = _encode(data)
            if payload != self._last:
                write_atomic(self.path, payload)
                self._last = payload
                self.saves += 1
            self._saved = target
