"""Sales funnels, and the marketing campaigns sent as funnels (semantics S12, S13).

A funnel has a name unique in its account (compared trimmed and
case-insensitively), a group (the account's default group when none is given,
S13.1), a default contact value and ordered stages (names 3–255 characters,
orders 1..n). A contact stands at one stage of a funnel at a time; moving it
keeps every transition with its time (S12.1). Its places live on the card
under [`FunnelsArea.key`][salesmanago_emulator.state.funnels.FunnelsArea.key] (funnel key ->
`FunnelPlace`), so they go with the card when it is purged. Counts follow soft delete, restore and
purge through the observer hooks, in O(1) per funnel the contact stands in.

The SDK's campaigns are funnels on the wire (``/api/funnel/*``), so this area
serves both; a company's campaigns (S4.5) are its persons' funnels.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Final

import attrs

from ..errors import (
    RULE_FINITE_NUMBER,
    RULE_INTEGER,
    RULE_LENGTH_BETWEEN,
    RULE_NOT_EMPTY,
    RULE_NOT_NEGATIVE,
    RULE_ORDER_ALL_OR_NONE,
    RULE_REPEATS,
    RULE_STAGE_ORDER,
    RULE_STRING,
    TEXT_LAST_STAGE,
    Conflict,
    FunnelAlreadyExists,
    FunnelNotFound,
    InvalidField,
    StageNotFound,
)
from ._addressees import ADDRESSEE_TYPES, Target, resolve
from ._card import ContactRecord
from ._core import AccountArea, AccountCore

__all__ = [
    "ADDRESSEE_TYPES",
    "DEFAULT_GROUP",
    "MAX_NAME",
    "MIN_STAGE_NAME",
    "FunnelInfo",
    "FunnelPlace",
    "FunnelsArea",
    "StageSpec",
    "Target",
    "Transition",
    "check_money",
    "check_name",
    "funnel_key",
    "places_of",
]

DEFAULT_GROUP: Final = "Default"
"""The group of a funnel created without one (S13.1; the name is our choice)."""
MIN_STAGE_NAME: Final = 3
"""Shortest stage name, in characters after trimming (protocol §3.4)."""
MAX_NAME: Final = 255
"""Longest funnel, group or stage name, in characters after trimming."""
_KEY: Final = "funnels"


def funnel_key(name: str) -> str:
    """A funnel or stage name as compared: white space trimmed, case folded."""
    return name.strip().casefold()


# --- values ------------------------------------------------------------------------


@attrs.frozen
class StageSpec:
    """A stage to create: its name and its position (``None``: the list position)."""

    name: str
    order: int | None = None


@attrs.frozen(weakref_slot=False)
class Transition:
    """A contact reaching a stage (its name then) at an instant (S12.1)."""

    stage: str
    at: datetime


@attrs.frozen(weakref_slot=False)
class FunnelPlace:
    """Where a contact stands in one funnel: stage, value, times, transitions (S12.1)."""

    funnel: str
    stage: str
    pot_value: Decimal | None
    created_on: datetime
    modified_on: datetime
    transitions: tuple[Transition, ...]


@attrs.frozen
class FunnelInfo:
    """A funnel as callers see it: name, group, default value, stages in order."""

    name: str
    group: str
    pot_value: Decimal | None
    stages: tuple[str, ...]
    created_on: datetime


class _Funnel:
    """A stored funnel; ``members`` holds soft-deleted members too, ``live`` counts per stage."""

    __slots__ = ("created_on", "group", "live", "members", "name", "pot_value", "stages")

    def __init__(
        self,
        name: str,
        group: str,
        pot_value: Decimal | None,
        stages: Sequence[str],
        created_on: datetime,
    ) -> None:
        self.name = name
        self.group = group
        self.pot_value = pot_value
        self.stages = list(stages)
        self.created_on = created_on
        self.members: dict[str, ContactRecord] = {}
        self.live: dict[str, int] = {funnel_key(s): 0 for s in stages}

    def stage(self, name: str, field: str = "stage") -> str:
        """The stored spelling of stage ``name``; StageNotFound otherwise."""
        if not isinstance(name, str):
            raise InvalidField(field, RULE_STRING)
        key = funnel_key(name)
        for stage in self.stages:
            if funnel_key(stage) == key:
                return stage
        raise StageNotFound(self.name, name)

    def info(self) -> FunnelInfo:
        return FunnelInfo(
            name=self.name,
            group=self.group,
            pot_value=self.pot_value,
            stages=tuple(self.stages),
            created_on=self.created_on,
        )


def _places(record: ContactRecord) -> dict[str, FunnelPlace]:
    value = record.extension(_KEY)
    return value if isinstance(value, dict) else {}


def places_of(record: ContactRecord) -> list[FunnelPlace]:
    """The funnels (campaigns) a card stands in, in the order it joined them (S13.2)."""
    return list(_places(record).values())


def check_name(value: object, field: str, minimum: int = 1) -> str:
    """A funnel, group or stage name as stored: trimmed, ``minimum`` to 255 characters.

    InvalidField naming ``field`` otherwise.
    """
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    name = value.strip()
    if not name:
        raise InvalidField(field, RULE_NOT_EMPTY)
    if not minimum <= len(name) <= MAX_NAME:
        raise InvalidField(
            field, RULE_LENGTH_BETWEEN.format(minimum=minimum, maximum=MAX_NAME, length=len(name))
        )
    return name


def check_money(value: Decimal | int | None, field: str) -> Decimal | None:
    """An amount (``potValue``): a finite number of zero or more, exactly; ``None`` stays.

    InvalidField naming ``field`` otherwise.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise InvalidField(field, RULE_FINITE_NUMBER)
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidField(field, RULE_FINITE_NUMBER)
    if amount < 0:
        raise InvalidField(field, RULE_NOT_NEGATIVE)
    return amount


