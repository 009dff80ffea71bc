"""Contacts: insert, upsert, update, delete, look-ups, listings, batch upsert (protocol §6).

The module-level ``*_call`` functions build every request and read every
answer; :class:`Contacts` and :class:`AsyncContacts` only send them.
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from .. import _converter
from .._calls import (
    Call,
    Endpoint,
    Envelope,
    LazyBody,
    Page,
    chunked,
    item_ref,
    renumber_item_refs,
)
from .._validation import check_aware, check_count, check_email, check_positive, in_item
from ..errors import ValidationError
from ..models.common import Addressee
from ..models.contacts import (
    BatchUpsertItem,
    BatchUpsertResult,
    CheckedUpsert,
    Contact,
    ContactBasic,
    ContactChange,
    ContactUpsert,
    UpsertResult,
    check_upsert,
)
from ._base import AsyncAPIResource, SyncAPIResource

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
BATCH_UPSERT: Final = Endpoint("/api/contact/batchupsert", idempotent=True)
CREATED: Final = Endpoint("/api/contact/createdContacts", idempotent=True)
MODIFIED: Final = Endpoint("/api/contact/modifiedContacts", idempotent=True)
PAGINATED_MODIFIED: Final = Endpoint("/api/contact/paginatedModifiedContacts", idempotent=True)
SET_MAIN_OWNER: Final = Endpoint("/api/contact/setMainOwner", idempotent=True)
STOP_MONITORING: Final = Endpoint("/api/contact/stopMonitoring", idempotent=True)
RESTORE_MONITORING: Final = Endpoint("/api/contact/restoreMonitoring", idempotent=True)

#: The platform's limit on keys per ``list`` / ``listById`` call (protocol §3.4).
LIST_LIMIT: Final = 50
#: Items per batch upsert request: the official plugin's package size.
BATCH_UPSERT_CHUNK: Final = 400
#: The largest batch upsert request the SDK sends (the emulator's documented cap).
BATCH_UPSERT_MAX: Final = 1000
#: Largest page of ``paginatedModifiedContacts``.
PAGE_SIZE_MAX: Final = 1000
#: The number of the first page of paginated listings.
FIRST_PAGE: Final = 0


# request building ----------------------------------------------------------------


_unstructure_upsert: Final = _converter.unstructurer(ContactUpsert)


def _upsert_body(item: ContactUpsert, checked: CheckedUpsert | None = None) -> dict[str, Any]:
    """The wire body of one contact write; ``checked``: what :func:`check_upsert`
    returned for it (checked here when not given)."""
    email, new_email, tags, remove_tags = check_upsert(item) if checked is None else checked
    body: dict[str, Any] = _unstructure_upsert(item)
    # send the values as checked (white space trimmed), like tags.manage does
    body["contact"]["email"] = email
    if new_email is not None:
        body["newEmail"] = new_email
    if tags:
        body["tags"] = tags
    if remove_tags:
        body["removeTags"] = remove_tags
    if item.double_opt_in is not None:
        body.update(body.pop("doubleOptIn"))
        body["useApiDoubleOptIn"] = True
    return body


def _upsert_result(envelope: Envelope) -> UpsertResult:
    return _converter.structure(envelope, UpsertResult)


def insert_call(item: ContactUpsert) -> Call[UpsertResult]:
    """Create a contact; fails with AlreadyExistsError for a live e-mail (S2.2)."""
    return Call(INSERT, _upsert_body(item), _upsert_result)


def _repeatable(item: ContactUpsert) -> bool:
    """Whether sending this write twice is harmless: not when it moves the card to
    ``new_email`` (the repeat finds the old address gone) or adds tag scoring (the
    repeat scores the tags again)."""
    return item.new_email is None and not item.tag_scoring


def upsert_call(item: ContactUpsert) -> Call[UpsertResult]:
    """Create or update the contact with this e-mail (S2.2)."""
    return Call(UPSERT, _upsert_body(item), _upsert_result, repeatable=_repeatable(item))


def update_call(item: ContactUpsert) -> Call[UpsertResult]:
    """Change the fields set on ``item`` of the existing contact ``item.email``."""
    body = _upsert_body(item)
    email = body["contact"].pop("email")
    if not body["contact"]:
        del body["contact"]
    return Call(UPDATE, {"email": email, **body}, _upsert_result, repeatable=_repeatable(item))


def delete_call(email: str, permanently: bool) -> Call[None]:
    """Delete a contact: soft (restorable until 02:00, S3.1) or permanently (S3.3)."""
    body: dict[str, Any] = {"email": check_email(email, "email")}
    if permanently:
        body["permanently"] = True
    return Call(DELETE, body, lambda _: None)


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


_NO_ID: Final = "the platform returned no contact id for this item"
#: The key of a batch upsert's items in the body and in the platform's texts.
_ITEMS: Final = "upsertDetails"

#: One chunk's outcome: the caller's index of each item sent, and the items' outcomes.
BatchChunk = tuple[Sequence[int], builtins.list[BatchUpsertItem]]


def batch_upsert_calls(
    items: Sequence[ContactUpsert], chunk_size: int
) -> tuple[builtins.list[Call[BatchChunk]], Callable[[Sequence[BatchChunk]], BatchUpsertResult]]:
    """The requests of a batch upsert and the merge of their outcomes.

    Each item is checked on its own (:func:`check_upsert`): an item that fails is
    never sent and becomes a failed result at its index, with the text of the
    ValidationError naming the field under the item (``upsertDetails[3].contact.email``).
    The others are sent ``chunk_size`` per request; each chunk's body is built when
    it is sent. The merge puts every outcome at its index in ``items``.
    """
    check_positive(chunk_size, "chunk_size")
    if chunk_size > BATCH_UPSERT_MAX:
        raise ValidationError("chunk_size", f"must be at most {BATCH_UPSERT_MAX}")
    checked: list[CheckedUpsert] = []
    refused: dict[int, BatchUpsertItem] = {}
    for index, item in enumerate(items):
        try:
            checked.append(check_upsert(item))
        except ValidationError as error:
            text = str(in_item(error, _ITEMS, index))
            email = item.email.strip() if isinstance(item.email, str) else repr(item.email)
            refused[index] = BatchUpsertItem(email=email, errors=(text,))
    # the caller's index of each item to send (all of them, usually)
    indexes: Sequence[int] = range(len(items))
    valid: Sequence[ContactUpsert] = items
    if refused:
        indexes = [index for index in indexes if index not in refused]
        valid = [items[index] for index in indexes]
    calls: list[Call[BatchChunk]] = []
    for start in range(0, len(valid), chunk_size):
        stop = start + chunk_size
        chunk, chunk_checked = valid[start:stop], checked[start:stop]
        chunk_indexes = indexes[start:stop]
        calls.append(
            Call(
                BATCH_UPSERT,
                LazyBody({_ITEMS: functools.partial(_batch_bodies, chunk, chunk_checked)}),
                functools.partial(_batch_items, checked=chunk_checked, indexes=chunk_indexes),
                partial_key="contactIds",
                items_key=_ITEMS,
                indexes=chunk_indexes,
                repeatable=all(map(_repeatable, chunk)),
            )
        )
    return calls, functools.partial(_merge_batch, refused=refused)


def _batch_bodies(
    items: Sequence[ContactUpsert], checked: Sequence[CheckedUpsert]
) -> list[dict[str, Any]]:
    """The ``upsertDetails`` of one chunk, built from its items as checked."""
    return [_upsert_body(item, values) for item, values in zip(items, checked, strict=True)]


def _item_errors(envelope: Envelope, emails: Sequence[str]) -> dict[int, list[str]]:
    """The platform's texts about each item of a chunk, by position in the chunk.

    ``failures`` (keyed by position or e-mail) and ``message`` (texts naming
    ``upsertDetails[i]``) may carry the same text: it is kept once, in order.
    """
    errors: dict[int, list[str]] = {}
    failures = envelope.get("failures")
    if isinstance(failures, Mapping):
        lowered = [e.lower() for e in emails]
        for key, texts in failures.items():
            key = str(key)
            texts = [str(t) for t in texts] if isinstance(texts, list) else [str(texts)]
            if key.isdigit():
                index = int(key)
            elif key.strip().lower() in lowered:
                index = lowered.index(key.strip().lower())
            else:
                continue
            errors.setdefault(index, []).extend(texts)
    for text in envelope.get("message") or []:
        if (match := item_ref(_ITEMS).search(str(text))) is not None:
            errors.setdefault(int(match.group(1)), []).append(str(text))
    return {index: list(dict.fromkeys(texts)) for index, texts in errors.items()}


def _batch_items(
    envelope: Envelope, *, checked: Sequence[CheckedUpsert], indexes: Sequence[int]
) -> BatchChunk:
    """Each item's outcome: its id from ``contactIds``, or the texts naming it.

    ``contactIds`` is keyed by the address each card has after the write: the
    item's ``new_email`` when it moves the card, else its e-mail.

    The platform numbers the chunk's items from 0; the texts kept name the item by
    its index in the caller's list (``indexes``: the caller's index of each item).
    """
    raw_ids = envelope.get("contactIds") or {}
    if not isinstance(raw_ids, Mapping):
        raise TypeError("contactIds: expected an object of e-mail -> id")
    emails = [values[0] for values in checked]  # as checked: trimmed
    errors = _item_errors(envelope, emails)
    normalized: dict[str, str] | None = None
    items: list[BatchUpsertItem] = []
    append = items.append
    for position, (email, new_email, _, _) in enumerate(checked):
        key = email if new_email is None else new_email  # the card's address after the write
        raw = raw_ids.get(key)
        if raw:
            contact_id: str | None = str(raw)
        else:  # the platform may spell the key in another case or with white space
            if normalized is None:
                normalized = {str(k).strip().lower(): str(v) for k, v in raw_ids.items() if v}
            contact_id = normalized.get(key.lower())
        if contact_id is not None and position not in errors:
            append(BatchUpsertItem(email=email, contact_id=contact_id))
        else:
            texts = errors.get(position) or [_NO_ID]
            caller_texts = tuple(renumber_item_refs(t, _ITEMS, indexes) for t in texts)
            append(BatchUpsertItem(email=email, errors=caller_texts))
    return indexes, items


def _merge_batch(
    chunks: Sequence[BatchChunk], *, refused: Mapping[int, BatchUpsertItem]
) -> BatchUpsertResult:
    """One result for a batch upsert: the chunks' outcomes and the items the SDK
    refused, in input order (for a failed batch: the chunks applied before)."""
    if not refused:  # the chunks hold consecutive items, in order
        return BatchUpsertResult(items=tuple(item for _, items in chunks for item in items))
    by_index = dict(refused)
    for indexes, items in chunks:
        by_index.update(zip(indexes, items, strict=True))
    return BatchUpsertResult(items=tuple(by_index[i] for i in sorted(by_index)))


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


# resources -----------------------------------------------------------------------


class Contacts(SyncAPIResource):
    """Contact writes and reads (protocol §6; semantics S2, S3)."""

    def insert(self, contact: ContactUpsert) -> UpsertResult:
        """Create a contact. A live e-mail raises AlreadyExistsError; a soft-deleted one
        is restored with the new data (S3.2). Not retried once it may have landed."""
        return self._client._execute(insert_call(contact))

    def upsert(self, contact: ContactUpsert) -> UpsertResult:
        """Create the contact, or update the one with this e-mail (same id, S2.2)."""
        return self._client._execute(upsert_call(contact))

    def update(self, contact: ContactUpsert) -> UpsertResult:
        """Change only the fields set on ``contact`` of the existing contact
        ``contact.email``; ``new_email`` moves it to another address."""
        return self._client._execute(update_call(contact))

    def delete(self, email: str, *, permanently: bool = False) -> None:
        """Delete a contact: restorable until the next 02:00 (S3.1), or at once with
        ``permanently=True`` (S3.3)."""
        self._client._execute(delete_call(email, permanently))

    def has_contact(self, email: str) -> str | None:
        """The id of the live contact with this e-mail, or ``None``."""
        return self._client._execute(has_contact_call(email))

    def basic(self, emails: Sequence[str]) -> builtins.list[ContactBasic]:
        """Basic data by e-mail, in the order asked; unknown e-mails are left out."""
        pages = self._client._execute_all(basic_calls(emails, by_id=False))
        return merge_in_order(emails, pages, by_id=False)

    def basic_by_id(self, contact_ids: Sequence[str]) -> builtins.list[ContactBasic]:
        """Basic data by contact id, in the order asked; unknown ids are left out."""
        pages = self._client._execute_all(basic_calls(contact_ids, by_id=True))
        return merge_in_order(contact_ids, pages, by_id=True)

    def list(self, emails: Sequence[str], *, any_owner: bool = False) -> builtins.list[Contact]:
        """Full data by e-mail (50 per request, merged in input order). Only contacts
        the client's owner owns, unless ``any_owner`` (S1.7)."""
        pages = self._client._execute_all(list_calls(emails, by_id=False, any_owner=any_owner))
        return merge_in_order(emails, pages, by_id=False)

    def list_by_id(
        self, contact_ids: Sequence[str], *, any_owner: bool = False
    ) -> builtins.list[Contact]:
        """Full data by contact id (50 per request, merged in input order)."""
        pages = self._client._execute_all(list_calls(contact_ids, by_id=True, any_owner=any_owner))
        return merge_in_order(contact_ids, pages, by_id=True)

    def batch_upsert(
        self, contacts: Sequence[ContactUpsert], *, chunk_size: int = BATCH_UPSERT_CHUNK
    ) -> BatchUpsertResult:
        """Upsert many contacts, ``chunk_size`` per request; every item's outcome is
        reported in input order, failures included (texts name items by their index
        in ``contacts``). An item failing the SDK's own checks
        (:meth:`ContactUpsert.validate`) is not sent: it is a failed item whose text
        names the field (``upsertDetails[3].contact.email``) and the rule. A request
        that fails for good raises its error, whose ``partial_results`` is the
        BatchUpsertResult of the chunks applied before (and of the items refused)."""
        calls, merge = batch_upsert_calls(contacts, chunk_size)
        return merge(self._client._execute_all(calls, merge))

    def created(self, start: datetime, end: datetime) -> builtins.list[ContactChange]:
        """Contacts created between ``start`` and ``end``, in one request.

        Unlike ``modified`` (see ``iter_modified``) there is no paged variant: the
        platform has no paginated listing of created contacts (protocol §6 lists
        ``paginatedModifiedContacts`` only), so a long range comes in one answer;
        split the range to keep answers small."""
        return self._client._execute(changes_call(start, end, created=True))

    def modified(self, start: datetime, end: datetime) -> builtins.list[ContactChange]:
        """Contacts modified between ``start`` and ``end`` (one request)."""
        return self._client._execute(changes_call(start, end, created=False))

    def iter_modified(
        self, start: datetime, end: datetime, *, page_size: int = PAGE_SIZE_MAX
    ) -> Iterator[ContactChange]:
        """Every contact modified between ``start`` and ``end``, page by page."""
        return self._client._iterate(modified_page_call(start, end, page_size))

    def set_main_owner(self, email: str, new_owner: str) -> None:
        """Make ``new_owner`` the contact's main owner (S1.4)."""
        self._client._execute(set_main_owner_call(email, new_owner))

    def stop_monitoring(self, contacts: Sequence[str | Addressee]) -> None:
        """Record no more visits for these contacts (S2.8)."""
        self._client._execute(monitoring_call(contacts, stop=True))

    def restore_monitoring(self, contacts: Sequence[str | Addressee]) -> None:
        """Record visits again for these contacts (S2.8)."""
        self._client._execute(monitoring_call(contacts, stop=False))


