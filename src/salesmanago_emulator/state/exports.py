"""Asynchronous jobs of an account: exports and contact imports (protocol §6, §3.1:
exports, ``batchupsertv2`` and ``job/status``).

An export request starts a job. The job gets a ``requestId``: the account's
own counter written as a string of digits (protocol §13.18), so ids repeat
across accounts but a job is only ever found through the account that started
it (S1.2). The job's file is made **at the request**: the routes select the
contacts through
[`ExportsArea.contacts_page`][salesmanago_emulator.state.exports.ExportsArea.contacts_page] /
[`ExportsArea.select`][salesmanago_emulator.state.exports.ExportsArea.select], render the file and
hand its text to [`ExportsArea.start`][salesmanago_emulator.state.exports.ExportsArea.start]; the
state keeps that text as it is (it knows nothing of its format).

A job is done when two conditions hold: the account's clock has reached its
start plus
[`ExportsArea.processing_time`][salesmanago_emulator.state.exports.ExportsArea.processing_time], and
it has been polled more than
[`ExportsArea.polls_until_done`][salesmanago_emulator.state.exports.ExportsArea.polls_until_done]
times (both default to zero: done at the first status poll). With ``polls_until_done = n`` the first
``n`` polls ([`ExportsArea.poll`][salesmanago_emulator.state.exports.ExportsArea.poll]) answer "in
progress" and poll ``n + 1`` finds it done (if the clock allows). Both settings are read when a job
starts. Move a [`FrozenClock`][salesmanago_emulator.FrozenClock] to finish a slower job. A done
job's file can be fetched with its random ``token``; until then, and with a wrong token, it cannot.

An import
([`ExportsArea.start_import`][salesmanago_emulator.state.exports.ExportsArea.start_import],
``contact/batchupsertv2``) is a job of kind ``CONTACT_IMPORT`` under the same rules and ids. It
keeps the writes the route read (`ContactImport`) and applies them **on the poll that finds the job
done** ([`ExportsArea.poll`][salesmanago_emulator.state.exports.ExportsArea.poll]), each on its own
exactly as [`batch_upsert`][salesmanago_emulator.state.contacts.ContactsArea.batch_upsert] does,
stamped with that poll's instant: before that poll no read shows them, even once the clock has
passed the processing time. Its result (per item the ``(email, contact id)`` it made or changed, or
its refusal, [`ExportsArea.results`][salesmanago_emulator.state.exports.ExportsArea.results]) is
what its file shows. ``fire_events`` is recorded on the job; the emulator fires no rule or workflow
on any write yet, so nothing else depends on it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import ClassVar, Final, Literal

import attrs

from ..errors import (
    RULE_NOT_EMPTY,
    RULE_ONE_OF,
    RULE_UNKNOWN_JOB,
    EmulatorError,
    InvalidField,
    LimitExceeded,
)
from ._card import ContactRecord, ContactWrite
from ._core import AccountArea, AccountCore
from ._normalize import normalize_tags
from .contacts import BATCH_UPSERT_LIMIT, ContactsArea
from .users import UsersArea

__all__ = [
    "ADDRESSEE_KINDS",
    "EXPORT_KINDS",
    "IMPORT_KIND",
    "JOB_KINDS",
    "ContactImport",
    "ExportJob",
    "ExportsArea",
    "ImportResult",
]


EXPORT_KINDS: Final = (
    "CONTACT_LIST",
    "CONTACT_DATA",
    "CONVERSATION_STATISTICS",
    "MESSAGE_STATISTICS",
)
"""What an export job exports: ``paginatedContactList/export``, ``contact/export/data``,
or a mailing's statistics (``email/conversationStatistics``, ``email/messageStatistics``)."""
IMPORT_KIND: Final = "CONTACT_IMPORT"
"""The kind of an import job (``contact/batchupsertv2``)."""
JOB_KINDS: Final = (*EXPORT_KINDS, IMPORT_KIND)
"""Every kind of job."""
ADDRESSEE_KINDS: Final = ("EMAIL", "CONTACT_ID", "TAG")
"""How [`ExportsArea.select`][salesmanago_emulator.state.exports.ExportsArea.select] names contacts
(protocol §5.4)."""

JobKind = Literal["CONTACT_LIST", "CONTACT_DATA", "CONVERSATION_STATISTICS", "MESSAGE_STATISTICS"]

ImportResult = tuple[str, str] | EmulatorError
"""One item of a done import: the ``(email, contact id)`` of the card it wrote, as
they were then, or the item's refusal (named as one write names its fields)."""


@attrs.frozen(kw_only=True)
class ContactImport:
    """What an import job applies when it is done (``contact/batchupsertv2``).

    Attributes:
        owner: the user the writes act as (normalised).
        fire_events: whether the imported contacts may fire rules and workflows
            (recorded only: the emulator fires none yet).
        items: the writes, in the request's order; an item that is an error is
            one the route could not read (it fails as it is).
        request: the items as the route wrote them down (its own format; the state
            keeps it as it is, for a state export to save the pending writes).
    """

    owner: str
    fire_events: bool
    items: tuple[ContactWrite | EmulatorError, ...] = attrs.field(
        repr=lambda items: f"<{len(items)} items>"
    )
    request: str = attrs.field(repr=lambda c: f"<{len(c)} characters>")


