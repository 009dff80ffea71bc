"""Product recommendations from co-occurrence (S16.4, seed 003 §9): pure functions over
what each contact viewed and bought; deterministic, no randomness, no training.

A `Profile` is one contact's viewed and bought product ids. For a target
contact (or a product it is looking at) and every other contact's profile:

- ``BOUGHT_AFTER_VIEWING`` (p): over the other contacts, how many of the basis's
  viewed products each viewed, for those who bought p;
- ``VIEWED_TOGETHER`` (p): the same, for those who viewed p;
- ``BOUGHT_TOGETHER`` (p): over the other contacts, how many of the basis's bought
  products each bought, for those who bought p;
- ``COLLABORATIVE`` (p): over the other contacts who viewed or bought p, the
  Jaccard similarity of their products and the basis's (|A∩B| / |A∪B|);
- ``WEIGHTED`` (p): the sum over the four kinds of weight × score / the kind's
  best score (each kind scaled to 0..1 first), with the caller's weights.

The basis is the product given, or else the target's own views (first two kinds),
purchases (the third) and both (collaborative). A basis product is never
recommended by its kind. Scores are exact fractions while ranking: highest first,
ties by product id in code-point order; they are shown as decimals with four
places rounded half-up. Only products scoring above zero are listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Final

import attrs

__all__ = [
    "DEFAULT_WEIGHTS",
    "KINDS",
    "WEIGHTED",
    "Profile",
    "Recommendation",
    "product_ids",
    "recommend",
]

BOUGHT_AFTER_VIEWING: Final = "BOUGHT_AFTER_VIEWING"
VIEWED_TOGETHER: Final = "VIEWED_TOGETHER"
BOUGHT_TOGETHER: Final = "BOUGHT_TOGETHER"
COLLABORATIVE: Final = "COLLABORATIVE"
WEIGHTED: Final = "WEIGHTED"
KINDS: Final = (BOUGHT_AFTER_VIEWING, VIEWED_TOGETHER, BOUGHT_TOGETHER, COLLABORATIVE)
"""The four kinds of seed 003 §9 the weighted mix combines, in the order shown."""
DEFAULT_WEIGHTS: Final[Mapping[str, Decimal]] = {
    BOUGHT_AFTER_VIEWING: Decimal(2),
    VIEWED_TOGETHER: Decimal(1),
    BOUGHT_TOGETHER: Decimal(3),
    COLLABORATIVE: Decimal(2),
}
"""The weights of the mix when the caller names none: purchases first, then what the
contact would like to see (seed 003 §9 "Statystyki łączone z wagą")."""
_PLACES: Final = Decimal("0.0001")


@attrs.frozen
class Profile:
    """One contact's products: viewed and bought ids."""

    viewed: frozenset[str]
    bought: frozenset[str]

    @property
    def items(self) -> frozenset[str]:
        """Every product the contact viewed or bought."""
        return self.viewed | self.bought


@attrs.frozen
class Recommendation:
    """One recommended product and its score (four decimals)."""

    product: str
    score: Decimal


def product_ids(text: str | None) -> list[str]:
    """The ids of an event's ``products`` (comma-separated; trimmed, blanks dropped)."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _co_occurrence(
    basis: frozenset[str], others: Iterable[Profile], seen: str, counted: str
) -> dict[str, Fraction]:
    scores: dict[str, Fraction] = {}
    for other in others:
        overlap = len(basis & getattr(other, seen))
        if overlap:
            for product in getattr(other, counted) - basis:
                scores[product] = scores.get(product, Fraction(0)) + overlap
    return scores


def _collaborative(basis: frozenset[str], others: Iterable[Profile]) -> dict[str, Fraction]:
    scores: dict[str, Fraction] = {}
    for other in others:
        items = other.items
        union = len(basis | items)
        overlap = len(basis & items)
        if overlap:
            for product in items - basis:
                scores[product] = scores.get(product, Fraction(0)) + Fraction(overlap, union)
    return scores


def _weighted(
    by_kind: Mapping[str, dict[str, Fraction]], weights: Mapping[str, Decimal]
) -> dict[str, Fraction]:
    mixed: dict[str, Fraction] = {}
    for kind, scores in by_kind.items():
        best = max(scores.values(), default=Fraction(0))
        weight = Fraction(weights[kind])
        if best <= 0 or weight <= 0:
            continue
        for product, score in scores.items():
            mixed[product] = mixed.get(product, Fraction(0)) + weight * score / best
    return mixed


def _ranked(scores: Mapping[str, Fraction], limit: int) -> tuple[Recommendation, ...]:
    best = sorted((p for p, s in scores.items() if s > 0), key=lambda p: (-scores[p], p))
    return tuple(
        Recommendation(
            product=p,
            score=(Decimal(scores[p].numerator) / Decimal(scores[p].denominator)).quantize(
                _PLACES, rounding=ROUND_HALF_UP
            ),
        )
        for p in best[:limit]
    )


def recommend(
    target: Profile,
    others: Sequence[Profile],
    *,
    product: str | None = None,
    weights: Mapping[str, Decimal] = DEFAULT_WEIGHTS,
    limit: int = 10,
) -> dict[str, tuple[Recommendation, ...]]:
    """Each kind's best ``limit`` products, and the weighted mix (`WEIGHTED`)."""
    viewed = frozenset({product}) if product is not None else target.viewed
    bought = frozenset({product}) if product is not None else target.bought
    items = frozenset({product}) if product is not None else target.items
    by_kind = {
        BOUGHT_AFTER_VIEWING: _co_occurrence(viewed, others, "viewed", "bought"),
        VIEWED_TOGETHER: _co_occurrence(viewed, others, "viewed", "viewed"),
        BOUGHT_TOGETHER: _co_occurrence(bought, others, "bought", "bought"),
        COLLABORATIVE: _collaborative(items, others),
    }
    result = {kind: _ranked(scores, limit) for kind, scores in by_kind.items()}
    result[WEIGHTED] = _ranked(_weighted(by_kind, weights), limit)
    return result
