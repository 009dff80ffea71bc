"""Contacts: writes (insert, update, upsert, integration/upsert, delete, batchDelete,
batchupsert, batchupsertv2, monitoring) and reads (hasContact, basic and full data by e-mail or
id, created/modified ranges, pages).

Protocol §5.3, §6; semantics S2.1, S2.2 (one card per e-mail, same id on
upsert), S3.1-S3.3 (soft delete, restore by upsert, permanent delete), S2.8,
S1.7 (``list``/``listById``/``paginatedListById`` only the request owner's
contacts; ``listAll``/``listAllById`` any owner's). Reads by key still show a
soft-deleted card, flagged ``deleted``; range listings leave it out (S3.1).
Unknown keys are skipped; a key given twice is answered once.

``batchupsertv2`` answers a ``requestId`` and leaves the writes to an import job
of the exports area (polled with ``job/status``, see
`exports`); ``batchDelete`` finds every
addressee before it deletes one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final, NamedTuple

from .._jsoncodec import encode_json
from ..errors import (
    NOT_AUTHENTICATED,
    OWNER_NOT_SPECIFIED,
    RULE_PART_REQUIRED,
    AuthenticationFailed,
    ContactNotFound,
    EmulatorError,
    InvalidField,
)
from ..state._card import ContactRecord, ContactWrite
from ..state.account import Account
from ..state.contacts import PlannedUpsert
from ..state.events import EventItem
from ._base import RequestContext, RouteTable, acting_owner
from ._keys import ADDRESSEE_TYPES, contact_key, date_range
from ._parse import (
    Body,
    opt_bool,
    opt_object,
    req_addressees,
    req_int,
    req_str,
    req_str_list,
)
from ._shapes import basic_contact, full_contact, id_and_email
from ._writes import BATCH_ITEMS, batch_outcome, read_batch, read_write
from .events import add_item, named, read_add

__all__ = ["CONTACT_PART", "EVENT_PART", "LIST_LIMIT", "PAGE_SIZE_LIMIT", "table"]

table: Final = RouteTable("contacts")
"""The routes of this module."""


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


CONTACT_PART: Final = "contactUpsertRequest"
"""The contact part of ``integration/upsert``: an upsert body."""
EVENT_PART: Final = "addContactExtEventRequest"
"""The event part of ``integration/upsert``: an ``addContactExtEvent`` body."""


def _part_owner(ctx: RequestContext, part: Body) -> str:
    """The acting user of an ``integration/upsert`` part: its ``clientId`` must be the
    request's (else ``Not authenticated``), its ``owner`` a user, checked as a
    request's owner is."""
    if part.get("clientId") != ctx.account.client_id:
        raise AuthenticationFailed(NOT_AUTHENTICATED)
    owner = acting_owner(ctx.account, part.get("owner"))
    if owner is None:
        raise AuthenticationFailed(OWNER_NOT_SPECIFIED)
    return owner


class _ContactPart(NamedTuple):
    write: ContactWrite
    owner: str
    planned: PlannedUpsert


class _EventPart(NamedTuple):
    item: EventItem
    owner: str


def _contact_part(ctx: RequestContext, part: Body) -> _ContactPart:
    """The contact part read and checked (not applied); fields named under the part."""
    owner = _part_owner(ctx, part)
    try:
        write = read_write(part, email_fallback=True)
        return _ContactPart(write, owner, ctx.account.contacts.check_upsert(write, owner))
    except InvalidField as error:
        raise error.under(CONTACT_PART + ".") from None


def _event_part(ctx: RequestContext, part: Body, after: PlannedUpsert | None) -> _EventPart:
    """The event part read and checked as if ``after`` (the contact part) were applied."""
    owner = _part_owner(ctx, part)
    prefix = EVENT_PART + "."
    item = read_add(part, prefix)
    try:
        ctx.account.events.check_add(
            item.event, owner, email=item.email, contact_id=item.contact_id, after=after
        )
    except EmulatorError as error:
        raise named(error, prefix) from None
    return _EventPart(item, owner)


