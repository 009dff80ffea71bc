"""A bulk run without I/O: its actions as steps of batch calls, and the two thin
loops that send them (``contacts.bulk``; docs/bulk.md "Bulk changes").

The actions become steps, each one request kind the platform accepts, sent over
every selected contact by the bulk sync's machinery (`salesmanago._bulk`: chunks,
a result per contact, the 429 back-off, bounded concurrency):

- ``batchupsert``: every upsert-shaped action at once (tags added and removed,
  standard details, state, e-mail opt-out, mobile opt-in or opt-out), one item per
  contact, named by its e-mail;
- ``funnel/addContact``, one per AddToFunnelStage, contacts named by id;
- ``contact/addNote``, one per AddNote, one request per contact;
- ``contact/setMainOwner`` for ChangeMainOwner, one request per contact;
- ``contact/batchDelete`` for DeleteContacts, by id, always last.

Each action is checked before anything is sent (the typed error names
``actions[i]`` and the rule). A request about one contact that the platform
refuses is that contact's refusal; a batch (funnel, delete) the platform refuses
as a whole is sent again contact by contact, so the report names who was refused.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final

import attrs

from .._bulk import DEFAULT_RATE_RETRIES, Chunk, SyncKind, SyncRun, run_blocking, run_concurrently
from .._calls import Call, Envelope
from .._validation import check_email, check_positive, described, in_item
from ..errors import ArgumentTypeError, AuthenticationError, RequestFailedError, ValidationError
from ..models.bulk import (
    AddNote,
    AddTags,
    AddToFunnelStage,
    BulkAction,
    BulkContactResult,
    BulkOutcome,
    BulkProgress,
    BulkRecount,
    BulkReport,
    ChangeMainOwner,
    DeleteContacts,
    EmailOptOut,
    PhoneOptIn,
    PhoneOptOut,
    RemoveTags,
    RowResult,
    RowStatus,
    SelectedContact,
    SetDetails,
    SetState,
    SyncProgress,
    SyncReport,
)
from ..models.common import Addressee
from ..models.contacts import ContactState, ContactUpsert, check_upsert
from . import notes
from ._contact_writes import BATCH_UPSERT_CHUNK, BATCH_UPSERT_MAX, CONTACT_SYNC
from ._funnel_calls import add_contacts_call

__all__ = ["BulkCalls", "BulkRun", "bulk_blocking", "bulk_concurrently"]

_ACTIONS: Final = "actions"
#: An e-mail standing for every contact while an upsert action is checked.
_PLACEHOLDER: Final = "contact@example.com"
_NO_EMAIL: Final = "has no e-mail: this request names contacts by e-mail"
#: The upsert-shaped actions, folded into one ``batchupsert`` item per contact.
_UPSERT_ACTIONS: Final = (
    AddTags,
    RemoveTags,
    SetDetails,
    SetState,
    EmailOptOut,
    PhoneOptIn,
    PhoneOptOut,
)
_ACTION_TYPES: Final = (
    *_UPSERT_ACTIONS,
    ChangeMainOwner,
    AddToFunnelStage,
    AddNote,
    DeleteContacts,
)


@attrs.frozen
class BulkCalls:
    """The contact calls a run sends that live in ``contacts.py`` (given, so that
    module can use this one without an import circle)."""

    batch_delete: Callable[[Sequence[str | Addressee], bool], Call[None]]
    set_main_owner: Callable[[str, str], Call[None]]


# --- the steps ------------------------------------------------------------------------


@attrs.frozen
class Step:
    """One request kind sent over every selected contact.

    Attributes:
        name: the request, as the report names it (``batchupsert`` ...).
        actions: the names of the actions it carries out.
        kind: what the bulk sync needs to send it.
        chunk_size: contacts per request.
        split: for a batch call, the call of one contact of it (to find which
            contact a batch refused as a whole was refused for); ``None`` for the
            steps that already send one contact per request or report each item.
    """

    name: str
    actions: tuple[str, ...]
    kind: SyncKind[SelectedContact, Any]
    chunk_size: int
    split: Callable[[int, Any], Call[list[RowResult]]] | None = None

    def recover(
        self, call: Call[list[RowResult]], error: Exception
    ) -> tuple[list[RowResult], list[Call[list[RowResult]]]]:
        """After ``call`` failed with ``error``: the results it gives (a refusal about
        one contact) or the calls to send instead (its contacts one by one); else
        ``error`` is raised, for the bulk sync to decide (a 429, a failure ...)."""
        if not isinstance(error, RequestFailedError) or isinstance(error, AuthenticationError):
            raise error  # no refusal about the contacts sent
        refused = self.refused(call, error)
        if refused is not None:
            return refused, []
        singles = self.singles(call)
        if not singles:
            raise error
        return [], singles

    def refused(
        self, call: Call[list[RowResult]], error: RequestFailedError
    ) -> list[RowResult] | None:
        """The results of a call the platform refused, when the refusal is about
        the one contact it names; ``None`` otherwise."""
        if self.kind.max_chunk != 1 and (call.indexes is None or len(call.indexes) != 1):
            return None
        index = call.indexes[0] if call.indexes else -1
        texts = error.messages or (str(error),)
        return [RowResult(index=index, status=RowStatus.REFUSED, errors=texts)]

    def singles(self, call: Call[list[RowResult]]) -> list[Call[list[RowResult]]]:
        """The calls of each contact of a batch the platform refused as a whole
        (none when it cannot be split)."""
        if self.split is None or call.indexes is None or len(call.indexes) < 2:
            return []
        values = call.body.get("contacts")
        if not isinstance(values, list):
            return []
        return [self.split(i, v["value"]) for i, v in zip(call.indexes, values, strict=True)]


def _applied(envelope: Envelope, *, indexes: Sequence[int]) -> list[RowResult]:
    """Every contact of a request the platform accepted, applied."""
    return [RowResult(index=i, status=RowStatus.APPLIED) for i in indexes]


def _by_id(call: Call[Any], indexes: Sequence[int]) -> Call[list[RowResult]]:
    """``call`` read as one applied result per contact."""
    return Call(
        call.endpoint,
        call.body,
        functools.partial(_applied, indexes=indexes),
        items_key="contacts",
        indexes=indexes,
    )


def _contact_id(index: int, contact: SelectedContact) -> str:
    return contact.contact_id


def _email(index: int, contact: SelectedContact) -> str:
    if not contact.email:
        raise ValidationError(f"contacts[{index}]", _NO_EMAIL)
    return contact.email


def _upsert_step(actions: Sequence[tuple[int, BulkAction]], chunk_size: int) -> Step:
    """The ``batchupsert`` of every upsert-shaped action (checked, merged)."""
    fields: dict[str, Any] = {"tags": [], "remove_tags": [], "properties": {}}
    for index, action in actions:
        _merge_upsert(fields, action, index)
    added = {t.strip().upper() for t in fields["tags"]}
    both = [t for t in fields["remove_tags"] if t.strip().upper() in added]
    if both:
        raise ValidationError(_ACTIONS, f"tag {both[0]!r} is both added and removed")
    if fields.get("force_phone_opt_in") and fields.get("force_phone_opt_out"):
        raise ValidationError(_ACTIONS, "PhoneOptIn and PhoneOptOut contradict each other")

    def prepare(index: int, contact: SelectedContact) -> Any:
        upsert = ContactUpsert(email=_email(index, contact), **fields)
        return CONTACT_SYNC.prepare(index, upsert)

    kind = SyncKind[SelectedContact, Any]("bulk", prepare, CONTACT_SYNC.call, BATCH_UPSERT_MAX)
    names = tuple(dict.fromkeys(type(a).__name__ for _, a in actions))
    return Step("batchupsert", names, kind, chunk_size)


def _merge_upsert(fields: dict[str, Any], action: BulkAction, index: int) -> None:
    """Add one upsert-shaped action to the item's fields, checked on its own."""
    own: dict[str, Any]
    if isinstance(action, AddTags):
        own = {"tags": action.tags}
    elif isinstance(action, RemoveTags):
        own = {"remove_tags": action.tags}
    elif isinstance(action, SetDetails):
        own = {"properties": action.details}
    elif isinstance(action, SetState):
        own = {"state": _state(action.state, index)}
    elif isinstance(action, EmailOptOut):
        own = {"force_opt_out": True}
    elif isinstance(action, PhoneOptIn):
        own = {"force_phone_opt_in": True}
    else:
        own = {"force_phone_opt_out": True}
    if isinstance(action, (AddTags, RemoveTags)) and not action.tags:
        raise ValidationError(f"{_ACTIONS}[{index}].tags", "must name at least one tag")
    if isinstance(action, SetDetails) and not action.details:
        raise ValidationError(f"{_ACTIONS}[{index}].details", "must set at least one detail")
    try:
        check_upsert(ContactUpsert(email=_PLACEHOLDER, **own))
    except ValidationError as error:
        raise in_item(error, _ACTIONS, index) from None
    for key, value in own.items():
        if key in ("tags", "remove_tags"):
            fields[key] += list(value)
        elif key == "properties":
            for name, text in value.items():
                if fields["properties"].get(name, text) != text:
                    raise ValidationError(_ACTIONS, f"detail {name!r} is set to two values")
                fields["properties"][name] = text
        elif fields.setdefault(key, value) != value:
            raise ValidationError(
                _ACTIONS, f"{type(action).__name__} is given twice with different values"
            )


