"""How a request names one contact: by e-mail or by contact id."""

from __future__ import annotations

from .._validation import check_email
from ..errors import ValidationError

__all__ = ["contact_key"]


def contact_key(email: str | None, contact_id: str | None, prefix: str = "") -> dict[str, str]:
    """``{"email": ...}`` or ``{"contactId": ...}``: exactly one of them, checked.

    ``prefix`` is put before the field names in errors (``events[3].``).
    """
    if (email is None) == (contact_id is None):
        raise ValidationError(f"{prefix}email", "give exactly one of email and contact_id")
    if email is not None:
        return {"email": check_email(email, f"{prefix}email")}
    if not isinstance(contact_id, str) or not contact_id.strip():
        raise ValidationError(f"{prefix}contactId", "must be a non-empty contact id")
    return {"contactId": contact_id.strip()}
