"""Recent activity: visits of the monitored pages in a time range
(protocol §6 ``contact/recentActivity``, §13.6; semantics S16.1)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from .. import _converter
from .._calls import Call, Endpoint, Envelope
from .._options import RequestOptions, Unpack
from .._validation import check_aware
from ..errors import ValidationError
from ..models.activity import RecentActivity
from ._base import AsyncAPIResource, SyncAPIResource

__all__ = ["Activity", "AsyncActivity"]

# The live platform takes it without ``owner`` (protocol §14).
RECENT_ACTIVITY: Final = Endpoint("/api/contact/recentActivity", idempotent=True, send_owner=False)


def _activity(envelope: Envelope) -> RecentActivity:
    # §13.6: the key is ``recentActivity``; one client spells it in the plural.
    raw = envelope.get("recentActivity")
    if raw is None:
        raw = envelope.get("recentActivities")
    return _converter.structure(raw if raw is not None else {}, RecentActivity)


def recent_call(
    start: datetime, end: datetime, all_visits: bool, ip_details: bool
) -> Call[RecentActivity]:
    """Visits between ``start`` and ``end`` (aware datetimes, sent as ms)."""
    check_aware(start, "from")
    check_aware(end, "to")
    if end < start:
        raise ValidationError("to", "must not be before 'from'")
    body = {
        "from": _converter.to_ms(start),
        "to": _converter.to_ms(end),
        "allVisits": bool(all_visits),
        "ipDetails": bool(ip_details),
    }
    return Call(RECENT_ACTIVITY, body, _activity)


class Activity(SyncAPIResource):
    """The account's recent visit activity (semantics S16.1)."""

    def recent(
        self,
        start: datetime,
        end: datetime,
        *,
        all_visits: bool = False,
        ip_details: bool = False,
        **options: Unpack[RequestOptions],
    ) -> RecentActivity:
        """Who visited between ``start`` and ``end``: customers, partners, prospects
        and anonymous visitors; ``all_visits`` adds every visit, ``ip_details`` the
        visitors' IP details."""
        return self._with(options)._execute(recent_call(start, end, all_visits, ip_details))


class AsyncActivity(AsyncAPIResource):
    """The account's recent visit activity (semantics S16.1)."""

    async def recent(
        self,
        start: datetime,
        end: datetime,
        *,
        all_visits: bool = False,
        ip_details: bool = False,
        **options: Unpack[RequestOptions],
    ) -> RecentActivity:
        """Who visited between ``start`` and ``end``: customers, partners, prospects
        and anonymous visitors; ``all_visits`` adds every visit, ``ip_details`` the
        visitors' IP details."""
        return await self._with(options)._execute(recent_call(start, end, all_visits, ip_details))