def _state(value: object, index: int) -> ContactState:
    try:
        return ContactState(value)
    except ValueError:
        choices = ", ".join(s.value for s in ContactState)
        raise ValidationError(f"{_ACTIONS}[{index}].state", f"must be one of {choices}") from None


def _per_contact_step(
    name: str, action: BulkAction, prepare: Callable[[int, SelectedContact], Any], call: Any
) -> Step:
    """A step sending one request per contact: ``call(prepared)`` builds it."""

    def chunk_call(chunk: Chunk[Any]) -> Call[list[RowResult]]:
        return _by_id(call(chunk.items[0]), chunk.indexes)

    kind = SyncKind[SelectedContact, Any](name, prepare, chunk_call, 1)
    return Step(name, (type(action).__name__,), kind, 1)


def _batch_step(
    name: str, action: BulkAction, chunk_size: int, call: Callable[[list[str]], Call[Any]]
) -> Step:
    """A step naming ``chunk_size`` contacts by id per request: ``call(ids)`` builds it."""

    def chunk_call(chunk: Chunk[str]) -> Call[list[RowResult]]:
        return _by_id(call(list(chunk.items)), chunk.indexes)

    def split(index: int, contact_id: str) -> Call[list[RowResult]]:
        return _by_id(call([contact_id]), [index])

    kind = SyncKind[SelectedContact, str](name, _contact_id, chunk_call, BATCH_UPSERT_MAX)
    return Step(name, (type(action).__name__,), kind, chunk_size, split)


