"""Exports: the asynchronous ``paginatedContactList/export`` and ``contact/export/data``
jobs (protocol §6).

Each export starts a job (``requestId``), polls ``/api/job/status`` until the
job's ``fileUrl`` is there, and downloads the file with the client's own HTTP
client; the polling waits back off from ``poll_interval`` and give up with
[`ExportTimeoutError`][salesmanago.errors.ExportTimeoutError] after ``deadline`` seconds.
The job logic lives in `salesmanago._jobs`; these classes only send.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import IO, Any, Final

import attrs

from .. import _converter
from .._calls import Call, Endpoint
from .._export_files import export_to
from .._jobs import (
    DEFAULT_DEADLINE,
    DEFAULT_POLL_INTERVAL,
    Job,
    JobPage,
    check_timing,
    job_status_call,
    read_request_id,
)
from .._options import RequestOptions, Unpack
from .._validation import check_positive
from ..errors import ValidationError
from ..models.common import Addressee, AddresseeType
from ..models.exports import ExportDataType, ExportedContact, ExportFile, JobStatus
from ._base import AsyncAPIResource, SyncAPIResource
from ._keys import addressee_list

__all__ = ["AsyncExports", "Exports"]

CONTACT_LIST_EXPORT: Final = Endpoint("/api/contact/paginatedContactList/export", idempotent=True)
DATA_EXPORT: Final = Endpoint("/api/contact/export/data", idempotent=True)

#: Largest page of ``paginatedContactList/export`` (protocol §3.4).
EXPORT_PAGE_MAX: Final = 1000
#: The number of the first export page.
FIRST_EXPORT_PAGE: Final = 0
#: The export API spells addressee types in lower case (protocol §5.4).
_EXPORT_TYPES: Final = {
    AddresseeType.EMAIL: "email",
    AddresseeType.CONTACT_ID: "contact_id",
    AddresseeType.TAG: "tag",
}


# request building ----------------------------------------------------------------


def read_contacts_file(content: bytes) -> list[ExportedContact]:
    """The contacts of an export file: JSON ``{"contacts": [...]}``."""
    try:
        document = _converter.loads(content)
    except ValueError as exc:
        raise ValueError(f"export file: not JSON: {exc}") from exc
    if not isinstance(document, Mapping):
        raise TypeError("export file: expected a JSON object with 'contacts'")
    items = document.get("contacts") or []
    if not isinstance(items, list):
        raise TypeError("export file: 'contacts' is not a list")
    out = []
    for item in items:
        if not isinstance(item, Mapping):
            raise TypeError(f"export file: expected contact objects, got {item!r:.80}")
        known = {k: v for k, v in item.items() if k != "raw"}
        contact = _converter.structure(known, ExportedContact)
        out.append(attrs.evolve(contact, raw=dict(item)))
    return out


def _identity(contact: ExportedContact) -> str | None:
    if contact.contact_id:
        return contact.contact_id
    return contact.email.strip().lower() if contact.email else None


def contacts_page_job(
    page_size: int, page: int, deadline: float, poll_interval: float, seen: set[str]
) -> Job[JobPage[ExportedContact]]:
    """The export job of one page, linked to the next.

    A page with fewer than ``page_size`` contacts is the last. Contacts seen on an
    earlier page are skipped (``seen`` is shared by the pages of one export), so
    a platform counting pages from 1 and answering page 0 like page 1 yields no
    contact twice.
    """
    body = {"page": page, "size": page_size}
    start = Call(CONTACT_LIST_EXPORT, body, read_request_id)

    def read(file: ExportFile) -> JobPage[ExportedContact]:
        contacts = read_contacts_file(file.content)
        fresh = []
        for contact in contacts:
            key = _identity(contact)
            if key is not None and key in seen:
                continue
            if key is not None:
                seen.add(key)
            fresh.append(contact)
        following = (
            contacts_page_job(page_size, page + 1, deadline, poll_interval, seen)
            if len(contacts) >= page_size
            else None
        )
        return JobPage(items=fresh, next=following)

    return Job(start, read, deadline=deadline, poll_interval=poll_interval)


def contacts_export_job(
    page_size: int, first_page: int, deadline: float, poll_interval: float
) -> Job[JobPage[ExportedContact]]:
    """The first page's job of an export of every contact, checked first."""
    check_positive(page_size, "size")
    if page_size > EXPORT_PAGE_MAX:
        raise ValidationError("size", f"must be at most {EXPORT_PAGE_MAX} (got {page_size})")
    if first_page < 0:
        raise ValidationError("page", f"must be 0 or more (got {first_page})")
    check_timing(deadline, poll_interval)
    return contacts_page_job(page_size, first_page, deadline, poll_interval, set())


def _data_types(data: Sequence[ExportDataType]) -> list[dict[str, str]]:
    if isinstance(data, str) or not data:
        raise ValidationError("data", "must be a non-empty list of ExportDataType")
    out = []
    for index, item in enumerate(data):
        try:
            kind = ExportDataType(item)
        except ValueError:
            raise ValidationError(f"data[{index}].dataType", f"unknown type {item!r}") from None
        out.append({"dataType": kind.value})
    return out


def _file(file: ExportFile) -> ExportFile:
    return file


def contact_data_job(
    contacts: Sequence[str | Addressee],
    data: Sequence[ExportDataType],
    deadline: float,
    poll_interval: float,
) -> Job[ExportFile]:
    """The ``contact/export/data`` job: the chosen data of the chosen contacts."""
    check_timing(deadline, poll_interval)
    body: dict[str, Any] = {
        "contacts": addressee_list(contacts, _EXPORT_TYPES, "must be EMAIL, CONTACT_ID or TAG"),
        "data": _data_types(data),
    }
    start = Call(DATA_EXPORT, body, read_request_id)
    return Job(start, _file, deadline=deadline, poll_interval=poll_interval)


