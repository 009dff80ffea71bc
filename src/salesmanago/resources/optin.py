"""E-mail and mobile marketing status: opt-in and opt-out, single and batch; the
account's consent forms; the double opt-in e-mail (protocol §7; semantics S2.6, S2.7,
S10.1, S10.2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from .. import _converter
from .._calls import Call, Endpoint, Envelope
from .._jobs import read_request_id
from .._options import RequestOptions, Unpack
from .._validation import check_count, check_email, check_tags
from ..errors import ValidationError
from ..models.optin import ConsentForm
from ._base import AsyncAPIResource, SyncAPIResource
from ._keys import contact_key

__all__ = ["AsyncOptIn", "OptIn"]

# The live platform takes these without ``owner`` (protocol §14).
OPT_IN: Final = Endpoint("/api/contact/optin", idempotent=True, send_owner=False)
OPT_OUT: Final = Endpoint("/api/contact/optout", idempotent=True, send_owner=False)
PHONE_OPT_IN: Final = Endpoint("/api/contact/phoneoptin", idempotent=True, send_owner=False)
PHONE_OPT_OUT: Final = Endpoint("/api/contact/phoneoptout", idempotent=True, send_owner=False)
BATCH_OPT_IN: Final = Endpoint("/api/contact/batchoptin", idempotent=True)
BATCH_OPT_OUT: Final = Endpoint("/api/contact/batchoptout", idempotent=True)
CONSENT_FORMS: Final = Endpoint("/api/consent/form/data", idempotent=True, send_owner=False)
# Each call sends the contact another e-mail: never sent twice.
SEND_CONFIRMATION: Final = Endpoint("/api/email/sendConfirmation", idempotent=False)

#: The largest list of e-mails the SDK sends in one batch opt-in/out request.
BATCH_LIMIT: Final = 1000


def single_call(endpoint: Endpoint, email: str | None, contact_id: str | None) -> Call[str]:
    """One contact, named by e-mail or by id (exactly one of them)."""
    return Call(endpoint, contact_key(email, contact_id), _contact_id)


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


def consent_forms_call() -> Call[list[ConsentForm]]:
    """The account's consent forms (``consentFormList``)."""
    return Call(CONSENT_FORMS, {}, _consent_forms)


def _consent_forms(envelope: Envelope) -> list[ConsentForm]:
    value = envelope.get("consentFormList") or []
    if not isinstance(value, list):
        raise TypeError("consentFormList: expected a list of {intId, name}")
    return [_converter.structure(item, ConsentForm) for item in value]


def send_confirmation_call(
    email: str,
    *,
    lang: str | None = None,
    template_id: str | None = None,
    account_id: str | None = None,
    subject: str | None = None,
    tag: str | None = None,
) -> Call[str]:
    """The double opt-in e-mail to ``email``: ``lang``, or all of ``template_id``,
    ``account_id`` and ``subject`` (protocol §7); ``tag`` goes on the contact once it
    confirms. Returns the ``requestId``."""
    body: dict[str, object] = {"email": check_email(email, "email")}
    template = {
        "apiDoubleOptInEmailTemplateId": template_id,
        "apiDoubleOptInEmailAccountId": account_id,
        "apiDoubleOptInEmailSubject": subject,
    }
    given = {key: value for key, value in template.items() if value is not None}
    if given and len(given) < len(template):
        missing = next(key for key in template if key not in given)
        raise ValidationError(missing, "is required with the other template fields")
    if lang is not None and not lang.strip():
        raise ValidationError("lang", "must not be empty")
    if lang is None and not given:
        raise ValidationError(
            "lang", "is required unless template_id, account_id and subject are given"
        )
    body.update(given)
    if lang is not None:
        body["lang"] = lang
    if tag is not None:
        tags = check_tags([tag], "tag")
        if len(tags) != 1:
            raise ValidationError("tag", "must be one tag")
        body["tag"] = tags[0]
    return Call(SEND_CONFIRMATION, body, read_request_id)


