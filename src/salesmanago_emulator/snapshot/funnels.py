"""The funnels area in a snapshot: funnels with their stages and members (S12, S13).

``"funnels": {"defaultGroup": "Default", "funnels": [funnel, ...]}`` in the
order they were created::

    {"name": "Sales", "group": "Default", "potValue": "5" | null,
     "createdOn": "<instant>", "stages": ["Lead", "Won"],
     "members": [{"contactId": "<a card's id>", "joinOrder": 0, "stage": "Won",
                  "potValue": "7.25" | null, "createdOn": "<instant>",
                  "modifiedOn": "<instant>",
                  "transitions": [{"stage": "Lead", "at": "<instant>"}, ...]}]}

Members are listed in the order they joined the funnel; ``joinOrder`` is the
place of the funnel among the card's funnels (S13.2: a card lists its
campaigns in the order it joined them). Amounts are exact decimal strings.
Names are checked as the wire checks them (trimmed, 1-255 characters, stage
names from 3, unique in any case); a member stands at one of the funnel's
stages; counts follow from the members.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from ..clock import utc_iso
from ..errors import RULE_AT_LEAST_ONE_STAGE
from ..state._card import ContactRecord
from ..state.account import Account
from ..state.funnels import (
    MIN_STAGE_NAME,
    FunnelInfo,
    FunnelPlace,
    Transition,
    check_money,
    check_name,
    funnel_key,
)
from ._reader import Fields, Unique, Value
from .contacts import card

__all__ = ["FUNNEL_KEYS", "KEYS", "MEMBER_KEYS", "dump", "load"]

KEYS: Final = ("defaultGroup", "funnels")
"""The keys of the area's object."""
FUNNEL_KEYS: Final = ("name", "group", "potValue", "createdOn", "stages", "members")
"""The keys of a funnel."""
MEMBER_KEYS: Final = (
    "contactId",
    "joinOrder",
    "stage",
    "potValue",
    "createdOn",
    "modifiedOn",
    "transitions",
)
"""The keys of a member of a funnel."""
_TRANSITION_KEYS: Final = ("stage", "at")


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:f}"


def _member(record: ContactRecord, place: FunnelPlace, join_order: int) -> dict[str, Any]:
    return {
        "contactId": record.id,
        "joinOrder": join_order,
        "stage": place.stage,
        "potValue": _money(place.pot_value),
        "createdOn": utc_iso(place.created_on),
        "modifiedOn": utc_iso(place.modified_on),
        "transitions": [{"stage": t.stage, "at": utc_iso(t.at)} for t in place.transitions],
    }


def _funnel(account: Account, name: str) -> dict[str, Any]:
    info = account.funnels.get(name)
    fkey = funnel_key(info.name)
    members = []
    for record in account.funnels.members(info.name):
        places = account.funnels.of_contact(record)
        order = [funnel_key(p.funnel) for p in places].index(fkey)
        members.append(_member(record, places[order], order))
    return {
        "name": info.name,
        "group": info.group,
        "potValue": _money(info.pot_value),
        "createdOn": utc_iso(info.created_on),
        "stages": list(info.stages),
        "members": members,
    }


def dump(account: Account) -> dict[str, Any]:
    """The default group and every funnel with its members."""
    return {
        "defaultGroup": account.funnels.default_group,
        "funnels": [_funnel(account, name) for name in account.funnels.names()],
    }


def _name(value: Value, minimum: int = 1) -> str:
    """A name in stored form (trimmed), checked by the wire's rule."""
    given = value.text()
    return value.stored(given, value.rule(check_name, minimum))


def _amount(fields: Fields, key: str) -> Decimal | None:
    if not fields.has(key):
        return None
    value = fields.need(key)
    return value.checked(check_money, value.money())


def _stages(fields: Fields) -> tuple[str, ...]:
    seen = Unique()
    stages = []
    for item in fields.items("stages"):
        name = _name(item, MIN_STAGE_NAME)
        seen.add(item, funnel_key(name))
        stages.append(name)
    if not stages:
        fields.need("stages").refuse(RULE_AT_LEAST_ONE_STAGE)
    return tuple(stages)


def _place(funnel: FunnelInfo, fields: Fields) -> FunnelPlace:
    transitions = []
    for item in fields.items("transitions"):
        step = item.fields("a transition", _TRANSITION_KEYS)
        transitions.append(
            Transition(_name(step.need("stage"), MIN_STAGE_NAME), step.need("at").instant())
        )
    return FunnelPlace(
        funnel=funnel.name,
        stage=fields.need("stage").one_of(funnel.stages),
        pot_value=_amount(fields, "potValue"),
        created_on=fields.need("createdOn").instant(),
        modified_on=fields.need("modifiedOn").instant(),
        transitions=tuple(transitions),
    )


def load(account: Account, value: Value) -> None:
    """Put back the funnels of ``value`` and the loaded cards' places in them."""
    fields = value.fields("the funnels area", KEYS)
    if fields.has("defaultGroup"):
        account.funnels.default_group = _name(fields.need("defaultGroup"))
    names = Unique()
    joined: dict[str, list[tuple[int, int, FunnelPlace]]] = {}  # card id -> its places
    records: dict[str, ContactRecord] = {}
    for item in fields.items("funnels"):
        funnel = item.fields("a funnel", FUNNEL_KEYS)
        name_value = funnel.need("name")
        info = FunnelInfo(
            name=_name(name_value),
            group=_name(funnel.need("group")),
            pot_value=_amount(funnel, "potValue"),
            stages=_stages(funnel),
            created_on=funnel.need("createdOn").instant(),
        )
        names.add(name_value, funnel_key(info.name))
        seen = Unique()
        members = []
        for member_value in funnel.items("members"):
            member = member_value.fields("a member", MEMBER_KEYS)
            id_value = member.need("contactId")
            record = card(account, id_value)
            seen.add(id_value, record.id)
            order = member.get("joinOrder", lambda v: v.integer(minimum=0))
            held = joined.setdefault(record.id, [])
            held.append((len(held) if order is None else order, len(held), _place(info, member)))
            records[record.id] = record
            members.append(record)
        account.funnels.restore_funnel(info, members)
    for contact_id, places in joined.items():
        account.funnels.restore_places(records[contact_id], [p for *_, p in sorted(places)])
