"""The exports area in a snapshot: the jobs (exports with their files, imports with
their writes and results), and the settings.

``"exports": {"nextRequestId": 3, "processingSeconds": 90.0, "pollsUntilDone": 1,
"jobs": [job, ...]}``, jobs oldest first::

    {"requestId": "1", "kind": "CONTACT_LIST" | "CONTACT_DATA" | "CONTACT_IMPORT",
     "started": "<instant>", "readyAt": "<instant>", "token": "<its file's secret>",
     "content": "<the file>", "pollsNeeded": 0, "polls": 0}

An import (``contact/batchupsertv2``) has ``content`` ``""`` and an ``import``
(an export has none)::

    {"owner": "<a user>", "fireEvents": true,
     "request": {"upsertDetails": [...], "lang": "pl" | null},
     "results": null | [{"email": "...", "contactId": "..."}
                        | {"field": "contact.email", "rule": "..."}
                        | {"messages": ["..."]}, ...]}

``request`` holds the items as the wire sent them and is read again by the wire's
own reader (an item that cannot be read fails as it did); ``results`` (one per
item, the refusals named as one write names its fields) is ``null`` until a poll
applied the import. Request ids are the account's counter as digits, each below
``nextRequestId``; counts are zero or more.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from .._jsoncodec import decode_json, encode_json
from ..clock import utc_iso
from ..errors import (
    RULE_EXPORT_HAS_NO_IMPORT,
    RULE_IMPORT_REQUEST,
    RULE_IMPORT_RESULT,
    RULE_IMPORT_RESULTS,
    RULE_SOME_TEXT,
    EmulatorError,
    InvalidField,
)
from ..routes._writes import read_batch
from ..state._card import ContactWrite
from ..state.account import Account
from ..state.exports import (
    IMPORT_KIND,
    JOB_KINDS,
    ContactImport,
    ExportJob,
    ExportsArea,
    ImportResult,
)
from ._reader import Fields, Unique, Value
from .users import user

__all__ = ["IMPORT_KEYS", "JOB_KEYS", "KEYS", "RESULT_KEYS", "dump", "load"]

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
    "import",
)
"""The keys of a job."""
IMPORT_KEYS: Final = ("owner", "fireEvents", "request", "results")
"""The keys of a job's ``import``."""
RESULT_KEYS: Final = ("email", "contactId", "field", "rule", "messages")
"""The keys an import's result may have (one of three shapes)."""


def _result(result: ImportResult) -> dict[str, Any]:
    if isinstance(result, InvalidField):
        return {"field": result.field, "rule": result.rule}
    if isinstance(result, EmulatorError):
        return {"messages": list(result.messages)}
    return {"email": result[0], "contactId": result[1]}


def _job_data(area: ExportsArea, job: ExportJob) -> dict[str, Any]:
    data = {
        "requestId": job.request_id,
        "kind": job.kind,
        "started": utc_iso(job.started),
        "readyAt": utc_iso(job.ready_at),
        "token": job.token,
        "content": job.content,
        "pollsNeeded": job.polls_needed,
        "polls": area.polls(job),
    }
    work = job.contact_import
    if work is not None:
        results = area.results(job)
        data["import"] = {
            "owner": work.owner,
            "fireEvents": work.fire_events,
            "request": decode_json(work.request.encode()),
            "results": None if results is None else [_result(r) for r in results],
        }
    return data


def dump(account: Account) -> dict[str, Any]:
    """The settings, the next id and every job with its file and polls so far."""
    area = account.exports
    return {
        "nextRequestId": area.next_request_id,
        "processingSeconds": area.processing_time.total_seconds(),
        "pollsUntilDone": area.polls_until_done,
        "jobs": [_job_data(area, job) for job in area.jobs],
    }


def _request(value: Value) -> tuple[tuple[ContactWrite | EmulatorError, ...], str]:
    """The writes of an import's ``request``, read by the wire's reader, and its text."""
    body = value.json()
    if not isinstance(body, dict):
        value.refuse(RULE_IMPORT_REQUEST)
    try:
        items = read_batch(body)
    except InvalidField as error:
        Value(None, f"{value.path}.{error.field}").refuse(error.rule)
    except EmulatorError as error:
        value.refuse(str(error))
    return tuple(items), encode_json(body)


def _one_result(value: Value) -> ImportResult:
    fields = value.fields("an import result", RESULT_KEYS)
    if fields.has("email"):
        return fields.need("email").email(), fields.need("contactId").text(blank=False)
    if fields.has("field"):
        rule = fields.need("rule").text(blank=False)
        return InvalidField(fields.need("field").text(blank=False), rule)
    if fields.has("messages"):
        texts = [item.text(blank=False) for item in fields.items("messages")]
        if not texts:
            fields.need("messages").refuse(RULE_SOME_TEXT)
        return EmulatorError(texts)
    value.refuse(RULE_IMPORT_RESULT)


def _contact_import(
    account: Account, fields: Fields
) -> tuple[ContactImport, tuple[ImportResult, ...] | None]:
    items, text = _request(fields.need("request"))
    work = ContactImport(
        owner=user(account, fields.need("owner")),
        fire_events=fields.need("fireEvents").boolean(),
        items=items,
        request=text,
    )
    if not fields.has("results"):
        return work, None
    results = fields.need("results")
    done = tuple(_one_result(item) for item in results.items())
    if len(done) != len(items):
        results.refuse(RULE_IMPORT_RESULTS.format(items=len(items), count=len(done)))
    return work, done


def _job(
    account: Account, fields: Fields, ids: Unique
) -> tuple[ExportJob, int, tuple[ImportResult, ...] | None]:
    id_value = fields.need("requestId")
    request_id = id_value.identifier(ids)
    if not (request_id.isascii() and request_id.isdigit()):
        id_value.refuse(f"must be the digits of a request id (got {request_id!r})")
    id_value.stored(request_id, str(int(request_id)))
    started = fields.need("started").instant()
    ready_value = fields.need("readyAt")
    if ready_value.instant() < started:
        ready_value.refuse("must not be before started")
    kind = fields.need("kind").one_of(JOB_KINDS)
    content = fields.need("content").text()
    work, results = None, None
    if kind == IMPORT_KIND:
        fields.need("content").stored(content, "")
        work, results = _contact_import(
            account, fields.need("import").fields("an import", IMPORT_KEYS)
        )
    elif fields.has("import"):
        fields.need("import").refuse(RULE_EXPORT_HAS_NO_IMPORT)
    job = ExportJob(
        request_id=request_id,
        kind=kind,
        started=started,
        ready_at=ready_value.instant(),
        token=fields.need("token").text(blank=False),
        content=content,
        polls_needed=fields.need("pollsNeeded").integer(minimum=0),
        contact_import=work,
    )
    return job, fields.need("polls").integer(minimum=0), results


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
    read = [_job(account, item.fields("a job", JOB_KEYS), ids) for item in fields.items("jobs")]
    last = max((int(job.request_id) for job, _, _ in read), default=0)
    next_id = fields.get("nextRequestId", lambda v: v.integer(minimum=last + 1)) or last + 1
    results = {job.request_id: done for job, _, done in read if done is not None}
    area.restore_saved([(job, polls) for job, polls, _ in read], next_id, results)
