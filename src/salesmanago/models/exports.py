"""Export models: asynchronous jobs, their status and their files (protocol §6)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

import attrs

from .. import _converter
from .._converter import wire

__all__ = ["ExportDataType", "ExportFile", "ExportedContact", "JobStatus"]


class ExportDataType(str, Enum):
    """What ``contact/export/data`` puts in its file (``data[].dataType``, protocol §6)."""

    CONTACT = "CONTACT"
    TAG = "TAG"
    EXT_EVENT = "EXT_EVENT"
    VISITS = "VISITS"
    EMAILS = "EMAILS"
    FUNNELS = "FUNNELS"
    NOTES = "NOTES"
    TASKS = "TASKS"
    COUPONS = "COUPONS"
    SMS = "SMS"
    CONSENTS = "CONSENTS"
    PROPERTIES = "PROPERTIES"
    DICTIONARY_PROPERTIES = "DICTIONARY_PROPERTIES"


@attrs.frozen(kw_only=True)
class JobStatus:
    """One answer of ``/api/job/status``.

    Attributes:
        request_id: the job's id, always a string (protocol §13.18).
        file_url: the finished job's file, or ``None`` while it runs.
        messages: the platform's progress texts while it runs.
    """

    request_id: str
    file_url: str | None = None
    messages: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        """Whether the job's file is ready."""
        return self.file_url is not None


@attrs.frozen(kw_only=True)
class ExportFile:
    """The file a finished export job produced, as downloaded.

    Attributes:
        request_id: the job's id.
        url: where the file was downloaded from.
        content: the file's bytes, unchanged.
    """

    request_id: str
    url: str
    content: bytes = attrs.field(repr=lambda c: f"<{len(c)} bytes>")

    def json(self) -> Any:
        """The file read as JSON (fractions as Decimal)."""
        return _converter.loads(self.content)


@attrs.frozen(kw_only=True)
class ExportedContact:
    """One contact of a ``paginatedContactList/export`` file.

    The file's items are documented only by example (``email``, ``exists``,
    ``id``, ``name``, ``country``, ``phone`` …), so every field is optional and
    [`raw`][salesmanago.models.exports.ExportedContact.raw] keeps the whole item.
    """

    contact_id: str | None = attrs.field(default=None, metadata=wire(name="id"))
    email: str | None = None
    exists: bool | None = None
    name: str | None = None
    phone: str | None = None
    country: str | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
