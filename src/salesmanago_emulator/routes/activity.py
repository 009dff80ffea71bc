"""Recent activity: ``contact/recentActivity`` (protocol §6, §13.6, §14; semantics S16.1).

The platform answers who visited the monitored pages between ``from`` and
``to``. The emulator records no visits (no API method writes one), so it
answers what it honestly knows (grade D): the range, ``totalContacts`` (live
contacts, S3.1), ``monitoredContacts`` (live contacts whose monitoring is on,
S2.8), and empty visit lists. The method takes no ``owner`` (protocol §14).
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import InvalidField
from ._base import RequestContext, RouteTable
from ._parse import Body, opt_bool, req_date, to_ms
from .listings import RULE_TO_BEFORE_FROM

__all__ = ["VISIT_LISTS", "table"]

table: Final = RouteTable("activity")
"""The routes of this module."""

VISIT_LISTS: Final = ("customers", "partners", "prospects", "anonymous", "allVisits", "visitStats")
"""The visit lists of the ``recentActivity`` object; always empty in the emulator."""


@table.route("/api/contact/recentActivity", owner_required=False, accepts_user=True)
def recent_activity(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Visits in [``from``, ``to``]: contact counts, and no visits (none are recorded)."""
    start = req_date(body, "from")
    end = req_date(body, "to")
    if end < start:
        raise InvalidField("to", RULE_TO_BEFORE_FROM)
    opt_bool(body, "allVisits")
    opt_bool(body, "ipDetails")
    live = list(ctx.account.live_contacts())
    activity: dict[str, Any] = {
        "from": to_ms(start),
        "to": to_ms(end),
        "monitoredContacts": sum(1 for record in live if record.monitored),
        "totalContacts": len(live),
    }
    for key in VISIT_LISTS:
        activity[key] = []
    return {"recentActivity": activity}
