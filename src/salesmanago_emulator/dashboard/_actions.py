"""The few writes the dashboard offers, each a control operation (no second code path).

A form names an action (`ACTIONS`); `run_action` turns its fields into the control
operation's body and runs it through [`Emulator.control`][salesmanago_emulator.Emulator.control],
so the page changes the state exactly as ``POST /_emulator/<op>`` would. Checking that
the form came from the dashboard itself (origin and token) is the routes' job
(`_guard.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from ..clock import utc_iso
from ..state._purge import next_purge_instant

if TYPE_CHECKING:
    from .._emulator import Emulator

__all__ = ["ACTIONS", "next_0200_body", "run_action"]


def next_0200_body(emulator: Emulator[Any], fields: Mapping[str, str]) -> dict[str, Any]:
    """``clock/set`` to the next 02:00 after now in the time zone of account ``client_id``
    (default the first account; UTC with none): the instant the nightly purge runs (S3.4)."""
    client_id = fields.get("client_id", "")
    accounts = emulator.accounts
    if client_id:
        zone = emulator.account(client_id).timezone
    else:
        zone = accounts[0].timezone if accounts else ZoneInfo("UTC")
    target = next_purge_instant(emulator.clock.now(), zone)
    return {"now": utc_iso(target)}


def _advance_body(emulator: Emulator[Any], fields: Mapping[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for unit in ("days", "hours", "minutes"):
        text = fields.get(unit, "").strip()
        if text:
            try:
                body[unit] = float(text)
            except ValueError:
                raise ValueError(f"{unit}: {text!r} is not a number") from None
    return body


def _no_body(emulator: Emulator[Any], fields: Mapping[str, str]) -> dict[str, Any]:
    return {}


ActionBody = Callable[["Emulator[Any]", Mapping[str, str]], dict[str, Any]]
"""Builds a control operation's body from the emulator and the form's fields."""

ACTIONS: Final[Mapping[str, tuple[str, ActionBody]]] = {
    "clock-next-0200": ("clock/set", next_0200_body),
    "clock-advance": ("clock/advance", _advance_body),
    "calls-clear": ("calls/clear", _no_body),
    "faults-clear": ("faults/clear", _no_body),
    "reset": ("reset", _no_body),
}
"""Each action the pages offer: its name in the form's URL -> (control operation, body)."""


def run_action(emulator: Emulator[Any], name: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """Run action ``name`` with the form's ``fields``; the control operation's answer.

    ``KeyError`` for an unknown action or account, ``ValueError`` for a bad field,
    [`ControlError`][salesmanago_emulator.control.ControlError] for a refusal (e.g. moving
    the system clock).
    """
    operation, body = ACTIONS[name]
    with emulator.lock:
        return emulator.control(operation, body(emulator, fields))
