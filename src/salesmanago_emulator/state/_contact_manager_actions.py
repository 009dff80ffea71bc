"""The Contact Manager's actions (S15.3), each a frozen value calling the areas' own methods.

An action is checked when built (refusals name its field: ``tags``, ``text`` ...) and
against the account before a run touches any card (`Action.prepare`: a user, a funnel, a
rule that must exist). It then runs over every selected card at once
(`Action.apply_all`) and answers, per card, ``None`` (applied) or the reason it was
skipped (one of the ``SKIP_*`` values). Every change goes through the area that owns the
rule (`OptInArea.opt_out`, `TagsArea.manage`, `UsersArea.remove_owner`, ...), so
its checks, its observers (callbacks, companies' sums, workflow firing) and its history
apply as they do for one card. Opt-in/out history entries are recorded with source
``MANAGE`` (S10.2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from ..errors import (
    RULE_CM_NOT_CRITERION,
    RULE_CM_STATE,
    RULE_INTEGER,
    RULE_MIN,
    RULE_NAMES_NO,
    RULE_ONE_OF,
    RULE_REQUIRED,
    RULE_STRING,
    EmulatorError,
    InvalidField,
    RuleNotFound,
)
from ._card import OWNER_LEVELS, ContactRecord
from ._contact_manager_selection import STATUSES, Selection
from ._gender import detect_gender
from ._normalize import check_text, normalize_tags
from .callbacks import check_url
from .funnels import funnel_key
from .notes import MAX_NOTE

if TYPE_CHECKING:
    from .contacts import ContactsArea
    from .coupons import CouponsArea
    from .funnels import FunnelsArea
    from .notes import NotesArea
    from .optin import OptInArea
    from .rules import RulesArea
    from .scoring import ScoringArea
    from .tags import TagsArea
    from .users import UsersArea

__all__ = [
    "ACTIONS",
    "Action",
    "ActionContext",
    "AddNote",
    "AddOwner",
    "AddTags",
    "AddTagsFromDetails",
    "AddToFunnelStage",
    "ChangeState",
    "DeleteContacts",
    "DetectGender",
    "EmailOptOut",
    "GenerateCoupon",
    "MarkInvalid",
    "MonitoringUrls",
    "PhoneStatusChange",
    "RemoveDetail",
    "RemoveFromFunnel",
    "RemoveOwner",
    "RemoveTags",
    "RestorePreviousStatus",
    "RunRule",
    "RunWorkflow",
    "SetDetail",
    "SetScoring",
]

SKIP_UNCHANGED: Final = "UNCHANGED"
"""The card already is as the action would make it (already opted out, tagged, ...)."""
SKIP_NOT_INVALID: Final = "NOT_INVALID"
"""Restoring the previous status of a card that is not marked invalid."""
SKIP_NO_DETAIL: Final = "NO_DETAIL"
"""The card has none of the details the action reads or removes."""
SKIP_NOT_OWNER: Final = "NOT_OWNER"
"""Removing an owner that does not own the card."""
SKIP_LAST_OWNER: Final = "LAST_OWNER"
"""Removing the only owner of the card (S1.5)."""
SKIP_MAIN_OWNER: Final = "MAIN_OWNER"
"""Giving the card's main owner a lower level (set another main owner first)."""
SKIP_NOT_IN_FUNNEL: Final = "NOT_IN_FUNNEL"
"""Removing the card from a funnel (or stage) it does not stand in."""
SKIP_READ_ONLY_OWNER: Final = "READ_ONLY_OWNER"
"""The run's user is only a read-only owner of the card: it may not act on it (S1.6)."""
SKIP_EXPORT_LIMIT: Final = "EXPORT_LIMIT"
"""The monitoring-URL export holds its 10 000 links already (S15.4)."""
SKIP_NOT_MONITORED: Final = "NOT_MONITORED"
"""Monitoring is stopped for the card (S2.8): it gets no monitoring URL."""
SKIP_CONTACT_DELETED: Final = "CONTACT_DELETED"
"""An earlier action of the run deleted the card."""
SKIP_REFUSED: Final = "REFUSED"
"""The owning area refused the change for this card (a conflict it checks itself)."""
MONITORING_LIMIT: Final = 10_000
"""Most links one monitoring-URL export holds (S15.4, seed 004 M)."""
MONITORING_PARAMETER: Final = "smclient"
"""The query parameter carrying a card's monitoring value (its contact id; grade D)."""
GENDER_COUNTRIES: Final = ("PL", "HU", "CZ")
"""The countries whose first names gender detection knows (S15.5)."""
MANAGER_STATES: Final = ("PROSPECT", "CUSTOMER", "PARTNER")
"""The states the Contact Manager sets (seed 004 H)."""
SOURCE: Final = "MANAGE"
"""The opt-in/out history source of the Contact Manager's changes (S10.2)."""

