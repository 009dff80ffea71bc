"""Fixtures of the security tests: the two-account set-up of the route and area tests.

``emu`` holds accounts A (two users) and B (one user) at a frozen instant;
``api`` / ``api_b`` post raw JSON as A / B (``routes_helpers.Api``);
``account_a`` / ``account_b`` are their state (all from ``routes_fixtures``).
The hypothesis tests build their own emulators with
:func:`security_helpers.new_emulator` (a fresh one per test function, not per
example).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "emulator" / "routes"))

from routes_fixtures import account_a, account_b, api, api_b, clock, emu, http

__all__ = ["account_a", "account_b", "api", "api_b", "clock", "emu", "http"]
