"""The Contact Manager's selection (S15.1): criteria, include + exclude, and saved segments.

A [`Selection`][salesmanago_emulator.state.contact_manager.Selection] picks live cards: those of
its saved segment (if it names one) that meet every ``include`` criterion and none of the
``exclude`` criteria. Each criterion is a frozen value object checked when it is built
(refusals name its field: ``tags``, ``minimum`` ...) and knows how to narrow a list of cards in
one list comprehension, so a recount over a million cards is a few tight passes, the cheapest
criterion first, each over what the last one kept. Where the store keeps an index the criterion
uses it: a tag no live card carries selects nobody at once (the tag counts), a created/modified
range starts from the time indexes, a funnel from its members.

Soft-deleted cards are never selected (S3.1).
"""

from __future__ import annotations

import abc
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

import attrs

from ..errors import (
    RULE_AT_LEAST_ONE_ITEM,
    RULE_AWARE,
    RULE_CM_BOUND_NEEDED,
    RULE_CM_NOT_CRITERION,
    RULE_CM_RANGE_ORDER,
    RULE_INTEGER,
    RULE_NAMES_NO,
    RULE_NOT_EMPTY,
    RULE_ONE_OF,
    RULE_STRING,
    RULE_TRUE_OR_FALSE,
    InvalidField,
)
from ._card import CONSENT_STATUSES, CONTACT_STATES, OWNER_LEVELS, ContactRecord
from ._normalize import normalize_email, normalize_tags
from .companies import company_key
from .funnels import funnel_key, places_of

if TYPE_CHECKING:
    from ._core import AccountCore
    from .funnels import FunnelsArea

__all__ = [
    "CRITERIA",
    "Company",
    "Consent",
    "CreatedBetween",
    "Criterion",
    "DetailContains",
    "DetailDateRange",
    "DetailEquals",
    "DetailNumberRange",
    "EmailStatus",
    "InFunnel",
    "Invalid",
    "ModifiedBetween",
    "Owner",
    "PhoneStatus",
    "ScoringRange",
    "Selection",
    "State",
    "Tags",
    "select",
]

STATUSES: Final = ("OPT_IN", "OPT_OUT")
"""An e-mail or mobile-marketing status a criterion asks for."""
TAG_MATCHES: Final = ("any", "all")
"""How a `Tags` criterion matches."""
_DATE_RE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)

_Check = Callable[[Any, Any, Any], None]


# --- field checks (named relative to the criterion) ---------------------------------


def _text(field: str) -> _Check:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, str):
            raise InvalidField(field, RULE_STRING)
        if not value.strip():
            raise InvalidField(field, RULE_NOT_EMPTY)

    return check


def _flag(field: str) -> _Check:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, bool):
            raise InvalidField(field, RULE_TRUE_OR_FALSE)

    return check


def _choice(field: str, choices: Sequence[str]) -> _Check:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if value not in choices:
            raise InvalidField(field, RULE_ONE_OF.format(choices=", ".join(choices)))

    return check


