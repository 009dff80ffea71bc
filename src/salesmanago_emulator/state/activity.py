"""Visits of the monitored pages (semantics S16.1, S16.2, S2.8; protocol §6 ``recentActivity``).

The platform records visits from its tracking script on the client's pages,
never through the API, so the emulator takes them from Python
([`ActivityArea.record`][salesmanago_emulator.state.activity.ActivityArea.record]) and from the
control operation ``visits/record``. A visit has a date, a duration in seconds, a source
(``DIRECT``, ``SEARCH``, ... as given, upper-cased), an optional source detail, the URL, the points
it gave, and optionally the visitor's IP address. It belongs to one contact, or
to nobody (an anonymous visitor).

Rules (grade D where the platform says nothing):

- a visit needs a live contact (soft-deleted or missing -> ContactNotFound);
- a contact whose monitoring is stopped gets no visit (S2.8, seed 003 [6]):
  [`ActivityArea.record`][salesmanago_emulator.state.activity.ActivityArea.record] **ignores** it
  and returns ``None``, as the tracking script's request would be dropped without an error anywhere;
- the points are added to the contact's scoring through the account's
  [`add`][salesmanago_emulator.state.scoring.ScoringArea.add], so
  its companies follow (S4.4); ``lastVisit`` on the card moves forward to the
  visit's date when it is later;
- a soft delete hides the contact's visits (card, ``recentActivity``); a
  restore shows them again; a purge, permanent delete or forget-me drops them.

[`ActivityArea.report`][salesmanago_emulator.state.activity.ActivityArea.report] answers
``recentActivity``: the visits in a range, the visiting contacts grouped by state, the anonymous
visits, and statistics (per source, per hour of day and per day of week in the account's time zone).

A visit also keeps the visitor's device, operating system and browser, given or
read from a user agent (`_useragent`). For one card (seed 003 §5, §6; no
public endpoint: Python and the control API),
[`ActivityArea.visit_stats`][salesmanago_emulator.state.activity.ActivityArea.visit_stats] groups
its visits by each with counts, percentages and last visit (S16.1), and
[`ActivityArea.histograms`][salesmanago_emulator.state.activity.ActivityArea.histograms] counts its
activity per hour and weekday over the `HISTOGRAM_SOURCES` (S16.2): this area's visits and the areas
handed in as ``sources`` (external events; e-mail opens once an area answers them).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import ClassVar, Final, Protocol

import attrs

from ..errors import (
    RULE_AWARE,
    RULE_INTEGER,
    RULE_NOT_EMPTY,
    RULE_ONE_OF,
    RULE_STRING,
    RULE_TOO_LONG,
    RULE_ZERO_OR_MORE,
    ContactNotFound,
    InvalidField,
)
from ._card import ContactRecord
from ._core import AccountArea, AccountCore
from ._stats import Histograms, Share, histograms, shares
from ._useragent import parse_user_agent
from .scoring import ScoringArea

__all__ = [
    "DEFAULT_SOURCE",
    "HISTOGRAM_SOURCES",
    "MAX_SOURCE",
    "MAX_SOURCE_DETAIL",
    "MAX_URL",
    "MAX_USER_AGENT",
    "STAT_KINDS",
    "UNKNOWN",
    "ActivityArea",
    "ActivityReport",
    "ContactActivity",
    "HistogramSource",
    "Visit",
    "VisitStat",
    "VisitStats",
    "visit_text",
]

DEFAULT_SOURCE: Final = "DIRECT"
"""The source of a visit recorded without one."""
MAX_URL: Final = 2048
"""Longest visited URL, in characters (our limit; refused, never cut)."""
MAX_SOURCE: Final = 64
"""Longest source name, in characters (our limit)."""
MAX_SOURCE_DETAIL: Final = 255
"""Longest source detail, in characters (our limit)."""
MAX_USER_AGENT: Final = 1024
"""Longest user agent read, in characters (our limit)."""
STAT_KINDS: Final = ("SOURCE", "HOUR", "WEEKDAY")
"""The groups of [`ActivityArea.report`][salesmanago_emulator.state.activity.ActivityArea.report]'s
statistics, in the order they are listed."""
VISITS: Final = "VISITS"
"""The histogram source of the card's visits (this area's own)."""
HISTOGRAM_SOURCES: Final = (VISITS, "EMAIL_OPENS", "EXTERNAL_EVENTS")
"""The sources of the card's histograms (seed 003 §6 [3]), in the order they are
counted: the card's visits, its e-mail opens (the messages area) and its external
events; a source an account was built without counts nothing."""
UNKNOWN: Final = "UNKNOWN"
"""The device, system or browser group of visits that did not say."""
_WEEKDAYS: Final = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


@attrs.frozen(kw_only=True)
class Visit:
    """One visit of a monitored page."""

    id: str
    """The visit's id (from the account's id factory)."""
    contact_id: str | None
    """The visiting contact, or ``None`` for an anonymous visitor."""
    at: datetime
    """When the visit started (aware)."""
    url: str
    """The visited page."""
    duration_seconds: int
    """How long the visit lasted, in seconds (0 or more)."""
    source: str
    """Where the visitor came from (upper case), e.g. ``DIRECT``."""
    source_detail: str | None
    """More about the source (a referring site, a campaign), or ``None``."""
    points: int
    """The scoring points the visit gave the contact."""
    ip: str | None
    """The visitor's IP address, if known."""
    seq: int
    """Recording order within the account (ties of `at` keep this order)."""
    device: str | None = None
    """The visitor's device (``DESKTOP``, ``MOBILE``, ``TABLET``, ...), or ``None``."""
    os: str | None = None
    """The visitor's operating system (``WINDOWS``, ``ANDROID``, ...), or ``None``."""
    browser: str | None = None
    """The visitor's browser (``CHROME``, ``FIREFOX``, ...), or ``None``."""


