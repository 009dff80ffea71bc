"""Recent activity (visits) of the account (protocol §6 ``recentActivity``; S16.1)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from .._converter import wire

__all__ = ["RecentActivity"]

_Items = tuple[Mapping[str, Any], ...]


@attrs.frozen(kw_only=True)
class RecentActivity:
    """Who visited the monitored pages in a time range (the ``recentActivity`` object).

    The items' shapes are not documented (protocol §6), so each list keeps its
    items as plain JSON objects.

    Attributes:
        start: the range's start (``from``).
        end: the range's end (``to``).
        monitored_contacts: how many contacts are monitored.
        total_contacts: how many contacts the account has.
        customers, partners, prospects: visits of contacts in that state.
        anonymous: visits of visitors not known as contacts.
        all_visits: every visit (when asked with ``all_visits=True``).
        visit_stats: visit statistics.
    """

    start: datetime | None = attrs.field(default=None, metadata=wire(name="from"))
    end: datetime | None = attrs.field(default=None, metadata=wire(name="to"))
    monitored_contacts: int = 0
    total_contacts: int = 0
    customers: _Items = ()
    partners: _Items = ()
    prospects: _Items = ()
    anonymous: _Items = ()
    all_visits: _Items = ()
    visit_stats: _Items = ()
