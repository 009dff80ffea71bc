"""Control operations on the emulator's clock: ``clock``, ``clock/set``, ``clock/advance``.

- ``clock`` (read-only): ``now`` (UTC) and whether the clock is ``frozen``.
- ``clock/set``: ``now`` (ISO-8601 with a zone); earlier instants are allowed.
- ``clock/advance``: ``days``, ``hours``, ``minutes`` and/or ``seconds``
  (their sum, never negative).

Moving the clock needs a [`FrozenClock`][salesmanago_emulator.FrozenClock]; on the
system clock both moves answer 409. Each answers like ``clock``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from ..clock import FrozenClock, utc_iso
from ..errors import TEXT_ADVANCE_NEEDS_UNIT, TEXT_CLOCK_FORWARD_ONLY, TEXT_SYSTEM_CLOCK
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _clock_info(emulator: ControlledEmulator) -> dict[str, Any]:
    return {
        "now": utc_iso(emulator.clock.now()),
        "frozen": isinstance(emulator.clock, FrozenClock),
    }


def _frozen(emulator: ControlledEmulator) -> FrozenClock:
    clock = emulator.clock
    if not isinstance(clock, FrozenClock):
        raise ControlError(TEXT_SYSTEM_CLOCK, 409)
    return clock


def _clock(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The emulator's time (UTC) and whether the clock is frozen."""
    return _clock_info(emulator)


def _clock_set(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Put the frozen clock at ``now`` (ISO-8601 with a zone; earlier instants allowed)."""
    _frozen(emulator).set(args.instant("now"))
    return _clock_info(emulator)


def _clock_advance(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Move the frozen clock forward by days, hours, minutes and/or seconds (sum, >= 0)."""
    parts = {unit: args.number(unit, 0.0) for unit in ("days", "hours", "minutes", "seconds")}
    if not any(key in args.data for key in parts):
        raise ControlError(TEXT_ADVANCE_NEEDS_UNIT)
    delta = timedelta(**parts)
    if delta < timedelta(0):
        raise ControlError(TEXT_CLOCK_FORWARD_ONLY)
    _frozen(emulator).advance(delta)
    return _clock_info(emulator)


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="clock", handler=_clock, read_only=True, keys=()),
    ControlOperation(name="clock/set", handler=_clock_set, keys=("now",)),
    ControlOperation(
        name="clock/advance", handler=_clock_advance, keys=("days", "hours", "minutes", "seconds")
    ),
)
"""This module's operations."""
