"""Bulk sync models: the outcome of each input row, progress and the run's report
(``contacts.sync``, ``events.sync``; see docs/bulk.md)."""

from __future__ import annotations

from enum import Enum

import attrs

__all__ = ["RowResult", "RowStatus", "SyncProgress", "SyncReport", "UnreadableRow"]


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