def _funnel_step(action: AddToFunnelStage, index: int, chunk_size: int) -> Step:
    def call(ids: list[str]) -> Call[Any]:
        return add_contacts_call(
            action.funnel, action.stage, [Addressee.contact_id(i) for i in ids], None, None
        )

    try:
        call(["0"])  # the funnel's and stage's names checked before anything is sent
    except ValidationError as error:
        raise in_item(error, _ACTIONS, index) from None
    return _batch_step("funnel/addContact", action, chunk_size, call)


def _note_step(action: AddNote, index: int) -> Step:
    def call(contact_id: str) -> Call[Any]:
        return notes.add_call(action.note, None, contact_id, bool(action.private))

    try:
        call("0")
    except ValidationError as error:
        raise in_item(error, _ACTIONS, index) from None
    return _per_contact_step("contact/addNote", action, _contact_id, call)


def _owner_step(action: ChangeMainOwner, index: int, calls: BulkCalls) -> Step:
    owner = check_email(action.new_owner, f"{_ACTIONS}[{index}].new_owner")
    return _per_contact_step(
        "contact/setMainOwner",
        action,
        _email,
        functools.partial(_owner_call, owner=owner, calls=calls),
    )


def _owner_call(email: str, *, owner: str, calls: BulkCalls) -> Call[None]:
    return calls.set_main_owner(email, owner)