Result = str | None
"""One card's result of one action: ``None`` (applied) or a ``SKIP_*`` reason."""


@attrs.define
class ActionContext:
    """What a run's actions call: the account's areas, the run's user and settings."""

    optin: OptInArea
    tags: TagsArea
    contacts: ContactsArea
    scoring: ScoringArea
    users: UsersArea
    funnels: FunnelsArea
    coupons: CouponsArea
    rules: RulesArea
    notes: NotesArea
    user: str
    """The user (normalised) running the Contact Manager."""
    name_order: int
    """Whether the first name comes first (1) or second (2) in a card's name field."""
    select: Any
    """``select(selection) -> list[ContactRecord]``: the cards another selection picks."""
    exports: list[str] = attrs.Factory(list)
    """The CSV files the run's monitoring-URL actions made, in order."""


class Action:
    """One Contact Manager action (S15.3); see the subclasses. ``kind`` names it in the
    control API, the snapshot and the run report."""

    kind: ClassVar[str] = ""

    def prepare(self, context: ActionContext) -> None:
        """Refuse (InvalidField, RuleNotFound, ...) what the account lacks; changes nothing."""

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """Apply the action to one live card; ``None`` or a skip reason.

        Each action defines this or, when it works on the cards together (funnel, coupon,
        rule, workflow, monitoring URLs), overrides `apply_all` instead: then this is
        never called, hence no abstract method."""
        raise NotImplementedError

    def apply_all(self, context: ActionContext, records: Sequence[ContactRecord]) -> list[Result]:
        """Apply the action to each of ``records`` (live cards), one result each."""
        apply = self.apply
        results: list[Result] = []
        for record in records:
            try:
                results.append(apply(context, record))
            except EmulatorError:
                results.append(SKIP_REFUSED)
        return results


def _text(field: str, limit: int | None = None) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        check_text(value, field, limit)

    return check


def _flag(field: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, bool):
            raise InvalidField(field, RULE_CM_NOT_CRITERION.format(what="true or false"))

    return check


def _one_of(field: str, choices: Sequence[str], rule: str | None = None) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if value not in choices:
            text = (rule or RULE_ONE_OF).format(choices=", ".join(choices))
            raise InvalidField(field, text)

    return check


def _tags(values: Iterable[str]) -> tuple[str, ...]:
    items = [values] if isinstance(values, str) else list(values)
    tags = tuple(normalize_tags(items, "tags"))
    if not tags:
        raise InvalidField("tags", RULE_REQUIRED)
    return tags


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return (values,) if isinstance(values, str) else tuple(values)


def _integer(field: str, minimum: int | None = None) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidField(field, RULE_INTEGER)
        if minimum is not None and value < minimum:
            raise InvalidField(field, RULE_MIN.format(minimum=minimum))

    return check


# --- e-mail and mobile statuses ------------------------------------------------------


@attrs.frozen(kw_only=True)
class EmailOptOut(Action):
    """E-mail marketing status to opt-out (seed 004 A); there is no opt-in action."""

    kind: ClassVar[str] = "emailOptOut"

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        if record.opted_out:
            return SKIP_UNCHANGED
        context.optin.opt_out(record.id, source=SOURCE)
        return None


