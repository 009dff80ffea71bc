"""Contact write bodies and the batches of them (protocol §5.2, §6).

The body of one contact write (insert, upsert, update, a batch item, the contact
part of ``integration/upsert``); batch upserts, synchronous (``batchupsert``) and
as import jobs (``batchupsertv2``), planned alike: each item checked on its own
(an item the SDK refuses is a failed result, never sent), the others sent
``chunk_size`` per request, their bodies built when sent, the platform's texts
renumbered to the caller's indexes; and ``integration/upsert``, a contact and an
event in one call.
"""

from __future__ import annotations

import builtins
import functools
import itertools
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

import attrs

from .. import _converter
from .._bulk import Chunk, SyncKind
from .._calls import Call, Endpoint, Envelope, LazyBody, item_ref, renumber_item_refs
from .._jobs import Job, check_timing, read_request_id
from .._validation import check_positive, in_item, in_part
from ..errors import ArgumentTypeError, ValidationError
from ..models.bulk import RowResult, RowStatus
from ..models.contacts import (
    BatchUpsertItem,
    BatchUpsertResult,
    CheckedUpsert,
    ContactEventResult,
    ContactUpsert,
    check_upsert,
)
from ..models.events import ExternalEvent
from ..models.exports import ExportFile
from ._keys import contact_key
from .events import event_body

__all__ = [
    "BATCH_UPSERT",
    "BATCH_UPSERT_CHUNK",
    "BATCH_UPSERT_MAX",
    "BATCH_UPSERT_V2",
    "CONTACT_SYNC",
    "INTEGRATION_UPSERT",
    "batch_upsert_calls",
    "batch_upsert_v2_jobs",
    "integration_upsert_call",
    "repeatable",
    "upsert_body",
]

BATCH_UPSERT: Final = Endpoint("/api/contact/batchupsert", idempotent=True)
# Each request starts an import job, and its contacts may fire rules (fireEvents):
# never repeated once it may have landed.
BATCH_UPSERT_V2: Final = Endpoint("/api/contact/batchupsertv2", idempotent=False)
# The event part adds an event: never repeated once it may have landed. The top
# level is signed without owner; each part carries its own clientId and owner.
INTEGRATION_UPSERT: Final = Endpoint(
    "/api/integration/upsert",
    idempotent=False,
    send_owner=False,
    nested=("contactUpsertRequest", "addContactExtEventRequest"),
)

#: Items per batch upsert request: the official plugin's package size.
BATCH_UPSERT_CHUNK: Final = 400
#: The largest batch upsert request the SDK sends (the emulator's documented cap).
BATCH_UPSERT_MAX: Final = 1000


_unstructure_upsert: Final = _converter.unstructurer(ContactUpsert)


def upsert_body(item: ContactUpsert, checked: CheckedUpsert | None = None) -> dict[str, Any]:
    """The wire body of one contact write; ``checked``: what
    [`check_upsert`][salesmanago.models.contacts.check_upsert] returned for it (checked here when
    not given)."""
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


def repeatable(item: ContactUpsert) -> bool:
    """Whether sending this write twice is harmless: not when it moves the card to
    ``new_email`` (the repeat finds the old address gone) or adds tag scoring (the
    repeat scores the tags again)."""
    return item.new_email is None and not item.tag_scoring


_NO_ID: Final = "the platform returned no contact id for this item"
#: The key of a batch upsert's items in the body and in the platform's texts.
_ITEMS: Final = "upsertDetails"

#: One chunk's outcome: the caller's index of each item sent, and the items' outcomes.
BatchChunk = tuple[Sequence[int], builtins.list[BatchUpsertItem]]


@attrs.frozen
class _Chunk:
    """One request's share of a batch: its items, as checked, and the caller's
    index of each (by position)."""

    items: Sequence[ContactUpsert]
    checked: Sequence[CheckedUpsert]
    indexes: Sequence[int]

    def bodies(self) -> builtins.list[dict[str, Any]]:
        """The chunk's ``upsertDetails``, built from its items as checked (when sent)."""
        return [upsert_body(i, c) for i, c in zip(self.items, self.checked, strict=True)]

    def outcomes(self, answer: Envelope) -> BatchChunk:
        """Each item's outcome from an answer (or an import file) about the chunk."""
        return _batch_items(answer, checked=self.checked, indexes=self.indexes)


