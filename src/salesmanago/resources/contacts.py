"""Contacts: insert, upsert, update, delete, look-ups, listings, batch upserts, a
contact and an event in one call (protocol §6).

The module-level ``*_call`` functions (and those of ``_contact_writes``) build
every request and read every answer; [`Contacts`][salesmanago.resources.contacts.Contacts] and
[`AsyncContacts`][salesmanago.resources.contacts.AsyncContacts] only send them.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Final

from .. import _converter
from .._bulk import DEFAULT_RATE_RETRIES, SyncRun, run_blocking, run_concurrently
from .._calls import Call, Endpoint, Envelope, Page, chunked
from .._jobs import DEFAULT_DEADLINE, DEFAULT_POLL_INTERVAL
from .._options import RequestOptions, Unpack
from .._validation import check_aware, check_count, check_email, check_positive
from ..errors import ValidationError
from ..models.bulk import (
    BulkAction,
    BulkProgress,
    BulkRecount,
    BulkReport,
    ContactSelection,
    RowResult,
    SyncProgress,
    SyncReport,
    UnreadableRow,
)
from ..models.common import Addressee, AddresseeType
from ..models.contacts import (
    BatchUpsertResult,
    Contact,
    ContactBasic,
    ContactChange,
    ContactEventResult,
    ContactPage,
    ContactUpsert,
    UpsertResult,
)
from ..models.events import ExternalEvent
from ._base import AsyncAPIResource, SyncAPIResource
from ._contact_bulk import BulkCalls, BulkRun, bulk_blocking, bulk_concurrently
from ._contact_selection import plan_selection
from ._contact_writes import (
    BATCH_UPSERT_CHUNK,
    CONTACT_SYNC,
    batch_upsert_calls,
    batch_upsert_v2_jobs,
    integration_upsert_call,
    repeatable,
    upsert_body,
)
from ._keys import addressee_list

__all__ = ["AsyncContacts", "Contacts"]

INSERT: Final = Endpoint("/api/contact/insert", idempotent=False)
UPSERT: Final = Endpoint("/api/contact/upsert", idempotent=True)
UPDATE: Final = Endpoint("/api/contact/update", idempotent=True)
# Not idempotent in its answer: a repeated delete finds the card already (soft-)deleted
# and fails with "Contact not found", so a delete is retried only when it never left.
DELETE: Final = Endpoint("/api/contact/delete", idempotent=False)
HAS_CONTACT: Final = Endpoint("/api/contact/hasContact", idempotent=True)
BASIC: Final = Endpoint("/api/contact/basic", idempotent=True)
BASIC_BY_ID: Final = Endpoint("/api/contact/basicById", idempotent=True)
LIST: Final = Endpoint("/api/contact/list", idempotent=True)
LIST_BY_ID: Final = Endpoint("/api/contact/listById", idempotent=True)
LIST_ALL: Final = Endpoint("/api/contact/listAll", idempotent=True)
LIST_ALL_BY_ID: Final = Endpoint("/api/contact/listAllById", idempotent=True)
# Like delete: a repeat finds the cards gone and fails (S3.1).
BATCH_DELETE: Final = Endpoint("/api/contact/batchDelete", idempotent=False)
PAGINATED_LIST: Final = Endpoint("/api/contact/paginatedListById", idempotent=True)
CREATED: Final = Endpoint("/api/contact/createdContacts", idempotent=True)
MODIFIED: Final = Endpoint("/api/contact/modifiedContacts", idempotent=True)
PAGINATED_MODIFIED: Final = Endpoint("/api/contact/paginatedModifiedContacts", idempotent=True)
SET_MAIN_OWNER: Final = Endpoint("/api/contact/setMainOwner", idempotent=True)
STOP_MONITORING: Final = Endpoint("/api/contact/stopMonitoring", idempotent=True)
RESTORE_MONITORING: Final = Endpoint("/api/contact/restoreMonitoring", idempotent=True)

#: The platform's limit on keys per ``list`` / ``listById`` call (protocol §3.4).
LIST_LIMIT: Final = 50
#: Largest page of ``paginatedModifiedContacts`` and ``paginatedListById``.
PAGE_SIZE_MAX: Final = 1000
#: The number of the first page of paginated listings.
FIRST_PAGE: Final = 0


# request building ----------------------------------------------------------------


def _upsert_result(envelope: Envelope) -> UpsertResult:
    return _converter.structure(envelope, UpsertResult)


def insert_call(item: ContactUpsert) -> Call[UpsertResult]:
    """Create a contact; fails with AlreadyExistsError for a live e-mail (S2.2)."""
    return Call(INSERT, upsert_body(item), _upsert_result)


def upsert_call(item: ContactUpsert) -> Call[UpsertResult]:
    """Create or update the contact with this e-mail (S2.2)."""
    return Call(UPSERT, upsert_body(item), _upsert_result, repeatable=repeatable(item))


def update_call(item: ContactUpsert) -> Call[UpsertResult]:
    """Change the fields set on ``item`` of the existing contact ``item.email``."""
    body = upsert_body(item)
    email = body["contact"].pop("email")
    if not body["contact"]:
        del body["contact"]
    return Call(UPDATE, {"email": email, **body}, _upsert_result, repeatable=repeatable(item))


def delete_call(email: str, permanently: bool) -> Call[None]:
    """Delete a contact: soft (restorable until 02:00, S3.1) or permanently (S3.3)."""
    body: dict[str, Any] = {"email": check_email(email, "email")}
    if permanently:
        body["permanently"] = True
    return Call(DELETE, body, lambda _: None)


#: The addressee types ``batchDelete`` takes, spelled as protocol §5.4 spells them.
_DELETE_TYPES: Final = {
    kind: kind.value for kind in (AddresseeType.EMAIL, AddresseeType.CONTACT_ID, AddresseeType.TAG)
}


def batch_delete_call(contacts: Sequence[str | Addressee], permanently: bool) -> Call[None]:
    """Delete many contacts, named by e-mail, contact id or tag (every live card
    carrying it): soft (restorable until 02:00, S3.1) or permanently (S3.3)."""
    body: dict[str, Any] = {
        "contacts": addressee_list(
            contacts, _DELETE_TYPES, "must be EMAIL, CONTACT_ID or TAG for batchDelete"
        )
    }
    if permanently:
        body["permanently"] = True
    return Call(BATCH_DELETE, body, lambda _: None)


def has_contact_call(email: str) -> Call[str | None]:
    """The live contact's id, or ``None`` (also for a soft-deleted contact, S3.1)."""

    def parse(envelope: Envelope) -> str | None:
        if not isinstance(envelope.get("result"), bool):
            raise TypeError("result: expected a boolean")
        contact_id = envelope.get("contactId")
        return str(contact_id) if envelope["result"] and contact_id else None

    return Call(HAS_CONTACT, {"email": check_email(email, "email")}, parse)


