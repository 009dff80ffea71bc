"""Loyalty programs: protocol §8.6 (``/api/loyalty/program/v1/...``).

``addContact``, ``removeContact`` and ``modifyPoints`` name a program by its
``loyaltyProgram`` name and the contacts by ``contacts`` addressees whose
``addresseeType`` is spelled in lower case: ``email``, ``tag``, ``contact_id``
(protocol §5.4). ``contacts`` is a list, or one addressee object as the
official PHP library sends it. The rules are in
`salesmanago_emulator.state.loyalty`; here only the wire keys.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import RULE_REQUIRED, InvalidField
from ..state._addressees import Target
from ._base import RequestContext, RouteTable
from ._parse import Body, opt_str, req_addressees, req_int, req_str

__all__ = ["ADDRESSEE_KINDS", "table"]

table: Final = RouteTable("loyalty")
"""The routes of this module."""

ADDRESSEE_KINDS: Final = {"email": "EMAIL", "tag": "TAG", "contact_id": "CONTACT_ID"}
"""The loyalty program's spellings of ``addresseeType`` (protocol §5.4), any case."""


def _program(body: Body) -> str:
    """``loyaltyProgram``: required, a string (a blank one names no program, protocol §3.3)."""
    name = opt_str(body, "loyaltyProgram")
    if name is None:
        raise InvalidField("loyaltyProgram", RULE_REQUIRED)
    return name


def _targets(body: Body) -> list[Target]:
    return [
        Target(kind, value)
        for kind, value, _ in req_addressees(body, ADDRESSEE_KINDS, one_object=True)
    ]


@table.route("/api/loyalty/program/v1/addContact")
def add_contact(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Enrol the ``contacts`` addressees (email, tag, contact_id) in an active program."""
    ctx.account.loyalty.add_contacts(_program(body), _targets(body))
    return {}


@table.route("/api/loyalty/program/v1/removeContact")
def remove_contact(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Take the ``contacts`` addressees out of an active program, with their points."""
    ctx.account.loyalty.remove_contacts(_program(body), _targets(body))
    return {}


@table.route("/api/loyalty/program/v1/modifyPoints")
def modify_points(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """``ADD`` or ``SUBTRACT`` ``points`` for members of an active program; all or nothing.

    ``points`` in the answer is the new balance when one member changed, else the
    points applied to each.
    """
    name, targets = _program(body), _targets(body)
    points = req_int(body, "points")
    balances = ctx.account.loyalty.modify_points(
        name,
        targets,
        points,
        modification=req_str(body, "modificationType"),
        comment=opt_str(body, "comment"),
    )
    if len(balances) == 1:
        (points,) = balances.values()
    return {"points": points}