def _tag_names(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    tags = tuple(normalize_tags(list(values), "tags"))
    if not tags:
        raise InvalidField("tags", RULE_AT_LEAST_ONE_ITEM)
    return tags


def _states(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    states = []
    for index, value in enumerate(values):
        norm = value.strip().upper() if isinstance(value, str) else None
        if norm not in CONTACT_STATES:
            choices = ", ".join(CONTACT_STATES)
            raise InvalidField(f"states[{index}]", RULE_ONE_OF.format(choices=choices))
        states.append(norm)
    if not states:
        raise InvalidField("states", RULE_AT_LEAST_ONE_ITEM)
    return tuple(states)


def _bounds(low: object, high: object, names: tuple[str, str]) -> None:
    if low is None and high is None:
        raise InvalidField(names[0], RULE_CM_BOUND_NEEDED.format(other=names[1]))
    if low is not None and high is not None and high < low:  # type: ignore[operator]
        raise InvalidField(names[1], RULE_CM_RANGE_ORDER.format(other=names[0]))


def _integer(field: str) -> _Check:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidField(field, RULE_INTEGER)

    return check


def _aware(field: str) -> _Check:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if value is not None and (
            not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None
        ):
            raise InvalidField(field, RULE_AWARE)

    return check


def _detail_date(text: str) -> date | None:
    """A detail's value as a date: ``yyyy-MM-dd``, or digits (ms since the epoch, UTC)."""
    match = _DATE_RE.fullmatch(text)
    try:
        if match is not None:
            return date(int(match[1]), int(match[2]), int(match[3]))
        if text.isascii() and text.isdigit():
            return datetime.fromtimestamp(int(text) / 1000, timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        return None
    return None


def _detail_number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# --- criteria ------------------------------------------------------------------------


class Criterion(abc.ABC):
    """One selection criterion (S15.1): a frozen value; see the subclasses.

    ``kind`` names it in the control API and the snapshot; ``rank`` orders the
    narrowing (cheaper tests first).
    """

    kind: ClassVar[str] = ""
    rank: ClassVar[int] = 5

    @abc.abstractmethod
    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """The cards of ``cards`` meeting the criterion (soft-deleted ones may be among them)."""

    def check(self, context: SelectionContext) -> None:  # noqa: B027 - a hook: most name nothing
        """Refuse a criterion naming what the account does not have (InvalidField)."""

    def candidates(self, context: SelectionContext) -> list[ContactRecord] | None:
        """Every live card meeting the criterion from an index, or ``None`` (no index)."""
        return None

    def selects_nobody(self, context: SelectionContext) -> bool:
        """Whether an index tells at once that no live card meets the criterion."""
        return False


@attrs.frozen(kw_only=True)
class Tags(Criterion):
    """Cards carrying ``any`` (or ``all``) of ``tags`` (normalised as S5.1 says)."""

    kind: ClassVar[str] = "tags"
    rank: ClassVar[int] = 2
    tags: tuple[str, ...] = attrs.field(converter=_tag_names)
    match: str = attrs.field(default="any", validator=_choice("match", TAG_MATCHES))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        if len(self.tags) == 1:
            tag = self.tags[0]
            return [r for r in cards if tag in r.tags]
        wanted = frozenset(self.tags)
        if self.match == "any":
            return [r for r in cards if not wanted.isdisjoint(r.tags)]
        return [r for r in cards if wanted.issubset(r.tags)]

    def selects_nobody(self, context: SelectionContext) -> bool:
        """The tag counts: no live card carries the tag(s)."""
        counts = [context.account.store.tags.count(tag) for tag in self.tags]
        return max(counts) == 0 if self.match == "any" else min(counts) == 0


@attrs.frozen(kw_only=True)
class _Detail(Criterion):
    name: str = attrs.field(validator=_text("name"))
    dictionary: bool = attrs.field(default=False, validator=_flag("dictionary"))

    def _values(self, cards: Iterable[ContactRecord]) -> Iterable[tuple[ContactRecord, str]]:
        name = self.name
        if self.dictionary:
            for r in cards:
                held = r.dictionary_properties.get(name)
                if held is not None:
                    yield r, held[1]
        else:
            for r in cards:
                value = r.properties.get(name)
                if value is not None:
                    yield r, value


@attrs.frozen(kw_only=True)
class DetailEquals(_Detail):
    """Cards whose standard (or ``dictionary``) detail ``name`` is exactly ``value``."""

    kind: ClassVar[str] = "detailEquals"
    rank: ClassVar[int] = 3
    value: str = attrs.field(validator=_text("value"))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        name, value = sys.intern(self.name), self.value
        if self.dictionary:
            return [
                r for r in cards if (r.dictionary_properties.get(name) or ("", None))[1] == value
            ]
        return [r for r in cards if r.properties.get(name) == value]


@attrs.frozen(kw_only=True)
class DetailContains(_Detail):
    """Cards whose detail ``name`` contains ``text`` (case folded, grade D)."""

    kind: ClassVar[str] = "detailContains"
    rank: ClassVar[int] = 4
    text: str = attrs.field(validator=_text("text"))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        wanted = self.text.casefold()
        return [r for r, value in self._values(cards) if wanted in value.casefold()]


@attrs.frozen(kw_only=True)
class DetailNumberRange(_Detail):
    """Cards whose detail ``name`` reads as a number in ``[minimum, maximum]`` (either open)."""

    kind: ClassVar[str] = "detailNumberRange"
    rank: ClassVar[int] = 4
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    def __attrs_post_init__(self) -> None:
        for field in ("minimum", "maximum"):
            value = getattr(self, field)
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, (int, Decimal))
                or not Decimal(value).is_finite()
            ):
                raise InvalidField(field, RULE_CM_NOT_CRITERION.format(what="a finite number"))
        _bounds(self.minimum, self.maximum, ("minimum", "maximum"))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        low, high = self.minimum, self.maximum
        kept = []
        for record, text in self._values(cards):
            number = _detail_number(text)
            if (
                number is not None
                and (low is None or number >= low)
                and (high is None or number <= high)
            ):
                kept.append(record)
        return kept


@attrs.frozen(kw_only=True)
class DetailDateRange(_Detail):
    """Cards whose detail ``name`` reads as a date (``yyyy-MM-dd`` or ms digits) in
    ``[start, end]`` (either open)."""

    kind: ClassVar[str] = "detailDateRange"
    rank: ClassVar[int] = 4
    start: date | None = None
    end: date | None = None

    def __attrs_post_init__(self) -> None:
        for field in ("start", "end"):
            value = getattr(self, field)
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise InvalidField(field, RULE_CM_NOT_CRITERION.format(what="a date"))
        _bounds(self.start, self.end, ("start", "end"))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        low, high = self.start or date.min, self.end or date.max
        kept = []
        for record, text in self._values(cards):
            day = _detail_date(text)
            if day is not None and low <= day <= high:
                kept.append(record)
        return kept


@attrs.frozen(kw_only=True)
class State(Criterion):
    """Cards in one of ``states`` (S2.5)."""

    kind: ClassVar[str] = "state"
    rank: ClassVar[int] = 1
    states: tuple[str, ...] = attrs.field(converter=_states)

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        if len(self.states) == 1:
            state = self.states[0]
            return [r for r in cards if r.state == state]
        states = frozenset(self.states)
        return [r for r in cards if r.state in states]


@attrs.frozen(kw_only=True)
class _Status(Criterion):
    rank: ClassVar[int] = 1
    _attr: ClassVar[Literal["opted_out", "opted_out_phone"]] = "opted_out"
    status: str = attrs.field(validator=_choice("status", STATUSES))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        out, attr = self.status == "OPT_OUT", self._attr
        return [r for r in cards if getattr(r, attr) is out]


@attrs.frozen(kw_only=True)
class EmailStatus(_Status):
    """Cards with e-mail marketing status ``OPT_IN`` or ``OPT_OUT`` (S2.6)."""

    kind: ClassVar[str] = "emailStatus"
    _attr: ClassVar[Literal["opted_out", "opted_out_phone"]] = "opted_out"


@attrs.frozen(kw_only=True)
class PhoneStatus(_Status):
    """Cards with mobile-marketing status ``OPT_IN`` or ``OPT_OUT`` (S2.7)."""

    kind: ClassVar[str] = "phoneStatus"
    _attr: ClassVar[Literal["opted_out", "opted_out_phone"]] = "opted_out_phone"


@attrs.frozen(kw_only=True)
class Invalid(Criterion):
    """Cards marked invalid (or, with ``invalid=False``, not marked) (S2.6)."""

    kind: ClassVar[str] = "invalid"
    rank: ClassVar[int] = 1
    invalid: bool = attrs.field(default=True, validator=_flag("invalid"))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        wanted = self.invalid
        return [r for r in cards if r.invalid is wanted]


def _owner_email(value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField("owner", RULE_NOT_EMPTY)
    return normalize_email(value)


@attrs.frozen(kw_only=True)
class Owner(Criterion):
    """Cards ``owner`` owns, at ``level`` when given, at any level otherwise (S1.4)."""

    kind: ClassVar[str] = "owner"
    rank: ClassVar[int] = 3
    owner: str = attrs.field(converter=_owner_email)
    level: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_choice("level", OWNER_LEVELS)),
    )

    def check(self, context: SelectionContext) -> None:
        """The owner must be a user of the account."""
        if not context.is_user(self.owner):
            raise InvalidField("owner", RULE_NAMES_NO.format(what="user", value=self.owner))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        owner, level = self.owner, self.level
        if level is None:
            return [r for r in cards if r.owner_level(owner) is not None]
        return [r for r in cards if r.owner_level(owner) == level]