def _parse_basic(envelope: Envelope) -> list[ContactBasic]:
    return _converter.structure(envelope.get("contacts") or [], list[ContactBasic])


def _parse_full(envelope: Envelope) -> list[Contact]:
    return _converter.structure(envelope.get("contacts") or [], list[Contact])


def _key_chunks(keys: Sequence[str], field: str, emails: bool) -> list[Sequence[str]]:
    if isinstance(keys, str):
        raise ValidationError(field, "must be a list of values, not a single string")
    checked = [
        check_email(k, f"{field}[{i}]") if emails else _check_id(k, f"{field}[{i}]")
        for i, k in enumerate(keys)
    ]
    return chunked(checked, LIST_LIMIT)


def _check_id(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, "must be a non-empty contact id")
    return value.strip()


def basic_calls(keys: Sequence[str], by_id: bool) -> list[Call[list[ContactBasic]]]:
    """Basic data of contacts by e-mail or id, in chunks of 50."""
    field = "id" if by_id else "email"
    endpoint = BASIC_BY_ID if by_id else BASIC
    return [
        Call(endpoint, {field: list(chunk)}, _parse_basic)
        for chunk in _key_chunks(keys, field, emails=not by_id)
    ]


def list_calls(keys: Sequence[str], by_id: bool, any_owner: bool) -> list[Call[list[Contact]]]:
    """Full data of contacts by e-mail or id, in chunks of 50 (S1.7 decides whose)."""
    field = "contactId" if by_id else "email"
    if by_id:
        endpoint = LIST_ALL_BY_ID if any_owner else LIST_BY_ID
    else:
        endpoint = LIST_ALL if any_owner else LIST
    return [
        Call(endpoint, {field: list(chunk)}, _parse_full)
        for chunk in _key_chunks(keys, field, emails=not by_id)
    ]


def merge_in_order(keys: Sequence[str], pages: Sequence[Sequence[Any]], by_id: bool) -> list[Any]:
    """Merge chunked answers back into the order of ``keys``; unknown keys are skipped."""
    found: dict[str, Any] = {}
    for page in pages:
        for contact in page:
            key = contact.contact_id if by_id else contact.email.strip().lower()
            found.setdefault(key, contact)
    out: list[Any] = []
    seen: set[str] = set()
    for key in keys:
        norm = key.strip() if by_id else key.strip().lower()
        if norm in found and norm not in seen:
            seen.add(norm)
            out.append(found[norm])
    return out


def changes_call(start: datetime, end: datetime, created: bool) -> Call[list[ContactChange]]:
    """Contacts created (or modified) between ``start`` and ``end``."""
    body = _range_body(start, end)
    key = "createdContacts" if created else "modifiedContacts"
    return Call(
        CREATED if created else MODIFIED,
        body,
        lambda e: _converter.structure(e.get(key) or [], list[ContactChange]),
    )


