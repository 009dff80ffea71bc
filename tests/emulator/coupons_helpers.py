"""Helpers of the coupon tests of several layers (S8; protocol §8.2)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from salesmanago_emulator import Account
from salesmanago_emulator.snapshot import dump_area

YEAR_AND_DAY = datetime(2027, 1, 16, 10, 0, tzinfo=timezone.utc)
"""A year and a day after ``routes_helpers.NOW``: a coupon's default validity."""


def coupon_state(account: Account) -> Any:
    """Every coupon of the account, to prove "no state change"."""
    return dump_area(account, "coupons")
