"""Control operations on a card's scoring (S4.1): ``contacts/score/set`` and ``contacts/score/add``.

- ``contacts/score/set``: ``contact`` (e-mail or id of a live card), ``score``.
- ``contacts/score/add``: ``contact``, ``points`` (may be negative).

Both answer the card's ``contact`` (e-mail) and its new ``score``, and act on
the account named by ``clientId`` (default: the first); a missing card is 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ._base import ControlArgs, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _score_set(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Set a live card's scoring (``contact``, ``score``) (S4.1)."""
    account = args.account(emulator)
    record = account.scoring.set(args.text("contact"), args.integer("score"))
    return {"contact": record.email, "score": record.score}


def _score_add(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Add ``points`` (may be negative) to a live card's scoring (``contact``) (S4.1)."""
    account = args.account(emulator)
    record = account.scoring.add(args.text("contact"), args.integer("points"))
    return {"contact": record.email, "score": record.score}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name="contacts/score/set", handler=_score_set, keys=("clientId", "contact", "score")
    ),
    ControlOperation(
        name="contacts/score/add", handler=_score_add, keys=("clientId", "contact", "points")
    ),
)
"""This module's operations."""
