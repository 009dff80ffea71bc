"""Sales funnel models (protocol §8.3; semantics S12, S13)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

__all__ = ["ContactFunnel", "FunnelStage"]


@attrs.frozen(kw_only=True)
class FunnelStage:
    """A stage of a funnel (or campaign) to create: its name (3–255 characters) and
    its position. Positions are 1..n without gaps; leave ``order`` unset on every
    stage to number them in list order."""

    name: str
    order: int | None = None


@attrs.frozen(kw_only=True)
class ContactFunnel:
    """A contact's place in a funnel, read back with its full data (``contactFunnels[]``).

    The platform's shape was never observed (protocol §8.3): only the funnel's
    name is required; every other field is read when present.
    """

    funnel: str
    stage: str | None = None
    pot_value: Decimal | None = None
    created_on: datetime | None = None
    modified_on: datetime | None = None
