"""How a request names contacts: one by e-mail or by contact id, several by addressees."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .._validation import check_email, described
from ..errors import ArgumentTypeError, ValidationError
from ..models.common import Addressee, AddresseeType

__all__ = ["addressee_list", "contact_key"]


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


def addressee_list(
    contacts: Sequence[str | Addressee],
    wire_types: Mapping[AddresseeType, str],
    rule: str,
    name: str = "contacts",
) -> list[dict[str, str]]:
    """``[{addresseeType, value}]``: e-mails, or addressees of the types in ``wire_types``.

    ``wire_types`` maps each accepted type to its wire spelling; another type is
    refused with ``rule``. E-mails are checked (and trimmed), other values must
    not be blank. Errors name the list ``name`` (``contacts[2].value``).
    """
    if isinstance(contacts, str) or not contacts:
        raise ValidationError(name, "must be a non-empty list of e-mails or addressees")
    out = []
    for index, contact in enumerate(contacts):
        field = f"{name}[{index}]"
        if isinstance(contact, str):
            contact = Addressee.email(check_email(contact, field))
        elif not isinstance(contact, Addressee):
            raise ArgumentTypeError(
                field, f"must be an e-mail or an Addressee, got {described(contact)}"
            )
        kind = wire_types.get(contact.addressee_type)
        if kind is None:
            raise ValidationError(f"{field}.addresseeType", rule)
        value = contact.value
        if contact.addressee_type is AddresseeType.EMAIL:
            value = check_email(value, f"{field}.value")
        elif not value.strip():
            raise ValidationError(f"{field}.value", "must not be empty")
        out.append({"addresseeType": kind, "value": value})
    return out