Merge = Callable[[Sequence[BatchChunk]], BatchUpsertResult]


def _plan(items: Sequence[ContactUpsert], chunk_size: int) -> tuple[builtins.list[_Chunk], Merge]:
    """A batch's chunks and the merge of their outcomes.

    Each item is checked on its own ([`check_upsert`][salesmanago.models.contacts.check_upsert]): an
    item that is not a ContactUpsert raises ArgumentTypeError for the whole batch; an item that
    fails a rule is never sent and becomes a failed result at its index, with the text of the
    ValidationError naming the field under the item (``upsertDetails[3].contact.email``).
    The others go ``chunk_size`` per chunk. The merge puts every outcome at its
    index in ``items``.
    """
    check_positive(chunk_size, "chunk_size")
    if chunk_size > BATCH_UPSERT_MAX:
        raise ValidationError("chunk_size", f"must be at most {BATCH_UPSERT_MAX}")
    refused: dict[int, BatchUpsertItem] = {}
    try:  # the usual batch: every item passes
        checked = list(map(check_upsert, items))
    except ValidationError:  # check them one by one, to say which and why
        checked, refused = _check_each(items)
    # the caller's index of each item to send (all of them, usually)
    indexes: Sequence[int] = range(len(items))
    valid: Sequence[ContactUpsert] = items
    if refused:
        indexes = [index for index in indexes if index not in refused]
        valid = [items[index] for index in indexes]
    chunks = [
        _Chunk(
            valid[start : start + chunk_size],
            checked[start : start + chunk_size],
            indexes[start : start + chunk_size],
        )
        for start in range(0, len(valid), chunk_size)
    ]
    return chunks, functools.partial(_merge_batch, refused=refused)


def _check_each(
    items: Sequence[ContactUpsert],
) -> tuple[builtins.list[CheckedUpsert], dict[int, BatchUpsertItem]]:
    """Each item checked on its own: the values of those that pass, and a failed result
    for each one that fails a rule, by index; an item that is not a ContactUpsert
    raises ArgumentTypeError for the whole batch (see `_plan`)."""
    checked: list[CheckedUpsert] = []
    refused: dict[int, BatchUpsertItem] = {}
    for index, item in enumerate(items):
        try:
            checked.append(check_upsert(item))
        except ArgumentTypeError as error:  # a programming error, not a refused item
            raise in_item(error, _ITEMS, index) from None
        except ValidationError as error:
            text = str(in_item(error, _ITEMS, index))
            email = item.email.strip() if isinstance(item.email, str) else repr(item.email)
            refused[index] = BatchUpsertItem(email=email, errors=(text,))
    return checked, refused


def batch_upsert_calls(
    items: Sequence[ContactUpsert], chunk_size: int
) -> tuple[builtins.list[Call[BatchChunk]], Merge]:
    """The requests of a batch upsert (one per chunk, see `_plan`) and the merge
    of their outcomes; each chunk's body is built when it is sent."""
    chunks, merge = _plan(items, chunk_size)
    return [_chunk_call(chunk, chunk.outcomes) for chunk in chunks], merge


R = TypeVar("R")


def _chunk_call(chunk: _Chunk, read: Callable[[Envelope], R]) -> Call[R]:
    """The ``batchupsert`` request of one chunk, its answer read by ``read``."""
    return Call(
        BATCH_UPSERT,
        LazyBody({_ITEMS: chunk.bodies}),
        read,
        partial_key="contactIds",
        items_key=_ITEMS,
        indexes=chunk.indexes,
        repeatable=all(map(repeatable, chunk.items)),
    )


# bulk sync (contacts.sync) ------------------------------------------------------------

PreparedUpsert = tuple[ContactUpsert, CheckedUpsert]


def _prepare_sync_row(index: int, item: ContactUpsert) -> PreparedUpsert:
    """One row of ``contacts.sync``, checked like a batch item (a refusal names it
    ``upsertDetails[<index in the input>]``)."""
    try:
        return item, check_upsert(item)
    except ValidationError as error:
        raise in_item(error, _ITEMS, index) from None