def _delete_step(action: DeleteContacts, index: int, chunk_size: int, calls: BulkCalls) -> Step:
    if not isinstance(action.permanently, bool):
        raise ValidationError(f"{_ACTIONS}[{index}].permanently", "must be a boolean")

    def call(ids: list[str]) -> Call[Any]:
        return calls.batch_delete([Addressee.contact_id(i) for i in ids], action.permanently)

    return _batch_step("contact/batchDelete", action, chunk_size, call)


def plan_steps(actions: Sequence[BulkAction], chunk_size: int, calls: BulkCalls) -> list[Step]:
    """The steps of ``actions`` in the order they run: the upsert, funnels, notes, the
    owner, the deletion. Every action is checked first; a bad one raises."""
    if isinstance(actions, (str, bytes)) or not isinstance(actions, Sequence) or not actions:
        raise ValidationError(_ACTIONS, "must be a non-empty list of actions")
    check_positive(chunk_size, "chunk_size")
    if chunk_size > BATCH_UPSERT_MAX:
        raise ValidationError("chunk_size", f"must be at most {BATCH_UPSERT_MAX}")
    for index, action in enumerate(actions):
        if not isinstance(action, _ACTION_TYPES):
            raise ArgumentTypeError(
                f"{_ACTIONS}[{index}]", f"must be a bulk action, got {described(action)}"
            )
    numbered = list(enumerate(actions))
    upserts = [(i, a) for i, a in numbered if isinstance(a, _UPSERT_ACTIONS)]
    steps = [_upsert_step(upserts, chunk_size)] if upserts else []
    steps += [
        _funnel_step(a, i, chunk_size) for i, a in numbered if isinstance(a, AddToFunnelStage)
    ]
    steps += [_note_step(a, i) for i, a in numbered if isinstance(a, AddNote)]
    steps += _single(numbered, ChangeMainOwner, lambda a, i: _owner_step(a, i, calls))
    steps += _single(numbered, DeleteContacts, lambda a, i: _delete_step(a, i, chunk_size, calls))
    return steps


def _single(
    numbered: Sequence[tuple[int, BulkAction]], kind: type[Any], build: Callable[[Any, int], Step]
) -> list[Step]:
    """The step of an action that a run may hold once."""
    found = [(i, a) for i, a in numbered if isinstance(a, kind)]
    if len(found) > 1:
        raise ValidationError(f"{_ACTIONS}[{found[1][0]}]", f"{kind.__name__} is given twice")
    return [build(a, i) for i, a in found]


# --- the run ---------------------------------------------------------------------------


