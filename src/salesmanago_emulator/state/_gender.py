"""Gender detection from a contact's name field (S15.5): a stand-in.

The real detection (Polish, Hungarian and Czech first names, built from public name
lists) is being written by another change; until it lands this stand-in keeps the
signature the Contact Manager calls and answers ``"unknown"`` for every name.
"""

from __future__ import annotations

__all__ = ["detect_gender"]


def detect_gender(name_field: str, *, name_order: int) -> str:
    """``"female"``, ``"male"`` or ``"unknown"`` for the first name in ``name_field``
    (first word when ``name_order`` is 1, second when 2); this stand-in always answers
    ``"unknown"``."""
    return "unknown"
