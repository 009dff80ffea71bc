"""Bulk sync models: the outcome of each input row, progress and the run's report
(``contacts.sync``, ``events.sync``; see docs/bulk.md); and the bulk changes through
public endpoints: the selection, the actions and the report (``contacts.recount``,
``contacts.bulk``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any

import attrs

__all__ = [
    "AddNote",
    "AddTags",
    "AddToFunnelStage",
    "BulkAction",
    "BulkContactResult",
    "BulkOutcome",
    "BulkProgress",
    "BulkRecount",
    "BulkReport",
    "ChangeMainOwner",
    "ContactSelection",
    "DeleteContacts",
    "EmailOptOut",
    "PhoneOptIn",
    "PhoneOptOut",
    "RemoveTags",
    "RowResult",
    "RowStatus",
    "SelectedContact",
    "SetDetails",
    "SetState",
    "SyncProgress",
    "SyncReport",
    "UnreadableRow",
]


class RowStatus(str, Enum):
    """What became of one input row of a bulk sync."""

    APPLIED = "APPLIED"
    """The platform applied the row."""
    REFUSED = "REFUSED"
    """The row was refused: by the platform (its text) or by the SDK's own checks
    before sending (the ValidationError's text); re-sending it would fail again."""
    NOT_SENT = "NOT_SENT"
    """The row was not acknowledged: its request failed for good, or the run stopped
    before it. A resumed run sends it again."""


@attrs.frozen(kw_only=True)
class RowResult:
    """The outcome of one input row.

    Attributes:
        index: the row's position in the input, from 0.
        status: applied, refused or not sent.
        errors: for a refused row, the platform's texts (or the SDK's), naming the
            row by its index (``upsertDetails[17].contact.email``); for a row not
            sent, the text of the failure that stopped it.
        contact_id: for an applied contact row of this run, the contact's id.
        resumed: the row was acknowledged by an earlier run (read from the
            checkpoint, not sent again); its ``contact_id`` is then unknown.
    """

    index: int
    status: RowStatus
    errors: tuple[str, ...] = ()
    contact_id: str | None = None
    resumed: bool = False

    @property
    def ok(self) -> bool:
        """Whether the row was applied."""
        return self.status is RowStatus.APPLIED


@attrs.frozen(kw_only=True)
class SyncProgress:
    """Counts of a running bulk sync, handed to the ``progress`` callback after
    each chunk.

    Attributes:
        read: rows read from the input so far.
        applied: rows applied (this run and earlier runs).
        refused: rows refused (this run and earlier runs).
        not_sent: rows whose request failed for good.
        resumed: rows acknowledged by an earlier run, skipped.
        requests: batch requests answered in this run.
    """

    read: int = 0
    applied: int = 0
    refused: int = 0
    not_sent: int = 0
    resumed: int = 0
    requests: int = 0

    @property
    def done(self) -> int:
        """Rows with a final outcome (applied or refused)."""
        return self.applied + self.refused


@attrs.frozen(kw_only=True)
class SyncReport:
    """The outcome of a bulk sync.

    Attributes:
        progress: the final counts.
        results: every row read, in input order (empty when the run was asked
            not to keep them: ``keep_results=False``).
        complete: every row of the input was read and acknowledged (applied or
            refused); the checkpoint file, if any, was removed.
        error: the text of the failure that stopped the run early, if any (the
            rows it left are ``NOT_SENT``; a resumed run sends them).
    """

    progress: SyncProgress
    results: tuple[RowResult, ...] = ()
    complete: bool = True
    error: str | None = None

    @property
    def failed(self) -> tuple[RowResult, ...]:
        """The rows kept in [`results`][salesmanago.models.bulk.SyncReport.results] that were not
        applied."""
        return tuple(r for r in self.results if r.status is not RowStatus.APPLIED)


@attrs.frozen
class UnreadableRow:
    """A row the caller could not read into a model (a CSV line with a bad date ...),
    handed to a bulk sync in its place: it is reported ``REFUSED`` with ``reason``
    and never sent, and the rows after it keep their indexes.

    Attributes:
        reason: why the row could not be read, naming the column.
    """

    reason: str


# --- the Contact Manager through public endpoints (contacts.recount, contacts.bulk) ---


def _texts(values: str | Iterable[str]) -> tuple[str, ...]:
    """A tuple of the strings given (a lone string is one value, not its letters)."""
    if isinstance(values, str):
        return (values,)
    return tuple(values)


def _details(details: Mapping[str, str]) -> Mapping[str, str]:
    """A copy of the details given (a later change to the caller's dict changes nothing)."""
    return dict(details)


@attrs.frozen(kw_only=True)
class ContactSelection:
    """Which contacts a bulk run touches, built only from what public endpoints select.

    A contact is selected when it is named (``emails``, ``contact_ids``) or matches
    the tag criteria (``any_tags``: at least one of them; ``all_tags``: every one of
    them; both given: both hold), or when ``everyone`` is set; then it is dropped if
    it carries one of ``exclude_tags``, and kept only if ``where`` (if given) says so.
    Soft-deleted contacts are never selected.

    Every criterion but ``where`` is evaluated by the platform: each tag, and the
    named contacts, is one ``contact/export/data`` job, ``everyone`` is the paginated
    ``paginatedContactList/export``; the SDK only combines the contact ids the jobs
    return (union, intersection, difference). ``where`` runs in your process, on the
    data the jobs fetched ([`SelectedContact.data`][salesmanago.models.bulk.SelectedContact.data]:
    the export's fields; ``fetch`` names more ``contact/export/data`` types, e.g.
    ``("CONTACT", "PROPERTIES")``; the paginated export of ``everyone`` has only its own
    fields).

    Attributes:
        emails: contacts named by e-mail.
        contact_ids: contacts named by id.
        any_tags: contacts carrying at least one of these tags.
        all_tags: contacts carrying every one of these tags.
        exclude_tags: contacts carrying one of these are left out.
        everyone: every live contact of the account (not with emails, ids or tags).
        where: a test run on each contact found, in your process.
        fetch: the ``contact/export/data`` types fetched for ``where``.
    """

    emails: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    contact_ids: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    any_tags: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    all_tags: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    exclude_tags: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    everyone: bool = False
    where: Callable[[SelectedContact], bool] | None = attrs.field(default=None, eq=False)
    fetch: tuple[str, ...] = attrs.field(default=("CONTACT",), converter=_texts)


@attrs.frozen(kw_only=True)
class SelectedContact:
    """One contact a selection found.

    Attributes:
        contact_id: the contact's id.
        email: its e-mail (``None`` if the export gave none).
        data: the contact as the export gave it (the file's object, unchanged).
    """

    contact_id: str
    email: str | None
    data: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class BulkRecount:
    """What a bulk run over a selection would touch, found without changing anything.

    Attributes:
        contacts: the selected live contacts, each once, in the order found.
        missing: the e-mails and ids the selection named that name no live contact.
        requests: the export jobs the recount ran.
    """

    contacts: tuple[SelectedContact, ...] = ()
    missing: tuple[str, ...] = ()
    requests: int = 0

    @property
    def count(self) -> int:
        """How many contacts the actions would touch."""
        return len(self.contacts)


@attrs.frozen
class AddTags:
    """Add tags to each contact (``batchupsert`` ``tags``; the platform normalises
    names, S5.1).

    Attributes:
        tags: the tags to add (a lone string is one tag).
    """

    tags: tuple[str, ...] = attrs.field(converter=_texts)


@attrs.frozen
class RemoveTags:
    """Remove tags from each contact (``batchupsert`` ``removeTags``).

    Attributes:
        tags: the tags to remove (a lone string is one tag).
    """

    tags: tuple[str, ...] = attrs.field(converter=_texts)


@attrs.frozen
class SetDetails:
    """Set standard details on each contact (``batchupsert`` ``properties``, S6.1).
    No public endpoint removes a detail, so there is no action for it.

    Attributes:
        details: name -> value.
    """

    details: Mapping[str, str] = attrs.field(converter=_details)


@attrs.frozen
class SetState:
    """Change each contact's state (``batchupsert`` ``contact.state``, S2.5).

    Attributes:
        state: the new state (a ContactState or its name).
    """

    state: str


@attrs.frozen
class EmailOptOut:
    """Opt each contact out of e-mail marketing (``batchupsert`` ``forceOptOut``).

    There is no bulk e-mail opt-in: the Contact Manager never opts in (S15.3);
    opting in needs the contact's consent (``optin.batch_opt_in`` sends it).
    """


@attrs.frozen
class PhoneOptIn:
    """Opt each contact in to mobile marketing (``batchupsert`` ``forcePhoneOptIn``)."""


@attrs.frozen
class PhoneOptOut:
    """Opt each contact out of mobile marketing (``batchupsert`` ``forcePhoneOptOut``)."""


@attrs.frozen
class ChangeMainOwner:
    """Make a user the main owner of each contact (``contact/setMainOwner``, one
    request per contact; S1.4).

    Attributes:
        new_owner: the user's e-mail.
    """

    new_owner: str


@attrs.frozen
class AddToFunnelStage:
    """Put each contact at a stage of a funnel (``funnel/addContact``, S12.1).

    Attributes:
        funnel: the funnel's name.
        stage: the stage's name.
    """

    funnel: str
    stage: str


@attrs.frozen
class AddNote:
    """Add a note to each contact (``contact/addNote``, one request per contact;
    S9.1). A run sent twice adds the note twice.

    Attributes:
        note: the text, at most 1024 characters.
        private: seen only by its author.
    """

    note: str
    private: bool = False


@attrs.frozen(kw_only=True)
class DeleteContacts:
    """Delete each contact (``contact/batchDelete``; run after every other action).

    Attributes:
        permanently: ``True`` deletes for good (S3.3), ``False`` softly (restorable
            until the 02:00 purge, S3.1); no default, say which.
    """

    permanently: bool


#: One action of a bulk run.
BulkAction = (
    AddTags
    | RemoveTags
    | SetDetails
    | SetState
    | EmailOptOut
    | PhoneOptIn
    | PhoneOptOut
    | ChangeMainOwner
    | AddToFunnelStage
    | AddNote
    | DeleteContacts
)


@attrs.frozen(kw_only=True)
class BulkProgress:
    """Counts of a running bulk run's current step, after each request.

    Attributes:
        step: the step's request (``batchupsert``, ``funnel/addContact`` ...).
        step_number: the step's number, from 1.
        steps: how many steps the run has.
        selected: how many contacts the run touches.
        applied: contacts the step applied so far.
        refused: contacts the step refused so far (by the platform or the SDK).
        not_sent: contacts the step did not send (a failed request).
        requests: the step's requests answered so far.
    """

    step: str
    step_number: int
    steps: int
    selected: int
    applied: int = 0
    refused: int = 0
    not_sent: int = 0
    requests: int = 0


@attrs.frozen(kw_only=True)
class BulkOutcome:
    """What one step did to one contact.

    Attributes:
        step: the step's request (``batchupsert`` ...).
        actions: the actions the step carried out (``AddTags``, ``SetState`` ...).
        status: applied, refused (``errors``: the platform's texts, or the SDK's)
            or not sent (``errors``: the failure that stopped the run).
        errors: the texts.
    """

    step: str
    actions: tuple[str, ...]
    status: RowStatus
    errors: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class BulkContactResult:
    """What a bulk run did to one selected contact: one outcome per step.

    Attributes:
        contact: the contact.
        outcomes: one per step, in the order the steps ran.
    """

    contact: SelectedContact
    outcomes: tuple[BulkOutcome, ...]

    @property
    def ok(self) -> bool:
        """Whether every step applied its actions to the contact."""
        return all(o.status is RowStatus.APPLIED for o in self.outcomes)


@attrs.frozen(kw_only=True)
class BulkReport:
    """The outcome of a bulk run.

    Attributes:
        recount: the selection as found before the first change.
        results: one per selected contact, in the recount's order.
        complete: every step ran to its end (no request failed for good).
        error: the failure that stopped the run, if any; the steps after it sent
            nothing (their outcomes are ``NOT_SENT``).
    """

    recount: BulkRecount
    results: tuple[BulkContactResult, ...]
    complete: bool = True
    error: str | None = None

    @property
    def failed(self) -> tuple[BulkContactResult, ...]:
        """The contacts some step did not apply its actions to."""
        return tuple(r for r in self.results if not r.ok)
