"""Tags: change a contact's tags, list the account's tags (protocol §7; semantics S5)."""

from __future__ import annotations

from typing import Any, Final

from ._base import RequestContext, RouteTable
from ._keys import contact_key
from ._parse import Body, opt_bool, opt_tags

__all__ = ["table"]

table: Final = RouteTable("tags")
"""The routes of this module."""


@table.route("/api/contact/managetags")
def manage_tags(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Add ``tags`` and remove ``removeTags`` on the live contact ``email`` (S5.1, S4.2)."""
    key = contact_key(body)
    record = ctx.account.tags.manage(
        key,
        opt_tags(body, "tags") or (),
        opt_tags(body, "removeTags") or (),
        tag_scoring=bool(opt_bool(body, "tagScoring")),
        owner=ctx.owner,
    )
    return {"contactId": record.id}


@table.route("/api/contact/tags", "/api/v2/contact/tags", owner_required=False, accepts_user=True)
def tag_list(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """The account's tags by name, each with its number of live contacts (S5.3, S3.1).

    ``showSystemTags`` is read (it must be a boolean) and changes nothing: the
    emulator has no system tags.
    """
    opt_bool(body, "showSystemTags")
    return {
        "tags": [
            {"tag": line.tag, "numberOfTagged": line.count} for line in ctx.account.tags.list()
        ]
    }
