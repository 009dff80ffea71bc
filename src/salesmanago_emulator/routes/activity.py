"""Recent activity and the card's visits: ``contact/recentActivity`` and ``contactVisits``
(protocol §6, §13.6, §14; semantics S16.1, S16.2, S2.8, S3.1).

Visits come from the account's [`ActivityArea`][salesmanago_emulator.state.activity.ActivityArea]
(recorded from Python or the control operation ``visits/record``; no API
method writes one). ``recentActivity`` takes ``from`` / ``to`` (ms or ISO-8601),
``allVisits`` and ``ipDetails``, and no ``owner`` (§14). It answers the range in
ms, ``totalContacts`` (live contacts), ``monitoredContacts`` (live ones whose
monitoring is on), the visiting live contacts grouped by state into
``customers`` / ``partners`` / ``prospects`` (contacts in another state appear
only in ``allVisits``), every ``anonymous`` visit, ``allVisits`` (every visit,
only when ``allVisits`` is true) and ``visitStats`` (per source, hour of day
and weekday in the account's time zone). Item shapes (grade D, the platform
does not document them) are built by `visit_item`,
`contact_item` and `stat_item`; an ``ip`` appears in
``recentActivity`` only with ``ipDetails``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from ..state._card import ContactRecord
from ..state.activity import ContactActivity, Visit, VisitStat
from ._base import RequestContext, RouteTable
from ._keys import date_range
from ._parse import Body, opt_bool, to_ms

if TYPE_CHECKING:
    from ..state.account import Account

__all__ = [
    "STATE_LISTS",
    "VISIT_LISTS",
    "card_visits",
    "contact_item",
    "stat_item",
    "table",
    "visit_item",
]

table: Final = RouteTable("activity")
"""The routes of this module."""

VISIT_LISTS: Final = ("customers", "partners", "prospects", "anonymous", "allVisits", "visitStats")
"""The visit lists of the ``recentActivity`` object."""
STATE_LISTS: Final = {"CUSTOMER": "customers", "PARTNER": "partners", "PROSPECT": "prospects"}
"""A contact's state -> the ``recentActivity`` list its visits are summed in."""


def visit_item(
    visit: Visit, record: ContactRecord | None, *, contact: bool, ip: bool
) -> dict[str, Any]:
    """One visit: ``visitId``, ``date`` (ms), ``url``, ``duration`` (seconds), ``source``,
    ``sourceDetail``, ``points``; with ``contact`` also ``contactId`` / ``email``
    (``null`` for an anonymous visitor); with ``ip`` also ``ip``."""
    item: dict[str, Any] = {"visitId": visit.id}
    if contact:
        item["contactId"] = record.id if record is not None else None
        item["email"] = record.email if record is not None else None
    item.update(
        {
            "date": to_ms(visit.at),
            "url": visit.url,
            "duration": visit.duration_seconds,
            "source": visit.source,
            "sourceDetail": visit.source_detail,
            "points": visit.points,
        }
    )
    if ip:
        item["ip"] = visit.ip
    return item


def contact_item(activity: ContactActivity, *, ip: bool) -> dict[str, Any]:
    """A visiting contact: ``contactId``, ``email``, ``name``, ``state``, ``score``,
    ``visits``, ``duration``, ``points``, ``firstVisit`` / ``lastVisit`` (ms),
    ``lastUrl``; with ``ip`` the last visit's ``ip``."""
    record = activity.record
    item: dict[str, Any] = {
        "contactId": record.id,
        "email": record.email,
        "name": record.name,
        "state": record.state,
        "score": record.score,
        "visits": activity.visits,
        "duration": activity.duration_seconds,
        "points": activity.points,
        "firstVisit": to_ms(activity.first_visit),
        "lastVisit": to_ms(activity.last_visit.at),
        "lastUrl": activity.last_visit.url,
    }
    if ip:
        item["ip"] = activity.last_visit.ip
    return item


def stat_item(stat: VisitStat) -> dict[str, Any]:
    """One statistic: ``type`` (``SOURCE`` / ``HOUR`` / ``WEEKDAY``), ``name``,
    ``visits``, ``percent`` and ``lastVisit`` (ms)."""
    return {
        "type": stat.kind,
        "name": stat.name,
        "visits": stat.visits,
        "percent": stat.percent,
        "lastVisit": to_ms(stat.last_visit),
    }


@table.route("/api/contact/recentActivity", owner_required=False, accepts_user=True)
def recent_activity(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Visits in [``from``, ``to``]: contact counts, visitors by state, anonymous, stats."""
    start, end = date_range(body)
    all_visits = bool(opt_bool(body, "allVisits"))
    ip = bool(opt_bool(body, "ipDetails"))
    report = ctx.account.activity.report(start, end)
    activity: dict[str, Any] = {
        "from": to_ms(start),
        "to": to_ms(end),
        "monitoredContacts": report.monitored_contacts,
        "totalContacts": report.total_contacts,
    }
    for key in STATE_LISTS.values():
        activity[key] = []
    for contact in report.contacts:
        group = STATE_LISTS.get(contact.record.state)
        if group is not None:
            activity[group].append(contact_item(contact, ip=ip))
    activity["anonymous"] = [
        visit_item(visit, None, contact=False, ip=ip) for visit in report.anonymous
    ]
    activity["allVisits"] = (
        [visit_item(visit, record, contact=True, ip=ip) for visit, record in report.visits]
        if all_visits
        else []
    )
    activity["visitStats"] = [stat_item(stat) for stat in report.stats]
    return {"recentActivity": activity}


def card_visits(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """``contactVisits``: the contact's visits, oldest first, with ``ip`` (none while the
    card is soft-deleted)."""
    return [
        visit_item(visit, record, contact=False, ip=True) for visit in account.activity.of(record)
    ]
