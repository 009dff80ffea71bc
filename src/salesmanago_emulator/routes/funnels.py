"""Sales funnels (and the campaigns sent as funnels): protocol §8.3; semantics S12, S13.

``funnel/add``, ``funnel/addContact``, ``funnel/delete`` and ``funnel/count``,
plus the full contact's ``contactFunnels`` list. The rules are in
`salesmanago_emulator.state.funnels`; here only the wire keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from ..errors import RULE_NOT_EMPTY, InvalidField
from ..state._card import ContactRecord
from ..state.funnels import StageSpec, Target
from ._base import RequestContext, RouteTable
from ._parse import (
    Body,
    item_prefix,
    opt_bool,
    opt_decimal,
    opt_int,
    opt_str,
    req_list,
    req_str,
    to_ms,
)

if TYPE_CHECKING:
    from ..state.account import Account

__all__ = ["card_funnels", "table"]

table: Final = RouteTable("funnels")
"""The routes of this module."""


def _stages(body: Body) -> list[StageSpec]:
    stages = []
    for index, item in enumerate(req_list(body, "stages")):
        where = item_prefix("", "stages", index)
        stages.append(StageSpec(req_str(item, "name", where), opt_int(item, "order", where)))
    return stages


def _targets(body: Body) -> list[Target]:
    targets = []
    for index, item in enumerate(req_list(body, "contacts")):
        where = item_prefix("", "contacts", index)
        targets.append(Target(req_str(item, "addresseeType", where), req_str(item, "value", where)))
    return targets


@table.route("/api/funnel/add")
def add(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Create a funnel (or campaign) with a unique name, a group and ordered stages (S12.1)."""
    ctx.account.funnels.add(
        req_str(body, "funnel"),
        _stages(body),
        group=opt_str(body, "group"),
        pot_value=opt_decimal(body, "potValue"),
    )
    return {}


@table.route("/api/funnel/addContact")
def add_contact(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Put the ``contacts`` addressees (EMAIL, CONTACT_ID, TAG) at a stage of a funnel (S12.1)."""
    added = ctx.account.funnels.add_contacts(
        req_str(body, "funnel"),
        req_str(body, "stage"),
        _targets(body),
        pot_value=opt_decimal(body, "potValue"),
        modify=bool(opt_bool(body, "modify")),
    )
    return {"addedContacts": added}


@table.route("/api/funnel/delete")
def delete(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Delete a funnel, or only its ``stage`` (whose contacts leave the funnel)."""
    ctx.account.funnels.delete(req_str(body, "funnel"), _opt_stage(body))
    return {}


@table.route("/api/funnel/count", owner_required=False, accepts_user=True)
def count(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """How many live contacts are in a funnel, or at one ``stage`` of it (S3.1)."""
    return {"count": ctx.account.funnels.count(req_str(body, "funnel"), _opt_stage(body))}


def _opt_stage(body: Body) -> str | None:
    """``stage`` when sent (then non-empty: a blank one never means "the whole funnel")."""
    stage = opt_str(body, "stage")
    if stage is not None and not stage.strip():
        raise InvalidField("stage", RULE_NOT_EMPTY)
    return stage


def card_funnels(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """``contactFunnels``: the card's funnels: stage, value, times, and every transition
    with its time."""
    return [
        {
            "funnel": place.funnel,
            "stage": place.stage,
            "potValue": place.pot_value,
            "createdOn": to_ms(place.created_on),
            "modifiedOn": to_ms(place.modified_on),
            "transitions": [
                {"stage": step.stage, "date": to_ms(step.at)} for step in place.transitions
            ],
        }
        for place in account.funnels.of_contact(record)
    ]
