"""Exports: ``paginatedContactList/export``, ``contact/export/data``, ``job/status`` and
the job files themselves (protocol §6, §13.18; semantics S1.2, S3.1).

An export answers a ``requestId`` at once; its file is rendered at the request
(live contacts only: soft-deleted ones are left out, S3.1) and kept by the
account's [`ExportsArea`][salesmanago_emulator.state.exports.ExportsArea]. ``job/status``
counts each poll and answers a progress text until the job is done (its
processing time passed and more than ``polls_until_done`` polls), then
``fileUrl``: a path below the account's endpoint,
``/api/job/file/<clientId>/<requestId>/<token>``, which the router serves
to a plain ``GET`` (`serve_file`) — the only ``GET`` the emulator answers.

An import job (``contact/batchupsertv2``, in the contacts routes) answers
``job/status`` the same way, with its own progress text; its file is
``{"contactIds": {email: id}, "failures": {"<index>": [texts]}}``, drawn from
the job's result as a batch upsert's answer is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from .._jsoncodec import decode_json, encode_json
from ..errors import (
    RULE_NOT_EMPTY,
    RULE_ONE_OF,
    RULE_STRING_OR_NUMBER,
    TEXT_FILE_NOT_FOUND,
    TEXT_IMPORT_RUNNING,
    TEXT_JOB_RUNNING,
    InvalidField,
)
from ..state._card import ContactRecord
from ..state.exports import ExportJob, ImportResult, JobKind
from ._base import RequestContext, RouteTable
from ._parse import (
    Body,
    item_prefix,
    req_addressees,
    req_int,
    req_list,
    req_str,
    to_ms,
)
from ._shapes import CARD_LISTS, full_contact
from ._writes import batch_outcome

if TYPE_CHECKING:
    from ..state.account import Account

__all__ = [
    "DATA_TYPES",
    "EXPORT_PAGE_LIMIT",
    "FILE_PATH_PREFIX",
    "file_url",
    "import_file",
    "serve_file",
    "table",
]

table: Final = RouteTable("exports")
"""The routes of this module."""

EXPORT_PAGE_LIMIT: Final = 1000
"""Largest ``size`` of ``paginatedContactList/export`` (protocol §3.4, §11 item 6)."""
FILE_PATH_PREFIX: Final = "/api/job/file/"
"""Where export files are served (grade D): ``<prefix><clientId>/<requestId>/<token>``."""

_ADDRESSEE_KINDS: Final = {"email": "EMAIL", "contact_id": "CONTACT_ID", "tag": "TAG"}
"""Wire spelling (lower case, protocol §5.4; upper case accepted too) -> state kind."""

_LIST_KEYS: Final = frozenset(CARD_LISTS) | {
    "contactTags",
    "properties",
    "dictionaryProperties",
    "consents",
}
DATA_TYPES: Final[Mapping[str, tuple[str, ...]]] = {
    "CONTACT": (),
    "TAG": ("contactTags",),
    "EXT_EVENT": ("contactExtEvents", "contactEvents"),
    "VISITS": ("contactVisits",),
    "EMAILS": ("emailMessages", "incomingEmailMessages"),
    "FUNNELS": ("contactFunnels",),
    "NOTES": ("contactNotes",),
    "TASKS": ("contactTasks",),
    "COUPONS": ("coupons",),
    "SMS": ("smsMessages",),
    "CONSENTS": ("consents",),
    "PROPERTIES": ("properties",),
    "DICTIONARY_PROPERTIES": ("dictionaryProperties",),
}
"""``data[].dataType`` -> the lists of the full contact shape (protocol §5.3) it adds.