@attrs.frozen(kw_only=True)
class MarkInvalid(Action):
    """Mark the address invalid, remembering its opt-in/opt-out (seed 004 B [1])."""

    kind: ClassVar[str] = "markInvalid"

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        if record.invalid:
            return SKIP_UNCHANGED
        context.optin.mark_invalid(record.id)
        return None


@attrs.frozen(kw_only=True)
class RestorePreviousStatus(Action):
    """Unmark invalid: back to the opt-in/opt-out it had before (seed 004 B [2])."""

    kind: ClassVar[str] = "unmarkInvalid"

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        if not record.invalid:
            return SKIP_NOT_INVALID
        context.optin.restore_previous_status(record.id)
        return None


@attrs.frozen(kw_only=True)
class PhoneStatusChange(Action):
    """Mobile-marketing status to ``OPT_IN`` or ``OPT_OUT`` (seed 004 C)."""

    kind: ClassVar[str] = "phoneStatus"
    status: str = attrs.field(validator=_one_of("status", STATUSES))

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        out = self.status == "OPT_OUT"
        if record.opted_out_phone is out:
            return SKIP_UNCHANGED
        change = context.optin.phone_opt_out if out else context.optin.phone_opt_in
        change(record.id, source=SOURCE)
        return None


# --- tags and details --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AddTags(Action):
    """Add ``tags`` (S5.1); with ``tag_scoring`` a new tag scores 1, a re-added one +1 (S4.2)."""

    kind: ClassVar[str] = "addTags"
    tags: tuple[str, ...] = attrs.field(converter=_tags)
    tag_scoring: bool = attrs.field(default=False, validator=_flag("tagScoring"))

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        if not self.tag_scoring and all(tag in record.tags for tag in self.tags):
            return SKIP_UNCHANGED
        context.tags.manage(record.id, self.tags, (), tag_scoring=self.tag_scoring)
        return None


@attrs.frozen(kw_only=True)
class AddTagsFromDetails(Action):
    """Tag with ``prefix`` + the value of each standard detail of ``details`` (S5.2)."""

    kind: ClassVar[str] = "addTagsFromDetails"
    prefix: str = attrs.field(validator=attrs.validators.instance_of(str))
    details: tuple[str, ...] = attrs.field(converter=_names)
    tag_scoring: bool = attrs.field(default=False, validator=_flag("tagScoring"))

    def __attrs_post_init__(self) -> None:
        if not self.details:
            raise InvalidField("details", RULE_REQUIRED)
        for index, name in enumerate(self.details):
            check_text(name, f"details[{index}]")

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        if not any(name in record.properties for name in self.details):
            return SKIP_NO_DETAIL
        before = dict(record.tags)
        context.tags.add_from_details(
            record.id, self.prefix, self.details, tag_scoring=self.tag_scoring
        )
        return None if dict(record.tags) != before else SKIP_UNCHANGED


@attrs.frozen(kw_only=True)
class RemoveTags(Action):
    """Remove ``tags`` (S5.1)."""

    kind: ClassVar[str] = "removeTags"
    tags: tuple[str, ...] = attrs.field(converter=_tags)

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        if not any(tag in record.tags for tag in self.tags):
            return SKIP_UNCHANGED
        context.tags.manage(record.id, (), self.tags)
        return None


@attrs.frozen(kw_only=True)
class SetDetail(Action):
    """Add (or overwrite) one standard detail ``name`` = ``value`` (seed 004 E [1])."""

    kind: ClassVar[str] = "setDetail"
    name: str = attrs.field(validator=_text("name"))
    value: str = attrs.field(validator=attrs.validators.instance_of(str))

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        if record.properties.get(self.name) == self.value:
            return SKIP_UNCHANGED
        context.contacts.set_property(record.id, self.name, self.value)
        return None


@attrs.frozen(kw_only=True)
class RemoveDetail(Action):
    """Remove one standard detail ``name`` (seed 004 E [2])."""

    kind: ClassVar[str] = "removeDetail"
    name: str = attrs.field(validator=_text("name"))

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        if self.name not in record.properties:
            return SKIP_NO_DETAIL
        context.contacts.remove_property(record.id, self.name)
        return None


