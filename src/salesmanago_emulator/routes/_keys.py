"""Readers of what many routes name: the contact a body is about, and a date range.

Shared by every area's routes, so no area module imports another's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ..errors import RULE_REQUIRED, RULE_TO_BEFORE_FROM, InvalidField
from ._parse import Body, opt_str, req_date

__all__ = ["ADDRESSEE_TYPES", "contact_key", "date_range", "opt_contact_key"]

ADDRESSEE_TYPES: Final = ("EMAIL", "CONTACT_ID")
"""The addressee types of the routes that name contacts in a ``contacts`` list (§5.4)."""


def opt_contact_key(body: Body, prefix: str = "") -> str | None:
    """The contact a body names: ``email``, else ``contactId``; ``None`` when neither
    is sent (or both are blank)."""
    email = opt_str(body, "email", prefix)
    if email is not None and email.strip():
        return email
    contact_id = opt_str(body, "contactId", prefix)
    if contact_id is not None and contact_id.strip():
        return contact_id.strip()
    return None


def contact_key(body: Body, prefix: str = "") -> str:
    """The contact a body names: ``email``, else ``contactId``; one of them is required."""
    key = opt_contact_key(body, prefix)
    if key is None:
        raise InvalidField(prefix + "email", RULE_REQUIRED)
    return key


def date_range(body: Body) -> tuple[datetime, datetime]:
    """``from`` and ``to`` (both required), ``to`` not before ``from``."""
    start = req_date(body, "from")
    end = req_date(body, "to")
    if end < start:
        raise InvalidField("to", RULE_TO_BEFORE_FROM)
    return start, end