@attrs.frozen(kw_only=True)
class ScoringRange(Criterion):
    """Cards whose scoring is in ``[minimum, maximum]`` (either open) (S4.1)."""

    kind: ClassVar[str] = "scoring"
    rank: ClassVar[int] = 1
    minimum: int | None = attrs.field(default=None, validator=_integer("minimum"))
    maximum: int | None = attrs.field(default=None, validator=_integer("maximum"))

    def __attrs_post_init__(self) -> None:
        _bounds(self.minimum, self.maximum, ("minimum", "maximum"))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        low, high = self.minimum, self.maximum
        if low is None:
            return [r for r in cards if r.score <= high]  # type: ignore[operator]
        if high is None:
            return [r for r in cards if r.score >= low]
        return [r for r in cards if low <= r.score <= high]


@attrs.frozen(kw_only=True)
class _TimeRange(Criterion):
    start: datetime = attrs.field(validator=_aware("start"))
    end: datetime = attrs.field(validator=_aware("end"))
    rank: ClassVar[int] = 1
    _attr: ClassVar[Literal["created_on", "modified_on"]] = "created_on"

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidField("end", RULE_CM_RANGE_ORDER.format(other="start"))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        start, end, attr = self.start, self.end, self._attr
        return [r for r in cards if start <= getattr(r, attr) <= end]

    def candidates(self, context: SelectionContext) -> list[ContactRecord] | None:
        """The created (or modified) time index."""
        account = context.account
        between = (
            account.created_between if self._attr == "created_on" else account.modified_between
        )
        return between(self.start, self.end)


