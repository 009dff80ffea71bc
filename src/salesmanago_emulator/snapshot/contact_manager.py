"""The Contact Manager in a snapshot: the name order, saved segments and runs (S15).

``"contact_manager": {"nameOrder": 1, "segments": [...], "runs": [...], "nextRunId": 3}``::

    segment:   {"name": "...", "selection": <selection>, "createdOn": "<instant>"}
    selection: {"segment": "<a segment's name>" | null, "include": [<criterion>, ...],
                "exclude": [<criterion>, ...]}
    criterion: {"type": "tags", "tags": ["VIP"], "match": "any"}     (one per kind, below)
    action:    {"type": "addTags", "tags": ["VIP"], "tagScoring": false}
    run:       {"id": 1, "status": "SCHEDULED" | "DONE" | "CANCELLED" | "FAILED",
                "user": "<a user>",
                "createdOn": "<instant>", "scheduledFor": "<instant>" | null,
                "executedOn": "<instant>" | null, "selection": <selection>,
                "actions": [<action>, ...], "reports": [<report>, ...], "exports": ["<csv>"],
                "error": "<why it FAILED>" | null}
    report:    {"contactId": "...", "email": "...",
                "outcomes": [{"action": "<kind>", "applied": true, "reason": null}, ...]}

A criterion or action is an object with ``type`` (its ``kind``) and one key per field of
its class, spelled in camelCase (``rule_id`` is ``ruleId``): text, true/false, integers,
numbers (``minimum`` of a detail's number range: a JSON number or a decimal string), dates
(``yyyy-MM-dd``), instants (ISO-8601 with an offset), lists of strings, and a nested
selection (``meeting`` of ``runRule``). Each is built by its class, which checks it as the
Python API does; a refusal names the path (``...include[0].tags[1]``). The control API reads
selections and actions with the same functions (`read_selection`, `read_actions`).

A report names its card by id and e-mail as text: a permanently deleted card keeps its
report.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final, TypeVar, cast

import attrs

from ..clock import utc_iso
from ..errors import (
    RULE_CM_NO_OPT_IN,
    RULE_CM_UNKNOWN_KIND,
    RULE_DATE,
    RULE_REQUIRED,
    InvalidField,
)
from ..state.account import Account
from ..state.contact_manager import (
    ACTIONS,
    CRITERIA,
    RUN_STATUSES,
    Action,
    ContactReport,
    Criterion,
    Outcome,
    Run,
    Segment,
    Selection,
)
from ._reader import Fields, SnapshotError, Unique, Value
from .users import user

__all__ = [
    "KEYS",
    "dump",
    "dump_action",
    "dump_run",
    "dump_segment",
    "dump_selection",
    "load",
    "read_actions",
    "read_selection",
]

KEYS: Final = ("nameOrder", "segments", "runs", "nextRunId")
"""The keys of the area's object."""
SEGMENT_KEYS: Final = ("name", "selection", "createdOn")
"""The keys of a saved segment."""
SELECTION_KEYS: Final = ("segment", "include", "exclude")
"""The keys of a selection."""
RUN_KEYS: Final = (
    "id",
    "status",
    "user",
    "createdOn",
    "scheduledFor",
    "executedOn",
    "selection",
    "actions",
    "reports",
    "exports",
    "error",
)
"""The keys of a run."""
REPORT_KEYS: Final = ("contactId", "email", "outcomes")
"""The keys of a run's report on one card."""
OUTCOME_KEYS: Final = ("action", "applied", "reason")
"""The keys of one action's outcome on one card."""
_CRITERIA: Final = {cls.kind: cls for cls in CRITERIA}
_ACTIONS: Final = {cls.kind: cls for cls in ACTIONS}
_T = TypeVar("_T", Criterion, Action)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# --- export --------------------------------------------------------------------------