@attrs.frozen(kw_only=True)
class ExportJob:
    """One job (an export and its file, or an import) and its settings.

    Attributes:
        request_id: the job's id, digits as a string.
        kind: one of `JOB_KINDS`.
        started: when it was requested (UTC).
        ready_at: when it is done (UTC).
        polls_needed: how many polls answer "in progress" before it can be done.
        token: the random secret its file's URL carries.
        content: an export's file, as the routes rendered it (``""`` for an import).
        contact_import: what an import applies (``None`` for an export).
    """

    request_id: str
    kind: str
    started: datetime
    ready_at: datetime
    token: str
    content: str = attrs.field(repr=lambda c: f"<{len(c)} characters>")
    polls_needed: int = 0
    contact_import: ContactImport | None = None

    def done(self, now: datetime, polls: int | None = None) -> bool:
        """Whether the job's file is ready at ``now`` after ``polls`` status polls.

        ``polls`` ``None`` checks the clock only.
        """
        return now >= self.ready_at and (polls is None or polls > self.polls_needed)


class ExportsArea(AccountArea):
    """The account's export jobs: start, poll, fetch the file (protocol §6)."""

    key: ClassVar[str] = "exports"

    def __init__(self, account: AccountCore, *, users: UsersArea, contacts: ContactsArea) -> None:
        """No jobs yet; jobs are done as soon as they are polled. An import acts as one
        of ``users`` and writes through ``contacts``."""
        super().__init__(account)
        self._users = users
        self._contacts = contacts
        self._jobs: dict[str, ExportJob] = {}
        self._next = 1
        self._processing_time = timedelta(0)
        self._polls_until_done = 0
        self._polls: dict[str, int] = {}
        self._results: dict[str, tuple[ImportResult, ...]] = {}

    # --- configuration -----------------------------------------------------------

    @property
    def processing_time(self) -> timedelta:
        """How long (on the account's clock) a job runs before its file is ready."""
        return self._processing_time

    @processing_time.setter
    def processing_time(self, value: timedelta) -> None:
        self._processing_time = _checked_processing(value)

    @property
    def polls_until_done(self) -> int:
        """How many ``job/status`` polls of a new job answer "in progress" (0: none)."""
        return self._polls_until_done

    @polls_until_done.setter
    def polls_until_done(self, value: int) -> None:
        self._polls_until_done = _checked_polls(value)

    # --- selections (reads) ------------------------------------------------------

    def contacts_page(self, page: int, size: int) -> list[ContactRecord]:
        """Page ``page`` (from 0) of ``size`` live contacts, oldest first (S3.1)."""
        if page < 0 or size < 1:
            raise ValueError("page must be 0 or more and size 1 or more")
        first = page * size
        return list(self.account.live_contacts())[first : first + size]

    def select(self, addressees: Sequence[tuple[str, str, str]]) -> list[ContactRecord]:
        """The live contacts named by ``(kind, value, field)`` triples, each once.

        ``kind`` is one of `ADDRESSEE_KINDS`; ``field`` names the value in
        errors. An e-mail or id of no live contact names nobody (soft-deleted
        contacts are left out, S3.1); a ``TAG`` names every live contact
        carrying the (normalised, S5.1) tag, oldest first.
        """
        found: dict[str, ContactRecord] = {}
        for kind, value, field in addressees:
            if kind == "TAG":
                for record in self.account.live_tagged(normalize_tags([value], field)):
                    found.setdefault(record.id, record)
            elif kind in ("EMAIL", "CONTACT_ID"):
                record_or_none = self.account.find_live_by(kind, value)
                if record_or_none is not None:
                    found.setdefault(record_or_none.id, record_or_none)
            else:
                raise InvalidField(field, RULE_ONE_OF.format(choices=", ".join(ADDRESSEE_KINDS)))
        return list(found.values())

    # --- jobs --------------------------------------------------------------------

    def start(self, kind: JobKind, content: str) -> ExportJob:
        """Start a job whose file holds ``content``; returns it with its new ``requestId``."""
        if kind not in EXPORT_KINDS:
            raise ValueError(f"kind must be one of {EXPORT_KINDS}")
        return self._begin(kind, content, None)

    def start_import(
        self,
        items: Sequence[ContactWrite | EmulatorError],
        owner: str,
        *,
        fire_events: bool = True,
        request: str = "",
    ) -> ExportJob:
        """Start an import of ``items`` acting as ``owner``; applied when the job is done.

        ``items`` are upsert writes (an error: an item the caller could not read,
        it fails as it is); ``request`` the caller's own record of them, kept for a
        state export. Refusals, before a job exists: AuthenticationFailed
        (``owner`` not a user); InvalidField ``items`` (none, or more than
        `BATCH_UPSERT_LIMIT`).
        """
        user = self._users.acting(owner)
        if not items:
            raise InvalidField("items", RULE_NOT_EMPTY)
        if len(items) > BATCH_UPSERT_LIMIT:
            raise LimitExceeded("items", BATCH_UPSERT_LIMIT)
        work = ContactImport(
            owner=user, fire_events=bool(fire_events), items=tuple(items), request=request
        )
        return self._begin(IMPORT_KIND, "", work)

    def _begin(self, kind: str, content: str, work: ContactImport | None) -> ExportJob:
        now = self.account.clock.now()
        job = ExportJob(
            request_id=str(self._next),
            kind=kind,
            started=now,
            ready_at=now + self._processing_time,
            token=secrets.token_hex(16),
            content=content,
            polls_needed=self._polls_until_done,
            contact_import=work,
        )
        self._next += 1
        self._jobs[job.request_id] = job
        self._polls[job.request_id] = 0
        return job

    def job(self, request_id: str) -> ExportJob:
        """The job ``request_id``; a job of no such id here -> InvalidField ``requestId``."""
        job = self._jobs.get(request_id.strip()) if isinstance(request_id, str) else None
        if job is None:
            raise InvalidField("requestId", RULE_UNKNOWN_JOB.format(value=request_id))
        return job

    def done(self, job: ExportJob) -> bool:
        """Whether ``job`` is done now: an export by the account's clock and its polls so
        far, an import once a poll has applied it."""
        if job.contact_import is not None:
            return job.request_id in self._results
        return job.done(self.account.clock.now(), self._polls.get(job.request_id, 0))

    def poll(self, job: ExportJob) -> bool:
        """Count one status poll of ``job``; whether it is done now (``job/status``).

        The poll that finds an import done (clock and polls, as an export) applies it.
        """
        self._polls[job.request_id] = self._polls.get(job.request_id, 0) + 1
        work = job.contact_import
        if work is not None and job.request_id not in self._results:
            if not job.done(self.account.clock.now(), self._polls[job.request_id]):
                return False
            self._results[job.request_id] = self._apply(work)
        return self.done(job)

    def _apply(self, work: ContactImport) -> tuple[ImportResult, ...]:
        """Each write on its own, as a batch upsert; a refusal of the whole batch (its
        owner no user any more) is every item's."""
        try:
            written = self._contacts.batch_upsert(work.items, work.owner)
        except EmulatorError as error:
            return tuple(error for _ in work.items)
        return tuple(
            item if isinstance(item, EmulatorError) else (item.email, item.id) for item in written
        )

    def results(self, job: ExportJob) -> tuple[ImportResult, ...] | None:
        """A done import's result per item, in the request's order; ``None`` before."""
        return self._results.get(job.request_id)

    def polls(self, job: ExportJob) -> int:
        """How many times ``job`` has been polled."""
        return self._polls.get(job.request_id, 0)

    def ready(self, request_id: str, token: str) -> ExportJob | None:
        """The done job ``request_id`` whose token is ``token``; else ``None``."""
        job = self._jobs.get(request_id)
        if job is None or not hmac.compare_digest(job.token.encode(), token.encode()):
            return None
        return job if self.done(job) else None

    def file(self, request_id: str, token: str) -> str | None:
        """The file of the done export ``request_id`` whose token is ``token``; else
        ``None`` (an import's file is drawn from
        [`results`][salesmanago_emulator.state.exports.ExportsArea.results])."""
        job = self.ready(request_id, token)
        return None if job is None or job.contact_import is not None else job.content

    @property
    def jobs(self) -> tuple[ExportJob, ...]:
        """Every job, oldest first."""
        return tuple(self._jobs.values())

    # --- area protocol -----------------------------------------------------------

    def reset(self) -> None:
        """Forget every job; ids start again at 1 (both settings are kept)."""
        self._jobs.clear()
        self._polls.clear()
        self._results.clear()
        self._next = 1

    @property
    def next_request_id(self) -> int:
        """The ``requestId`` the next job gets."""
        return self._next

    def restore_saved(
        self,
        jobs: Sequence[tuple[ExportJob, int]],
        next_request_id: int,
        results: Mapping[str, Sequence[ImportResult]] | None = None,
    ) -> None:
        """Put back the jobs a state export saved, each with its polls so far, the next
        id and the done imports' results by request id (a state import: nothing is
        checked here)."""
        self._jobs = {job.request_id: job for job, _ in jobs}
        self._polls = {job.request_id: polls for job, polls in jobs}
        self._results = {request_id: tuple(done) for request_id, done in (results or {}).items()}
        self._next = next_request_id


def _checked_processing(value: timedelta) -> timedelta:
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise ValueError("processing_time must be a timedelta of zero or more")
    return value


def _checked_polls(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("polls_until_done must be an integer of zero or more")
    return value
