"""Fixtures of the route tests: two accounts on one emulator, raw httpx clients.

``emu``, ``http``, ``api`` and ``api_b`` are defined once in ``routes_fixtures``.
"""

from __future__ import annotations

from routes_fixtures import api, api_b, clock, emu, http

__all__ = ["api", "api_b", "clock", "emu", "http"]