class BulkRun:
    """One bulk run: its steps, each step's result per contact, the progress."""

    def __init__(
        self,
        actions: Sequence[BulkAction],
        calls: BulkCalls,
        chunk_size: int = BATCH_UPSERT_CHUNK,
        progress: Callable[[BulkProgress], None] | None = None,
        max_rate_retries: int = DEFAULT_RATE_RETRIES,
    ) -> None:
        """The run of ``actions`` (checked here: a bad one raises before any request)."""
        if progress is not None and not callable(progress):
            raise ArgumentTypeError("progress", "must be a function of a BulkProgress")
        if isinstance(max_rate_retries, bool) or not isinstance(max_rate_retries, int):
            raise ValidationError("max_rate_retries", "must be an integer, 0 or more")
        self.steps = plan_steps(actions, chunk_size, calls)
        self._progress = progress
        self._max_rate_retries = max_rate_retries
        self._results: list[dict[int, RowResult]] = []
        self.error: str | None = None

    def start(self, recount: BulkRecount, number: int, limit: int) -> SyncRun[Any, Any]:
        """The bulk sync of step ``number`` (from 0) over the recount's contacts."""
        step = self.steps[number]
        results: dict[int, RowResult] = {}
        self._results.append(results)
        report = functools.partial(self._report, step=step, number=number, recount=recount)
        return SyncRun(
            step.kind,
            recount.contacts,
            limit,
            step.chunk_size,
            None,
            report,
            lambda result: results.__setitem__(result.index, result),
            False,
            self._max_rate_retries,
        )

    def _report(
        self, counts: SyncProgress, *, step: Step, number: int, recount: BulkRecount
    ) -> None:
        if self._progress is not None:
            self._progress(
                BulkProgress(
                    step=step.name,
                    step_number=number + 1,
                    steps=len(self.steps),
                    selected=recount.count,
                    applied=counts.applied,
                    refused=counts.refused,
                    not_sent=counts.not_sent,
                    requests=counts.requests,
                )
            )

    def finished(self, report: SyncReport, number: int) -> None:
        """Step ``number`` ended with ``report``: a failure stops the run."""
        if report.error is not None:
            self.error = f"step {number + 1} ({self.steps[number].name}): {report.error}"

    def report(self, recount: BulkRecount) -> BulkReport:
        """The report: each selected contact's outcome of each step (a step the run
        did not reach: ``NOT_SENT``, naming the failure that stopped it)."""
        stopped = (f"not sent: the run stopped at {self.error}",)
        results = []
        for index, contact in enumerate(recount.contacts):
            outcomes = []
            for number, step in enumerate(self.steps):
                done = self._results[number] if number < len(self._results) else {}
                result = done.get(index)
                status = RowStatus.NOT_SENT if result is None else result.status
                errors = stopped if result is None else result.errors
                outcomes.append(
                    BulkOutcome(step=step.name, actions=step.actions, status=status, errors=errors)
                )
            results.append(BulkContactResult(contact=contact, outcomes=tuple(outcomes)))
        return BulkReport(
            recount=recount, results=tuple(results), complete=self.error is None, error=self.error
        )


Execute = Callable[[Call[list[RowResult]]], list[RowResult]]
AsyncExecute = Callable[[Call[list[RowResult]]], Awaitable[list[RowResult]]]


def _blocking_step(step: Step, execute: Execute) -> Execute:
    """``execute`` reading a refusal the step can name contact by contact."""

    def send(call: Call[list[RowResult]]) -> list[RowResult]:
        try:
            return execute(call)
        except Exception as error:
            results, singles = step.recover(call, error)
        return results + [result for single in singles for result in send(single)]

    return send


def _async_step(step: Step, execute: AsyncExecute) -> AsyncExecute:
    """Like `_blocking_step`, awaiting each request."""

    async def send(call: Call[list[RowResult]]) -> list[RowResult]:
        try:
            return await execute(call)
        except Exception as error:
            results, singles = step.recover(call, error)
        return results + [result for single in singles for result in await send(single)]

    return send


def bulk_blocking(
    run: BulkRun, recount: BulkRecount, execute: Execute, sleep: Callable[[float], None]
) -> BulkReport:
    """Send the run's steps, one request at a time."""
    for number, step in enumerate(run.steps):
        if run.error is not None:
            break
        sync = run.start(recount, number, 1)
        run.finished(run_blocking(sync, _blocking_step(step, execute), sleep), number)
    return run.report(recount)


async def bulk_concurrently(
    run: BulkRun,
    recount: BulkRecount,
    execute: AsyncExecute,
    sleep: Callable[[float], Awaitable[None]],
    limit: int,
) -> BulkReport:
    """Send the run's steps, up to ``limit`` requests of a step in flight."""
    for number, step in enumerate(run.steps):
        if run.error is not None:
            break
        sync = run.start(recount, number, limit)
        report = await run_concurrently(sync, _async_step(step, execute), sleep)
        run.finished(report, number)
    return run.report(recount)