class OptIn(SyncAPIResource):
    """Marketing consent status of contacts: e-mail (S2.6) and mobile (S2.7).

    Every change of the e-mail status is recorded in the contact's history with
    source ``FROM_INIT`` (S10.2). The account's consent forms and the double opt-in
    e-mail are here too (protocol §7).
    """

    def opt_in(
        self,
        email: str | None = None,
        *,
        contact_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Opt the contact in to e-mail marketing; returns its id."""
        return self._with(options)._execute(single_call(OPT_IN, email, contact_id))

    def opt_out(
        self,
        email: str | None = None,
        *,
        contact_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Opt the contact out of e-mail marketing; returns its id."""
        return self._with(options)._execute(single_call(OPT_OUT, email, contact_id))

    def phone_opt_in(
        self,
        email: str | None = None,
        *,
        contact_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Opt the contact in to mobile (SMS) marketing; returns its id."""
        return self._with(options)._execute(single_call(PHONE_OPT_IN, email, contact_id))

    def phone_opt_out(
        self,
        email: str | None = None,
        *,
        contact_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Opt the contact out of mobile (SMS) marketing; returns its id."""
        return self._with(options)._execute(single_call(PHONE_OPT_OUT, email, contact_id))

    def batch_opt_in(
        self, emails: Sequence[str], **options: Unpack[RequestOptions]
    ) -> dict[str, str]:
        """Opt many contacts in to e-mail marketing; returns e-mail -> id."""
        return self._with(options)._execute(batch_call(BATCH_OPT_IN, emails))

    def batch_opt_out(
        self, emails: Sequence[str], **options: Unpack[RequestOptions]
    ) -> dict[str, str]:
        """Opt many contacts out of e-mail marketing; returns e-mail -> id."""
        return self._with(options)._execute(batch_call(BATCH_OPT_OUT, emails))

    def consent_forms(self, **options: Unpack[RequestOptions]) -> list[ConsentForm]:
        """The account's consent forms (``consent/form/data``)."""
        return self._with(options)._execute(consent_forms_call())

    def send_confirmation(
        self,
        email: str,
        *,
        lang: str | None = None,
        template_id: str | None = None,
        account_id: str | None = None,
        subject: str | None = None,
        tag: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Send the contact the double opt-in e-mail; returns its ``requestId``.

        Give ``lang`` (the platform's template in that language), or all of
        ``template_id``, ``account_id`` and ``subject``. Once the contact confirms,
        it is opted in to e-mail marketing and gets ``tag``.
        """
        return self._with(options)._execute(
            send_confirmation_call(
                email,
                lang=lang,
                template_id=template_id,
                account_id=account_id,
                subject=subject,
                tag=tag,
            )
        )


class AsyncOptIn(AsyncAPIResource):
    """Marketing consent status of contacts: e-mail (S2.6) and mobile (S2.7).

    Every change of the e-mail status is recorded in the contact's history with
    source ``FROM_INIT`` (S10.2). The account's consent forms and the double opt-in
    e-mail are here too (protocol §7).
    """

    async def opt_in(
        self,
        email: str | None = None,
        *,
        contact_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Opt the contact in to e-mail marketing; returns its id."""
        return await self._with(options)._execute(single_call(OPT_IN, email, contact_id))

    async def opt_out(
        self,
        email: str | None = None,
        *,
        contact_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Opt the contact out of e-mail marketing; returns its id."""
        return await self._with(options)._execute(single_call(OPT_OUT, email, contact_id))

    async def phone_opt_in(
        self,
        email: str | None = None,
        *,
        contact_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Opt the contact in to mobile (SMS) marketing; returns its id."""
        return await self._with(options)._execute(single_call(PHONE_OPT_IN, email, contact_id))

    async def phone_opt_out(
        self,
        email: str | None = None,
        *,
        contact_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Opt the contact out of mobile (SMS) marketing; returns its id."""
        return await self._with(options)._execute(single_call(PHONE_OPT_OUT, email, contact_id))

    async def batch_opt_in(
        self, emails: Sequence[str], **options: Unpack[RequestOptions]
    ) -> dict[str, str]:
        """Opt many contacts in to e-mail marketing; returns e-mail -> id."""
        return await self._with(options)._execute(batch_call(BATCH_OPT_IN, emails))

    async def batch_opt_out(
        self, emails: Sequence[str], **options: Unpack[RequestOptions]
    ) -> dict[str, str]:
        """Opt many contacts out of e-mail marketing; returns e-mail -> id."""
        return await self._with(options)._execute(batch_call(BATCH_OPT_OUT, emails))

    async def consent_forms(self, **options: Unpack[RequestOptions]) -> list[ConsentForm]:
        """The account's consent forms (``consent/form/data``)."""
        return await self._with(options)._execute(consent_forms_call())

    async def send_confirmation(
        self,
        email: str,
        *,
        lang: str | None = None,
        template_id: str | None = None,
        account_id: str | None = None,
        subject: str | None = None,
        tag: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Send the contact the double opt-in e-mail; returns its ``requestId``.

        Give ``lang`` (the platform's template in that language), or all of
        ``template_id``, ``account_id`` and ``subject``. Once the contact confirms,
        it is opted in to e-mail marketing and gets ``tag``.
        """
        return await self._with(options)._execute(
            send_confirmation_call(
                email,
                lang=lang,
                template_id=template_id,
                account_id=account_id,
                subject=subject,
                tag=tag,
            )
        )