def status_call(request_id: str | int) -> Call[JobStatus]:
    """One look at a job's status."""
    if isinstance(request_id, bool) or not isinstance(request_id, (str, int)):
        raise ValidationError("requestId", "must be a string or an integer")
    if not str(request_id).strip():
        raise ValidationError("requestId", "must not be empty")
    return job_status_call(str(request_id).strip())


# resources -----------------------------------------------------------------------


class Exports(SyncAPIResource):
    """Asynchronous exports of the account's contacts (protocol §6)."""

    def contacts(
        self,
        page_size: int = EXPORT_PAGE_MAX,
        *,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        first_page: int = FIRST_EXPORT_PAGE,
        **options: Unpack[RequestOptions],
    ) -> Iterator[ExportedContact]:
        """Every contact of the account, one export job per page of ``page_size``
        (≤ 1000). Each job is polled (waits from ``poll_interval`` backing off) until
        its file is ready, then downloaded; a job still running after ``deadline``
        seconds raises ExportTimeoutError naming its requestId. Pages are fetched as
        the iterator is consumed; a contact is yielded once."""
        return self._with(options)._iterate_jobs(
            contacts_export_job(page_size, first_page, deadline, poll_interval)
        )

    def contact_data(
        self,
        contacts: Sequence[str | Addressee],
        data: Sequence[ExportDataType],
        *,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> ExportFile:
        """Export the chosen ``data`` of ``contacts`` (e-mails, or EMAIL / CONTACT_ID /
        TAG addressees) and return the downloaded file (its format is not documented:
        [`ExportFile.json`][salesmanago.models.exports.ExportFile.json] reads a JSON file)."""
        return self._with(options)._run_job(
            contact_data_job(contacts, data, deadline, poll_interval)
        )

    def to_file(
        self,
        destination: str | os.PathLike[str] | IO[str],
        *,
        format: str = "jsonl",
        page_size: int = EXPORT_PAGE_MAX,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        progress: Callable[[int], None] | None = None,
        **options: Unpack[RequestOptions],
    ) -> int:
        """Export every contact (like [`contacts`][salesmanago.resources.exports.Exports.contacts])
        to ``destination`` (a path, or a text stream) as ``csv`` or ``jsonl``, streamed: each page
        is written as it arrives, so memory does not grow with the account. A path is written as
        ``<name>.part`` and renamed when the export is done. ``progress`` gets the
        number of contacts written after each page. Returns that number."""
        client = self._with(options)
        pages = contacts_export_job(page_size, FIRST_EXPORT_PAGE, deadline, poll_interval)
        with export_to(destination, format, page_size, progress) as writer:
            for contact in client._iterate_jobs(pages):
                writer.write(contact)
        return writer.count

    def status(self, request_id: str | int, **options: Unpack[RequestOptions]) -> JobStatus:
        """The status of any asynchronous job, by its requestId (one poll)."""
        return self._with(options)._execute(status_call(request_id))


class AsyncExports(AsyncAPIResource):
    """Asynchronous exports of the account's contacts (protocol §6)."""

    def contacts(
        self,
        page_size: int = EXPORT_PAGE_MAX,
        *,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        first_page: int = FIRST_EXPORT_PAGE,
        **options: Unpack[RequestOptions],
    ) -> AsyncIterator[ExportedContact]:
        """Every contact of the account, one export job per page of ``page_size``
        (≤ 1000). Each job is polled (waits from ``poll_interval`` backing off) until
        its file is ready, then downloaded; a job still running after ``deadline``
        seconds raises ExportTimeoutError naming its requestId. Pages are fetched as
        the iterator is consumed; a contact is yielded once."""
        return self._with(options)._iterate_jobs(
            contacts_export_job(page_size, first_page, deadline, poll_interval)
        )

    async def contact_data(
        self,
        contacts: Sequence[str | Addressee],
        data: Sequence[ExportDataType],
        *,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> ExportFile:
        """Export the chosen ``data`` of ``contacts`` (e-mails, or EMAIL / CONTACT_ID /
        TAG addressees) and return the downloaded file (its format is not documented:
        [`ExportFile.json`][salesmanago.models.exports.ExportFile.json] reads a JSON file)."""
        return await self._with(options)._run_job(
            contact_data_job(contacts, data, deadline, poll_interval)
        )

    async def to_file(
        self,
        destination: str | os.PathLike[str] | IO[str],
        *,
        format: str = "jsonl",
        page_size: int = EXPORT_PAGE_MAX,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        progress: Callable[[int], None] | None = None,
        **options: Unpack[RequestOptions],
    ) -> int:
        """Like [`Exports.to_file`][salesmanago.resources.exports.Exports.to_file]: every contact to
        ``destination`` as ``csv`` or ``jsonl``, streamed page by page; returns the number
        written."""
        client = self._with(options)
        pages = contacts_export_job(page_size, FIRST_EXPORT_PAGE, deadline, poll_interval)
        with export_to(destination, format, page_size, progress) as writer:
            async for contact in client._iterate_jobs(pages):
                writer.write(contact)
        return writer.count

    async def status(self, request_id: str | int, **options: Unpack[RequestOptions]) -> JobStatus:
        """The status of any asynchronous job, by its requestId (one poll)."""
        return await self._with(options)._execute(status_call(request_id))
