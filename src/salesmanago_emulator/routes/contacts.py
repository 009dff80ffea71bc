"""Contact writes: insert, update, upsert, delete, hasContact, batchupsert, monitoring.

Protocol §6; semantics S2.1, S2.2 (one card per e-mail, same id on upsert),
S3.1-S3.3 (soft delete, restore by upsert, permanent delete), S2.8.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import (
    RULE_NOT_EMPTY,
    RULE_REQUIRED,
    ContactNotFound,
    EmulatorError,
    InvalidField,
)
from ..state._card import ContactRecord, ContactWrite
from ..state.contacts import BATCH_UPSERT_LIMIT
from ._base import RequestContext, RouteTable
from ._parse import Body, item_prefix, opt_bool, opt_str, req_addressees, req_list, req_str
from ._writes import read_write

__all__ = ["ADDRESSEE_TYPES", "table"]

table: Final = RouteTable("contacts")
"""The routes of this module."""

ADDRESSEE_TYPES: Final = ("EMAIL", "CONTACT_ID")
"""The addressee types the monitoring routes take (protocol §5.4)."""


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


def _ids(record: ContactRecord) -> dict[str, Any]:
    return {"contactId": record.id, "externalId": record.external_id}


@table.route("/api/contact/insert")
def insert(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Create a contact; a live e-mail is refused, a soft-deleted one restored (S2.2, S3.2)."""
    return _ids(ctx.account.contacts.insert(read_write(body, email_fallback=True), ctx.owner))


@table.route("/api/contact/upsert")
def upsert(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Create or change the contact with ``contact.email``; same id when it exists (S2.2)."""
    return _ids(ctx.account.contacts.upsert(read_write(body, email_fallback=True), ctx.owner))


@table.route("/api/contact/update")
def update(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Change only the fields sent of the live contact ``email`` (or ``contactId``) (S2.2)."""
    key = contact_key(body)
    return _ids(ctx.account.contacts.update(key, read_write(body), ctx.owner))


@table.route("/api/contact/delete")
def delete(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Delete a contact: restorable until 02:00 (S3.1), or at once with ``permanently`` (S3.3)."""
    key = contact_key(body)
    permanently = bool(opt_bool(body, "permanently"))
    ctx.account.contacts.delete(key, permanently=permanently, owner=ctx.owner)
    return {"result": None}


@table.route("/api/contact/hasContact", accepts_user=True)
def has_contact(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Whether a live contact has this e-mail, and its id (S3.1: soft-deleted ones do not)."""
    contact_id = ctx.account.has_contact(req_str(body, "email"))
    return {"result": contact_id is not None, "contactId": contact_id}


def _under_item(error: EmulatorError, index: int) -> EmulatorError:
    """A field error named under its batch item (``upsertDetails[i].``); others as they are."""
    if isinstance(error, InvalidField):
        return error.under(item_prefix("", "upsertDetails", index))
    return error


@table.route("/api/contact/batchupsert")
def batch_upsert(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Upsert up to 1000 contacts; each item applies or fails on its own.

    ``contactIds`` maps the e-mail of every applied item to its id;
    ``failures`` maps the index (a string) of every failed item to its texts,
    which are also in ``message``. ``success`` is true only when every item
    applied.
    """
    details = req_list(body, "upsertDetails", limit=BATCH_UPSERT_LIMIT)
    if not details:
        raise InvalidField("upsertDetails", RULE_NOT_EMPTY)
    lang = opt_str(body, "lang")
    writes: list[ContactWrite] = []
    indexes: list[int] = []
    failures: dict[int, EmulatorError] = {}
    for index, item in enumerate(details):
        try:
            writes.append(read_write(item, lang=lang))
            indexes.append(index)
        except EmulatorError as error:
            failures[index] = _under_item(error, index)
    results = ctx.account.contacts.batch_upsert(writes, ctx.owner) if writes else []
    contact_ids: dict[str, str] = {}
    for index, result in zip(indexes, results, strict=True):
        if isinstance(result, EmulatorError):
            failures[index] = _under_item(result, index)
        else:
            contact_ids[result.email] = result.id
    if not failures:
        return {"contactIds": contact_ids}
    ordered = sorted(failures.items())
    return {
        "success": False,
        "message": [text for _, error in ordered for text in error.messages],
        "contactIds": contact_ids,
        "failures": {str(index): list(error.messages) for index, error in ordered},
    }


def _monitoring(ctx: RequestContext, body: Body, *, monitored: bool) -> dict[str, Any]:
    records = []
    addressees = req_addressees(body, {kind: kind for kind in ADDRESSEE_TYPES})
    for kind, value, _ in addressees:  # all found before any change
        record = ctx.account.find_live_by(kind, value)  # an EMAIL value must be an e-mail
        if record is None:
            raise ContactNotFound(value)
        records.append(record)
    change = (
        ctx.account.contacts.restore_monitoring
        if monitored
        else ctx.account.contacts.stop_monitoring
    )
    for record in records:
        change(record.id)
    return {}


@table.route("/api/contact/stopMonitoring", owner_required=False)
def stop_monitoring(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Stop recording visits of the ``contacts`` addressees (S2.8); all must exist."""
    return _monitoring(ctx, body, monitored=False)


@table.route("/api/contact/restoreMonitoring", owner_required=False)
def restore_monitoring(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Record visits of the ``contacts`` addressees again (S2.8); all must exist."""
    return _monitoring(ctx, body, monitored=True)