def _sync_results(answer: Envelope, *, chunk: _Chunk) -> builtins.list[RowResult]:
    """One RowResult per item of the chunk, from the platform's answer."""
    indexes, items = chunk.outcomes(answer)
    return [
        RowResult(index=i, status=RowStatus.APPLIED, contact_id=item.contact_id)
        if item.ok
        else RowResult(index=i, status=RowStatus.REFUSED, errors=item.errors)
        for i, item in zip(indexes, items, strict=True)
    ]


def _sync_call(chunk: Chunk[PreparedUpsert]) -> Call[builtins.list[RowResult]]:
    """The ``batchupsert`` of one chunk of ``contacts.sync``."""
    planned = _Chunk(
        [item for item, _ in chunk.items], [checked for _, checked in chunk.items], chunk.indexes
    )
    return _chunk_call(planned, functools.partial(_sync_results, chunk=planned))


#: What ``contacts.sync`` needs to sync ContactUpsert rows by ``batchupsert``.
CONTACT_SYNC: Final = SyncKind[ContactUpsert, PreparedUpsert](
    "contacts", _prepare_sync_row, _sync_call, BATCH_UPSERT_MAX
)


def batch_upsert_v2_jobs(
    items: Sequence[ContactUpsert],
    chunk_size: int,
    fire_events: bool,
    deadline: float,
    poll_interval: float,
) -> tuple[builtins.list[Job[BatchChunk]], Merge]:
    """The import jobs of a ``batchupsertv2`` (one per chunk, planned like a batch
    upsert) and the merge of their outcomes.

    Each job starts with the chunk (``fireEvents``: whether the imported contacts
    fire rules and workflows), is polled on ``job/status`` and its file read:
    ``{"contactIds": {email: id}, "failures": {"<index in the chunk>": [texts]}}``.
    """
    check_timing(deadline, poll_interval)
    if not isinstance(fire_events, bool):
        raise ValidationError("fireEvents", "must be a boolean")
    chunks, merge = _plan(items, chunk_size)
    jobs = [
        Job(
            Call(
                BATCH_UPSERT_V2,
                LazyBody({_ITEMS: chunk.bodies, "fireEvents": lambda: fire_events}),
                read_request_id,
                items_key=_ITEMS,
                indexes=chunk.indexes,
            ),
            functools.partial(_read_import_file, chunk=chunk),
            deadline=deadline,
            poll_interval=poll_interval,
            kind="import",
        )
        for chunk in chunks
    ]
    return jobs, merge