def _range_body(start: datetime, end: datetime) -> dict[str, Any]:
    check_aware(start, "from")
    check_aware(end, "to")
    if end < start:
        raise ValidationError("to", "must not be before 'from'")
    return {"from": _converter.to_ms(start), "to": _converter.to_ms(end)}


def modified_page_call(
    start: datetime, end: datetime, page_size: int, page: int = FIRST_PAGE
) -> Call[Page[ContactChange]]:
    """One page of ``paginatedModifiedContacts``, linked to the next."""
    check_positive(page_size, "size")
    if page_size > PAGE_SIZE_MAX:
        raise ValidationError("size", f"must be at most {PAGE_SIZE_MAX} (got {page_size})")
    body = {**_range_body(start, end), "page": page, "size": page_size}

    def parse(envelope: Envelope) -> Page[ContactChange]:
        items = _converter.structure(envelope.get("modifiedContacts") or [], list[ContactChange])
        more = envelope.get("hasMore")
        if not isinstance(more, bool):
            raise TypeError("hasMore: expected a boolean")
        following = modified_page_call(start, end, page_size, page + 1) if more and items else None
        return Page(items=items, next=following)

    return Call(PAGINATED_MODIFIED, body, parse)


def _page_body(page: int, size: int) -> dict[str, int]:
    """``{page, size}`` of a paged listing: a page from 0, 1..1000 per page."""
    if isinstance(page, bool) or not isinstance(page, int) or page < 0:
        raise ValidationError("page", f"must be an integer, 0 or more (got {page!r})")
    if isinstance(size, bool) or not isinstance(size, int):
        raise ValidationError("size", f"must be an integer (got {size!r})")
    check_positive(size, "size")
    if size > PAGE_SIZE_MAX:
        raise ValidationError("size", f"must be at most {PAGE_SIZE_MAX} (got {size})")
    return {"page": page, "size": size}


def _contacts_page(envelope: Envelope) -> tuple[list[Contact], bool]:
    """A page's full contacts and ``hasMore``."""
    more = envelope.get("hasMore")
    if not isinstance(more, bool):
        raise TypeError("hasMore: expected a boolean")
    return _parse_full(envelope), more


def list_page_call(page: int, size: int) -> Call[ContactPage]:
    """One page of the owner's contacts, oldest first (``paginatedListById``)."""

    def parse(envelope: Envelope) -> ContactPage:
        contacts, more = _contacts_page(envelope)
        return ContactPage(page=page, contacts=tuple(contacts), has_more=more)

    return Call(PAGINATED_LIST, _page_body(page, size), parse)


def all_pages_call(size: int, page: int = FIRST_PAGE) -> Call[Page[Contact]]:
    """One page of the owner's contacts, linked to the next while ``hasMore``."""
    body = _page_body(page, size)

    def parse(envelope: Envelope) -> Page[Contact]:
        contacts, more = _contacts_page(envelope)
        following = all_pages_call(size, page + 1) if more and contacts else None
        return Page(items=contacts, next=following)

    return Call(PAGINATED_LIST, body, parse)


def set_main_owner_call(email: str, new_owner: str) -> Call[None]:
    """Make ``new_owner`` (a user of the account) the contact's main owner (S1.4)."""
    body = {
        "contact": check_email(email, "contact"),
        "newOwner": check_email(new_owner, "newOwner"),
    }
    return Call(SET_MAIN_OWNER, body, lambda _: None)


def monitoring_call(contacts: Sequence[str | Addressee], stop: bool) -> Call[None]:
    """Stop or restore visit monitoring (S2.8) for e-mails or addressees."""
    check_count(contacts, "contacts", maximum=10_000, minimum=1)
    addressees = [
        Addressee.email(check_email(c, f"contacts[{i}]")) if isinstance(c, str) else c
        for i, c in enumerate(contacts)
    ]
    body = {"contacts": _converter.unstructure(addressees)}
    return Call(STOP_MONITORING if stop else RESTORE_MONITORING, body, lambda _: None)


#: The calls of this module a bulk run sends (``contacts.bulk``).
BULK_CALLS: Final = BulkCalls(batch_delete=batch_delete_call, set_main_owner=set_main_owner_call)


# resources -----------------------------------------------------------------------