class AsyncContacts(AsyncAPIResource):
    """Contact writes and reads (protocol §6; semantics S2, S3)."""

    async def insert(self, contact: ContactUpsert) -> UpsertResult:
        """Create a contact. A live e-mail raises AlreadyExistsError; a soft-deleted one
        is restored with the new data (S3.2). Not retried once it may have landed."""
        return await self._client._execute(insert_call(contact))

    async def upsert(self, contact: ContactUpsert) -> UpsertResult:
        """Create the contact, or update the one with this e-mail (same id, S2.2)."""
        return await self._client._execute(upsert_call(contact))

    async def update(self, contact: ContactUpsert) -> UpsertResult:
        """Change only the fields set on ``contact`` of the existing contact
        ``contact.email``; ``new_email`` moves it to another address."""
        return await self._client._execute(update_call(contact))

    async def delete(self, email: str, *, permanently: bool = False) -> None:
        """Delete a contact: restorable until the next 02:00 (S3.1), or at once with
        ``permanently=True`` (S3.3)."""
        await self._client._execute(delete_call(email, permanently))

    async def has_contact(self, email: str) -> str | None:
        """The id of the live contact with this e-mail, or ``None``."""
        return await self._client._execute(has_contact_call(email))

    async def basic(self, emails: Sequence[str]) -> builtins.list[ContactBasic]:
        """Basic data by e-mail, in the order asked; unknown e-mails are left out."""
        pages = await self._client._execute_all(basic_calls(emails, by_id=False))
        return merge_in_order(emails, pages, by_id=False)

    async def basic_by_id(self, contact_ids: Sequence[str]) -> builtins.list[ContactBasic]:
        """Basic data by contact id, in the order asked; unknown ids are left out."""
        pages = await self._client._execute_all(basic_calls(contact_ids, by_id=True))
        return merge_in_order(contact_ids, pages, by_id=True)

    async def list(
        self, emails: Sequence[str], *, any_owner: bool = False
    ) -> builtins.list[Contact]:
        """Full data by e-mail (50 per request, concurrently, merged in input order).
        Only contacts the client's owner owns, unless ``any_owner`` (S1.7)."""
        pages = await self._client._execute_all(
            list_calls(emails, by_id=False, any_owner=any_owner)
        )
        return merge_in_order(emails, pages, by_id=False)

    async def list_by_id(
        self, contact_ids: Sequence[str], *, any_owner: bool = False
    ) -> builtins.list[Contact]:
        """Full data by contact id (50 per request, merged in input order)."""
        pages = await self._client._execute_all(
            list_calls(contact_ids, by_id=True, any_owner=any_owner)
        )
        return merge_in_order(contact_ids, pages, by_id=True)

    async def batch_upsert(
        self, contacts: Sequence[ContactUpsert], *, chunk_size: int = BATCH_UPSERT_CHUNK
    ) -> BatchUpsertResult:
        """Upsert many contacts, ``chunk_size`` per request; every item's outcome is
        reported in input order, failures included (texts name items by their index
        in ``contacts``). An item failing the SDK's own checks
        (:meth:`ContactUpsert.validate`) is not sent: it is a failed item whose text
        names the field (``upsertDetails[3].contact.email``) and the rule. A request
        that fails for good raises its error, whose ``partial_results`` is the
        BatchUpsertResult of the chunks applied before (and of the items refused)."""
        calls, merge = batch_upsert_calls(contacts, chunk_size)
        return merge(await self._client._execute_all(calls, merge))

    async def created(self, start: datetime, end: datetime) -> builtins.list[ContactChange]:
        """Contacts created between ``start`` and ``end``, in one request.

        Unlike ``modified`` (see ``iter_modified``) there is no paged variant: the
        platform has no paginated listing of created contacts (protocol §6 lists
        ``paginatedModifiedContacts`` only), so a long range comes in one answer;
        split the range to keep answers small."""
        return await self._client._execute(changes_call(start, end, created=True))

    async def modified(self, start: datetime, end: datetime) -> builtins.list[ContactChange]:
        """Contacts modified between ``start`` and ``end`` (one request)."""
        return await self._client._execute(changes_call(start, end, created=False))

    def iter_modified(
        self, start: datetime, end: datetime, *, page_size: int = PAGE_SIZE_MAX
    ) -> AsyncIterator[ContactChange]:
        """Every contact modified between ``start`` and ``end``, page by page."""
        return self._client._iterate(modified_page_call(start, end, page_size))

    async def set_main_owner(self, email: str, new_owner: str) -> None:
        """Make ``new_owner`` the contact's main owner (S1.4)."""
        await self._client._execute(set_main_owner_call(email, new_owner))

    async def stop_monitoring(self, contacts: Sequence[str | Addressee]) -> None:
        """Record no more visits for these contacts (S2.8)."""
        await self._client._execute(monitoring_call(contacts, stop=True))

    async def restore_monitoring(self, contacts: Sequence[str | Addressee]) -> None:
        """Record visits again for these contacts (S2.8)."""
        await self._client._execute(monitoring_call(contacts, stop=False))