# --- scoring, owners, state, funnels ------------------------------------------------


@attrs.frozen(kw_only=True)
class SetScoring(Action):
    """Set the scoring to ``points`` (S4.1); company sums follow (S4.4)."""

    kind: ClassVar[str] = "setScoring"
    points: int = attrs.field(validator=_integer("points"))

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        if record.score == self.points:
            return SKIP_UNCHANGED
        context.scoring.set(record.id, self.points)
        return None


@attrs.frozen(kw_only=True)
class AddOwner(Action):
    """Make user ``owner`` an owner at ``level`` (S1.4; ``MAIN`` sets the main owner)."""

    kind: ClassVar[str] = "addOwner"
    owner: str = attrs.field(validator=_text("owner"))
    level: str = attrs.field(default="CO_OWNER", validator=_one_of("level", OWNER_LEVELS))

    def prepare(self, context: ActionContext) -> None:
        """The owner must be a user of the account."""
        context.users.named(self.owner, "owner")

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        user = context.users.named(self.owner, "owner")
        current = record.owner_level(user)
        if current == self.level:
            return SKIP_UNCHANGED
        if current == "MAIN":
            return SKIP_MAIN_OWNER
        context.users.add_owner(record.id, user, self.level)
        return None


@attrs.frozen(kw_only=True)
class RemoveOwner(Action):
    """Remove owner ``owner``, only while the card has more than one owner (S1.5)."""

    kind: ClassVar[str] = "removeOwner"
    owner: str = attrs.field(validator=_text("owner"))

    def prepare(self, context: ActionContext) -> None:
        """The owner must be a user of the account."""
        context.users.named(self.owner, "owner")

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        user = context.users.named(self.owner, "owner")
        if record.owner_level(user) is None:
            return SKIP_NOT_OWNER
        if not record.other_owners():
            return SKIP_LAST_OWNER
        context.users.remove_owner(record.id, user)
        return None


@attrs.frozen(kw_only=True)
class ChangeState(Action):
    """Change the state to ``PROSPECT``, ``CUSTOMER`` or ``PARTNER`` (seed 004 H)."""

    kind: ClassVar[str] = "changeState"
    state: str = attrs.field(validator=_one_of("state", MANAGER_STATES, RULE_CM_STATE))

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        if record.state == self.state:
            return SKIP_UNCHANGED
        context.contacts.set_state(record.id, self.state)
        return None


def _check_stage(context: ActionContext, funnel: str, stage: str | None) -> None:
    info = context.funnels.get(funnel)
    if stage is not None and funnel_key(stage) not in {funnel_key(s) for s in info.stages}:
        raise InvalidField("stage", RULE_NAMES_NO.format(what="stage", value=stage))


@attrs.frozen(kw_only=True)
class AddToFunnelStage(Action):
    """Put the card at ``stage`` of ``funnel`` (S12.1, seed 004 I [1])."""

    kind: ClassVar[str] = "addToFunnel"
    funnel: str = attrs.field(validator=_text("funnel"))
    stage: str = attrs.field(validator=_text("stage"))

    def prepare(self, context: ActionContext) -> None:
        """The funnel and its stage must exist (FunnelNotFound, InvalidField ``stage``)."""
        _check_stage(context, self.funnel, self.stage)

    def apply_all(self, context: ActionContext, records: Sequence[ContactRecord]) -> list[Result]:
        """One call of `FunnelsArea.add_contacts` for every card."""
        from ._addressees import Target

        moved = context.funnels.add_contacts(
            self.funnel, self.stage, [Target("CONTACT_ID", r.id) for r in records]
        )
        return [None if moved.get(r.id) else SKIP_UNCHANGED for r in records]