def _stage_names(stages: Sequence[StageSpec]) -> list[str]:
    """Check stage specs (names, unique, orders 1..n) and return the names in order."""
    if isinstance(stages, str) or not stages:
        raise InvalidField("stages", RULE_NOT_EMPTY)
    given = [s.order is not None for s in stages]
    if any(given) and not all(given):
        raise InvalidField("stages", RULE_ORDER_ALL_OR_NONE)
    seen: set[str] = set()
    numbered: list[tuple[int, str]] = []
    for index, spec in enumerate(stages):
        field = f"stages[{index}].name"
        name = check_name(spec.name, field, MIN_STAGE_NAME)
        if funnel_key(name) in seen:
            raise InvalidField(field, RULE_REPEATS.format(value=name))
        seen.add(funnel_key(name))
        order = spec.order if spec.order is not None else index + 1
        if isinstance(order, bool) or not isinstance(order, int):
            raise InvalidField(f"stages[{index}].order", RULE_INTEGER)
        numbered.append((order, name))
    orders = sorted(order for order, _ in numbered)
    if orders != list(range(1, len(numbered) + 1)):
        raise InvalidField(
            "stages.order", RULE_STAGE_ORDER.format(count=len(numbered), orders=orders)
        )
    return [name for _, name in sorted(numbered)]


# --- the area ------------------------------------------------------------------------


