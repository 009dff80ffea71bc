"""Control operations for loyalty programs (protocol §8.6): ``loyalty/programs``,
``loyalty/programs/create``, ``loyalty/programs/activate`` and
``loyalty/programs/deactivate``.

The platform creates loyalty programs in its UI, not through the API, so tests
and demos create them here (or with ``account.loyalty.create_program``).

- ``loyalty/programs/create``: ``name`` (required; trimmed, 1-255 characters,
  unique in any case: 409 otherwise), ``active`` (default true). Answers
  ``program``.
- ``loyalty/programs/activate``, ``loyalty/programs/deactivate``: ``name``.
  An inactive program refuses every change (``Specified loyalty program is
  inactive``); its members and points stay. Answers ``program``.
- ``loyalty/programs`` (read-only): every program with its members (soft-deleted
  cards too, flagged ``deleted``), their points and history; with ``name``,
  only that program as ``program``.

A program is ``{name, active, createdOn, members: [{contactId, email, deleted,
enrolledOn, points, history: [{modificationType, points, comment, at}]}]}``. An
unknown program is 404. All act on the account named by ``clientId`` (default:
the first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import LoyaltyProgramExists
from ..snapshot.loyalty import dump_program
from ..state.account import Account
from ..state.loyalty import LoyaltyProgram
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _shown(account: Account, program: LoyaltyProgram) -> dict[str, Any]:
    """The program as the snapshot writes it, each member with its e-mail and
    whether it is soft-deleted."""
    data = dump_program(account, program)
    for member, (record, _) in zip(
        data["members"], account.loyalty.members(program.name), strict=True
    ):
        member.update(email=record.email, deleted=record.deleted)
    return data


def _create(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Create a loyalty program: ``name``, ``active`` (default true); 409 if the name is taken."""
    account = args.account(emulator)
    try:
        program = account.loyalty.create_program(
            args.text("name"), active=args.boolean("active", True)
        )
    except LoyaltyProgramExists as err:
        raise ControlError(str(err), 409) from None
    return {"program": _shown(account, program)}


def _activate(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Switch the loyalty program ``name`` on."""
    account = args.account(emulator)
    return {"program": _shown(account, account.loyalty.set_active(args.text("name"), True))}


def _deactivate(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Switch the loyalty program ``name`` off: it refuses every change, members stay."""
    account = args.account(emulator)
    return {"program": _shown(account, account.loyalty.set_active(args.text("name"), False))}


def _programs(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The loyalty programs with their members, points and history; or ``name``."""
    account = args.account(emulator)
    name = args.text("name", None)
    if name is not None:
        return {"program": _shown(account, account.loyalty.program(name))}
    return {"programs": [_shown(account, p) for p in account.loyalty.programs()]}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name="loyalty/programs", handler=_programs, read_only=True, keys=("clientId", "name")
    ),
    ControlOperation(
        name="loyalty/programs/create", handler=_create, keys=("clientId", "name", "active")
    ),
    ControlOperation(
        name="loyalty/programs/activate", handler=_activate, keys=("clientId", "name")
    ),
    ControlOperation(
        name="loyalty/programs/deactivate", handler=_deactivate, keys=("clientId", "name")
    ),
)
"""This module's operations."""
