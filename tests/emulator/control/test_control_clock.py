"""The clock's control operations: ``clock``, ``clock/set``, ``clock/advance``."""

from __future__ import annotations

import pytest
from control_helpers import ok, refused

from salesmanago_emulator import Emulator, EmulatorServer, SystemClock
from salesmanago_emulator.control import ControlError


def test_clock_get_set_advance(server: EmulatorServer, emu: Emulator) -> None:
    assert ok(server, "clock", method="GET")["now"] == "2026-01-15T10:00:00+00:00"
    moved = ok(server, "clock/advance", {"hours": 1, "minutes": 30})
    assert (moved["now"], moved["frozen"]) == ("2026-01-15T11:30:00+00:00", True)
    assert ok(server, "clock/set", {"now": "2026-03-01T00:00:00+01:00"})["now"] == (
        "2026-02-28T23:00:00+00:00"
    )
    assert emu.clock.now().isoformat() == "2026-02-28T23:00:00+00:00"
    assert refused(server, "clock/advance", {"seconds": -1})[0] == 400
    assert refused(server, "clock/advance", {})[0] == 400
    assert refused(server, "clock/set", {"now": "2026-03-01T00:00:00"})[0] == 400
    assert refused(server, "clock/set", {"now": "soon"})[0] == 400


def test_clock_moves_only_when_frozen() -> None:
    emulator = Emulator(clock=SystemClock())
    with pytest.raises(ControlError) as caught:
        emulator.control("clock/advance", {"days": 1})
    assert caught.value.status == 409
    assert emulator.control("clock")["frozen"] is False
