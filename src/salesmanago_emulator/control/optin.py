"""Control operations on consents, double opt-in and the opt-in/out history (S10, §7).

What the platform does only in its UI (or in the contact's mailbox) is done here:

- ``consents`` (read-only): the account's named consents (``name``, ``text``) and
  consent forms (``intId``, ``name``).
- ``consents/create``: register a consent (``name``, optional ``text``); answers it.
- ``consents/forms/create``: register a consent form (``name``, optional ``intId``);
  answers it.
- ``consents/confirmations`` (read-only): the double opt-in confirmations, oldest
  first; only one card's with ``contact`` (e-mail or id), only one ``status``
  (``PENDING``, ``CONFIRMED``, ``EXPIRED``) when given.
- ``consents/confirm``: the contact clicks the link: the pending confirmation
  ``requestId`` (or the newest pending one of ``contact``) is confirmed, the card is
  opted in (history source ``MESSAGE``) and gets the confirmation's tag; answers the
  confirmation and the card.
- ``consents/expire``: the pending confirmation (named as for ``consents/confirm``)
  runs out now; the card stays as it is.
- ``optin/history`` (read-only): the card ``contact``'s opt-in/opt-out history, oldest
  first (only ``channel`` ``EMAIL`` or ``PHONE`` when given).
- ``optin/change``: change the card ``contact``'s status as the platform's UI or a
  message does: ``optedOut`` (true/false), ``source`` (S10.2, default ``MANAGE``),
  ``channel`` (``EMAIL``, the default, or ``PHONE``); answers the card.

Each acts on the account named by ``clientId`` (default: the first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..clock import utc_iso
from ..errors import RULE_ONE_OF
from ..snapshot import export_card
from ..state._card import CHANNELS, Confirmation, OptChange
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _confirmation(confirmation: Confirmation) -> dict[str, Any]:
    options = confirmation.options
    return {
        "requestId": confirmation.request_id,
        "contactId": confirmation.contact_id,
        "email": confirmation.email,
        "origin": confirmation.origin,
        "status": confirmation.status,
        "requestedAt": utc_iso(confirmation.requested_at),
        "expiresAt": utc_iso(confirmation.expires_at),
        "resolvedAt": None
        if confirmation.resolved_at is None
        else utc_iso(confirmation.resolved_at),
        "tag": options.tag,
        "lang": options.lang,
        "templateId": options.template_id,
        "accountId": options.account_id,
        "subject": options.subject,
        "emailId": options.email_id,
    }


def _change(change: OptChange) -> dict[str, Any]:
    return {
        "at": utc_iso(change.at),
        "channel": change.channel,
        "status": change.status,
        "source": change.source,
    }


def _consents(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The account's named consents (name, text) and consent forms (intId, name)."""
    optin = args.account(emulator).optin
    return {
        "consents": [{"name": n, "text": optin.consent_text(n)} for n in optin.consents()],
        "consentForms": [{"intId": i, "name": n} for i, n in optin.consent_forms()],
    }


def _consents_create(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Register a named consent (name, text); answers it as stored (S10.1)."""
    optin = args.account(emulator).optin
    name = optin.add_consent(args.text("name"), args.text("text", None))
    return {"consent": {"name": name, "text": optin.consent_text(name)}}


def _forms_create(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Register a consent form (name, intId); answers it as consent/form/data lists it."""
    optin = args.account(emulator).optin
    name = args.text("name")
    form_id = optin.add_consent_form(name, args.integer("intId", None))
    return {"consentForm": {"intId": form_id, "name": dict(optin.consent_forms())[form_id]}}


def _confirmations(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The double opt-in confirmations (of one contact, of one status), oldest first."""
    optin = args.account(emulator).optin
    found = optin.confirmations(args.text("contact", None), args.text("status", None))
    return {"confirmations": [_confirmation(c) for c in found]}


def _confirm(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The contact confirms (requestId or contact): opted in with its history entry."""
    account = args.account(emulator)
    done = account.optin.confirm(args.text("requestId", None), contact=args.text("contact", None))
    record = account.find_live(done.contact_id)
    return {"confirmation": _confirmation(done), "contact": export_card(account, record)}


def _expire(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """A pending confirmation (requestId or contact) runs out now; the card stays."""
    account = args.account(emulator)
    done = account.optin.expire(args.text("requestId", None), contact=args.text("contact", None))
    return {"confirmation": _confirmation(done)}


def _history(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """A card's opt-in/opt-out history with sources, oldest first (S10.2)."""
    account = args.account(emulator)
    changes = account.optin.history(args.text("contact"), args.text("channel", None))
    return {"history": [_change(c) for c in changes]}


def _optin_change(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Set a card's status as the UI or a message does: optedOut, source, channel."""
    account = args.account(emulator)
    key = args.text("contact")
    opted_out = args.boolean("optedOut")
    source = args.text("source", "MANAGE")
    channel = args.text("channel", "EMAIL")
    if channel not in CHANNELS:
        raise ControlError.field("channel", RULE_ONE_OF.format(choices=", ".join(CHANNELS)))
    optin = account.optin
    if channel == "EMAIL":
        change = optin.opt_out if opted_out else optin.opt_in
    else:
        change = optin.phone_opt_out if opted_out else optin.phone_opt_in
    return {"contact": export_card(account, change(key, source))}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="consents", handler=_consents, read_only=True, keys=("clientId",)),
    ControlOperation(
        name="consents/create", handler=_consents_create, keys=("clientId", "name", "text")
    ),
    ControlOperation(
        name="consents/forms/create", handler=_forms_create, keys=("clientId", "name", "intId")
    ),
    ControlOperation(
        name="consents/confirmations",
        handler=_confirmations,
        read_only=True,
        keys=("clientId", "contact", "status"),
    ),
    ControlOperation(
        name="consents/confirm", handler=_confirm, keys=("clientId", "requestId", "contact")
    ),
    ControlOperation(
        name="consents/expire", handler=_expire, keys=("clientId", "requestId", "contact")
    ),
    ControlOperation(
        name="optin/history",
        handler=_history,
        read_only=True,
        keys=("clientId", "contact", "channel"),
    ),
    ControlOperation(
        name="optin/change",
        handler=_optin_change,
        keys=("clientId", "contact", "optedOut", "source", "channel"),
    ),
)
"""This module's operations."""
