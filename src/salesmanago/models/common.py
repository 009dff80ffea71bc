"""Models shared by several API areas."""

from __future__ import annotations

from enum import Enum

import attrs

__all__ = ["Addressee", "AddresseeType"]


class AddresseeType(str, Enum):
    """How an [`Addressee`][salesmanago.models.common.Addressee] names contacts (protocol §5.4)."""

    EMAIL = "EMAIL"
    CONTACT_ID = "CONTACT_ID"
    TAG = "TAG"
    FUNNEL = "FUNNEL"
    STAGE = "STAGE"


@attrs.frozen(kw_only=True)
class Addressee:
    """A selection of contacts: by e-mail, by id, by tag, funnel or stage."""

    addressee_type: AddresseeType
    value: str

    @classmethod
    def email(cls, email: str) -> Addressee:
        """The contact with this e-mail."""
        return cls(addressee_type=AddresseeType.EMAIL, value=email)

    @classmethod
    def contact_id(cls, contact_id: str) -> Addressee:
        """The contact with this id."""
        return cls(addressee_type=AddresseeType.CONTACT_ID, value=contact_id)

    @classmethod
    def tag(cls, tag: str) -> Addressee:
        """Every contact carrying this tag."""
        return cls(addressee_type=AddresseeType.TAG, value=tag)