``CONTACT`` adds the card's own fields; each exported contact always has
``id`` and ``email`` (grade D: the file's format is not documented).
"""


# --- paginatedContactList/export ---------------------------------------------------


def _listed_contact(record: ContactRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "email": record.email,
        "exists": True,
        "name": record.name,
        "phone": record.phone,
        "country": record.country,
        "company": record.company,
        "externalId": record.external_id,
        "state": record.state,
        "createdOn": to_ms(record.created_on),
        "modifiedOn": to_ms(record.modified_on),
    }


def _start(ctx: RequestContext, kind: JobKind, document: object) -> dict[str, Any]:
    job = ctx.account.exports.start(kind, encode_json(document))
    return {"requestId": job.request_id}


@table.route("/api/contact/paginatedContactList/export", accepts_user=True)
def contact_list_export(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Start an export of page ``page`` (from 0) of ``size`` (<= 1000) live contacts."""
    page = req_int(body, "page", minimum=0)
    size = req_int(body, "size", minimum=1, maximum=EXPORT_PAGE_LIMIT)
    records = ctx.account.exports.contacts_page(page, size)
    return _start(ctx, "CONTACT_LIST", {"contacts": [_listed_contact(r) for r in records]})


# --- contact/export/data -------------------------------------------------------------


def _data_types(body: Body) -> list[str]:
    items = req_list(body, "data")
    if not items:
        raise InvalidField("data", RULE_NOT_EMPTY)
    kinds: dict[str, None] = {}
    for index, item in enumerate(items):
        prefix = item_prefix("", "data", index)
        kind = req_str(item, "dataType", prefix).strip().upper()
        if kind not in DATA_TYPES:
            raise InvalidField(
                prefix + "dataType", RULE_ONE_OF.format(choices=", ".join(DATA_TYPES))
            )
        kinds[kind] = None
    return list(kinds)


def _consents(record: ContactRecord) -> list[dict[str, Any]]:
    return [
        {
            "consentName": name,
            "status": state.status,
            "date": to_ms(state.date),
            "ip": state.ip,
            "consentDescriptionId": state.description_id,
        }
        for name, state in record.consents.items()
    ]


def _data_contact(account: Account, record: ContactRecord, kinds: list[str]) -> dict[str, Any]:
    full = full_contact(account, record)
    full["consents"] = _consents(record)
    wanted = {key for kind in kinds for key in DATA_TYPES[kind]}
    out: dict[str, Any] = {"id": record.id, "email": record.email}
    for key, value in full.items():
        is_list = key in _LIST_KEYS
        if (is_list and key in wanted) or (not is_list and "CONTACT" in kinds):
            out[key] = value
    return out


@table.route("/api/contact/export/data", accepts_user=True)
def contact_data_export(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Start an export of the ``data`` types of the live ``contacts`` (e-mail, id or tag)."""
    addressees = req_addressees(body, _ADDRESSEE_KINDS)
    kinds = _data_types(body)
    records = ctx.account.exports.select(addressees)
    document = {"contacts": [_data_contact(ctx.account, r, kinds) for r in records]}
    return _start(ctx, "CONTACT_DATA", document)


# --- job/status and the files ------------------------------------------------------


def _request_id(body: Body) -> str:
    value = body.get("requestId")
    if value is None:
        return req_str(body, "requestId")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidField("requestId", RULE_STRING_OR_NUMBER)
    text = str(value).strip()
    if not text:
        raise InvalidField("requestId", RULE_NOT_EMPTY)
    return text


def file_url(client_id: str, request_id: str, token: str) -> str:
    """The path of a job's file (relative to the account's endpoint)."""
    return f"{FILE_PATH_PREFIX}{client_id}/{request_id}/{token}"


@table.route("/api/job/status", accepts_user=True)
def job_status(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """A job of this account: ``message`` says it runs, or ``fileUrl`` names its file."""
    jobs = ctx.account.exports
    job = jobs.job(_request_id(body))
    if not jobs.poll(job):  # counts the poll (ExportsArea.polls_until_done); may apply an import
        running = TEXT_JOB_RUNNING if job.contact_import is None else TEXT_IMPORT_RUNNING
        return {"success": True, "message": [running.format(request_id=job.request_id)]}
    return {"fileUrl": file_url(ctx.account.client_id, job.request_id, job.token)}


def import_file(results: Sequence[ImportResult]) -> dict[str, Any]:
    """A done import's file: ``contactIds`` and ``failures`` (index -> texts), each
    failure named under its item as ``batchupsert`` names it."""
    contact_ids, failures = batch_outcome(results)
    return {
        "contactIds": contact_ids,
        "failures": {str(index): list(error.messages) for index, error in failures},
    }


def _document(account: Account, job: ExportJob) -> dict[str, Any]:
    results = account.exports.results(job)
    if results is not None:
        return import_file(results)
    document: dict[str, Any] = decode_json(job.content.encode())
    return document


def serve_file(accounts: Mapping[str, Account], path: str) -> tuple[int, None, dict[str, Any]]:
    """Answer a ``GET`` of ``path`` (below `FILE_PATH_PREFIX`): the file's JSON
    document, or HTTP 404 when no done job of that account has that token."""
    parts = path[len(FILE_PATH_PREFIX) :].split("/")
    if len(parts) == 3:
        client_id, request_id, token = parts
        account = accounts.get(client_id)
        job = account.exports.ready(request_id, token) if account is not None else None
        if account is not None and job is not None:
            return 200, None, _document(account, job)
    return 404, None, {"success": False, "message": [TEXT_FILE_NOT_FOUND]}