@attrs.frozen(kw_only=True)
class RemoveFromFunnel(Action):
    """Take the card out of ``funnel``, or only out of ``stage`` (seed 004 I [2])."""

    kind: ClassVar[str] = "removeFromFunnel"
    funnel: str = attrs.field(validator=_text("funnel"))
    stage: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(_text("stage"))
    )

    def prepare(self, context: ActionContext) -> None:
        """The funnel (and stage) must exist."""
        _check_stage(context, self.funnel, self.stage)

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        removed = context.funnels.remove_contact(self.funnel, record.id, stage=self.stage)
        return None if removed else SKIP_NOT_IN_FUNNEL


# --- coupons, rules, workflows ------------------------------------------------------


@attrs.frozen(kw_only=True)
class GenerateCoupon(Action):
    """Give each card a generated coupon ``name`` of ``length`` characters, valid for
    ``valid_days`` days from the run (default: the coupons area's validity) (seed 004 J)."""

    kind: ClassVar[str] = "generateCoupon"
    name: str = attrs.field(validator=_text("name"))
    length: int = attrs.field(validator=_integer("length"))
    valid_days: int | None = attrs.field(default=None, validator=_integer("validDays", 1))

    def _valid(self, context: ActionContext) -> datetime | None:
        if self.valid_days is None:
            return None
        return context.coupons.account.clock.now() + timedelta(days=self.valid_days)

    def prepare(self, context: ActionContext) -> None:
        """The coupons area's checks of the name, length and validity."""
        context.coupons.check_generated(self.name, length=self.length, valid=self._valid(context))

    def apply_all(self, context: ActionContext, records: Sequence[ContactRecord]) -> list[Result]:
        """One call of `CouponsArea.add_many` for every card."""
        if records:
            context.coupons.add_many(
                [r.id for r in records], self.name, length=self.length, valid=self._valid(context)
            )
        return [None] * len(records)


@attrs.frozen(kw_only=True)
class RunRule(Action):
    """Run rule ``rule_id``, skipping its event (S14.1). With ``check_conditions`` only the
    cards ``meeting`` selects (the cards meeting the rule's conditions) pass; the rule's
    max-runs and min-interval per contact apply; delays are kept."""

    kind: ClassVar[str] = "runRule"
    rule_id: str = attrs.field(validator=_text("ruleId"))
    check_conditions: bool = attrs.field(default=False, validator=_flag("checkConditions"))
    meeting: Selection | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(Selection)),
    )

    def __attrs_post_init__(self) -> None:
        if self.check_conditions and self.meeting is None:
            raise InvalidField("meeting", RULE_REQUIRED)

    def prepare(self, context: ActionContext) -> None:
        """The rule must exist and not be deleted (RuleNotFound)."""
        if context.rules.rule(self.rule_id).deleted:
            raise RuleNotFound(self.rule_id)

    def apply_all(self, context: ActionContext, records: Sequence[ContactRecord]) -> list[Result]:
        """One call of `RulesArea.run_rule` for every card."""
        passing = None
        if self.check_conditions and self.meeting is not None:
            passing = [r.id for r in context.select(self.meeting)]
        result = context.rules.run_rule(
            self.rule_id,
            [r.id for r in records],
            check_conditions=self.check_conditions,
            passing=passing,
            user=context.user,
        )
        reasons = {s.contact: s.reason for s in result.skipped}
        return [reasons.get(r.id) for r in records]


@attrs.frozen(kw_only=True)
class RunWorkflow(Action):
    """Run workflow ``workflow_id``, skipping its event; its limits are NOT applied, its
    waits are kept (S14.2)."""

    kind: ClassVar[str] = "runWorkflow"
    workflow_id: int = attrs.field(validator=_integer("workflowId", 1))

    def prepare(self, context: ActionContext) -> None:
        """The workflow must exist and not be deleted (WorkflowNotFound)."""
        context.rules.workflow(self.workflow_id)

    def apply_all(self, context: ActionContext, records: Sequence[ContactRecord]) -> list[Result]:
        """One call of `RulesArea.run_workflow` for every card."""
        result = context.rules.run_workflow(
            self.workflow_id, [r.id for r in records], user=context.user
        )
        reasons = {s.contact: s.reason for s in result.skipped}
        return [reasons.get(r.id) for r in records]


# --- monitoring URLs, notes, gender, deletion ---------------------------------------