@attrs.frozen(kw_only=True)
class ContactActivity:
    """One contact's visits in a `ActivityReport`'s range."""

    record: ContactRecord
    """The (live) contact."""
    visits: int
    """How many visits."""
    duration_seconds: int
    """Their total duration."""
    points: int
    """The points they gave."""
    first_visit: datetime
    """The earliest visit's date."""
    last_visit: Visit
    """The latest visit."""


@attrs.frozen(kw_only=True)
class VisitStat:
    """Visits of one group (a source, an hour of the day, a day of the week)."""

    kind: str
    """One of `STAT_KINDS`."""
    name: str
    """The source, the hour (``"0"`` .. ``"23"``) or the weekday (``MONDAY`` ..)."""
    visits: int
    """How many visits of the range fall in the group."""
    percent: float
    """Their share of the range's visits, in percent (two decimals)."""
    last_visit: datetime
    """The group's latest visit."""


@attrs.frozen(kw_only=True)
class ActivityReport:
    """Who visited between `start` and `end` (``recentActivity``)."""

    start: datetime
    end: datetime
    monitored_contacts: int
    """Live contacts whose monitoring is on (S2.8)."""
    total_contacts: int
    """Live contacts (S3.1)."""
    contacts: tuple[ContactActivity, ...]
    """Visiting live contacts, in the order of their first visit in the range."""
    anonymous: tuple[Visit, ...]
    """Visits of anonymous visitors, oldest first."""
    visits: tuple[tuple[Visit, ContactRecord | None], ...]
    """Every visit of the range with its contact (``None``: anonymous), oldest first."""
    stats: tuple[VisitStat, ...]
    """Per source (most visits first), then per hour and per weekday (in order)."""


@attrs.frozen(kw_only=True)
class VisitStats:
    """A card's visits by device, operating system and browser (S16.1, seed 003 §5)."""

    visits: int
    """How many visits were counted."""
    last_visit: datetime | None
    """The latest of them, or ``None``."""
    devices: tuple[Share, ...]
    """Per device, most visits first (then by name); ``UNKNOWN`` for visits without one."""
    systems: tuple[Share, ...]
    """Per operating system, in the same order."""
    browsers: tuple[Share, ...]
    """Per browser, in the same order."""


class HistogramSource(Protocol):
    """An area whose items count in a card's histograms (S16.2)."""

    def activity_times(self, record: ContactRecord) -> Iterable[datetime]:
        """When each of the card's items happened."""
        ...