@attrs.frozen(kw_only=True)
class CreatedBetween(_TimeRange):
    """Cards created in ``[start, end]`` (aware instants); starts from the time index."""

    kind: ClassVar[str] = "created"
    _attr: ClassVar[Literal["created_on", "modified_on"]] = "created_on"


@attrs.frozen(kw_only=True)
class ModifiedBetween(_TimeRange):
    """Cards last modified in ``[start, end]`` (aware instants); starts from the time index."""

    kind: ClassVar[str] = "modified"
    _attr: ClassVar[Literal["created_on", "modified_on"]] = "modified_on"


def _stands_in(record: ContactRecord, fkey: str, skey: str | None) -> bool:
    """Whether the card stands in the funnel keyed ``fkey`` (at stage ``skey`` if given)."""
    for place in places_of(record):
        if funnel_key(place.funnel) == fkey:
            return skey is None or funnel_key(place.stage) == skey
    return False


@attrs.frozen(kw_only=True)
class InFunnel(Criterion):
    """Cards standing in ``funnel`` (at ``stage`` when given) (S12.1); names compared
    trimmed and case folded."""

    kind: ClassVar[str] = "funnel"
    rank: ClassVar[int] = 4
    funnel: str = attrs.field(validator=_text("funnel"))
    stage: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(_text("stage")),
    )

    def check(self, context: SelectionContext) -> None:
        """The funnel (and stage) must exist."""
        known = {funnel_key(name): name for name in context.funnels.names()}
        name = known.get(funnel_key(self.funnel))
        if name is None:
            raise InvalidField("funnel", RULE_NAMES_NO.format(what="funnel", value=self.funnel))
        stages = {funnel_key(s) for s in context.funnels.get(name).stages}
        if self.stage is not None and funnel_key(self.stage) not in stages:
            raise InvalidField("stage", RULE_NAMES_NO.format(what="stage", value=self.stage))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        fkey = funnel_key(self.funnel)
        skey = None if self.stage is None else funnel_key(self.stage)
        return [r for r in cards if _stands_in(r, fkey, skey)]

    def candidates(self, context: SelectionContext) -> list[ContactRecord] | None:
        """The funnel's members."""
        self.check(context)
        return self.narrow(context.funnels.members(self.funnel))


