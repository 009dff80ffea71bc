"""Users: the account's users, and a contact's main owner (protocol §2.3, §6; S1.4)."""

from __future__ import annotations

from typing import Any, Final

from ._base import RequestContext, RouteTable
from ._parse import Body, req_str

__all__ = ["table"]

table: Final = RouteTable("users")
"""The routes of this module."""


@table.route("/api/user/listByClient", accepts_user=True)
def list_by_client(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """The e-mails of the account's users: the valid ``owner`` values."""
    return {"users": list(ctx.account.users)}


@table.route("/api/contact/setMainOwner")
def set_main_owner(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Make the user ``newOwner`` main owner of the live contact ``contact`` (an e-mail)."""
    contact = req_str(body, "contact")
    new_owner = req_str(body, "newOwner")
    ctx.account.users.set_main_owner(contact, new_owner)
    return {}
