"""Sales funnels: create with stages, add contacts to a stage, delete, count
(protocol §8.3; semantics S12).

The calls are built and sent by `_funnel_calls`,
shared with `campaigns`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .._options import RequestOptions, Unpack
from ..models.common import Addressee
from ..models.funnels import FunnelStage
from ._funnel_calls import AsyncFunnelCalls, FunnelCalls

__all__ = ["AsyncFunnels", "Funnels"]


class Funnels(FunnelCalls):
    """Sales funnels and their stages (semantics S12)."""

    def add(
        self,
        name: str,
        stages: Sequence[str | FunnelStage],
        *,
        group: str | None = None,
        pot_value: Decimal | int | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Create the funnel ``name`` (unique in the account, S12.1) with ``stages``
        (names 3–255 characters, numbered 1..n in list order unless each has an
        ``order``). ``pot_value`` is a contact's default value in it."""
        self._add(name, stages, group, pot_value, options)

    def add_contacts(
        self,
        funnel: str,
        stage: str,
        contacts: Sequence[str | Addressee],
        *,
        pot_value: Decimal | int | None = None,
        modify: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> dict[str, bool]:
        """Put contacts (e-mails, or EMAIL / CONTACT_ID / TAG addressees) in ``stage``;
        returns contact id -> added. Fires the workflows listening for it (S12.2)."""
        return self._add_contacts(funnel, stage, contacts, pot_value, modify, options)

    def delete(
        self, funnel: str, stage: str | None = None, **options: Unpack[RequestOptions]
    ) -> None:
        """Delete the funnel, or only its ``stage``."""
        self._delete(funnel, stage, options)

    def count(
        self, funnel: str, stage: str | None = None, **options: Unpack[RequestOptions]
    ) -> int:
        """How many contacts are in the funnel, or in its ``stage``."""
        return self._count(funnel, stage, options)


class AsyncFunnels(AsyncFunnelCalls):
    """Sales funnels and their stages (semantics S12)."""

    async def add(
        self,
        name: str,
        stages: Sequence[str | FunnelStage],
        *,
        group: str | None = None,
        pot_value: Decimal | int | None = None,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Create the funnel ``name`` (unique in the account, S12.1) with ``stages``
        (names 3–255 characters, numbered 1..n in list order unless each has an
        ``order``). ``pot_value`` is a contact's default value in it."""
        await self._add(name, stages, group, pot_value, options)

    async def add_contacts(
        self,
        funnel: str,
        stage: str,
        contacts: Sequence[str | Addressee],
        *,
        pot_value: Decimal | int | None = None,
        modify: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> dict[str, bool]:
        """Put contacts (e-mails, or EMAIL / CONTACT_ID / TAG addressees) in ``stage``;
        returns contact id -> added. Fires the workflows listening for it (S12.2)."""
        return await self._add_contacts(funnel, stage, contacts, pot_value, modify, options)

    async def delete(
        self, funnel: str, stage: str | None = None, **options: Unpack[RequestOptions]
    ) -> None:
        """Delete the funnel, or only its ``stage``."""
        await self._delete(funnel, stage, options)

    async def count(
        self, funnel: str, stage: str | None = None, **options: Unpack[RequestOptions]
    ) -> int:
        """How many contacts are in the funnel, or in its ``stage``."""
        return await self._count(funnel, stage, options)
