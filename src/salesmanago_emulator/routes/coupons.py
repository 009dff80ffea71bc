"""Coupons: add one to a contact, use one; ``coupons`` of the full contact (protocol §8.2; S8).

``addContactCoupon`` is owner-bound; ``useContactCoupon`` takes no ``owner``
on the wire (protocol §8.2) but checks one when sent. A manual ``coupon``
makes ``length`` unread, as on the live platform (protocol §14).
"""

from __future__ import annotations

from typing import Any, Final

from ..state._card import ContactRecord
from ..state.account import Account
from ._base import RequestContext, RouteTable
from ._keys import contact_key
from ._parse import Body, opt_date, opt_int, opt_str, req_str, to_ms

__all__ = ["card_coupons", "table"]

table: Final = RouteTable("coupons")
"""The routes of this module."""


@table.route("/api/contact/addContactCoupon")
def add_contact_coupon(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Give the contact ``email``/``contactId`` a coupon: generated (``length``) or ``coupon``."""
    key = contact_key(body)
    name = req_str(body, "name")
    coupon = opt_str(body, "coupon")
    length = opt_int(body, "length") if coupon is None else None
    valid = opt_date(body, "valid")
    added = ctx.account.coupons.add(
        key, name, length=length, coupon=coupon, valid=valid, owner=ctx.owner
    )
    return {"coupon": added.value}


@table.route("/api/contact/useContactCoupon", owner_required=False)
def use_contact_coupon(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Use ``coupon`` of the contact ``email``/``contactId`` once (S8.2)."""
    key = contact_key(body)
    coupon = req_str(body, "coupon")
    ctx.account.coupons.use(key, coupon, owner=ctx.optional_owner)
    return {}


def card_coupons(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """``coupons``: the contact's coupons, oldest first: ``coupon``, ``name``, ``valid``,
    ``used`` and times."""
    return [
        {
            "coupon": item.value,
            "name": item.name,
            "valid": to_ms(item.valid),
            "used": item.used,
            "createdOn": to_ms(item.created_on),
            "usedOn": to_ms(item.used_on),
        }
        for item in account.coupons.of(record)
    ]
