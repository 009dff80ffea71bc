"""E-mail and mobile marketing status: opt-in and opt-out, one contact or many; consent
forms; double opt-in confirmations.

Protocol §7, §14 (these single-contact methods take no ``owner``); semantics
S2.6, S2.7, S10.2 (changes are recorded with source ``FROM_INIT``, the API).
``consent/form/data`` lists the account's consent forms; ``email/sendConfirmation``
asks a contact to confirm its address (a ``requestId``; no job: ``job/status`` does not
know it, grade D).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from ..errors import RULE_NOT_EMPTY, ContactNotFound, InvalidField
from ..state._card import ContactRecord, DoubleOptIn
from ._base import RequestContext, RouteTable
from ._keys import contact_key
from ._parse import Body, opt_str, req_str, req_str_list
from ._writes import opt_text

__all__ = ["BATCH_LIMIT", "table"]

table: Final = RouteTable("optin")
"""The routes of this module."""

BATCH_LIMIT: Final = 1000
"""Most e-mails ``batchoptin`` / ``batchoptout`` take (our choice, like batchupsert)."""

_Change = Callable[[str], ContactRecord]


@table.route("/api/contact/optin", owner_required=False)
def opt_in(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """E-mail opt-in of the live contact ``email`` or ``contactId`` (S2.6)."""
    return {"contactId": ctx.account.optin.opt_in(contact_key(body)).id}


@table.route("/api/contact/optout", owner_required=False)
def opt_out(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """E-mail opt-out of the live contact ``email`` or ``contactId`` (S2.6)."""
    return {"contactId": ctx.account.optin.opt_out(contact_key(body)).id}


@table.route("/api/contact/phoneoptin", owner_required=False)
def phone_opt_in(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Mobile-marketing opt-in of the live contact ``email`` or ``contactId`` (S2.7)."""
    return {"contactId": ctx.account.optin.phone_opt_in(contact_key(body)).id}


@table.route("/api/contact/phoneoptout", owner_required=False)
def phone_opt_out(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Mobile-marketing opt-out of the live contact ``email`` or ``contactId`` (S2.7)."""
    return {"contactId": ctx.account.optin.phone_opt_out(contact_key(body)).id}


def _batch(body: Body, change: _Change) -> dict[str, Any]:
    emails = req_str_list(body, "emails", limit=BATCH_LIMIT)
    if not emails:
        raise InvalidField("emails", RULE_NOT_EMPTY)
    contact_ids: dict[str, str] = {}
    missing: list[str] = []
    for email in emails:
        try:
            record = change(email)
        except ContactNotFound as error:
            missing.extend(error.messages)
            continue
        contact_ids[record.email] = record.id
    return {"message": missing, "contactIds": contact_ids}


@table.route("/api/contact/batchoptin", owner_required=False)
def batch_opt_in(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """E-mail opt-in of the live contacts in ``emails``; unknown ones are named in ``message``."""
    return _batch(body, ctx.account.optin.opt_in)


@table.route("/api/contact/batchoptout", owner_required=False)
def batch_opt_out(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """E-mail opt-out of the live contacts in ``emails``; unknown ones are named in ``message``."""
    return _batch(body, ctx.account.optin.opt_out)


@table.route("/api/consent/form/data", owner_required=False)
def consent_forms(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """The account's consent forms: ``consentFormList`` of ``{intId, name}`` (S10.1)."""
    forms = ctx.account.optin.consent_forms()
    return {"consentFormList": [{"intId": form_id, "name": name} for form_id, name in forms]}


@table.route("/api/email/sendConfirmation", accepts_user=True)
def send_confirmation(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Ask the contact ``email`` to confirm its address (double opt-in); its ``requestId``."""
    options = DoubleOptIn(
        template_id=opt_text(body, "apiDoubleOptInEmailTemplateId"),
        account_id=opt_text(body, "apiDoubleOptInEmailAccountId"),
        subject=opt_str(body, "apiDoubleOptInEmailSubject"),
        lang=opt_str(body, "lang"),
        tag=opt_str(body, "tag"),
    )
    confirmation = ctx.account.optin.send_confirmation(req_str(body, "email"), options)
    return {"requestId": confirmation.request_id}
