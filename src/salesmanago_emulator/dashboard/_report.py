"""The page the pytest option writes for a failing test: the cards it touched, its calls.

A card is **touched** (grade D, docs/emulator/decisions.md "The failing-test page: the
cards a test touched") when a logged call names it (a string anywhere in a request or
answer body equal to the card's e-mail or id, case and surrounding spaces ignored), or
when it was created or changed at or after the instant the fixture's clock stood at
when the test began (the Python API writes no call log). Soft-deleted cards count;
purged ones are gone and cannot be shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ._views import report_page

if TYPE_CHECKING:
    from .._emulator import Emulator

__all__ = ["page_name", "touched_cards", "write_report"]

_UNSAFE: Final = re.compile(r"[^A-Za-z0-9_.-]+")
_MAX_NAME: Final = 150


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value.strip().lower()
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def touched_cards(emulator: Emulator[Any], since: datetime) -> list[tuple[str, str]]:
    """``(client_id, contact id)`` of every card the test touched, account by account,
    each account's cards oldest first."""
    with emulator.lock:
        named: set[str] = set()
        for call in emulator.calls:
            named.update(_strings(call.request))
            named.update(_strings(call.response))
        found = []
        for account in emulator.accounts:
            for record in account.all_contacts():
                if record.id in named or record.email in named or record.modified_on >= since:
                    found.append((account.client_id, record.id))
        return found


def page_name(nodeid: str) -> str:
    """A file name for test ``nodeid``: unsafe characters as ``_``, ``.html`` at the end."""
    return _UNSAFE.sub("_", nodeid).strip("_")[:_MAX_NAME] + ".html"


def write_report(
    emulator: Emulator[Any], directory: Path, nodeid: str, since: datetime, problem: str
) -> Path:
    """Write the page of failing test ``nodeid`` into ``directory`` (created if needed);
    its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / page_name(nodeid)
    text = report_page(
        emulator,
        touched_cards(emulator, since),
        title=f"Failed: {nodeid}",
        calls=emulator.calls,
        problem=problem,
    )
    path.write_text(text, encoding="utf-8")
    return path