@attrs.frozen(kw_only=True)
class Consent(Criterion):
    """Cards whose named consent ``name`` has ``status`` (S10.1); a card without the
    consent meets none."""

    kind: ClassVar[str] = "consent"
    rank: ClassVar[int] = 4
    name: str = attrs.field(validator=_text("name"))
    status: str = attrs.field(validator=_choice("status", CONSENT_STATUSES))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        wanted, status = self.name.casefold(), self.status
        return [
            r
            for r in cards
            if any(n.casefold() == wanted and s.status == status for n, s in r.consents.items())
        ]


@attrs.frozen(kw_only=True)
class Company(Criterion):
    """Cards of company ``name`` (compared as S4.3 says: trimmed, case folded)."""

    kind: ClassVar[str] = "company"
    rank: ClassVar[int] = 3
    name: str = attrs.field(validator=_text("name"))

    def narrow(self, cards: Iterable[ContactRecord]) -> list[ContactRecord]:
        """See `Criterion.narrow`."""
        key = company_key(self.name)
        return [r for r in cards if r.company is not None and company_key(r.company) == key]


CRITERIA: Final[tuple[type[Criterion], ...]] = (
    Tags,
    DetailEquals,
    DetailContains,
    DetailNumberRange,
    DetailDateRange,
    State,
    EmailStatus,
    PhoneStatus,
    Invalid,
    Owner,
    ScoringRange,
    CreatedBetween,
    ModifiedBetween,
    InFunnel,
    Consent,
    Company,
)
"""Every criterion class, by its ``kind``."""


def _criteria(values: Iterable[Criterion]) -> tuple[Criterion, ...]:
    items = tuple(values)
    for index, item in enumerate(items):
        if not isinstance(item, Criterion):
            raise InvalidField(f"[{index}]", RULE_CM_NOT_CRITERION.format(what="a criterion"))
    return items


def _segment_name(value: str | None) -> str | None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidField("segment", RULE_NOT_EMPTY)
    return value


@attrs.frozen(kw_only=True)
class Selection:
    """Which live cards a Contact Manager run touches (S15.1).

    The cards of the saved ``segment`` (when named; otherwise every live card)
    that meet every ``include`` criterion and none of the ``exclude`` criteria
    (a card meeting any one of them is left out). No criterion at all: every
    live card.
    """

    segment: str | None = attrs.field(default=None, converter=_segment_name)
    include: tuple[Criterion, ...] = attrs.field(default=(), converter=_criteria)
    exclude: tuple[Criterion, ...] = attrs.field(default=(), converter=_criteria)


@attrs.frozen
class SelectionContext:
    """What criteria read besides the cards: the account and its funnels and users."""

    account: AccountCore
    funnels: FunnelsArea
    users: Sequence[str]

    def is_user(self, email: str) -> bool:
        """Whether ``email`` (normalised) is a user of the account."""
        return email in self.users


def check(context: SelectionContext, criteria: Iterable[Criterion], prefix: str) -> None:
    """Refuse a criterion naming what the account lacks, its field under ``prefix[i].``."""
    for index, criterion in enumerate(criteria):
        try:
            criterion.check(context)
        except InvalidField as err:
            raise err.under(f"{prefix}[{index}].") from None


def select(
    context: SelectionContext, include: Sequence[Criterion], exclude: Sequence[Criterion]
) -> list[ContactRecord]:
    """The live cards meeting every ``include`` criterion and no ``exclude`` one, in the
    store's order (oldest first) or, when an index started the search, its order."""
    if any(c.selects_nobody(context) for c in include):
        return []
    ordered = sorted(include, key=lambda c: c.rank)
    start: list[ContactRecord] | None = None
    for criterion in ordered:
        found = criterion.candidates(context)
        if found is not None and (start is None or len(found) < len(start)):
            start, first = found, criterion
    cards: Iterable[ContactRecord] = context.account.store.by_id.values()
    if start is not None:
        cards = start
        ordered.remove(first)
    for criterion in ordered:
        cards = criterion.narrow(cards)
    kept = [r for r in cards if not r.deleted]
    for criterion in exclude:
        if not kept:
            break
        left_out = {r.id for r in criterion.narrow(kept)}
        if left_out:
            kept = [r for r in kept if r.id not in left_out]
    return kept