def _dump_value(value: object) -> object:
    if isinstance(value, Selection):
        return dump_selection(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if hasattr(value, "tzinfo"):  # a datetime
        return utc_iso(value)  # type: ignore[arg-type]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _dump_object(item: Criterion | Action) -> dict[str, Any]:
    data: dict[str, Any] = {"type": item.kind}
    for field in attrs.fields(cast(Any, type(item))):
        data[_camel(field.name)] = _dump_value(getattr(item, field.name))
    return data


def dump_selection(selection: Selection) -> dict[str, Any]:
    """A selection as JSON-ready data (the control API answers with it too)."""
    return {
        "segment": selection.segment,
        "include": [_dump_object(c) for c in selection.include],
        "exclude": [_dump_object(c) for c in selection.exclude],
    }


def dump_action(action: Action) -> dict[str, Any]:
    """An action as JSON-ready data."""
    return _dump_object(action)


def _dump_report(report: ContactReport) -> dict[str, Any]:
    return {
        "contactId": report.contact_id,
        "email": report.email,
        "outcomes": [
            {"action": o.action, "applied": o.applied, "reason": o.reason} for o in report.outcomes
        ],
    }


def dump_run(run: Run, *, reports: bool = True) -> dict[str, Any]:
    """A run as JSON-ready data; without ``reports`` its reports are left out (the
    control API's list of runs)."""
    data = {
        "id": run.id,
        "status": run.status,
        "user": run.user,
        "createdOn": utc_iso(run.created_on),
        "scheduledFor": None if run.scheduled_for is None else utc_iso(run.scheduled_for),
        "executedOn": None if run.executed_on is None else utc_iso(run.executed_on),
        "selection": dump_selection(run.selection),
        "actions": [dump_action(a) for a in run.actions],
        "exports": list(run.exports),
        "error": run.error,
    }
    if reports:
        data["reports"] = [_dump_report(r) for r in run.reports]
    return data


def dump_segment(segment: Segment) -> dict[str, Any]:
    """A saved segment as JSON-ready data (the control API's list of segments too)."""
    return {
        "name": segment.name,
        "selection": dump_selection(segment.selection),
        "createdOn": utc_iso(segment.created_on),
    }


def dump(account: Account) -> dict[str, Any]:
    """The name order, the segments and every run with its reports."""
    area = account.contact_manager
    return {
        "nameOrder": account.name_order,
        "segments": [dump_segment(s) for s in area.segments()],
        "runs": [dump_run(run) for run in area.runs()],
        "nextRunId": area.next_run_id,
    }


# --- import (the control API reads selections and actions with these too) --------------


def _read_date(value: Value) -> date:
    text = value.text()
    try:
        return date.fromisoformat(text)
    except ValueError:
        value.refuse(RULE_DATE.format(value=text))


def _read_number(value: Value) -> Decimal:
    return value.money() if isinstance(value.raw, str) else value.number()


def _read_field(value: Value, kind: str) -> object:
    """``value`` read as the attrs field type ``kind`` (its annotation's text)."""
    kind = kind.removesuffix(" | None")
    if kind == "str":
        return value.text()
    if kind == "bool":
        return value.boolean()
    if kind == "int":
        return value.integer()
    if kind == "Decimal":
        return _read_number(value)
    if kind == "date":
        return _read_date(value)
    if kind == "datetime":
        return value.instant()
    if kind == "Selection":
        return read_selection(value)
    return [item.text() for item in value.items()]  # tuple[str, ...]


def _read_object(value: Value, classes: Mapping[str, type[_T]], shape: str) -> _T:
    raw = value.raw
    if not isinstance(raw, Mapping):
        value.fields(shape, ())  # refused: must be an object
        raise AssertionError  # not reached
    kind_value = Value(raw.get("type"), f"{value.path}.type")
    if raw.get("type") is None:
        kind_value.refuse(RULE_REQUIRED)
    kind = kind_value.text(blank=False)
    if kind == "emailOptIn" and classes is _ACTIONS:
        kind_value.refuse(RULE_CM_NO_OPT_IN)
    cls = classes.get(kind)
    if cls is None:
        kind_value.refuse(RULE_CM_UNKNOWN_KIND.format(choices=", ".join(classes), value=kind))
    names: dict[str, Any] = {_camel(f.name): f for f in attrs.fields(cast(Any, cls))}
    fields = value.fields(f"a {kind} {shape.split()[-1]}", ("type", *names))
    kwargs = {}
    for key, field in names.items():
        if fields.has(key):
            kwargs[field.name] = _read_field(fields.need(key), str(field.type))
        elif field.default is attrs.NOTHING:
            fields.need(key)  # refused as required
    try:
        return cls(**kwargs)
    except InvalidField as err:
        raise SnapshotError(fields.at(err.field), err.rule) from None


def read_selection(value: Value) -> Selection:
    """A selection from ``value``; every refusal names its path."""
    fields = value.fields("a selection", SELECTION_KEYS)
    segment = fields.get("segment", lambda v: v.text(blank=False))
    include = [_read_object(i, _CRITERIA, "a criterion") for i in fields.items("include")]
    exclude = [_read_object(i, _CRITERIA, "a criterion") for i in fields.items("exclude")]
    return Selection(segment=segment, include=tuple(include), exclude=tuple(exclude))


def read_actions(value: Value) -> list[Action]:
    """The list of actions at ``value``; every refusal names its path."""
    return [_read_object(item, _ACTIONS, "an action") for item in value.items()]


def _segment(fields: Fields) -> Segment:
    return Segment(
        name=fields.need("name").text(blank=False),
        selection=read_selection(fields.need("selection")),
        created_on=fields.need("createdOn").instant(),
    )


def _outcome(fields: Fields, kinds: list[str]) -> Outcome:
    applied = fields.need("applied").boolean()
    reason = None if applied else fields.need("reason").text(blank=False)
    if applied and fields.has("reason"):
        Value(fields.data["reason"], fields.at("reason")).stored(fields.data["reason"], None)
    return Outcome(fields.need("action").one_of(kinds), applied, reason)


def _report(fields: Fields, kinds: list[str]) -> ContactReport:
    return ContactReport(
        contact_id=fields.need("contactId").text(blank=False),
        email=fields.need("email").text(blank=False),
        outcomes=tuple(
            _outcome(i.fields("an outcome", OUTCOME_KEYS), kinds) for i in fields.items("outcomes")
        ),
    )


def _run(account: Account, fields: Fields, ids: Unique) -> Run:
    id_value = fields.need("id")
    run_id = id_value.integer(minimum=1)
    ids.add(id_value, run_id)
    actions = read_actions(fields.need("actions"))
    kinds = [a.kind for a in actions]
    return Run(
        id=run_id,
        status=fields.need("status").one_of(RUN_STATUSES),
        user=user(account, fields.need("user")),
        created_on=fields.need("createdOn").instant(),
        scheduled_for=fields.get("scheduledFor", Value.instant),
        executed_on=fields.get("executedOn", Value.instant),
        selection=read_selection(fields.need("selection")),
        actions=tuple(actions),
        reports=tuple(
            _report(i.fields("a report", REPORT_KEYS), kinds) for i in fields.items("reports")
        ),
        exports=tuple(i.text() for i in fields.items("exports")),
        error=fields.get("error", lambda v: v.text(blank=False)),
    )


def load(account: Account, value: Value) -> None:
    """Put back the name order, segments and runs of ``value``."""
    fields = value.fields("the contact manager area", KEYS)
    if fields.has("nameOrder"):
        account.name_order = fields.need("nameOrder").integer(minimum=1, maximum=2)
    names = Unique()
    segments = []
    for item in fields.items("segments"):
        segment_fields = item.fields("a segment", SEGMENT_KEYS)
        segment = _segment(segment_fields)
        names.add(segment_fields.need("name"), segment.name.casefold())
        segments.append(segment)
    ids = Unique()
    runs = [_run(account, i.fields("a run", RUN_KEYS), ids) for i in fields.items("runs")]
    last = max((r.id for r in runs), default=0)
    next_id = fields.get("nextRunId", lambda v: v.integer(minimum=last + 1)) or last + 1
    account.contact_manager.restore_saved(segments, runs, next_id)
