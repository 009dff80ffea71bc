"""The loyalty area in a snapshot: programs, their members and points (protocol §8.6).

``"loyalty": [program, ...]`` in the order the programs were created::

    {"name": "Club", "active": true, "createdOn": "<instant>",
     "members": [{"contactId": "<a card's id>", "enrolledOn": "<instant>", "points": 15,
                  "history": [{"modificationType": "ADD", "points": 20,
                               "comment": "welcome" | null, "at": "<instant>"},
                              {"modificationType": "SUBTRACT", "points": 5, ...}]}]}

Members are listed in the order they joined the program. Names are checked as
the wire checks them (trimmed, 1-255 characters, unique in any case), points
as ``modifyPoints`` takes them (whole numbers from 1 to 2^31-1, ``ADD`` or
``SUBTRACT`` in upper case); the history must be one the platform could have
made (the balance never below zero nor over the limit) and add up to
``points``.
"""

from __future__ import annotations

from typing import Any, Final

from ..clock import utc_iso
from ..errors import RULE_BELOW_ZERO, RULE_OVER_LIMIT, RULE_SUM_OF_HISTORY
from ..state._card import ContactRecord
from ..state.account import Account
from ..state.loyalty import (
    MAX_POINTS,
    Enrolment,
    LoyaltyProgram,
    PointsChange,
    check_modification,
    check_points,
    check_program_name,
    program_key,
)
from ._reader import Fields, Unique, Value
from .contacts import card

__all__ = ["CHANGE_KEYS", "MEMBER_KEYS", "PROGRAM_KEYS", "dump", "dump_program", "load"]

PROGRAM_KEYS: Final = ("name", "active", "createdOn", "members")
"""The keys of a program."""
MEMBER_KEYS: Final = ("contactId", "enrolledOn", "points", "history")
"""The keys of a member."""
CHANGE_KEYS: Final = ("modificationType", "points", "comment", "at")
"""The keys of a points change."""


def _member(record: ContactRecord, enrolment: Enrolment) -> dict[str, Any]:
    return {
        "contactId": record.id,
        "enrolledOn": utc_iso(enrolment.enrolled_on),
        "points": enrolment.points,
        "history": [
            {
                "modificationType": change.kind,
                "points": change.points,
                "comment": change.comment,
                "at": utc_iso(change.at),
            }
            for change in enrolment.history
        ],
    }


def dump_program(account: Account, program: LoyaltyProgram) -> dict[str, Any]:
    """One program with its members, as the snapshot writes it."""
    return {
        "name": program.name,
        "active": program.active,
        "createdOn": utc_iso(program.created_on),
        "members": [_member(r, e) for r, e in account.loyalty.members(program.name)],
    }


def dump(account: Account) -> list[dict[str, Any]]:
    """Every program with its members, in the order they were created."""
    return [dump_program(account, program) for program in account.loyalty.programs()]


def _history(fields: Fields) -> tuple[tuple[PointsChange, ...], int]:
    """The changes of a member and the balance they add up to, checked step by step."""
    changes: list[PointsChange] = []
    balance = 0
    for item in fields.items("history"):
        step = item.fields("a points change", CHANGE_KEYS)
        kind_value = step.need("modificationType")
        kind = kind_value.stored(kind_value.text(), kind_value.rule(check_modification))
        change = PointsChange(
            kind=kind,
            points=step.need("points").rule(check_points),
            comment=step.get("comment", Value.text),
            at=step.need("at").instant(),
        )
        balance += change.delta
        if balance < 0:
            item.refuse(RULE_BELOW_ZERO.format(balance=balance))
        if balance > MAX_POINTS:
            item.refuse(RULE_OVER_LIMIT.format(limit=MAX_POINTS, balance=balance))
        changes.append(change)
    return tuple(changes), balance


def _enrolment(program: str, fields: Fields) -> Enrolment:
    history, balance = _history(fields)
    points = fields.need("points")
    if points.integer(0, MAX_POINTS) != balance:
        points.refuse(RULE_SUM_OF_HISTORY.format(balance=balance))
    return Enrolment(
        program=program,
        enrolled_on=fields.need("enrolledOn").instant(),
        points=balance,
        history=history,
    )


def load(account: Account, value: Value) -> None:
    """Put back the programs of ``value`` and the loaded cards' enrolments in them."""
    names = Unique()
    for item in value.items():
        fields = item.fields("a loyalty program", PROGRAM_KEYS)
        name_value = fields.need("name")
        name = name_value.stored(name_value.text(), name_value.rule(check_program_name))
        names.add(name_value, program_key(name))
        program = LoyaltyProgram(
            name=name,
            active=fields.need("active").boolean(),
            created_on=fields.need("createdOn").instant(),
        )
        seen = Unique()
        members: list[tuple[ContactRecord, Enrolment]] = []
        for member_value in fields.items("members"):
            member = member_value.fields("a member", MEMBER_KEYS)
            id_value = member.need("contactId")
            record = card(account, id_value)
            seen.add(id_value, record.id)
            members.append((record, _enrolment(name, member)))
        account.loyalty.restore_program(program, members)
