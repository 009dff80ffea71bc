"""Consent models: a contact's named consents and the account's consent forms
(protocol §7; semantics S10.1)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import attrs

__all__ = ["ConsentForm", "ConsentStatus", "ContactConsent"]


class ConsentStatus(str, Enum):
    """The status of a named consent on a contact (S10.1)."""

    CONFIRMED = "CONFIRMED"
    WITHDRAWN = "WITHDRAWN"
    UNCONFIRMED = "UNCONFIRMED"


@attrs.frozen(kw_only=True)
class ContactConsent:
    """A named consent on a contact, as the full contact lists it (``contactConsents``).

    ``status`` is one of [`ConsentStatus`][salesmanago.models.optin.ConsentStatus] (compare with it:
    ``consent.status == ConsentStatus.CONFIRMED``; kept a string so a status the SDK does not know
    yet still reads). ``agreement_date`` is when it was confirmed or withdrawn; ``text``
    the consent's wording in the account.
    """

    consent_name: str
    status: str
    agreement_date: datetime | None = None
    text: str | None = None
    ip: str | None = None
    consent_description_id: int | None = None


@attrs.frozen(kw_only=True)
class ConsentForm:
    """A consent form of the account (``consent/form/data``)."""

    int_id: int
    name: str
