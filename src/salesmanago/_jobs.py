"""Asynchronous platform jobs described without I/O (protocol §6, ``/api/job/status``).

An export (or a ``batchupsertv2`` import) starts with a call that answers a
``requestId``; ``/api/job/status`` then answers progress texts until the job's
file is ready (``fileUrl``), and the file is downloaded with a plain GET. A
`Job` says how to start it and how to read its file; the decisions
(next poll delay, deadline, reading the status, resolving the file's URL) are
the functions here. The sync and async clients only send, sleep and download.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final, Generic, TypeVar

import attrs
import httpx

from ._calls import Call, Endpoint, Envelope
from .errors import ExportTimeoutError, ValidationError
from .models.exports import ExportFile, JobStatus

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_POLL_INTERVAL",
    "JOB_STATUS",
    "Job",
    "JobPage",
    "download_call",
    "job_status_call",
    "next_poll_delay",
    "read_request_id",
    "resolve_file_url",
]

T = TypeVar("T")

JOB_STATUS: Final = Endpoint("/api/job/status", idempotent=True)

#: Seconds an export may take before
#: [`ExportTimeoutError`][salesmanago.errors.ExportTimeoutError] (default).
DEFAULT_DEADLINE: Final = 300.0
#: Seconds before the first status poll (default); later polls back off.
DEFAULT_POLL_INTERVAL: Final = 2.0
#: Each poll waits this many times longer than the previous one ...
POLL_BACKOFF: Final = 1.5
#: ... but never longer than this many seconds.
MAX_POLL_INTERVAL: Final = 30.0


@attrs.frozen
class Job(Generic[T]):
    """One asynchronous job: the call that starts it and how to read its file.

    Attributes:
        start: the call answering the job's ``requestId``.
        read: turns the downloaded file into the job's result.
        deadline: seconds from the start until
            [`ExportTimeoutError`][salesmanago.errors.ExportTimeoutError].
        poll_interval: seconds before the first status poll.
        kind: what the job is, for errors (``export``, ``import``).
    """

    start: Call[str]
    read: Callable[[ExportFile], T]
    deadline: float = DEFAULT_DEADLINE
    poll_interval: float = DEFAULT_POLL_INTERVAL
    kind: str = "export"


@attrs.frozen
class JobPage(Generic[T]):
    """The items of one job of a paged export and the job for the next page."""

    items: Sequence[T]
    next: Job[JobPage[T]] | None


def check_timing(deadline: float, poll_interval: float) -> None:
    """Both must be positive numbers of seconds."""
    if not deadline > 0:
        raise ValidationError("deadline", f"must be a positive number of seconds (got {deadline})")
    if not poll_interval > 0:
        raise ValidationError(
            "poll_interval", f"must be a positive number of seconds (got {poll_interval})"
        )


def read_request_id(envelope: Envelope) -> str:
    """The ``requestId`` of a job-starting answer: a string or a number, exposed as str."""
    value = envelope.get("requestId")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError("requestId: expected a string or an integer")
    text = str(value).strip()
    if not text:
        raise ValueError("requestId: expected a non-empty id")
    return text


def job_status_call(request_id: str) -> Call[JobStatus]:
    """One poll of ``/api/job/status``: running (messages) or done (``fileUrl``)."""

    def parse(envelope: Envelope) -> JobStatus:
        raw = envelope.get("message")
        messages = tuple(str(m) for m in raw) if isinstance(raw, list) else ()
        url = envelope.get("fileUrl")
        if url is None or url == "":
            return JobStatus(request_id=request_id, messages=messages)
        if not isinstance(url, str):
            raise TypeError("fileUrl: expected a string")
        _check_file_url(url)
        return JobStatus(request_id=request_id, file_url=url, messages=messages)

    return Call(JOB_STATUS, {"requestId": request_id}, parse)


def _check_file_url(url: str) -> None:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"fileUrl: not a URL: {exc}") from exc
    if parsed.is_relative_url:
        if not url.startswith("/"):
            raise ValueError(f"fileUrl: expected an absolute URL or path, got {url!r}")
    elif parsed.scheme not in ("http", "https"):
        raise ValueError(f"fileUrl: expected an http(s) URL, got scheme {parsed.scheme!r}")


def resolve_file_url(base_url: str, file_url: str) -> str:
    """The file's absolute URL: a path is taken relative to the account's endpoint."""
    return base_url + file_url if file_url.startswith("/") else file_url


def next_poll_delay(job: Job[Any], status: JobStatus, attempt: int, elapsed: float) -> float:
    """Seconds to wait before poll number ``attempt + 2``, or ExportTimeoutError.

    The waits grow by `POLL_BACKOFF` from ``job.poll_interval`` up to
    `MAX_POLL_INTERVAL`, and the last one is cut so that one final poll
    happens right at the deadline. ``elapsed`` is the time since the job was
    started (the larger of the wall-clock time and the time slept, so that an
    injected sleep that returns at once still reaches the deadline).
    """
    remaining = job.deadline - elapsed
    if remaining <= 0:
        raise ExportTimeoutError(status.request_id, job.deadline, status.messages, kind=job.kind)
    delay = min(job.poll_interval * POLL_BACKOFF**attempt, MAX_POLL_INTERVAL)
    return float(min(delay, remaining))


def download_call(url: str) -> Call[None]:
    """A stand-in call naming a file download, for the retry decisions and errors.

    The GET is idempotent; the name drops the query (it may hold a signed token).
    """
    name = str(httpx.URL(url).copy_with(query=None, fragment=None))
    endpoint = Endpoint(name, idempotent=True, send_owner=False, signed=False, method="GET")
    return Call(endpoint, {}, lambda _: None)