class Contacts(SyncAPIResource):
    """Contact writes and reads (protocol §6; semantics S2, S3)."""

    def insert(self, contact: ContactUpsert, **options: Unpack[RequestOptions]) -> UpsertResult:
        """Create a contact. A live e-mail raises AlreadyExistsError; a soft-deleted one
        is restored with the new data (S3.2). Not retried once it may have landed."""
        return self._with(options)._execute(insert_call(contact))

    def upsert(self, contact: ContactUpsert, **options: Unpack[RequestOptions]) -> UpsertResult:
        """Create the contact, or update the one with this e-mail (same id, S2.2)."""
        return self._with(options)._execute(upsert_call(contact))

    def update(self, contact: ContactUpsert, **options: Unpack[RequestOptions]) -> UpsertResult:
        """Change only the fields set on ``contact`` of the existing contact
        ``contact.email``; ``new_email`` moves it to another address."""
        return self._with(options)._execute(update_call(contact))

    def upsert_with_event(
        self,
        contact: ContactUpsert | None = None,
        event: ExternalEvent | None = None,
        *,
        email: str | None = None,
        contact_id: str | None = None,
        force_opt_in: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> ContactEventResult:
        """Upsert ``contact`` and add ``event`` in one call (``integration/upsert``);
        either alone works. The event goes to ``email`` or ``contact_id``, by default
        to ``contact``'s e-mail; a contact the platform does not know yet is created
        (§14). Returns the id of each part sent. Not retried once it may have landed
        (the event would be added twice)."""
        call = integration_upsert_call(contact, event, email, contact_id, force_opt_in)
        return self._with(options)._execute(call)

    def delete(
        self, email: str, *, permanently: bool = False, **options: Unpack[RequestOptions]
    ) -> None:
        """Delete a contact: restorable until the next 02:00 (S3.1), or at once with
        ``permanently=True`` (S3.3)."""
        self._with(options)._execute(delete_call(email, permanently))

    def batch_delete(
        self,
        contacts: Sequence[str | Addressee],
        *,
        permanently: bool = False,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete many contacts in one call: e-mails, or EMAIL / CONTACT_ID / TAG
        addressees (a tag: every live card carrying it). Soft, like
        [`delete`][salesmanago.resources.contacts.Contacts.delete], or at once with
        ``permanently=True``. Every addressee must resolve before anything changes (an unknown one
        raises NotFoundError)."""
        self._with(options)._execute(batch_delete_call(contacts, permanently))

    def has_contact(self, email: str, **options: Unpack[RequestOptions]) -> str | None:
        """The id of the live contact with this e-mail, or ``None``."""
        return self._with(options)._execute(has_contact_call(email))

    def basic(
        self, emails: Sequence[str], **options: Unpack[RequestOptions]
    ) -> builtins.list[ContactBasic]:
        """Basic data by e-mail, in the order asked; unknown e-mails are left out."""
        pages = self._with(options)._execute_all(basic_calls(emails, by_id=False))
        return merge_in_order(emails, pages, by_id=False)

    def basic_by_id(
        self, contact_ids: Sequence[str], **options: Unpack[RequestOptions]
    ) -> builtins.list[ContactBasic]:
        """Basic data by contact id, in the order asked; unknown ids are left out."""
        pages = self._with(options)._execute_all(basic_calls(contact_ids, by_id=True))
        return merge_in_order(contact_ids, pages, by_id=True)

    def list(
        self, emails: Sequence[str], *, any_owner: bool = False, **options: Unpack[RequestOptions]
    ) -> builtins.list[Contact]:
        """Full data by e-mail (50 per request, merged in input order). Only contacts
        the client's owner owns, unless ``any_owner`` (S1.7)."""
        pages = self._with(options)._execute_all(
            list_calls(emails, by_id=False, any_owner=any_owner)
        )
        return merge_in_order(emails, pages, by_id=False)

    def list_by_id(
        self,
        contact_ids: Sequence[str],
        *,
        any_owner: bool = False,
        **options: Unpack[RequestOptions],
    ) -> builtins.list[Contact]:
        """Full data by contact id (50 per request, merged in input order)."""
        pages = self._with(options)._execute_all(
            list_calls(contact_ids, by_id=True, any_owner=any_owner)
        )
        return merge_in_order(contact_ids, pages, by_id=True)

    def batch_upsert(
        self,
        contacts: Sequence[ContactUpsert],
        *,
        chunk_size: int = BATCH_UPSERT_CHUNK,
        **options: Unpack[RequestOptions],
    ) -> BatchUpsertResult:
        """Upsert many contacts, ``chunk_size`` per request; every item's outcome is
        reported in input order, failures included (texts name items by their index
        in ``contacts``). An item failing the SDK's own checks
        ([`ContactUpsert.validate`][salesmanago.models.contacts.ContactUpsert.validate]) is not
        sent: it is a failed item whose text names the field (``upsertDetails[3].contact.email``)
        and the rule. A request that fails for good raises its error, whose ``partial_results`` is
        the BatchUpsertResult of the chunks applied before (and of the items refused)."""
        calls, merge = batch_upsert_calls(contacts, chunk_size)
        return merge(self._with(options)._execute_all(calls, merge))

    def sync(
        self,
        rows: Iterable[ContactUpsert | UnreadableRow],
        *,
        chunk_size: int = BATCH_UPSERT_CHUNK,
        checkpoint: str | os.PathLike[str] | None = None,
        progress: Callable[[SyncProgress], None] | None = None,
        on_result: Callable[[RowResult], None] | None = None,
        keep_results: bool = True,
        max_rate_retries: int = DEFAULT_RATE_RETRIES,
        row_key: Callable[[Any], bytes] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncReport:
        """Upsert every contact of ``rows`` (any iterable, read lazily) by batch upserts
        of ``chunk_size``, one request at a time, and report each row's outcome
        (applied, refused with the platform's text, or not sent).

        A row failing the SDK's checks, or an UnreadableRow standing for a row the
        caller could not read, is refused without being sent. A chunk answered
        with HTTP 429 is sent again after the platform's ``Retry-After`` (up to
        ``max_rate_retries`` times), and the run then paces itself. A chunk that
        fails for good stops the run: its rows and the rest are not sent, and the
        report says why (``error``). ``progress`` gets the counts after every chunk,
        ``on_result`` each row's RowResult as it is known; ``keep_results=False``
        keeps the report's ``results`` empty (for inputs too large to hold).

        With ``checkpoint`` (a file path) every acknowledged chunk is recorded there
        atomically; run again with the same input and file, the rows acknowledged
        are not sent again (reported ``resumed``) and the others are. Another input
        raises CheckpointError before anything is sent (rows are told apart by
        ``row_key(row)``, bytes called as each row is read; default: the row's
        ``repr``). The file is removed when every row has been applied or refused.
        See docs/bulk.md."""
        client = self._with(options)
        settings = (chunk_size, checkpoint, progress, on_result, keep_results, max_rate_retries)
        run = SyncRun(CONTACT_SYNC, rows, 1, *settings, row_key)
        return run_blocking(run, client._execute, client._sleep)

    def batch_upsert_v2(
        self,
        contacts: Sequence[ContactUpsert],
        *,
        chunk_size: int = BATCH_UPSERT_CHUNK,
        fire_events: bool = True,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> BatchUpsertResult:
        """Upsert many contacts as import jobs (``batchupsertv2``), ``chunk_size`` per
        job: each job is started, polled on ``job/status`` (waits from
        ``poll_interval`` backing off, ExportTimeoutError after ``deadline`` seconds)
        and its result file read. Items are checked, chunked and reported like
        [`batch_upsert`][salesmanago.resources.contacts.Contacts.batch_upsert]'s.
        ``fire_events=False``: the imported contacts fire no rules or workflows. A job's start is
        not retried once it may have landed."""
        jobs, merge = batch_upsert_v2_jobs(
            contacts, chunk_size, fire_events, deadline, poll_interval
        )
        return merge(self._with(options)._run_jobs(jobs, merge))

    def created(
        self, start: datetime, end: datetime, **options: Unpack[RequestOptions]
    ) -> builtins.list[ContactChange]:
        """Contacts created between ``start`` and ``end``, in one request.

        Unlike ``modified`` (see ``iter_modified``) there is no paged variant: the
        platform has no paginated listing of created contacts (protocol §6 lists
        ``paginatedModifiedContacts`` only), so a long range comes in one answer;
        split the range to keep answers small."""
        return self._with(options)._execute(changes_call(start, end, created=True))

    def modified(
        self, start: datetime, end: datetime, **options: Unpack[RequestOptions]
    ) -> builtins.list[ContactChange]:
        """Contacts modified between ``start`` and ``end`` (one request)."""
        return self._with(options)._execute(changes_call(start, end, created=False))

    def iter_modified(
        self,
        start: datetime,
        end: datetime,
        *,
        page_size: int = PAGE_SIZE_MAX,
        **options: Unpack[RequestOptions],
    ) -> Iterator[ContactChange]:
        """Every contact modified between ``start`` and ``end``, page by page."""
        return self._with(options)._iterate(modified_page_call(start, end, page_size))

    def list_page(
        self,
        page: int = FIRST_PAGE,
        *,
        size: int = PAGE_SIZE_MAX,
        **options: Unpack[RequestOptions],
    ) -> ContactPage:
        """One page (from 0) of the owner's live contacts, oldest first, with their
        full data (``paginatedListById``; ``size`` 1..1000)."""
        return self._with(options)._execute(list_page_call(page, size))

    def iter_all(
        self, *, page_size: int = PAGE_SIZE_MAX, **options: Unpack[RequestOptions]
    ) -> Iterator[Contact]:
        """Every live contact of the owner, oldest first, page by page as the
        iterator is consumed."""
        return self._with(options)._iterate(all_pages_call(page_size))

    def set_main_owner(self, email: str, new_owner: str, **options: Unpack[RequestOptions]) -> None:
        """Make ``new_owner`` the contact's main owner (S1.4)."""
        self._with(options)._execute(set_main_owner_call(email, new_owner))

    def stop_monitoring(
        self, contacts: Sequence[str | Addressee], **options: Unpack[RequestOptions]
    ) -> None:
        """Record no more visits for these contacts (S2.8)."""
        self._with(options)._execute(monitoring_call(contacts, stop=True))

    def restore_monitoring(
        self, contacts: Sequence[str | Addressee], **options: Unpack[RequestOptions]
    ) -> None:
        """Record visits again for these contacts (S2.8)."""
        self._with(options)._execute(monitoring_call(contacts, stop=False))

    def recount(
        self,
        selection: ContactSelection,
        *,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> BulkRecount:
        """Which live contacts ``selection`` names, changing nothing: the dry run of
        [`bulk`][salesmanago.resources.contacts.Contacts.bulk]. Each criterion is an export
        job the platform evaluates (``contact/export/data``, or the paginated export of
        every contact), polled like [`Exports`][salesmanago.resources.exports.Exports]'
        jobs; ``selection.where`` runs here on the contacts found. See docs/bulk.md."""
        client = self._with(options)
        plan = plan_selection(selection, deadline, poll_interval)
        answers = [client._run_job(job) for job in plan.jobs]
        everyone = [] if plan.everyone is None else list(client._iterate_jobs(plan.everyone))
        return plan.combine(answers, everyone)

    def bulk(
        self,
        selection: ContactSelection | BulkRecount,
        actions: Sequence[BulkAction],
        *,
        chunk_size: int = BATCH_UPSERT_CHUNK,
        progress: Callable[[BulkProgress], None] | None = None,
        max_rate_retries: int = DEFAULT_RATE_RETRIES,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> BulkReport:
        """Carry out ``actions`` on every contact of ``selection`` (recounted first, or a
        BulkRecount: exactly its contacts) through the platform's batch calls, and report
        each contact's outcome of each step (applied, refused with the platform's text,
        not sent). Every action is checked before anything is sent. Steps: one
        ``batchupsert`` for the tag, detail, state and opt-in/out actions (``chunk_size``
        contacts per request), then ``funnel/addContact``, ``contact/addNote``,
        ``contact/setMainOwner``, and ``contact/batchDelete`` last. A request that fails
        for good stops the run (``error``); 429s are waited out as in
        [`sync`][salesmanago.resources.contacts.Contacts.sync]. ``progress`` gets the
        step's counts after each request. See docs/bulk.md."""
        run = BulkRun(actions, BULK_CALLS, chunk_size, progress, max_rate_retries)
        if not isinstance(selection, BulkRecount):
            selection = self.recount(
                selection, deadline=deadline, poll_interval=poll_interval, **options
            )
        client = self._with(options)
        return bulk_blocking(run, selection, client._execute, client._sleep)


class AsyncContacts(AsyncAPIResource):
    """Contact writes and reads (protocol §6; semantics S2, S3)."""

    async def insert(
        self, contact: ContactUpsert, **options: Unpack[RequestOptions]
    ) -> UpsertResult:
        """Create a contact. A live e-mail raises AlreadyExistsError; a soft-deleted one
        is restored with the new data (S3.2). Not retried once it may have landed."""
        return await self._with(options)._execute(insert_call(contact))

    async def upsert(
        self, contact: ContactUpsert, **options: Unpack[RequestOptions]
    ) -> UpsertResult:
        """Create the contact, or update the one with this e-mail (same id, S2.2)."""
        return await self._with(options)._execute(upsert_call(contact))

    async def update(
        self, contact: ContactUpsert, **options: Unpack[RequestOptions]
    ) -> UpsertResult:
        """Change only the fields set on ``contact`` of the existing contact
        ``contact.email``; ``new_email`` moves it to another address."""
        return await self._with(options)._execute(update_call(contact))

    async def upsert_with_event(
        self,
        contact: ContactUpsert | None = None,
        event: ExternalEvent | None = None,
        *,
        email: str | None = None,
        contact_id: str | None = None,
        force_opt_in: bool | None = None,
        **options: Unpack[RequestOptions],
    ) -> ContactEventResult:
        """Upsert ``contact`` and add ``event`` in one call (``integration/upsert``);
        either alone works. The event goes to ``email`` or ``contact_id``, by default
        to ``contact``'s e-mail; a contact the platform does not know yet is created
        (§14). Returns the id of each part sent. Not retried once it may have landed
        (the event would be added twice)."""
        call = integration_upsert_call(contact, event, email, contact_id, force_opt_in)
        return await self._with(options)._execute(call)

    async def delete(
        self, email: str, *, permanently: bool = False, **options: Unpack[RequestOptions]
    ) -> None:
        """Delete a contact: restorable until the next 02:00 (S3.1), or at once with
        ``permanently=True`` (S3.3)."""
        await self._with(options)._execute(delete_call(email, permanently))

    async def batch_delete(
        self,
        contacts: Sequence[str | Addressee],
        *,
        permanently: bool = False,
        **options: Unpack[RequestOptions],
    ) -> None:
        """Delete many contacts in one call: e-mails, or EMAIL / CONTACT_ID / TAG
        addressees (a tag: every live card carrying it). Soft, like `delete`,
        or at once with ``permanently=True``. Every addressee must resolve before
        anything changes (an unknown one raises NotFoundError)."""
        await self._with(options)._execute(batch_delete_call(contacts, permanently))

    async def has_contact(self, email: str, **options: Unpack[RequestOptions]) -> str | None:
        """The id of the live contact with this e-mail, or ``None``."""
        return await self._with(options)._execute(has_contact_call(email))

    async def basic(
        self, emails: Sequence[str], **options: Unpack[RequestOptions]
    ) -> builtins.list[ContactBasic]:
        """Basic data by e-mail, in the order asked; unknown e-mails are left out."""
        pages = await self._with(options)._execute_all(basic_calls(emails, by_id=False))
        return merge_in_order(emails, pages, by_id=False)

    async def basic_by_id(
        self, contact_ids: Sequence[str], **options: Unpack[RequestOptions]
    ) -> builtins.list[ContactBasic]:
        """Basic data by contact id, in the order asked; unknown ids are left out."""
        pages = await self._with(options)._execute_all(basic_calls(contact_ids, by_id=True))
        return merge_in_order(contact_ids, pages, by_id=True)

    async def list(
        self, emails: Sequence[str], *, any_owner: bool = False, **options: Unpack[RequestOptions]
    ) -> builtins.list[Contact]:
        """Full data by e-mail (50 per request, concurrently, merged in input order).
        Only contacts the client's owner owns, unless ``any_owner`` (S1.7)."""
        pages = await self._with(options)._execute_all(
            list_calls(emails, by_id=False, any_owner=any_owner)
        )
        return merge_in_order(emails, pages, by_id=False)

    async def list_by_id(
        self,
        contact_ids: Sequence[str],
        *,
        any_owner: bool = False,
        **options: Unpack[RequestOptions],
    ) -> builtins.list[Contact]:
        """Full data by contact id (50 per request, merged in input order)."""
        pages = await self._with(options)._execute_all(
            list_calls(contact_ids, by_id=True, any_owner=any_owner)
        )
        return merge_in_order(contact_ids, pages, by_id=True)

    async def batch_upsert(
        self,
        contacts: Sequence[ContactUpsert],
        *,
        chunk_size: int = BATCH_UPSERT_CHUNK,
        **options: Unpack[RequestOptions],
    ) -> BatchUpsertResult:
        """Upsert many contacts, ``chunk_size`` per request; every item's outcome is
        reported in input order, failures included (texts name items by their index
        in ``contacts``). An item failing the SDK's own checks
        ([`ContactUpsert.validate`][salesmanago.models.contacts.ContactUpsert.validate]) is not
        sent: it is a failed item whose text names the field (``upsertDetails[3].contact.email``)
        and the rule. A request that fails for good raises its error, whose ``partial_results`` is
        the BatchUpsertResult of the chunks applied before (and of the items refused)."""
        calls, merge = batch_upsert_calls(contacts, chunk_size)
        return merge(await self._with(options)._execute_all(calls, merge))

    async def sync(
        self,
        rows: Iterable[ContactUpsert | UnreadableRow],
        *,
        chunk_size: int = BATCH_UPSERT_CHUNK,
        checkpoint: str | os.PathLike[str] | None = None,
        progress: Callable[[SyncProgress], None] | None = None,
        on_result: Callable[[RowResult], None] | None = None,
        keep_results: bool = True,
        max_rate_retries: int = DEFAULT_RATE_RETRIES,
        row_key: Callable[[Any], bytes] | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncReport:
        """Like [`Contacts.sync`][salesmanago.resources.contacts.Contacts.sync], with up to the
        client's ``max_concurrent_requests`` chunks in flight (fewer after a 429). See
        docs/bulk.md."""
        client = self._with(options)
        settings = (chunk_size, checkpoint, progress, on_result, keep_results, max_rate_retries)
        run = SyncRun(CONTACT_SYNC, rows, client.max_concurrent_requests, *settings, row_key)
        return await run_concurrently(run, client._execute, client._sleep)

    async def batch_upsert_v2(
        self,
        contacts: Sequence[ContactUpsert],
        *,
        chunk_size: int = BATCH_UPSERT_CHUNK,
        fire_events: bool = True,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> BatchUpsertResult:
        """Upsert many contacts as import jobs (``batchupsertv2``), ``chunk_size`` per
        job: each job is started, polled on ``job/status`` (waits from
        ``poll_interval`` backing off, ExportTimeoutError after ``deadline`` seconds)
        and its result file read. Items are checked, chunked and reported like
        `batch_upsert`'s. ``fire_events=False``: the imported contacts fire no
        rules or workflows. A job's start is not retried once it may have landed."""
        jobs, merge = batch_upsert_v2_jobs(
            contacts, chunk_size, fire_events, deadline, poll_interval
        )
        return merge(await self._with(options)._run_jobs(jobs, merge))

    async def created(
        self, start: datetime, end: datetime, **options: Unpack[RequestOptions]
    ) -> builtins.list[ContactChange]:
        """Contacts created between ``start`` and ``end``, in one request.

        Unlike ``modified`` (see ``iter_modified``) there is no paged variant: the
        platform has no paginated listing of created contacts (protocol §6 lists
        ``paginatedModifiedContacts`` only), so a long range comes in one answer;
        split the range to keep answers small."""
        return await self._with(options)._execute(changes_call(start, end, created=True))

    async def modified(
        self, start: datetime, end: datetime, **options: Unpack[RequestOptions]
    ) -> builtins.list[ContactChange]:
        """Contacts modified between ``start`` and ``end`` (one request)."""
        return await self._with(options)._execute(changes_call(start, end, created=False))

    def iter_modified(
        self,
        start: datetime,
        end: datetime,
        *,
        page_size: int = PAGE_SIZE_MAX,
        **options: Unpack[RequestOptions],
    ) -> AsyncIterator[ContactChange]:
        """Every contact modified between ``start`` and ``end``, page by page."""
        return self._with(options)._iterate(modified_page_call(start, end, page_size))

    async def list_page(
        self,
        page: int = FIRST_PAGE,
        *,
        size: int = PAGE_SIZE_MAX,
        **options: Unpack[RequestOptions],
    ) -> ContactPage:
        """One page (from 0) of the owner's live contacts, oldest first, with their
        full data (``paginatedListById``; ``size`` 1..1000)."""
        return await self._with(options)._execute(list_page_call(page, size))

    def iter_all(
        self, *, page_size: int = PAGE_SIZE_MAX, **options: Unpack[RequestOptions]
    ) -> AsyncIterator[Contact]:
        """Every live contact of the owner, oldest first, page by page as the
        iterator is consumed."""
        return self._with(options)._iterate(all_pages_call(page_size))

    async def set_main_owner(
        self, email: str, new_owner: str, **options: Unpack[RequestOptions]
    ) -> None:
        """Make ``new_owner`` the contact's main owner (S1.4)."""
        await self._with(options)._execute(set_main_owner_call(email, new_owner))

    async def stop_monitoring(
        self, contacts: Sequence[str | Addressee], **options: Unpack[RequestOptions]
    ) -> None:
        """Record no more visits for these contacts (S2.8)."""
        await self._with(options)._execute(monitoring_call(contacts, stop=True))

    async def restore_monitoring(
        self, contacts: Sequence[str | Addressee], **options: Unpack[RequestOptions]
    ) -> None:
        """Record visits again for these contacts (S2.8)."""
        await self._with(options)._execute(monitoring_call(contacts, stop=False))

    async def recount(
        self,
        selection: ContactSelection,
        *,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> BulkRecount:
        """Like [`Contacts.recount`][salesmanago.resources.contacts.Contacts.recount]: which
        live contacts ``selection`` names, changing nothing."""
        client = self._with(options)
        plan = plan_selection(selection, deadline, poll_interval)
        answers = [await client._run_job(job) for job in plan.jobs]
        everyone = (
            [] if plan.everyone is None else [c async for c in client._iterate_jobs(plan.everyone)]
        )
        return plan.combine(answers, everyone)

    async def bulk(
        self,
        selection: ContactSelection | BulkRecount,
        actions: Sequence[BulkAction],
        *,
        chunk_size: int = BATCH_UPSERT_CHUNK,
        progress: Callable[[BulkProgress], None] | None = None,
        max_rate_retries: int = DEFAULT_RATE_RETRIES,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> BulkReport:
        """Like [`Contacts.bulk`][salesmanago.resources.contacts.Contacts.bulk], with up to the
        client's ``max_concurrent_requests`` requests of a step in flight (fewer after a
        429). See docs/bulk.md."""
        run = BulkRun(actions, BULK_CALLS, chunk_size, progress, max_rate_retries)
        if not isinstance(selection, BulkRecount):
            selection = await self.recount(
                selection, deadline=deadline, poll_interval=poll_interval, **options
            )
        client = self._with(options)
        limit = client.max_concurrent_requests
        return await bulk_concurrently(run, selection, client._execute, client._sleep, limit)