def _monitoring_url(url: str, contact_id: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{MONITORING_PARAMETER}={contact_id}"


def _csv_cell(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


@attrs.frozen(kw_only=True)
class MonitoringUrls(Action):
    """A CSV of personalised links: ``url`` plus each card's monitoring parameter, at most
    10 000 per export (S15.4); ``private``: only the run's user may read it."""

    kind: ClassVar[str] = "monitoringUrls"
    url: str = attrs.field(converter=check_url)
    private: bool = attrs.field(default=False, validator=_flag("private"))

    def apply_all(self, context: ActionContext, records: Sequence[ContactRecord]) -> list[Result]:
        """Write the export; cards past the limit or not monitored are skipped."""
        lines = ["email,contactId,url"]
        results: list[Result] = []
        for record in records:
            if not record.monitored:
                results.append(SKIP_NOT_MONITORED)
            elif len(lines) > MONITORING_LIMIT:
                results.append(SKIP_EXPORT_LIMIT)
            else:
                link = _monitoring_url(self.url, record.id)
                lines.append(f"{_csv_cell(record.email)},{record.id},{_csv_cell(link)}")
                results.append(None)
        context.exports.append("\r\n".join(lines) + "\r\n")
        return results


@attrs.frozen(kw_only=True)
class AddNote(Action):
    """Add a note of at most 1024 characters by the run's user; ``private``: visible to
    its author only (seed 004 N)."""

    kind: ClassVar[str] = "addNote"
    text: str = attrs.field(validator=_text("text", MAX_NOTE))
    private: bool = attrs.field(default=False, validator=_flag("private"))

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        context.notes.add(record.id, self.text, owner=context.user, private=self.private)
        return None


def _one_tag(value: str, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    tags = normalize_tags([value], field)
    if len(tags) != 1:
        raise InvalidField(field, RULE_CM_NOT_CRITERION.format(what="one tag"))
    return tags[0]


def _female_tag(value: str) -> str:
    return _one_tag(value, "femaleTag")


def _male_tag(value: str) -> str:
    return _one_tag(value, "maleTag")


def _unknown_tag(value: str) -> str:
    return _one_tag(value, "unknownTag")


@attrs.frozen(kw_only=True)
class DetectGender(Action):
    """Tag each card ``female_tag``, ``male_tag`` or ``unknown_tag`` by the first name in
    its name field, as the account's name order says (S15.5)."""

    kind: ClassVar[str] = "detectGender"
    country: str = attrs.field(validator=_one_of("country", GENDER_COUNTRIES))
    female_tag: str = attrs.field(converter=_female_tag)
    male_tag: str = attrs.field(converter=_male_tag)
    unknown_tag: str = attrs.field(converter=_unknown_tag)

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        gender = detect_gender(record.name or "", name_order=context.name_order)
        tag = {"female": self.female_tag, "male": self.male_tag}.get(gender, self.unknown_tag)
        if tag in record.tags:
            return SKIP_UNCHANGED
        context.tags.manage(record.id, (tag,), ())
        return None


@attrs.frozen(kw_only=True)
class DeleteContacts(Action):
    """Delete the cards permanently, with all their data (S3.3; seed 004 P)."""

    kind: ClassVar[str] = "delete"

    def apply(self, context: ActionContext, record: ContactRecord) -> Result:
        """See `Action.apply`."""
        context.contacts.delete(record.id, permanently=True)
        return None


ACTIONS: Final[tuple[type[Action], ...]] = (
    EmailOptOut,
    MarkInvalid,
    RestorePreviousStatus,
    PhoneStatusChange,
    AddTags,
    AddTagsFromDetails,
    RemoveTags,
    SetDetail,
    RemoveDetail,
    SetScoring,
    AddOwner,
    RemoveOwner,
    ChangeState,
    AddToFunnelStage,
    RemoveFromFunnel,
    GenerateCoupon,
    RunRule,
    RunWorkflow,
    MonitoringUrls,
    AddNote,
    DetectGender,
    DeleteContacts,
)
"""Every action class, by its ``kind``."""
