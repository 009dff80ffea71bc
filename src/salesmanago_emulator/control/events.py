"""Control operations on a card's purchases and products (S16.3, S16.4):
``contacts/ecommerce`` and ``contacts/recommendations``.

The platform shows both on the contact card only; no public API method answers
them (protocol §8.1, §8.6, §14), so tests read them here (or with
``account.events.ecommerce_summary(key)`` / ``account.events.recommendations(key)``).

- ``contacts/ecommerce`` (read-only): ``contact`` (e-mail or id; a soft-deleted
  card answers until the purge). Answers ``totalValue``, ``averageBasket`` (exact
  decimals, two places; the average rounded half-up as ``ORDER_AVG``) and
  ``transactions`` (S16.3, seed 003 [13]).
- ``contacts/recommendations`` (read-only): ``contact``, ``product`` (one the
  contact is looking at; default: the contact's own views and purchases),
  ``weights`` (``{KIND: number >= 0}``; kinds left out keep their defaults),
  ``limit`` (1-100, default 10). Answers ``recommendations``: for each of
  ``BOUGHT_AFTER_VIEWING``, ``VIEWED_TOGETHER``, ``BOUGHT_TOGETHER``,
  ``COLLABORATIVE`` and ``WEIGHTED`` a list ``[{product, score}]`` best first,
  and the ``weights`` used (S16.4, seed 003 §9).

Both act on the account named by ``clientId`` (default: the first).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ..errors import RULE_A_NUMBER, RULE_OBJECT
from ..state._recommend import DEFAULT_WEIGHTS
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _ecommerce(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """A card's total purchase value, average basket and number of transactions."""
    summary = args.account(emulator).events.ecommerce_summary(args.text("contact"))
    return {
        "totalValue": summary.total_value,
        "averageBasket": summary.average_basket,
        "transactions": summary.transactions,
    }


def _weights(args: ControlArgs) -> dict[str, Decimal] | None:
    given = args.data.get("weights")
    if given is None:
        return None
    if not isinstance(given, Mapping):
        raise ControlError.field("weights", RULE_OBJECT)
    out: dict[str, Decimal] = {}
    for kind, value in given.items():
        try:
            if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
                raise InvalidOperation
            out[kind] = Decimal(str(value))
        except InvalidOperation:
            raise ControlError.field(f"weights.{kind}", RULE_A_NUMBER) from None
    return out


def _recommendations(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Product recommendations of a card by kind and weighted (``contact``, ``product``, ...)."""
    weights = _weights(args)
    found = args.account(emulator).events.recommendations(
        args.text("contact"),
        product=args.text("product", None),
        weights=weights,
        limit=args.integer("limit", 10),
    )
    return {
        "recommendations": {
            kind: [{"product": r.product, "score": r.score} for r in items]
            for kind, items in found.items()
        },
        "weights": {**DEFAULT_WEIGHTS, **(weights or {})},
    }


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name="contacts/ecommerce",
        handler=_ecommerce,
        read_only=True,
        keys=("clientId", "contact"),
    ),
    ControlOperation(
        name="contacts/recommendations",
        handler=_recommendations,
        read_only=True,
        keys=("clientId", "contact", "product", "limit", "weights"),
    ),
)
"""This module's operations."""
