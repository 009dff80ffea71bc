"""Marketing campaigns ("marketing actions" with a group and stages; semantics S13).

The platform's public API has no campaign endpoint (protocol §8.3, §13.17). A
campaign with a unique name, a group and ordered stages is what a sales funnel
is, so [`Campaigns`][salesmanago.resources.campaigns.Campaigns] sends exactly the funnel calls
(``/api/funnel/add``, ``addContact``, ``delete``, ``count``): a campaign is a funnel on the platform
and shows up among the funnels. Start and end dates (S13.1) cannot be sent:
the funnel endpoints have no field for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .._options import RequestOptions, Unpack
from ..models.common import Addressee
from ..models.funnels import FunnelStage
from ._funnel_calls import AsyncFunnelCalls, FunnelCalls

__all__ = ["AsyncCampaigns", "Campaigns"]


class Campaigns(FunnelCalls):
    """Marketing campaigns, sent as sales funnels (the same wire calls; S13)."""

    def create(
        self,
        name: str,
        *,
        stages: Sequence[str | FunnelStage],
        group: str | None = None,
        pot_value: Decimal | int | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Create the campaign ``name`` (unique: a second one with this name fails,
        S13.1) in ``group`` (the account's default group when omitted) with its
        ``stages`` (``/api/funnel/add``)."""
        self._add(name, stages, group, pot_value, options)

    def add_contacts(
        self,
        campaign: str,
        stage: str,
        contacts: Sequence[str | Addressee],
        *,
        pot_value: Decimal | int | None = None,
        modify: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> dict[str, bool]:
        """Make contacts take part in the campaign at ``stage`` (``/api/funnel/addContact``);
        returns contact id -> added."""
        return self._add_contacts(campaign, stage, contacts, pot_value, modify, options)

    def delete(
        self, campaign: str, stage: str | None = None, **options: Unpack[RequestOptions]
    ) -> None:
        """Delete the campaign, or only its ``stage`` (``/api/funnel/delete``)."""
        self._delete(campaign, stage, options)

    def count(
        self, campaign: str, stage: str | None = None, **options: Unpack[RequestOptions]
    ) -> int:
        """How many contacts take part in the campaign, or are at its ``stage``."""
        return self._count(campaign, stage, options)


class AsyncCampaigns(AsyncFunnelCalls):
    """Marketing campaigns, sent as sales funnels (the same wire calls; S13)."""

    async def create(
        self,
        name: str,
        *,
        stages: Sequence[str | FunnelStage],
        group: str | None = None,
        pot_value: Decimal | int | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Create the campaign ``name`` (unique: a second one with this name fails,
        S13.1) in ``group`` (the account's default group when omitted) with its
        ``stages`` (``/api/funnel/add``)."""
        await self._add(name, stages, group, pot_value, options)

    async def add_contacts(
        self,
        campaign: str,
        stage: str,
        contacts: Sequence[str | Addressee],
        *,
        pot_value: Decimal | int | None = None,
        modify: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> dict[str, bool]:
        """Make contacts take part in the campaign at ``stage`` (``/api/funnel/addContact``);
        returns contact id -> added."""
        return await self._add_contacts(campaign, stage, contacts, pot_value, modify, options)

    async def delete(
        self, campaign: str, stage: str | None = None, **options: Unpack[RequestOptions]
    ) -> None:
        """Delete the campaign, or only its ``stage`` (``/api/funnel/delete``)."""
        await self._delete(campaign, stage, options)

    async def count(
        self, campaign: str, stage: str | None = None, **options: Unpack[RequestOptions]
    ) -> int:
        """How many contacts take part in the campaign, or are at its ``stage``."""
        return await self._count(campaign, stage, options)
