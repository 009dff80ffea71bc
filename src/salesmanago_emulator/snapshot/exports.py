"""The exports area in a snapshot: the export jobs with their files, and the settings.

``"exports": {"nextRequestId": 3, "processingSeconds": 90.0, "pollsUntilDone": 1,
"jobs": [job, ...]}``, jobs oldest first::

    {"requestId": "1", "kind": "CONTACT_LIST" | "CONTACT_DATA",
     "started": "<instant>", "readyAt": "<instant>", "token": "<its file's secret>",
     "content": "<the file>", "pollsNeeded": 0, "polls": 0}

Request ids are the account's counter as digits, each below
``nextRequestId``; counts are zero or more.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from ..clock import utc_iso
from ..state.account import Account
from ..state.exports import JOB_KINDS, ExportJob
from ._reader import Fields, Unique, Value

__all__ = ["JOB_KEYS", "KEYS", "dump", "load"]

KEYS: Final = ("nextRequestId", "processingSeconds", "pollsUntilDone", "jobs")
"""The keys of the area's object."""
JOB_KEYS: Final = (
    "requestId",
    "kind",
    "started",
    "readyAt",
    "token",
    "content",
    "pollsNeeded",
    "polls",
)
"""The keys of a job."""


def dump(account: Account) -> dict[str, Any]:
    """The settings, the next id and every job with its file and polls so far."""
    area = account.exports
    return {
        "nextRequestId": area.next_request_id,
        "processingSeconds": area.processing_time.total_seconds(),
        "pollsUntilDone": area.polls_until_done,
        "jobs": [
            {
                "requestId": job.request_id,
                "kind": job.kind,
                "started": utc_iso(job.started),
                "readyAt": utc_iso(job.ready_at),
                "token": job.token,
                "content": job.content,
                "pollsNeeded": job.polls_needed,
                "polls": area.polls(job),
            }
            for job in area.jobs
        ],
    }


def _job(fields: Fields, ids: Unique) -> tuple[ExportJob, int]:
    id_value = fields.need("requestId")
    request_id = id_value.identifier(ids)
    if not (request_id.isascii() and request_id.isdigit()):
        id_value.refuse(f"must be the digits of a request id (got {request_id!r})")
    id_value.stored(request_id, str(int(request_id)))
    started = fields.need("started").instant()
    ready_value = fields.need("readyAt")
    if ready_value.instant() < started:
        ready_value.refuse("must not be before started")
    job = ExportJob(
        request_id=request_id,
        kind=fields.need("kind").one_of(JOB_KINDS),
        started=started,
        ready_at=ready_value.instant(),
        token=fields.need("token").text(blank=False),
        content=fields.need("content").text(),
        polls_needed=fields.need("pollsNeeded").integer(minimum=0),
    )
    return job, fields.need("polls").integer(minimum=0)


def _processing(value: Value) -> timedelta:
    seconds = value.number(minimum=0)
    try:
        return timedelta(seconds=float(seconds))
    except OverflowError:
        value.refuse(f"must be at most {timedelta.max.total_seconds():.0f} seconds")


def load(account: Account, value: Value) -> None:
    """Put back the settings and jobs of ``value`` in ``account``."""
    fields = value.fields("the exports area", KEYS)
    area = account.exports
    if fields.has("processingSeconds"):
        area.processing_time = _processing(fields.need("processingSeconds"))
    if fields.has("pollsUntilDone"):
        area.polls_until_done = fields.need("pollsUntilDone").integer(minimum=0)
    ids = Unique()
    jobs = [_job(item.fields("a job", JOB_KEYS), ids) for item in fields.items("jobs")]
    last = max((int(job.request_id) for job, _ in jobs), default=0)
    next_id = fields.get("nextRequestId", lambda v: v.integer(minimum=last + 1)) or last + 1
    area.restore_saved(jobs, next_id)
