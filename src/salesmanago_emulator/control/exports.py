"""Control operations for jobs (protocol §6): ``jobs`` and ``jobs/configure``.

- ``jobs`` (read-only): the account's job settings and its jobs (``requestId``,
  ``kind``, ``started``, ``readyAt``, ``pollsNeeded``, ``polls``, ``done``; no
  tokens or files), and for an import (``kind`` ``CONTACT_IMPORT``,
  ``contact/batchupsertv2``) ``import``: its ``owner``, ``fireEvents`` (recorded;
  the emulator fires no rule or workflow on imports yet) and ``items`` (how
  many); ``null`` for an export.
- ``jobs/configure``: ``pollsUntilDone`` (an integer >= 0: the first ``n``
  ``job/status`` polls of a new job answer "in progress") and/or
  ``processingSeconds`` (a number >= 0 on the account's clock). Both are
  checked before either changes; they apply to jobs started afterwards.

Both act on the account named by ``clientId`` (default: the first).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from ..errors import RULE_ZERO_OR_MORE_PLAIN, TEXT_JOBS_CONFIGURE_NEEDS
from ..state.exports import ExportJob, ExportsArea
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _settings(jobs: ExportsArea) -> dict[str, Any]:
    return {
        "pollsUntilDone": jobs.polls_until_done,
        "processingSeconds": jobs.processing_time.total_seconds(),
    }


def _import(job: ExportJob) -> dict[str, Any] | None:
    work = job.contact_import
    if work is None:
        return None
    return {"owner": work.owner, "fireEvents": work.fire_events, "items": len(work.items)}


def _jobs(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The account's job settings and jobs with their polls (no tokens, no files)."""
    jobs = args.account(emulator).exports
    return {
        **_settings(jobs),
        "jobs": [
            {
                "requestId": job.request_id,
                "kind": job.kind,
                "started": job.started.isoformat(),
                "readyAt": job.ready_at.isoformat(),
                "pollsNeeded": job.polls_needed,
                "polls": jobs.polls(job),
                "done": jobs.done(job),
                "import": _import(job),
            }
            for job in jobs.jobs
        ],
    }


def _jobs_configure(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Set ``pollsUntilDone`` (int >= 0) and/or ``processingSeconds`` (>= 0) for new jobs."""
    jobs = args.account(emulator).exports
    polls = args.integer("pollsUntilDone", None)
    seconds = args.number("processingSeconds", None)
    if polls is None and seconds is None:
        raise ControlError(TEXT_JOBS_CONFIGURE_NEEDS)
    if polls is not None and polls < 0:
        raise ControlError.field("pollsUntilDone", RULE_ZERO_OR_MORE_PLAIN)
    if seconds is not None and seconds < 0:
        raise ControlError.field("processingSeconds", RULE_ZERO_OR_MORE_PLAIN)
    if polls is not None:
        jobs.polls_until_done = polls
    if seconds is not None:
        jobs.processing_time = timedelta(seconds=seconds)
    return _settings(jobs)


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="jobs", handler=_jobs, read_only=True, keys=("clientId",)),
    ControlOperation(
        name="jobs/configure",
        handler=_jobs_configure,
        keys=("clientId", "pollsUntilDone", "processingSeconds"),
    ),
)
"""This module's operations."""