def visit_text(value: object, field: str, limit: int, *, required: bool) -> str | None:
    """A text of a visit as stored: trimmed, at most ``limit`` characters; blank is
    none, or refused when ``required``. InvalidField naming ``field`` otherwise."""
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    text = value.strip()
    if not text:
        if not required:
            return None
        raise InvalidField(field, RULE_NOT_EMPTY)
    if len(text) > limit:
        raise InvalidField(field, RULE_TOO_LONG.format(limit=limit, length=len(text)))
    return text


def _integer(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(field, RULE_INTEGER)
    return value


class ActivityArea(AccountArea):
    """The visits of an account's monitored pages (S16.1); per contact and anonymous."""

    key: ClassVar[str] = "activity"
    account: AccountCore

    def __init__(
        self,
        account: AccountCore,
        *,
        scoring: ScoringArea,
        sources: Mapping[str, HistogramSource] | None = None,
    ) -> None:
        """No visits yet. A visit's points go to ``scoring``; the card's histograms
        count this area's visits and each of ``sources`` (a name of
        `HISTOGRAM_SOURCES` -> the area answering it)."""
        super().__init__(account)
        self._scoring = scoring
        self._sources: dict[str, HistogramSource] = {VISITS: self, **(sources or {})}
        unknown = set(self._sources) - set(HISTOGRAM_SOURCES)
        if unknown:
            raise ValueError(f"unknown histogram sources {sorted(unknown)}")
        self._by_contact: dict[str, list[Visit]] = {}
        self._anonymous: list[Visit] = []
        self._seq = 0

    # --- recording ---------------------------------------------------------------

    def record(
        self,
        key: str | None,
        *,
        url: str,
        at: datetime | None = None,
        duration_seconds: int = 0,
        source: str = DEFAULT_SOURCE,
        source_detail: str | None = None,
        points: int = 0,
        ip: str | None = None,
        user_agent: str | None = None,
        device: str | None = None,
        os: str | None = None,
        browser: str | None = None,
    ) -> Visit | None:
        """Record a visit of the live contact ``key`` (e-mail or id; ``None``: anonymous).

        ``at`` defaults to the account's clock. Returns the visit, or ``None``
        when the contact's monitoring is stopped (S2.8: nothing is recorded,
        no points are given). Refusals, before anything changes:
        ContactNotFound; InvalidField ``date`` (naive), ``url`` (blank or over
        `MAX_URL`), ``duration`` (not an integer >= 0), ``source``,
        ``sourceDetail``, ``points`` (not an integer), ``ip``, ``userAgent``,
        ``device``, ``os``, ``browser``.

        ``device``, ``os`` and ``browser`` are stored upper case; one not given is
        read from ``user_agent`` (`_useragent`), else left ``None``.
        """
        record = self.account.find_live(key) if key is not None else None
        when = self.account.clock.now() if at is None else at
        if not isinstance(when, datetime) or when.tzinfo is None or when.utcoffset() is None:
            raise InvalidField("date", RULE_AWARE)
        page = visit_text(url, "url", MAX_URL, required=True)
        duration = _integer(duration_seconds, "duration")
        if duration < 0:
            raise InvalidField("duration", RULE_ZERO_OR_MORE.format(value=duration))
        origin = visit_text(source, "source", MAX_SOURCE, required=True)
        detail = visit_text(source_detail, "sourceDetail", MAX_SOURCE_DETAIL, required=False)
        score = _integer(points, "points")
        address = visit_text(ip, "ip", MAX_SOURCE, required=False)
        kinds = _client_kinds(user_agent, device, os, browser)
        assert page is not None
        assert origin is not None
        if record is not None and not record.monitored:
            return None
        if record is not None and score:
            self._scoring.add(record.id, score)  # first: may refuse, changes nothing then
        # Every check passed: from here on nothing raises.
        self._seq += 1
        visit = Visit(
            id=self.account.new_id(),
            contact_id=record.id if record is not None else None,
            at=when,
            url=page,
            duration_seconds=duration,
            source=sys.intern(origin.upper()),
            source_detail=detail,
            points=score,
            ip=address,
            seq=self._seq,
            device=kinds[0],
            os=kinds[1],
            browser=kinds[2],
        )
        if record is None:
            self._anonymous.append(visit)
            return visit
        self._by_contact.setdefault(record.id, []).append(visit)
        if record.last_visit is None or when > record.last_visit:
            record.last_visit = when
        return visit

    # --- reads -------------------------------------------------------------------

    def of(self, record: ContactRecord) -> list[Visit]:
        """The visits of ``record``, oldest first; none while it is soft-deleted."""
        if record.deleted:
            return []
        return sorted(self._by_contact.get(record.id, ()), key=_order)

    @property
    def anonymous(self) -> tuple[Visit, ...]:
        """The visits of anonymous visitors, oldest first."""
        return tuple(sorted(self._anonymous, key=_order))

    def between(self, start: datetime, end: datetime) -> list[tuple[Visit, ContactRecord | None]]:
        """Every shown visit dated in [``start``, ``end``] with its contact, oldest first."""
        for value, name in ((start, "from"), (end, "to")):
            if value.tzinfo is None or value.utcoffset() is None:
                raise InvalidField(name, RULE_AWARE)
        found: list[tuple[Visit, ContactRecord | None]] = [
            (visit, None) for visit in self._anonymous if start <= visit.at <= end
        ]
        self.account.tick()  # a due purge first, as every read of the contacts does
        cards = self.account.store.by_id
        for contact_id, visits in self._by_contact.items():
            record = cards.get(contact_id)
            if record is None or record.deleted:
                continue  # a soft delete hides the visits (S3.1)
            found.extend((visit, record) for visit in visits if start <= visit.at <= end)
        # (at, seq) is unique (seq counts every visit), so the order does not
        # depend on the order the contacts were walked in.
        found.sort(key=lambda pair: _order(pair[0]))
        return found

    def report(self, start: datetime, end: datetime) -> ActivityReport:
        """``recentActivity`` between ``start`` and ``end`` (inclusive, aware)."""
        visits = self.between(start, end)
        return ActivityReport(
            start=start,
            end=end,
            monitored_contacts=sum(
                1 for record in self.account.live_contacts() if record.monitored
            ),
            total_contacts=self.account.count(),
            contacts=tuple(_by_contact(visits)),
            anonymous=tuple(visit for visit, record in visits if record is None),
            visits=tuple(visits),
            stats=tuple(self._stats([visit for visit, _ in visits])),
        )

    def _stats(self, visits: Sequence[Visit]) -> list[VisitStat]:
        if not visits:
            return []
        zone = self.account.timezone
        groups: dict[tuple[str, str], list[Visit]] = {}
        for visit in visits:
            local = visit.at.astimezone(zone)
            groups.setdefault(("SOURCE", visit.source), []).append(visit)
            groups.setdefault(("HOUR", str(local.hour)), []).append(visit)
            groups.setdefault(("WEEKDAY", _WEEKDAYS[local.weekday()]), []).append(visit)

        def rank(item: tuple[tuple[str, str], list[Visit]]) -> tuple[int, int, str]:
            (kind, name), members = item
            if kind == "SOURCE":
                return 0, -len(members), name
            if kind == "HOUR":
                return 1, int(name), ""
            return 2, _WEEKDAYS.index(name), ""

        total = len(visits)
        return [
            VisitStat(
                kind=kind,
                name=name,
                visits=len(members),
                percent=round(100 * len(members) / total, 2),
                last_visit=max(visit.at for visit in members),
            )
            for (kind, name), members in sorted(groups.items(), key=rank)
        ]

    # --- the card's statistics and histograms (S16.1, S16.2) --------------------

    def _card(self, key: str) -> ContactRecord:
        record = self.account.find(key)
        if record is None:
            raise ContactNotFound(str(key))
        return record

    def visit_stats(
        self, key: str, start: datetime | None = None, end: datetime | None = None
    ) -> VisitStats:
        """The visits of the card ``key`` (e-mail or id) by device, operating system
        and browser, with counts, percentages and last visit (S16.1, seed 003 §5).

        Only visits dated in [``start``, ``end``] count (either open when ``None``;
        aware, else InvalidField ``from`` / ``to``). A soft-deleted card answers with
        no visits (they are hidden, S3.1); a missing one -> ContactNotFound.
        """
        _check_range(start, end)
        visits = [v for v in self.of(self._card(key)) if _within(v.at, start, end)]
        return VisitStats(
            visits=len(visits),
            last_visit=max((v.at for v in visits), default=None),
            devices=shares((v.device or UNKNOWN, v.at) for v in visits),
            systems=shares((v.os or UNKNOWN, v.at) for v in visits),
            browsers=shares((v.browser or UNKNOWN, v.at) for v in visits),
        )

    def activity_times(self, record: ContactRecord) -> list[datetime]:
        """When each shown visit of the card happened (a histogram source)."""
        return [visit.at for visit in self.of(record)]

    def histograms(
        self,
        key: str,
        *,
        sources: Iterable[str] | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Histograms:
        """The card's activity per hour (0-23) and per weekday in the account's time
        zone (S16.2, seed 003 §6), over ``sources`` (default every one of
        `HISTOGRAM_SOURCES`; InvalidField ``sources`` for another) dated in
        [``start``, ``end``]. A missing card -> ContactNotFound."""
        names = list(HISTOGRAM_SOURCES if sources is None else sources)
        for name in names:
            if name not in HISTOGRAM_SOURCES:
                raise InvalidField(
                    "sources", RULE_ONE_OF.format(choices=", ".join(HISTOGRAM_SOURCES))
                )
        _check_range(start, end)
        record = self._card(key)
        counted = [
            (name, self._sources[name].activity_times(record) if name in self._sources else ())
            for name in dict.fromkeys(names)
        ]
        return histograms(counted, self.account.timezone, start, end)

    # --- contact changes, reset, state import -----------------------------------

    def contact_removed(self, record: ContactRecord) -> None:
        """The contact is gone for good: its visits go too."""
        self._by_contact.pop(record.id, None)

    def reset(self) -> None:
        """Forget every visit."""
        self._by_contact.clear()
        self._anonymous.clear()
        self._seq = 0

    def recorded(self) -> list[Visit]:
        """Every visit, anonymous ones and those of soft-deleted contacts too, in the
        order they were recorded."""
        every = [*self._anonymous, *(v for vs in self._by_contact.values() for v in vs)]
        return sorted(every, key=_by_seq)

    def restore_saved(self, visits: Sequence[Visit]) -> None:
        """Put back every visit a state export saved, in recording order (their ``seq``
        numbers them from 1); a state import: nothing is checked here."""
        for visit in visits:
            if visit.contact_id is None:
                self._anonymous.append(visit)
            else:
                self._by_contact.setdefault(visit.contact_id, []).append(visit)
        self._seq = max((visit.seq for visit in visits), default=self._seq)


def _client_kinds(
    user_agent: str | None, device: str | None, os: str | None, browser: str | None
) -> tuple[str | None, str | None, str | None]:
    """The visit's device, system and browser: given, else read from the user agent."""
    agent = visit_text(user_agent, "userAgent", MAX_USER_AGENT, required=False)
    read = parse_user_agent(agent) if agent is not None else (None, None, None)
    given = (
        visit_text(device, "device", MAX_SOURCE, required=False),
        visit_text(os, "os", MAX_SOURCE, required=False),
        visit_text(browser, "browser", MAX_SOURCE, required=False),
    )
    kinds = (
        sys.intern(g.upper()) if g is not None else r for g, r in zip(given, read, strict=True)
    )
    device_kind, os_kind, browser_kind = kinds
    return device_kind, os_kind, browser_kind


def _check_range(start: datetime | None, end: datetime | None) -> None:
    for value, name in ((start, "from"), (end, "to")):
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise InvalidField(name, RULE_AWARE)


def _within(when: datetime, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or when >= start) and (end is None or when <= end)


def _order(visit: Visit) -> tuple[datetime, int]:
    return visit.at, visit.seq


def _by_seq(visit: Visit) -> int:
    return visit.seq


def _by_contact(visits: Iterable[tuple[Visit, ContactRecord | None]]) -> list[ContactActivity]:
    grouped: dict[str, list[Visit]] = {}
    records: dict[str, ContactRecord] = {}
    for visit, record in visits:
        if record is not None:
            grouped.setdefault(record.id, []).append(visit)
            records[record.id] = record
    return [
        ContactActivity(
            record=records[contact_id],
            visits=len(members),
            duration_seconds=sum(v.duration_seconds for v in members),
            points=sum(v.points for v in members),
            first_visit=members[0].at,
            last_visit=members[-1],
        )
        for contact_id, members in grouped.items()
    ]
