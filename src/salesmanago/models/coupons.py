"""Coupon models (protocol §8.2; semantics S8)."""

from __future__ import annotations

from datetime import datetime

import attrs

__all__ = ["ContactCoupon"]


@attrs.frozen(kw_only=True)
class ContactCoupon:
    """A coupon as read back with a contact's full data (``coupons[]``).

    Only the coupon's value is required; every other field is read when present.
    """

    coupon: str
    name: str | None = None
    valid: datetime | None = None
    used: bool | None = None
    created_on: datetime | None = None