class FunnelsArea(AccountArea):
    """An account's sales funnels (S12) and campaigns (S13); attached as ``account.funnels``."""

    key: ClassVar[str] = _KEY

    def __init__(self, account: AccountCore) -> None:
        """No funnels; the default group is `DEFAULT_GROUP`."""
        super().__init__(account)
        self.default_group: str = DEFAULT_GROUP
        """The group of funnels created without one (S13.1)."""
        self._funnels: dict[str, _Funnel] = {}

    # --- helpers -------------------------------------------------------------------

    def _funnel(self, name: str, field: str = "funnel") -> _Funnel:
        if not isinstance(name, str):
            raise InvalidField(field, RULE_STRING)
        funnel = self._funnels.get(funnel_key(name))
        if funnel is None:
            raise FunnelNotFound(name)
        return funnel

    def _leave(self, funnel: _Funnel, record: ContactRecord) -> None:
        """Take ``record`` out of ``funnel`` (its place and its count)."""
        key = funnel_key(funnel.name)
        places = dict(_places(record))
        place = places.pop(key, None)
        funnel.members.pop(record.id, None)
        if place is not None and not record.deleted:
            funnel.live[funnel_key(place.stage)] -= 1
        record.set_extension(_KEY, places or None)
        if place is not None:
            self.account.notify_funnel_stage(record, funnel.name, None, place.stage)

    # --- reads -----------------------------------------------------------------------

    def names(self) -> list[str]:
        """The funnels' names, in the order they were created."""
        self.account.tick()
        return [f.name for f in self._funnels.values()]

    def get(self, name: str) -> FunnelInfo:
        """The funnel ``name`` (any case); FunnelNotFound otherwise."""
        self.account.tick()
        return self._funnel(name).info()

    def count(self, funnel: str, stage: str | None = None) -> int:
        """Live contacts in the funnel, or at its ``stage`` (soft-deleted ones excluded, S3.1)."""
        self.account.tick()
        found = self._funnel(funnel)
        if stage is None:
            return sum(found.live.values())
        return found.live[funnel_key(found.stage(stage))]

    def members(self, funnel: str) -> list[ContactRecord]:
        """The cards standing in ``funnel`` (soft-deleted ones too), in the order they
        joined it; FunnelNotFound if there is no such funnel."""
        self.account.tick()
        return list(self._funnel(funnel).members.values())

    def of_contact(self, record: ContactRecord) -> list[FunnelPlace]:
        """The places of a card in every funnel, in the order it joined them."""
        return places_of(record)

    # --- writes ----------------------------------------------------------------------

    def add(
        self,
        name: str,
        stages: Sequence[StageSpec],
        *,
        group: str | None = None,
        pot_value: Decimal | int | None = None,
    ) -> FunnelInfo:
        """Create a funnel (S12.1, S13.1); a name already used -> FunnelAlreadyExists.

        Stage names are trimmed, 3–255 characters and unique (any case); orders,
        when given, must number the stages 1..n; the stages are kept in order.
        """
        now = self.account.tick()
        spelled = check_name(name, "funnel")
        group_name = self.default_group if group is None else check_name(group, "group")
        value = check_money(pot_value, "potValue")
        names = _stage_names(stages)
        if funnel_key(spelled) in self._funnels:
            raise FunnelAlreadyExists(spelled)
        funnel = _Funnel(spelled, group_name, value, names, now)
        self._funnels[funnel_key(spelled)] = funnel
        return funnel.info()

    def add_contacts(
        self,
        funnel: str,
        stage: str,
        targets: Sequence[Target],
        *,
        pot_value: Decimal | int | None = None,
        modify: bool = False,
    ) -> dict[str, bool]:
        """Put live contacts at ``stage`` of ``funnel`` (S12.1); contact id -> moved.

        A contact new to the funnel joins it; one at another stage moves (the
        transition is kept with its time); one already at ``stage`` is left as
        it is (``False``). Every EMAIL / CONTACT_ID addressee must name a live
        contact, else nothing changes (ContactNotFound); a TAG addressee names
        every live contact with the tag (maybe none). ``pot_value`` is the
        contact's value (default: the one it had, else the funnel's);
        ``modify`` marks the cards modified.
        """
        now = self.account.tick()
        found = self._funnel(funnel)
        spelled = found.stage(stage)
        value = check_money(pot_value, "potValue")
        records = resolve(self.account, targets).cards
        fkey, skey = funnel_key(found.name), funnel_key(spelled)
        result: dict[str, bool] = {}
        changed: list[ContactRecord] = []
        for record in records:
            places = dict(_places(record))
            place = places.get(fkey)
            if place is not None and place.stage == spelled:
                result[record.id] = False
                continue
            step = Transition(spelled, now)
            previous = None if place is None else place.stage
            if place is None:
                place = FunnelPlace(
                    funnel=found.name,
                    stage=spelled,
                    pot_value=value if value is not None else found.pot_value,
                    created_on=now,
                    modified_on=now,
                    transitions=(step,),
                )
                found.members[record.id] = record
            else:
                found.live[funnel_key(place.stage)] -= 1
                place = attrs.evolve(
                    place,
                    stage=spelled,
                    pot_value=value if value is not None else place.pot_value,
                    modified_on=now,
                    transitions=(*place.transitions, step),
                )
            found.live[skey] += 1
            places[fkey] = place
            record.set_extension(_KEY, places)
            result[record.id] = True
            changed.append(record)
            self.account.notify_funnel_stage(record, found.name, spelled, previous)
        if modify:
            for record in changed:
                # the account's own "changed" path: modified_on and the observers
                self.account.change(record.id, lambda r, when: True)
        return result

    def remove_contact(self, funnel: str, key: str, *, stage: str | None = None) -> bool:
        """Take a live contact out of the funnel, or only out of ``stage`` (S12.1).

        Returns whether it was there (at ``stage``, when given). The platform
        has no endpoint for this (protocol §8.3): it is the Contact Manager's
        action (S15.3).
        """
        self.account.tick()
        found = self._funnel(funnel)
        spelled = found.stage(stage) if stage is not None else None
        record = self.account.find_live(key)
        place = _places(record).get(funnel_key(found.name))
        if place is None or (spelled is not None and place.stage != spelled):
            return False
        self._leave(found, record)
        return True

    def delete(self, funnel: str, stage: str | None = None) -> None:
        """Delete the whole funnel, or one stage of it (its contacts leave the funnel).

        The remaining stages keep their order (renumbered 1..n); deleting the
        only stage -> Conflict (delete the funnel instead).
        """
        self.account.tick()
        found = self._funnel(funnel)
        if stage is None:
            for record in list(found.members.values()):
                self._leave(found, record)
            del self._funnels[funnel_key(found.name)]
            return
        spelled = found.stage(stage)
        if len(found.stages) == 1:
            raise Conflict(TEXT_LAST_STAGE.format(funnel=found.name, stage=spelled))
        for record in list(found.members.values()):
            place = _places(record).get(funnel_key(found.name))
            if place is not None and place.stage == spelled:
                self._leave(found, record)
        found.stages.remove(spelled)
        del found.live[funnel_key(spelled)]

    # --- observer hooks --------------------------------------------------------------

    def _shift(self, record: ContactRecord, delta: int) -> None:
        for fkey, place in _places(record).items():
            found = self._funnels.get(fkey)
            if found is not None:
                found.live[funnel_key(place.stage)] += delta

    def contact_deleted(self, record: ContactRecord) -> None:
        """A soft-deleted contact no longer counts in its funnels (S3.1)."""
        self._shift(record, -1)

    def contact_restored(self, record: ContactRecord) -> None:
        """A restored contact counts again, at the stages it stood at (S3.2)."""
        self._shift(record, +1)

    def contact_removed(self, record: ContactRecord) -> None:
        """A purged or permanently deleted contact leaves every funnel (S3.3)."""
        for fkey, place in _places(record).items():
            found = self._funnels.get(fkey)
            if found is None:
                continue
            found.members.pop(record.id, None)
            if not record.deleted:
                found.live[funnel_key(place.stage)] -= 1

    # --- reset and state import ----------------------------------------------------------

    def reset(self) -> None:
        """Forget every funnel and every card's places; the default group stays."""
        for found in self._funnels.values():
            for record in found.members.values():
                record.set_extension(_KEY, None)
        self._funnels.clear()

    def restore_funnel(self, info: FunnelInfo, members: Sequence[ContactRecord]) -> None:
        """Put back funnel ``info`` as a state export saved it, with its ``members`` in the
        order they joined it; their places follow with
        [`restore_places`][salesmanago_emulator.state.funnels.FunnelsArea.restore_places] (a state
        import: nothing is checked here)."""
        found = _Funnel(info.name, info.group, info.pot_value, info.stages, info.created_on)
        found.members.update((record.id, record) for record in members)
        self._funnels[funnel_key(info.name)] = found

    def restore_places(self, record: ContactRecord, places: Sequence[FunnelPlace]) -> None:
        """Put back the places of ``record`` in the order it joined their funnels, each
        funnel restored before (a state import: nothing is checked here)."""
        for place in places:
            found = self._funnels[funnel_key(place.funnel)]
            found.members.setdefault(record.id, record)
            if not record.deleted:
                found.live[funnel_key(place.stage)] += 1
        record.set_extension(_KEY, {funnel_key(p.funnel): p for p in places} or None)
