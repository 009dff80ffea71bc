"""Fixtures of the area tests (events, coupons, notes, tasks, funnels, companies, exports).

The same two-account set-up as the route tests: ``emu`` (accounts A and B at
a frozen instant), ``api`` / ``api_b`` (raw JSON posters, see
``routes_helpers``), plus ``account_a`` / ``account_b`` (their state) and
``sm`` / ``asm`` (SDK clients of account A on the emulator), all defined
once in ``routes_fixtures``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "routes"))

from routes_fixtures import account_a, account_b, api, api_b, asm, clock, emu, http, sm

__all__ = ["account_a", "account_b", "api", "api_b", "asm", "clock", "emu", "http", "sm"]