def _read_import_file(file: ExportFile, *, chunk: _Chunk) -> BatchChunk:
    """The chunk's outcomes from its import job's file."""
    document = file.json()
    if not isinstance(document, Mapping):
        raise TypeError("import file: expected a JSON object with 'contactIds' and 'failures'")
    return chunk.outcomes(document)


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

    Read column by column (issue 17): the ids looked up all at once, the failed
    positions visited one by one, the outcomes built together (`_outcomes`).
    """
    raw_ids = envelope.get("contactIds") or {}
    if not isinstance(raw_ids, Mapping):
        raise TypeError("contactIds: expected an object of e-mail -> id")
    count = len(checked)
    emails = list(map(_EMAIL, checked))  # as checked: trimmed
    errors = _item_errors(envelope, emails)
    # the card's address after the write
    keys = emails if not any(map(_NEW_EMAIL, checked)) else list(map(_card_address, checked))
    found: list[Any] = list(map(raw_ids.get, keys))
    if not all(found):  # the platform may spell a key in another case or with white space
        normalized = {str(k).strip().lower(): str(v) for k, v in raw_ids.items() if v}
        found = [raw or normalized.get(key.lower()) for raw, key in zip(found, keys, strict=True)]
    contact_ids: list[str | None] = [raw and str(raw) for raw in found]
    texts: list[tuple[str, ...]] = [()] * count
    failed = {position for position in errors if position < count}
    if None in contact_ids:
        failed.update(position for position, id_ in enumerate(contact_ids) if id_ is None)
    for position in failed:
        contact_ids[position] = None
        texts[position] = tuple(
            renumber_item_refs(t, _ITEMS, indexes) for t in errors.get(position) or [_NO_ID]
        )
    return indexes, _outcomes(count, email=emails, contact_id=contact_ids, errors=texts)


_EMAIL: Final = operator.itemgetter(0)
_NEW_EMAIL: Final = operator.itemgetter(1)
#: Builds many BatchUpsertItem at once, as ``BatchUpsertItem(...)`` builds each.
_outcomes: Final = _converter.bulk_builder(BatchUpsertItem)


def _card_address(checked: CheckedUpsert) -> str:
    """The address a card has after its write: the new e-mail when it moves, else its e-mail."""
    email, new_email, _, _ = checked
    return email if new_email is None else new_email


def _merge_batch(
    chunks: Sequence[BatchChunk], *, refused: Mapping[int, BatchUpsertItem]
) -> BatchUpsertResult:
    """One result for a batch upsert: the chunks' outcomes and the items the SDK
    refused, in input order (for a failed batch: the chunks applied before)."""
    if not refused:  # the chunks hold consecutive items, in order
        return BatchUpsertResult(items=tuple(itertools.chain.from_iterable(c[1] for c in chunks)))
    by_index = dict(refused)
    for indexes, items in chunks:
        by_index.update(zip(indexes, items, strict=True))
    return BatchUpsertResult(items=tuple(by_index[i] for i in sorted(by_index)))


#: The keys of ``integration/upsert``'s two parts (issue 12 wire §2).
CONTACT_PART: Final = "contactUpsertRequest"
EVENT_PART: Final = "addContactExtEventRequest"


def integration_upsert_call(
    contact: ContactUpsert | None,
    event: ExternalEvent | None,
    email: str | None,
    contact_id: str | None,
    force_opt_in: bool | None,
) -> Call[ContactEventResult]:
    """A contact upsert and an event in one call (``integration/upsert``, protocol §6).

    The contact part is an upsert body; the event part names its contact by
    ``email`` or ``contact_id``, by default the contact part's e-mail. Either part
    may be sent alone. Fields are named under their part
    (``contactUpsertRequest.contact.email``, ``addContactExtEventRequest.contactEvent.value``).
    """
    if contact is None and event is None:
        raise ValidationError(CONTACT_PART, "give a contact, an event or both")
    body: dict[str, Any] = {}
    if contact is not None:
        try:
            body[CONTACT_PART] = upsert_body(contact)
        except ValidationError as error:
            raise in_part(error, CONTACT_PART) from None
    if event is not None:
        if email is None and contact_id is None and contact is not None:
            email = body[CONTACT_PART]["contact"]["email"]
        body[EVENT_PART] = _event_part(event, email, contact_id, force_opt_in)
    elif email is not None or contact_id is not None or force_opt_in is not None:
        raise ValidationError(EVENT_PART, "email, contact_id and force_opt_in need an event")
    return Call(INTEGRATION_UPSERT, body, functools.partial(_ids, parts=tuple(body)))


def _event_part(
    event: ExternalEvent, email: str | None, contact_id: str | None, force_opt_in: bool | None
) -> dict[str, Any]:
    """The ``addContactExtEventRequest`` part: the contact's key, ``forceOptIn``, the event."""
    if email is None and contact_id is None:
        raise ValidationError(f"{EVENT_PART}.email", "give email or contact_id for the event")
    part: dict[str, Any] = contact_key(email, contact_id, f"{EVENT_PART}.")
    if force_opt_in is not None:
        part["forceOptIn"] = bool(force_opt_in)
    part["contactEvent"] = event_body(event, f"{EVENT_PART}.contactEvent")
    return part


def _ids(envelope: Envelope, *, parts: Sequence[str]) -> ContactEventResult:
    """The ids answered for the parts sent: ``contactId`` for the contact part,
    ``eventId`` for the event part, each required when its part was sent."""
    ids: dict[str, str | None] = {}
    for key, part in (("contactId", CONTACT_PART), ("eventId", EVENT_PART)):
        value = envelope.get(key)
        if part in parts and (not isinstance(value, str) or not value):
            raise TypeError(f"{key}: expected a non-empty string")
        ids[key] = value if part in parts else None
    return ContactEventResult(contact_id=ids["contactId"], event_id=ids["eventId"])