@table.route("/api/integration/upsert", owner_required=False)
def integration_upsert(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Upsert a contact and add an event in one call, either alone; both: all or nothing.

    The parts are ``contactUpsertRequest`` (an upsert body) and
    ``addContactExtEventRequest`` (an ``addContactExtEvent`` body), each with its
    own ``clientId`` (the request's) and ``owner``. Both parts are read and
    checked before either is applied, the contact part first; a refused part
    refuses the call and nothing changes. The event part for a contact the
    account does not have yet creates it (protocol §14). Answers ``contactId``
    for the contact part and ``eventId`` for the event part.
    """
    contact_body = opt_object(body, CONTACT_PART)
    event_body = opt_object(body, EVENT_PART)
    if contact_body is None and event_body is None:
        raise InvalidField(CONTACT_PART, RULE_PART_REQUIRED.format(other=EVENT_PART))
    contact = _contact_part(ctx, contact_body) if contact_body is not None else None
    after = contact.planned if contact is not None else None
    event = _event_part(ctx, event_body, after) if event_body is not None else None
    # Every check passed: applying the parts cannot fail.
    answer: dict[str, Any] = {}
    if contact is not None:
        answer["contactId"] = ctx.account.contacts.upsert(contact.write, contact.owner).id
    if event is not None:
        answer["eventId"] = add_item(ctx, event.item, event.owner)
    return answer


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


@table.route("/api/contact/batchupsert")
def batch_upsert(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Upsert up to 1000 contacts; each item applies or fails on its own.

    ``contactIds`` maps the e-mail of every applied item to its id;
    ``failures`` maps the index (a string) of every failed item to its texts,
    which are also in ``message``. ``success`` is true only when every item
    applied.
    """
    results = ctx.account.contacts.batch_upsert(read_batch(body), ctx.owner)
    contact_ids, failures = batch_outcome(results)
    if not failures:
        return {"contactIds": contact_ids}
    return {
        "success": False,
        "message": [text for _, error in failures for text in error.messages],
        "contactIds": contact_ids,
        "failures": {str(index): list(error.messages) for index, error in failures},
    }


@table.route("/api/contact/batchupsertv2")
def batch_upsert_v2(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Upsert up to 1000 contacts as an import job: ``requestId`` at once; the items
    are applied on the ``job/status`` poll that finds the job done, each on its own as
    in ``batchupsert`` (``fireEvents`` recorded)."""
    items = read_batch(body)
    fire_events = opt_bool(body, "fireEvents")
    request = encode_json({BATCH_ITEMS: body[BATCH_ITEMS], "lang": body.get("lang")})
    job = ctx.account.exports.start_import(
        items, ctx.owner, fire_events=fire_events is not False, request=request
    )
    return {"requestId": job.request_id}


BATCH_DELETE_KINDS: Final = ("EMAIL", "CONTACT_ID", "TAG")
"""The addressee types of ``batchDelete`` (protocol §5.4; any case)."""


@table.route("/api/contact/batchDelete")
def batch_delete(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Delete the ``contacts`` addressees (e-mail, id, or every live card of a tag) like
    ``delete``; all must be found before any is deleted (S3.1, S3.3)."""
    addressees = req_addressees(body, {kind: kind for kind in BATCH_DELETE_KINDS})
    permanently = bool(opt_bool(body, "permanently"))
    ctx.account.contacts.batch_delete(addressees, permanently=permanently, owner=ctx.owner)
    return {"result": None}


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


# --- reads ---------------------------------------------------------------------------

LIST_LIMIT: Final = 50
"""Most keys ``list``, ``listById``, ``listAll`` and ``listAllById`` take (protocol §3.4)."""
PAGE_SIZE_LIMIT: Final = 1000
"""Largest ``size`` of ``paginatedModifiedContacts`` (protocol §11 item 6)."""


def _records(account: Account, keys: Sequence[str]) -> list[ContactRecord]:
    seen: set[str] = set()
    found: list[ContactRecord] = []
    for key in keys:
        record = account.find(key)
        if record is not None and record.id not in seen:
            seen.add(record.id)
            found.append(record)
    return found


def _answer(
    ctx: RequestContext,
    body: Body,
    key: str,
    shape: Callable[[Account, ContactRecord], dict[str, Any]],
    *,
    limit: int | None = None,
    own_only: bool = False,
) -> dict[str, Any]:
    keys = req_str_list(body, key, limit=limit)
    records = _records(ctx.account, keys)
    if own_only:
        owner = ctx.owner
        records = [r for r in records if ctx.account.is_owner(r, owner)]
    return {"contacts": [shape(ctx.account, r) for r in records]}


@table.route("/api/contact/basic", accepts_user=True)
def basic(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Basic data of the contacts with the e-mails in ``email``."""
    return _answer(ctx, body, "email", basic_contact)


@table.route("/api/contact/basicById", accepts_user=True)
def basic_by_id(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Basic data of the contacts with the ids in ``id``."""
    return _answer(ctx, body, "id", basic_contact)


@table.route("/api/contact/list", accepts_user=True)
def list_by_email(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Full data of the request owner's contacts with the e-mails in ``email`` (<= 50, S1.7)."""
    return _answer(ctx, body, "email", full_contact, limit=LIST_LIMIT, own_only=True)


@table.route("/api/contact/listById", accepts_user=True)
def list_by_id(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Full data of the request owner's contacts with the ids in ``contactId`` (<= 50, S1.7)."""
    return _answer(ctx, body, "contactId", full_contact, limit=LIST_LIMIT, own_only=True)


@table.route("/api/contact/listAll", accepts_user=True)
def list_all(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Full data of any owner's contacts with the e-mails in ``email`` (<= 50, S1.7)."""
    return _answer(ctx, body, "email", full_contact, limit=LIST_LIMIT)


@table.route("/api/contact/listAllById", accepts_user=True)
def list_all_by_id(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Full data of any owner's contacts with the ids in ``contactId`` (<= 50, S1.7)."""
    return _answer(ctx, body, "contactId", full_contact, limit=LIST_LIMIT)


@table.route("/api/contact/createdContacts", accepts_user=True)
def created_contacts(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Live contacts created in [``from``, ``to``], oldest first: ``{id, email}`` items."""
    start, end = date_range(body)
    return {"createdContacts": [id_and_email(r) for r in ctx.account.created_between(start, end)]}


@table.route("/api/contact/modifiedContacts", accepts_user=True)
def modified_contacts(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Live contacts last modified in [``from``, ``to``], oldest first: ``{id, email}`` items."""
    start, end = date_range(body)
    return {"modifiedContacts": [id_and_email(r) for r in ctx.account.modified_between(start, end)]}


@table.route("/api/contact/paginatedModifiedContacts", accepts_user=True)
def paginated_modified_contacts(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """One page (``page`` from 0, ``size`` <= 1000) of ``modifiedContacts``, and ``hasMore``."""
    start, end = date_range(body)
    page = req_int(body, "page", minimum=0)
    size = req_int(body, "size", minimum=1, maximum=PAGE_SIZE_LIMIT)
    records = ctx.account.modified_between(start, end)
    first = page * size
    return {
        "modifiedContacts": [id_and_email(r) for r in records[first : first + size]],
        "hasMore": len(records) > first + size,
    }


@table.route("/api/contact/paginatedListById", accepts_user=True)
def paginated_list_by_id(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """One page (``page`` from 0, ``size`` <= 1000) of the request owner's live contacts,
    oldest first, in the full shape, and ``hasMore`` (S1.7)."""
    page = req_int(body, "page", minimum=0)
    size = req_int(body, "size", minimum=1, maximum=PAGE_SIZE_LIMIT)
    account, owner = ctx.account, ctx.owner
    records = [r for r in account.live_contacts() if account.is_owner(r, owner)]
    first = page * size
    return {
        "contacts": [full_contact(account, r) for r in records[first : first + size]],
        "hasMore": len(records) > first + size,
    }
