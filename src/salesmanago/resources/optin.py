"""E-mail and mobile marketing status: opt-in and opt-out, single and batch
(protocol §7; semantics S2.6, S2.7, S10.2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from .._calls import Call, Endpoint, Envelope
from .._validation import check_count, check_email
from ..errors import ValidationError
from ._base import AsyncAPIResource, SyncAPIResource

__all__ = ["AsyncOptIn", "OptIn"]

# The live platform takes these without ``owner`` (protocol §14).
OPT_IN: Final = Endpoint("/api/contact/optin", idempotent=True, send_owner=False)
OPT_OUT: Final = Endpoint("/api/contact/optout", idempotent=True, send_owner=False)
PHONE_OPT_IN: Final = Endpoint("/api/contact/phoneoptin", idempotent=True, send_owner=False)
PHONE_OPT_OUT: Final = Endpoint("/api/contact/phoneoptout", idempotent=True, send_owner=False)
BATCH_OPT_IN: Final = Endpoint("/api/contact/batchoptin", idempotent=True)
BATCH_OPT_OUT: Final = Endpoint("/api/contact/batchoptout", idempotent=True)

#: The largest list of e-mails the SDK sends in one batch opt-in/out request.
BATCH_LIMIT: Final = 1000


def single_call(endpoint: Endpoint, email: str | None, contact_id: str | None) -> Call[str]:
    """One contact, named by e-mail or by id (exactly one of them)."""
    if (email is None) == (contact_id is None):
        raise ValidationError("email", "give exactly one of email and contact_id")
    if email is not None:
        body = {"email": check_email(email, "email")}
    else:
        assert contact_id is not None
        if not contact_id.strip():
            raise ValidationError("contactId", "must not be empty")
        body = {"contactId": contact_id.strip()}
    return Call(endpoint, body, _contact_id)


def _contact_id(envelope: Envelope) -> str:
    value = envelope.get("contactId")
    if not isinstance(value, str):
        raise TypeError("contactId: expected a string")
    return value


def batch_call(endpoint: Endpoint, emails: Sequence[str]) -> Call[dict[str, str]]:
    """Many contacts by e-mail; returns e-mail -> contact id for those changed."""
    if isinstance(emails, str):
        raise ValidationError("emails", "must be a list of e-mail addresses")
    check_count(emails, "emails", maximum=BATCH_LIMIT, minimum=1)
    body = {"emails": [check_email(e, f"emails[{i}]") for i, e in enumerate(emails)]}
    return Call(endpoint, body, _contact_ids)


def _contact_ids(envelope: Envelope) -> dict[str, str]:
    value = envelope.get("contactIds") or {}
    if not isinstance(value, Mapping):
        raise TypeError("contactIds: expected an object of e-mail -> id")
    return {str(k): str(v) for k, v in value.items()}


class OptIn(SyncAPIResource):
    """Marketing consent status of contacts: e-mail (S2.6) and mobile (S2.7).

    Every change of the e-mail status is recorded in the contact's history with
    source ``FROM_INIT`` (S10.2).
    """

    def opt_in(self, email: str | None = None, *, contact_id: str | None = None) -> str:
        """Opt the contact in to e-mail marketing; returns its id."""
        return self._client._execute(single_call(OPT_IN, email, contact_id))

    def opt_out(self, email: str | None = None, *, contact_id: str | None = None) -> str:
        """Opt the contact out of e-mail marketing; returns its id."""
        return self._client._execute(single_call(OPT_OUT, email, contact_id))

    def phone_opt_in(self, email: str | None = None, *, contact_id: str | None = None) -> str:
        """Opt the contact in to mobile (SMS) marketing; returns its id."""
        return self._client._execute(single_call(PHONE_OPT_IN, email, contact_id))

    def phone_opt_out(self, email: str | None = None, *, contact_id: str | None = None) -> str:
        """Opt the contact out of mobile (SMS) marketing; returns its id."""
        return self._client._execute(single_call(PHONE_OPT_OUT, email, contact_id))

    def batch_opt_in(self, emails: Sequence[str]) -> dict[str, str]:
        """Opt many contacts in to e-mail marketing; returns e-mail -> id."""
        return self._client._execute(batch_call(BATCH_OPT_IN, emails))

    def batch_opt_out(self, emails: Sequence[str]) -> dict[str, str]:
        """Opt many contacts out of e-mail marketing; returns e-mail -> id."""
        return self._client._execute(batch_call(BATCH_OPT_OUT, emails))


class AsyncOptIn(AsyncAPIResource):
    """Marketing consent status of contacts: e-mail (S2.6) and mobile (S2.7).

    Every change of the e-mail status is recorded in the contact's history with
    source ``FROM_INIT`` (S10.2).
    """

    async def opt_in(self, email: str | None = None, *, contact_id: str | None = None) -> str:
        """Opt the contact in to e-mail marketing; returns its id."""
        return await self._client._execute(single_call(OPT_IN, email, contact_id))

    async def opt_out(self, email: str | None = None, *, contact_id: str | None = None) -> str:
        """Opt the contact out of e-mail marketing; returns its id."""
        return await self._client._execute(single_call(OPT_OUT, email, contact_id))

    async def phone_opt_in(self, email: str | None = None, *, contact_id: str | None = None) -> str:
        """Opt the contact in to mobile (SMS) marketing; returns its id."""
        return await self._client._execute(single_call(PHONE_OPT_IN, email, contact_id))

    async def phone_opt_out(
        self, email: str | None = None, *, contact_id: str | None = None
    ) -> str:
        """Opt the contact out of mobile (SMS) marketing; returns its id."""
        return await self._client._execute(single_call(PHONE_OPT_OUT, email, contact_id))

    async def batch_opt_in(self, emails: Sequence[str]) -> dict[str, str]:
        """Opt many contacts in to e-mail marketing; returns e-mail -> id."""
        return await self._client._execute(batch_call(BATCH_OPT_IN, emails))

    async def batch_opt_out(self, emails: Sequence[str]) -> dict[str, str]:
        """Opt many contacts out of e-mail marketing; returns e-mail -> id."""
        return await self._client._execute(batch_call(BATCH_OPT_OUT, emails))
