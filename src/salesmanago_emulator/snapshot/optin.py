"""The opt-in area in a snapshot: the account's named consents and consent forms (S10.1),
and the cards' double opt-in confirmations (protocol §5.2, §7).

``"optin": {"consents": ["Newsletter", {"name": "Partners", "text": "..."}, ...],
"consentForms": [{"intId": 1, "name": "Shop footer"}, ...]}``: the consents in the
order they were registered, each a name (no text) or ``{name, text}``; names trimmed,
not blank, and once (names compare in any case). Forms: ``intId`` a positive integer,
once; ``name`` not blank. The cards' statuses, consents, opt-in/opt-out history and
confirmations are on the cards (`contacts`); a card's confirmations are read and
written here (`dump_confirmations`, `load_confirmations`)::

    "confirmations": [{"requestId": "900000001", "origin": "UPSERT",
                       "requestedAt": "<instant>", "expiresAt": "<instant>",
                       "status": "PENDING" | "CONFIRMED" | "EXPIRED",
                       "resolvedAt": "<instant>",
                       "options": {"templateId", "accountId", "subject", "emailId",
                                   "lang", "tag"}}]

``expiresAt`` must be ``requestedAt`` plus the validity (S10; grade D), ``resolvedAt``
is there exactly when the status is not ``PENDING``, and a pending confirmation past its
time is run out when the clock is next read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from ..clock import utc_iso
from ..errors import RULE_NOT_BEFORE_STARTED, RULE_REQUEST_ID_DIGITS, RULE_TWICE
from ..state._card import CONFIRMATION_STATUSES, Confirmation, ContactRecord, DoubleOptIn
from ..state.account import Account
from ..state.optin import CONFIRMATION_VALIDITY
from ._reader import Fields, Unique, Value

__all__ = ["CONFIRMATION_KEYS", "KEYS", "dump", "dump_confirmations", "load", "load_confirmations"]

KEYS: Final = ("consents", "consentForms")
"""The keys of the area's object."""
CONFIRMATION_KEYS: Final = (
    "requestId",
    "origin",
    "requestedAt",
    "expiresAt",
    "status",
    "resolvedAt",
    "options",
)
"""The keys of a card's confirmation."""

_CONSENT_KEYS: Final = ("name", "text")
_FORM_KEYS: Final = ("intId", "name")
_ORIGINS: Final = ("UPSERT", "SEND_CONFIRMATION")
# DoubleOptIn attribute -> its key in "options"
_OPTIONS: Final = (
    ("template_id", "templateId"),
    ("account_id", "accountId"),
    ("subject", "subject"),
    ("email_id", "emailId"),
    ("lang", "lang"),
    ("tag", "tag"),
)


def dump(account: Account) -> dict[str, Any]:
    """The consent register (with texts) and the consent forms."""
    optin = account.optin
    consents: list[Any] = []
    for name in optin.consents():
        text = optin.consent_text(name)
        consents.append(name if text is None else {"name": name, "text": text})
    data: dict[str, Any] = {"consents": consents}
    forms = optin.consent_forms()
    if forms:
        data["consentForms"] = [{"intId": form_id, "name": name} for form_id, name in forms]
    return data


def load(account: Account, value: Value) -> None:
    """Register the consents and forms of ``value`` in ``account`` (before the cards)."""
    fields = value.fields("the opt-in area", KEYS)
    seen = Unique()
    for item in fields.items("consents"):
        if not isinstance(item.raw, dict):  # a name (anything else refused as one)
            name, text = item.text(blank=False), None
            item.stored(name, name.strip())
        else:
            consent = item.fields("a consent", _CONSENT_KEYS)
            name_value = consent.need("name")
            name = name_value.text(blank=False)
            name_value.stored(name, name.strip())
            text = consent.get("text", Value.text)
            item = name_value
        seen.add(item, name.lower())
        account.optin.add_consent(name, text)
    ids = Unique()
    for item in fields.items("consentForms"):
        form = item.fields("a consent form", _FORM_KEYS)
        id_value = form.need("intId")
        form_id = id_value.integer(minimum=1)
        ids.add(id_value, form_id)
        name_value = form.need("name")
        name = name_value.text(blank=False)
        name_value.stored(name, name.strip())
        account.optin.add_consent_form(name, form_id)


def dump_confirmations(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """The card's double opt-in confirmations, oldest first (due ones run out first)."""
    return [_confirmation(c) for c in account.optin.confirmations(record.id)]


def _confirmation(confirmation: Confirmation) -> dict[str, Any]:
    item: dict[str, Any] = {
        "requestId": confirmation.request_id,
        "origin": confirmation.origin,
        "requestedAt": utc_iso(confirmation.requested_at),
        "expiresAt": utc_iso(confirmation.expires_at),
        "status": confirmation.status,
    }
    if confirmation.resolved_at is not None:
        item["resolvedAt"] = utc_iso(confirmation.resolved_at)
    options = {
        key: getattr(confirmation.options, attr)
        for attr, key in _OPTIONS
        if getattr(confirmation.options, attr) is not None
    }
    if options:
        item["options"] = options
    return item


def load_confirmations(account: Account, record: ContactRecord, fields: Fields) -> None:
    """Put the card's saved confirmations back (after the card is in the account)."""
    for item in fields.items("confirmations"):
        saved = item.fields("a confirmation", CONFIRMATION_KEYS)
        id_value = saved.need("requestId")
        request_id = id_value.text()
        if not (request_id.isascii() and request_id.isdigit()):
            id_value.refuse(RULE_REQUEST_ID_DIGITS.format(value=request_id))
        if account.optin.has_confirmation(request_id):
            id_value.refuse(RULE_TWICE.format(value=request_id, other="an earlier confirmation"))
        requested = saved.need("requestedAt").instant()
        expires_value = saved.need("expiresAt")
        expires = expires_value.instant()
        expires_value.stored(utc_iso(expires), utc_iso(requested + CONFIRMATION_VALIDITY))
        status = saved.need("status").one_of(CONFIRMATION_STATUSES)
        resolved = _resolved(saved, status, requested)
        options = saved.get("options", lambda v: v.fields("the options", [k for _, k in _OPTIONS]))
        opts = DoubleOptIn(
            **{
                attr: options.get(key, Value.text) if options is not None else None
                for attr, key in _OPTIONS
            }
        )
        if opts.tag is not None and options is not None:
            options.need("tag").tag()
        account.optin.restore_confirmation(
            Confirmation(
                request_id=request_id,
                contact_id=record.id,
                email=record.email,
                origin=saved.need("origin").one_of(_ORIGINS),
                requested_at=requested,
                expires_at=expires,
                options=opts,
                status=status,
                resolved_at=resolved,
            )
        )


def _resolved(saved: Fields, status: str, requested: datetime) -> datetime | None:
    """When a resolved confirmation was resolved; a pending one has no such instant."""
    if status == "PENDING":
        if saved.has("resolvedAt"):
            value = saved.need("resolvedAt")
            value.stored(value.raw, None)
        return None
    resolved_value = saved.need("resolvedAt")
    resolved = resolved_value.instant()
    if resolved < requested:
        resolved_value.refuse(RULE_NOT_BEFORE_STARTED)
    return resolved
