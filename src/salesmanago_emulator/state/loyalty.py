"""Loyalty programs: members and their points (protocol §8.6, §5.2 ``loyaltyProgram``).

A program has a name unique in its account (compared trimmed and
case-insensitively) and an active flag; programs are created and switched on
or off through the emulator only (the platform does it in its UI). A live
contact is enrolled through ``addContact`` or a contact write's
``loyaltyProgram`` option, starts with 0 points, and gains or loses points
through ``modifyPoints``; every change is kept with its comment and instant.
Points are whole numbers; a balance never goes below zero nor above
`MAX_POINTS`. An inactive program refuses every change.

A member's enrolments live on the card under
[`LoyaltyArea.key`][salesmanago_emulator.state.loyalty.LoyaltyArea.key] (program key ->
`Enrolment`), so they go with the card when it is purged or forgotten. A soft-deleted card keeps
them but cannot be addressed until it is restored (S3.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar, Final

import attrs

from ..errors import (
    RULE_BOOLEAN,
    RULE_INTEGER,
    RULE_MAX,
    RULE_MIN,
    RULE_ONE_OF,
    RULE_STRING,
    RULE_TOO_LONG,
    TEXT_NOT_A_MEMBER,
    TEXT_NOT_ENOUGH_POINTS,
    TEXT_TOO_MANY_POINTS,
    Conflict,
    InvalidField,
    LoyaltyProgramExists,
    LoyaltyProgramInactive,
    LoyaltyProgramNotFound,
)
from ._addressees import Target, resolve
from ._card import ContactRecord
from ._core import AccountArea, AccountCore
from ._normalize import check_text

__all__ = [
    "MAX_NAME",
    "MAX_POINTS",
    "MODIFICATION_TYPES",
    "Enrolment",
    "LoyaltyArea",
    "LoyaltyProgram",
    "PointsChange",
    "check_modification",
    "check_points",
    "check_program_name",
    "program_key",
]

MAX_NAME: Final = 255
"""Longest program name, in characters after trimming (grade D)."""
MAX_POINTS: Final = 2**31 - 1
"""The largest points amount and balance: the platform's ``points`` is a 32-bit ``int``
(protocol §8.6; the C# client's ``PointsResponse``)."""
MODIFICATION_TYPES: Final = ("ADD", "SUBTRACT")
"""The ``modificationType`` values of ``modifyPoints`` (protocol §8.6)."""
_KEY: Final = "loyalty"


def program_key(name: str) -> str:
    """A program name as compared: white space trimmed, case folded."""
    return name.strip().casefold()


def check_program_name(value: object, field: str) -> str:
    """A program name as stored: trimmed, 1 to `MAX_NAME` characters.

    InvalidField naming ``field`` otherwise.
    """
    name = check_text(value, field).strip()
    if len(name) > MAX_NAME:
        raise InvalidField(field, RULE_TOO_LONG.format(limit=MAX_NAME, length=len(name)))
    return name


def check_points(value: object, field: str) -> int:
    """A points amount: a whole number from 1 to `MAX_POINTS`; InvalidField otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(field, RULE_INTEGER)
    if value < 1:
        raise InvalidField(field, RULE_MIN.format(minimum=1))
    if value > MAX_POINTS:
        raise InvalidField(field, RULE_MAX.format(maximum=MAX_POINTS))
    return value


def check_modification(value: object, field: str) -> str:
    """A ``modificationType`` in stored form: ``ADD`` or ``SUBTRACT`` (any case, trimmed)."""
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    kind = value.strip().upper()
    if kind not in MODIFICATION_TYPES:
        raise InvalidField(field, RULE_ONE_OF.format(choices=", ".join(MODIFICATION_TYPES)))
    return kind


def _check_flag(active: object) -> bool:
    if not isinstance(active, bool):
        raise InvalidField("active", RULE_BOOLEAN)
    return active


# --- values ------------------------------------------------------------------------


@attrs.frozen
class LoyaltyProgram:
    """A program as callers see it: its name, whether it is active, when it was created."""

    name: str
    active: bool
    created_on: datetime


@attrs.frozen(weakref_slot=False)
class PointsChange:
    """One ``modifyPoints`` on a member: ``ADD`` or ``SUBTRACT`` of ``points``, with its
    comment (as sent, maybe ``None``) and instant."""

    kind: str
    points: int
    comment: str | None
    at: datetime

    @property
    def delta(self) -> int:
        """The change of the balance: ``points``, negative for ``SUBTRACT``."""
        return self.points if self.kind == "ADD" else -self.points


@attrs.frozen(weakref_slot=False)
class Enrolment:
    """A card's membership of one program: since when, its balance and every change."""

    program: str
    enrolled_on: datetime
    points: int
    history: tuple[PointsChange, ...]


class _Program:
    """A stored program; ``members`` (soft-deleted ones too) in the order they joined."""

    __slots__ = ("active", "created_on", "members", "name")

    def __init__(self, name: str, active: bool, created_on: datetime) -> None:
        self.name = name
        self.active = active
        self.created_on = created_on
        self.members: dict[str, ContactRecord] = {}

    def info(self) -> LoyaltyProgram:
        return LoyaltyProgram(name=self.name, active=self.active, created_on=self.created_on)


def _enrolments(record: ContactRecord) -> dict[str, Enrolment]:
    value = record.extension(_KEY)
    return value if isinstance(value, dict) else {}


def _set(record: ContactRecord, key: str, enrolment: Enrolment | None) -> None:
    enrolments = dict(_enrolments(record))
    if enrolment is None:
        enrolments.pop(key, None)
    else:
        enrolments[key] = enrolment
    record.set_extension(_KEY, enrolments or None)


# --- the area ------------------------------------------------------------------------


class LoyaltyArea(AccountArea):
    """An account's loyalty programs and their members' points; ``account.loyalty``."""

    key: ClassVar[str] = _KEY

    def __init__(self, account: AccountCore) -> None:
        """No programs."""
        super().__init__(account)
        self._programs: dict[str, _Program] = {}

    # --- helpers -------------------------------------------------------------------

    def _program(self, name: str, field: str = "loyaltyProgram") -> _Program:
        """The program ``name`` (any case, trimmed); LoyaltyProgramNotFound otherwise (a
        blank name names none)."""
        if not isinstance(name, str):
            raise InvalidField(field, RULE_STRING)
        found = self._programs.get(program_key(name))
        if found is None:
            raise LoyaltyProgramNotFound(name)
        return found

    def _active(self, name: str, field: str = "loyaltyProgram") -> _Program:
        found = self._program(name, field)
        if not found.active:
            raise LoyaltyProgramInactive(found.name)
        return found

    @staticmethod
    def _enrol(found: _Program, record: ContactRecord, now: datetime) -> bool:
        key = program_key(found.name)
        if key in _enrolments(record):
            return False
        _set(record, key, Enrolment(found.name, now, 0, ()))
        found.members[record.id] = record
        return True

    # --- programs ------------------------------------------------------------------

    def create_program(self, name: str, *, active: bool = True) -> LoyaltyProgram:
        """Create a program (the platform does it in its UI); a name in use (any case)
        -> LoyaltyProgramExists. Names are trimmed, 1 to 255 characters."""
        now = self.account.tick()
        spelled = check_program_name(name, "name")
        _check_flag(active)
        if program_key(spelled) in self._programs:
            raise LoyaltyProgramExists(spelled)
        found = _Program(spelled, active, now)
        self._programs[program_key(spelled)] = found
        return found.info()

    def set_active(self, name: str, active: bool) -> LoyaltyProgram:
        """Switch program ``name`` on or off; an inactive one refuses every change
        (its members and points stay)."""
        self.account.tick()
        found = self._program(name, "name")
        found.active = _check_flag(active)
        return found.info()

    def programs(self) -> list[LoyaltyProgram]:
        """Every program, in the order they were created."""
        self.account.tick()
        return [found.info() for found in self._programs.values()]

    def program(self, name: str) -> LoyaltyProgram:
        """The program ``name`` (any case); LoyaltyProgramNotFound otherwise."""
        self.account.tick()
        return self._program(name, "name").info()

    def members(self, name: str) -> list[tuple[ContactRecord, Enrolment]]:
        """The cards enrolled in program ``name`` (soft-deleted ones too) with their
        enrolment, in the order they joined."""
        self.account.tick()
        found = self._program(name, "name")
        key = program_key(found.name)
        return [(r, _enrolments(r)[key]) for r in found.members.values()]

    def of_contact(self, record: ContactRecord) -> list[Enrolment]:
        """The enrolments of a card, in the order their programs were created."""
        held = _enrolments(record)
        return [held[key] for key in self._programs if key in held]

    def points(self, name: str, key: str) -> int | None:
        """The balance of the live card ``key`` (e-mail or id) in program ``name``;
        ``None`` if it is not a member. ContactNotFound for a missing or soft-deleted
        card (S3.1), LoyaltyProgramNotFound for an unknown program."""
        self.account.tick()
        found = self._program(name, "name")
        enrolment = _enrolments(self.account.live(key)).get(program_key(found.name))
        return None if enrolment is None else enrolment.points

    # --- the platform's calls ------------------------------------------------------------

    def check_enrolment(self, name: str) -> LoyaltyProgram:
        """The active program a contact write's ``loyaltyProgram`` names; refused with the
        platform's texts when it does not exist or is inactive (protocol §3.3). The write
        checks this before it changes anything, then calls
        [`enrol`][salesmanago_emulator.state.loyalty.LoyaltyArea.enrol]."""
        return self._active(name).info()

    def enrol(self, record: ContactRecord, program: LoyaltyProgram, now: datetime) -> bool:
        """Enrol a card a write just saved in ``program`` (checked by
        [`check_enrolment`][salesmanago_emulator.state.loyalty.LoyaltyArea.check_enrolment]); a
        member stays as it is. Returns whether it joined."""
        return self._enrol(self._programs[program_key(program.name)], record, now)

    def add_contacts(self, name: str, targets: Sequence[Target]) -> dict[str, bool]:
        """Enrol the live contacts ``targets`` name in program ``name``; contact id ->
        whether it joined (a member stays as it is, its points kept).

        The program must exist and be active; every EMAIL / CONTACT_ID addressee
        must name a live contact, else nothing changes; a TAG names every live
        contact with the tag.
        """
        now = self.account.tick()
        found = self._active(name)
        records = resolve(self.account, targets).cards
        return {record.id: self._enrol(found, record, now) for record in records}

    def remove_contacts(self, name: str, targets: Sequence[Target]) -> dict[str, bool]:
        """Take contacts out of program ``name`` with their points and history; contact
        id -> whether it was a member.

        The program must exist and be active; an EMAIL / CONTACT_ID addressee must
        name a live contact (a non-member is left as it is); a TAG names the
        members carrying the tag.
        """
        self.account.tick()
        found = self._active(name)
        key = program_key(found.name)
        addressed = resolve(self.account, targets)
        result = {record.id: record.id in found.members for record in addressed.named}
        for record in addressed.tagged:
            if record.id in found.members:
                result[record.id] = True
        for contact_id, member in result.items():
            if member:
                _set(found.members.pop(contact_id), key, None)
        return result

    def modify_points(
        self,
        name: str,
        targets: Sequence[Target],
        points: int,
        *,
        modification: str = "ADD",
        comment: str | None = None,
    ) -> dict[str, int]:
        """Add or subtract ``points`` for the members ``targets`` name; contact id -> new
        balance. All or nothing.

        The program must exist and be active; ``points`` is a whole number from
        1 to `MAX_POINTS`; ``modification`` ``ADD`` or ``SUBTRACT``. An
        EMAIL / CONTACT_ID addressee must name a live member (Conflict
        otherwise); a TAG names the members carrying the tag. A balance would
        go below zero or above `MAX_POINTS` -> Conflict, and no balance
        changes.
        """
        now = self.account.tick()
        found = self._active(name)
        amount = check_points(points, "points")
        kind = check_modification(modification, "modificationType")
        if comment is not None and not isinstance(comment, str):
            raise InvalidField("comment", RULE_STRING)
        key = program_key(found.name)
        addressed = resolve(self.account, targets)
        for record in addressed.named:
            if record.id not in found.members:
                raise Conflict(TEXT_NOT_A_MEMBER.format(contact=record.email, program=found.name))
        change = PointsChange(kind, amount, comment, now)
        updates: list[tuple[ContactRecord, Enrolment]] = []
        for record in addressed.cards:
            enrolment = _enrolments(record).get(key)
            if enrolment is None:  # tagged, not a member
                continue
            balance = enrolment.points + change.delta
            if balance < 0:
                raise Conflict(
                    TEXT_NOT_ENOUGH_POINTS.format(contact=record.email, points=enrolment.points)
                )
            if balance > MAX_POINTS:
                raise Conflict(
                    TEXT_TOO_MANY_POINTS.format(
                        contact=record.email, points=balance, limit=MAX_POINTS
                    )
                )
            updates.append(
                (
                    record,
                    attrs.evolve(enrolment, points=balance, history=(*enrolment.history, change)),
                )
            )
        for record, enrolment in updates:
            _set(record, key, enrolment)
        return {record.id: enrolment.points for record, enrolment in updates}

    # --- observer hooks ----------------------------------------------------------------

    def contact_removed(self, record: ContactRecord) -> None:
        """A purged or forgotten card leaves every program (its enrolments go with it)."""
        for key in _enrolments(record):
            found = self._programs.get(key)
            if found is not None:
                found.members.pop(record.id, None)

    # --- reset and state import ------------------------------------------------------------

    def reset(self) -> None:
        """Forget every program and every card's enrolments."""
        for found in self._programs.values():
            for record in found.members.values():
                record.set_extension(_KEY, None)
        self._programs.clear()

    def restore_program(
        self, program: LoyaltyProgram, members: Sequence[tuple[ContactRecord, Enrolment]]
    ) -> None:
        """Put back a program a state export saved, with its members in the order they
        joined (a state import: nothing is checked here)."""
        found = _Program(program.name, program.active, program.created_on)
        self._programs[program_key(program.name)] = found
        key = program_key(program.name)
        for record, enrolment in members:
            found.members[record.id] = record
            _set(record, key, enrolment)
