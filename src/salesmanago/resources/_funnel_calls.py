"""The sales funnel calls (protocol §8.3; semantics S12), for two resources.

[`Funnels`][salesmanago.resources.funnels.Funnels] sends them for sales funnels and
[`Campaigns`][salesmanago.resources.campaigns.Campaigns] for marketing campaigns, which
the platform keeps as funnels (S13): the same endpoints, bodies, checks and answers.
Both resources derive from `FunnelCalls` (or `AsyncFunnelCalls`),
which send; each public method only names and documents its parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from .._calls import Call, Endpoint, Envelope
from .._options import RequestOptions
from .._validation import check_length, described
from ..errors import ArgumentTypeError, ValidationError
from ..models.common import Addressee, AddresseeType
from ..models.funnels import FunnelStage
from ._base import AsyncAPIResource, SyncAPIResource
from ._keys import addressee_list

__all__ = ["AsyncFunnelCalls", "FunnelCalls"]

# A second add of the same name fails (S12.1) and adding contacts fires workflows
# (S12.2): neither is repeated once it may have landed.
ADD_FUNNEL: Final = Endpoint("/api/funnel/add", idempotent=False)
ADD_CONTACT: Final = Endpoint("/api/funnel/addContact", idempotent=False)
DELETE_FUNNEL: Final = Endpoint("/api/funnel/delete", idempotent=True)
COUNT: Final = Endpoint("/api/funnel/count", idempotent=True)

#: A stage name's length in characters (protocol §3.4).
MIN_STAGE_NAME: Final = 3
MAX_STAGE_NAME: Final = 255
#: The addressee types ``funnel/addContact`` takes, with their wire spelling.
_CONTACT_WIRE_TYPES: Final = {
    kind: kind.value for kind in (AddresseeType.EMAIL, AddresseeType.CONTACT_ID, AddresseeType.TAG)
}


def _name(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, "must be a non-empty name")
    return value


def _money(value: Decimal | int | None, field: str) -> Decimal | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise ValidationError(field, f"must be a Decimal or an int (got {type(value).__name__})")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValidationError(field, f"must be a finite number (got {value})")
    return value


def stages_body(stages: Sequence[str | FunnelStage]) -> list[dict[str, Any]]:
    """``[{name, order}]``: names 3–255 characters and unique, orders 1..n without gaps.

    Plain names (and stages without ``order``) are numbered in list order; give an
    ``order`` on every stage or on none.
    """
    if isinstance(stages, str) or not stages:
        raise ValidationError("stages", "must be a non-empty list of stages")
    items = [FunnelStage(name=s) if isinstance(s, str) else s for s in stages]
    for index, stage in enumerate(items):
        if not isinstance(stage, FunnelStage):
            raise ArgumentTypeError(
                f"stages[{index}]", f"must be a stage name or a FunnelStage, got {described(stage)}"
            )
    ordered = [s.order is not None for s in items]
    if any(ordered) and not all(ordered):
        raise ValidationError("stages", "give an order for every stage or for none")
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for index, stage in enumerate(items):
        field = f"stages[{index}].name"
        name = _name(stage.name, field)
        check_length(name, field, MAX_STAGE_NAME, MIN_STAGE_NAME)
        if name.strip().lower() in seen:
            raise ValidationError(field, f"repeats the stage name {name!r}")
        seen.add(name.strip().lower())
        order = stage.order if stage.order is not None else index + 1
        out.append({"name": name, "order": order})
    orders = sorted(s["order"] for s in out)
    if orders != list(range(1, len(out) + 1)):
        raise ValidationError(
            "stages.order", f"must be 1..{len(out)} without gaps or repeats (got {orders})"
        )
    return sorted(out, key=lambda s: s["order"])


def add_call(
    name: str,
    stages: Sequence[str | FunnelStage],
    group: str | None,
    pot_value: Decimal | int | None,
) -> Call[None]:
    """Create a funnel (a name unique in the account, S12.1) with its stages."""
    body: dict[str, Any] = {"funnel": _name(name, "funnel")}
    if group is not None:
        body["group"] = _name(group, "group")
    if (value := _money(pot_value, "potValue")) is not None:
        body["potValue"] = value
    body["stages"] = stages_body(stages)
    return Call(ADD_FUNNEL, body, lambda _: None)


def _added(envelope: Envelope) -> dict[str, bool]:
    raw = envelope.get("addedContacts") or {}
    if not isinstance(raw, Mapping) or not all(isinstance(v, bool) for v in raw.values()):
        raise TypeError("addedContacts: expected an object of contact id -> boolean")
    return {str(k): v for k, v in raw.items()}


def add_contacts_call(
    funnel: str,
    stage: str,
    contacts: Sequence[str | Addressee],
    pot_value: Decimal | int | None,
    modify: bool | None,
) -> Call[dict[str, bool]]:
    """Put contacts (e-mails, ids or a tag's contacts) in a stage of a funnel."""
    body: dict[str, Any] = {
        "funnel": _name(funnel, "funnel"),
        "stage": _name(stage, "stage"),
        "contacts": addressee_list(
            contacts, _CONTACT_WIRE_TYPES, "must be EMAIL, CONTACT_ID or TAG for funnels"
        ),
    }
    if (value := _money(pot_value, "potValue")) is not None:
        body["potValue"] = value
    if modify is not None:
        body["modify"] = bool(modify)
    return Call(ADD_CONTACT, body, _added)


def _funnel_or_stage(funnel: str, stage: str | None) -> dict[str, str]:
    body = {"funnel": _name(funnel, "funnel")}
    if stage is not None:
        body["stage"] = _name(stage, "stage")
    return body


def delete_call(funnel: str, stage: str | None) -> Call[None]:
    """Delete a whole funnel, or one of its stages."""
    return Call(DELETE_FUNNEL, _funnel_or_stage(funnel, stage), lambda _: None)


def _count(envelope: Envelope) -> int:
    value = envelope.get("count")
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or value != int(value):
        raise TypeError("count: expected an integer")
    return int(value)


def count_call(funnel: str, stage: str | None) -> Call[int]:
    """How many (live) contacts are in a funnel, or in one of its stages."""
    return Call(COUNT, _funnel_or_stage(funnel, stage), _count)


class FunnelCalls(SyncAPIResource):
    """Sends the four funnel calls through a blocking client."""

    def _add(
        self,
        name: str,
        stages: Sequence[str | FunnelStage],
        group: str | None,
        pot_value: Decimal | int | None,
        options: RequestOptions,
    ) -> None:
        self._with(options)._execute(add_call(name, stages, group, pot_value))

    def _add_contacts(
        self,
        funnel: str,
        stage: str,
        contacts: Sequence[str | Addressee],
        pot_value: Decimal | int | None,
        modify: bool | None,
        options: RequestOptions,
    ) -> dict[str, bool]:
        return self._with(options)._execute(
            add_contacts_call(funnel, stage, contacts, pot_value, modify)
        )

    def _delete(self, funnel: str, stage: str | None, options: RequestOptions) -> None:
        self._with(options)._execute(delete_call(funnel, stage))

    def _count(self, funnel: str, stage: str | None, options: RequestOptions) -> int:
        return self._with(options)._execute(count_call(funnel, stage))


class AsyncFunnelCalls(AsyncAPIResource):
    """Sends the four funnel calls through an asynchronous client."""

    async def _add(
        self,
        name: str,
        stages: Sequence[str | FunnelStage],
        group: str | None,
        pot_value: Decimal | int | None,
        options: RequestOptions,
    ) -> None:
        await self._with(options)._execute(add_call(name, stages, group, pot_value))

    async def _add_contacts(
        self,
        funnel: str,
        stage: str,
        contacts: Sequence[str | Addressee],
        pot_value: Decimal | int | None,
        modify: bool | None,
        options: RequestOptions,
    ) -> dict[str, bool]:
        return await self._with(options)._execute(
            add_contacts_call(funnel, stage, contacts, pot_value, modify)
        )

    async def _delete(self, funnel: str, stage: str | None, options: RequestOptions) -> None:
        await self._with(options)._execute(delete_call(funnel, stage))

    async def _count(self, funnel: str, stage: str | None, options: RequestOptions) -> int:
        return await self._with(options)._execute(count_call(funnel, stage))
