"""Contact scoring (S4.1): set or add points on a live card.

The platform has no public method that writes scoring; the emulator offers
these to tests through Python and the control API. Company scoring (S4.4) is
the sum over a company's live persons and follows every change here (see
[`CompaniesArea`][salesmanago_emulator.state.companies.CompaniesArea]).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from ..errors import RULE_INTEGER, InvalidField
from ._card import ContactRecord
from ._core import AccountArea

__all__ = ["ScoringArea"]


def _points(points: int) -> int:
    if isinstance(points, bool) or not isinstance(points, int):
        raise InvalidField("score", RULE_INTEGER)
    return points


class ScoringArea(AccountArea):
    """The cards' scoring (S4.1)."""

    key: ClassVar[str] = "scoring"

    def set(self, key: str, points: int) -> ContactRecord:
        """Set a live card's scoring to ``points`` (S4.1)."""
        value = _points(points)

        def apply(record: ContactRecord, now: datetime) -> bool:
            if record.score == value:
                return False
            record.score = value
            return True

        return self.account.change(key, apply)

    def add(self, key: str, points: int) -> ContactRecord:
        """Add ``points`` (may be negative) to a live card's scoring (S4.1)."""
        value = _points(points)

        def apply(record: ContactRecord, now: datetime) -> bool:
            if value == 0:
                return False
            record.score += value
            return True

        return self.account.change(key, apply)
