"""A stateful property test: the sync SDK against the emulator, checked against a plain model.

:class:`ContactsMachine` (a hypothesis ``RuleBasedStateMachine``) drives a
``SalesManago`` client from :meth:`Emulator.client` on an emulator with a
:class:`FrozenClock` and one account in Europe/Warsaw. Its rules are random
sequences of, on six e-mail addresses written in mixed case and with white
space around them (S2.1):

* ``upsert`` / ``insert`` (name, company from a small set spelled several ways,
  tags, removeTags, details, forceOptIn / forceOptOut), incl. the restore of a
  soft-deleted card (S2.2, S3.2);
* ``update`` of live, soft-deleted and missing contacts (S2.2, S3.2);
* ``delete``, soft and permanent (S3.1, S3.3);
* ``advance_clock`` by random amounts and ``advance_to_purge`` to just before,
  at and just after the next 02:00 (S3.1, S3.4), from start instants that
  include the spring-forward and fall-back nights of 2026;
* ``manage_tags`` (S5.1), ``opt_in`` / ``opt_out`` (S2.6);
* ``batch_upsert`` (S3.2: restores like a single upsert);
* ``add_event`` and ``add_events_batch`` (PURCHASE with exact Decimal values
  and repeated ``externalId``\\ s, also inside one batch, S7.4; unknown e-mails
  created, S7.6; soft-deleted ones restored, S3.2; other types),
  ``update_event``, ``delete_event`` by id or external id (S7.2, S6.3);
* ``set_score`` / ``add_score`` through the emulator's Python API
  (``account.set_score`` / ``add_score``: the API has no scoring write).

The oracle is :class:`Model`: a dict of :class:`Card`\\ s keyed by the
normalised e-mail, each holding plain fields, a tag set, a detail dict and an
event dict. After every step the invariants compare it with the emulator,
mostly through the SDK: one card per normalised e-mail, live count
(``account.count()`` and ``has_contact`` per e-mail), every card's full data
(``contacts.list``: id, deleted flag, name, company, score, opted-out flag,
tags, details incl. ORDER_NUMBER / ORDER_SUMMARY / ORDER_AVG to the character,
events), the tag list with live counts (``tags.list``), company scoring
(``account.companies.company(name)`` and ``scoring.company_scoring``).

The machine starts from zero to six contacts (random companies, tags and
scores) at one of three start instants, so deletes, restores and purges
happen early; ``restore_contact`` upserts or inserts a soft-deleted e-mail on
purpose. ORDER_* are absent from a card with no purchase (the emulator's
choice: S6.3 does not define an average of nothing). forceOptIn on an event
for an existing live contact is ignored (protocol: "true will create contact
as opt-in").

Budget: the default profile ``state-machine`` runs ``max_examples=60`` with
``stateful_step_count=50``: about 15 s of CPU under pytest (the suite's secret
guard logs every request), so the whole file stays under 60 s on two busy
cores. ``SM_STATE_MACHINE_PROFILE=state-machine-long`` runs
``max_examples=400`` / ``stateful_step_count=60`` for a soak (a few minutes).
No example database is written (``database=None``); a failure prints its steps.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from salesmanago import ContactUpsert, SalesManago
from salesmanago.errors import (
    AlreadyExistsError,
    InvalidFieldError,
    NotFoundError,
    RequestFailedError,
)
from salesmanago.models.events import ExternalEvent, ExternalEventType
from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.errors import CompanyNotFound, ContactNotFound

UTC: Final = timezone.utc
OWNER: Final = "owner@example.com"

# --- settings -----------------------------------------------------------------------------

settings.register_profile(
    "state-machine",
    max_examples=60,
    stateful_step_count=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "state-machine-long",
    max_examples=400,
    stateful_step_count=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
PROFILE: Final = os.environ.get("SM_STATE_MACHINE_PROFILE", "state-machine")

# --- inputs -------------------------------------------------------------------------------

#: The six addresses, normalised (the model's keys).
BASES: Final = (
    "ann@example.com",
    "bob.smith@example.com",
    "cecilia@shop.example.pl",
    "dawid+news@example.com",
    "ewa@example.org",
    "f.o@example.net",
)


def _spellings(base: str) -> list[str]:
    local, _, domain = base.partition("@")
    return [
        base,
        base.upper(),
        f"  {local.capitalize()}@{domain.upper()}  ",
        f"\t{base.title()} ",
    ]


#: Every spelling of every address; each normalises (trim, lower) to its base.
SPELLINGS: Final = {base: _spellings(base) for base in BASES}
EMAILS: Final = st.sampled_from(BASES[:3] * 3 + BASES[3:]).flatmap(
    lambda b: st.sampled_from(SPELLINGS[b])
)

#: Raw tag -> its normalised form, written out by hand (S5.1).
TAGS: Final = {
    "vip": "VIP",
    " Vip ": "VIP",
    "żółty kot": "ZOLTY_KOT",
    "Łódź": "LODZ",
    "news-letter.2": "NEWS-LETTER.2",
    "Straße 5": "STRASSE_5",
}
TAG_LISTS: Final = st.lists(st.sampled_from(sorted(TAGS)), max_size=3)

#: Company spellings: the first four are one company, "  " is no company (S4.3).
COMPANIES: Final = ("Acme", " ACME ", "acme", "Beta Sp. z o.o.", "BETA sp. z o.o.  ", "  ")
DETAILS: Final = st.dictionaries(
    st.sampled_from(["color", "size", "city"]),
    st.sampled_from(["red", "43", "Łódź", "a b"]),
    max_size=2,
)
NAMES: Final = st.sampled_from(["Ann", "Zażółć Gęślą", "O'Brien"])
OPT: Final = st.sampled_from([None, None, "in", "out"])

#: Amounts with 0, 1 or 2 decimals; small ones make half-cent averages likely (S6.3).
VALUES: Final = st.one_of(
    st.sampled_from(
        [Decimal(t) for t in ("10.00", "20.01", "0.10", "0.01", "0.04", "0.05", "0.5", "7", "0")]
    ),
    st.integers(0, 100_000).map(lambda c: Decimal(c).scaleb(-2)),
    st.integers(0, 999).map(lambda c: Decimal(c).scaleb(-1)),
    st.just(Decimal("9999999999999999.99")),
)
EXTERNAL_IDS: Final = st.sampled_from([None, "ord-1", "ord-2", "ord-3"])
EVENT_TYPES: Final = st.sampled_from(
    [ExternalEventType.PURCHASE] * 3
    + [ExternalEventType.CART, ExternalEventType.VISIT, ExternalEventType.RETURN]
)

#: Start instants: a January morning, the eve of spring forward, the eve of fall back.
STARTS: Final = (
    datetime(2026, 1, 15, 10, 0, tzinfo=UTC),  # 11:00 Warsaw
    datetime(2026, 3, 28, 22, 30, tzinfo=UTC),  # 23:30 CET, 29 March: 02:00 does not exist
    datetime(2026, 10, 24, 21, 0, tzinfo=UTC),  # 23:00 CEST, 25 October: 02:00 twice
)

# --- the model ----------------------------------------------------------------------------

CENT: Final = Decimal("0.01")
SUMMER_DAYS: Final = (date(2026, 3, 30), date(2026, 10, 25))
"""Local days of 2026 whose 02:00 is summer time (CEST, UTC+2): the first 02:00 of
25 October is still CEST. On 29 March 02:00 does not exist: the purge happens at
the jump, 02:00 CET = 01:00 UTC."""
CEST: Final = (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC))
"""The UTC interval in which Warsaw is on UTC+2 in 2026."""


def purge_instant_of_day(day: date) -> datetime:
    """02:00 Warsaw on local ``day`` as a UTC instant (S3.1, incl. both DST nights)."""
    summer = SUMMER_DAYS[0] <= day <= SUMMER_DAYS[1]
    return datetime(day.year, day.month, day.day, 0 if summer else 1, tzinfo=UTC)


def next_purge(deleted_at: datetime) -> datetime:
    """The first 02:00 Warsaw strictly after ``deleted_at`` (UTC), for 2026."""
    assert deleted_at.year == 2026
    offset = 2 if CEST[0] <= deleted_at < CEST[1] else 1
    local_day = (deleted_at + timedelta(hours=offset)).date()
    for k in range(3):
        instant = purge_instant_of_day(local_day + timedelta(days=k))
        if instant > deleted_at:
            return instant
    raise AssertionError("unreachable")


def company_key(name: str | None) -> str:
    """S4.3: trimmed, case-insensitive; blank is no company."""
    return (name or "").strip().casefold()


@dataclass
class Event:
    type: str
    value: Decimal
    external_id: str | None


@dataclass
class Card:
    id: str
    deleted: bool = False
    purge_at: datetime | None = None
    name: str | None = None
    company: str | None = None
    score: int = 0
    opted_out: bool = True  # S2.6: a new contact is opted out unless forced in
    tags: set[str] = field(default_factory=set)
    details: dict[str, str] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)

    def event_with_external(self, external_id: str) -> str | None:
        return next((i for i, e in self.events.items() if e.external_id == external_id), None)

    def aggregates(self) -> dict[str, str]:
        """ORDER_NUMBER / ORDER_SUMMARY / ORDER_AVG of S6.3 (absent with no purchase)."""
        values = [e.value for e in self.events.values() if e.type == "PURCHASE"]
        if not values:
            return {}
        with localcontext() as ctx:
            ctx.prec = 80
            total = sum(values, Decimal(0))
            average = total / len(values)
            return {
                "ORDER_NUMBER": str(len(values)),
                "ORDER_SUMMARY": f"{total.quantize(CENT, rounding=ROUND_HALF_UP):f}",
                "ORDER_AVG": f"{average.quantize(CENT, rounding=ROUND_HALF_UP):f}",
            }


class Model:
    """The oracle: cards by normalised e-mail, and the shown company names."""

    def __init__(self) -> None:
        self.cards: dict[str, Card] = {}
        self.company_names: dict[str, str] = {}  # key -> first spelling seen (trimmed)

    def live(self, email: str) -> Card | None:
        card = self.cards.get(email)
        return card if card is not None and not card.deleted else None

    def live_cards(self) -> dict[str, Card]:
        return {e: c for e, c in self.cards.items() if not c.deleted}

    def after_change(self, changed: Card | None = None) -> None:
        """A company is known while a card (live or soft-deleted) names it; its shown
        name is the spelling it was first seen with (S4.3). Called after every change
        of one card (``changed``: the card just written) and after removals."""
        named = {company_key(c.company) for c in self.cards.values()}
        for key in list(self.company_names):
            if key not in named:
                del self.company_names[key]
        if changed is not None and company_key(changed.company):
            assert changed.company is not None
            self.company_names.setdefault(company_key(changed.company), changed.company.strip())

    def purge(self, now: datetime) -> None:
        for email, card in list(self.cards.items()):
            if card.deleted and card.purge_at is not None and card.purge_at <= now:
                note(
                    f"purge: night of {card.purge_at:%m-%d}"
                    if card.purge_at.month in (3, 10)
                    else "purge"
                )
                del self.cards[email]
        self.after_change()

    def pending_purges(self) -> list[datetime]:
        return sorted(c.purge_at for c in self.cards.values() if c.purge_at is not None)

    def tag_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for card in self.live_cards().values():
            for tag in card.tags:
                counts[tag] = counts.get(tag, 0) + 1
        return counts

    def card_of_event(self, event_id: str) -> Card | None:
        return next((c for c in self.cards.values() if event_id in c.events), None)


def norm(email: str) -> str:
    return email.strip().lower()


def norm_tags(raw: list[str]) -> set[str]:
    return {TAGS[t] for t in raw}


# --- the machine --------------------------------------------------------------------------


class ContactsMachine(RuleBasedStateMachine):
    """Random SDK calls against the emulator; the :class:`Model` is the oracle."""

    event_ids = Bundle("event_ids")

    def __init__(self) -> None:
        super().__init__()
        self.clock = FrozenClock(STARTS[0])
        self.emulator = Emulator(clock=self.clock)
        self.account = self.emulator.add_account(
            client_id="state-machine",
            api_secret="state-machine-secret",
            users=[OWNER],
            timezone="Europe/Warsaw",
        )
        self.sm: SalesManago = self.emulator.client()
        self.model = Model()
        self.turn = 0

    def teardown(self) -> None:
        self.sm.close()

    # --- helpers ------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def _apply_write(
        self,
        card: Card,
        *,
        name: str | None,
        company: str | None,
        tags: set[str],
        remove: set[str],
        details: dict[str, str],
        opt: str | None,
    ) -> None:
        if name is not None:
            card.name = name
        if company is not None:
            card.company = company
        card.tags -= remove
        card.tags |= tags
        card.details.update(details)
        if opt is not None:
            card.opted_out = opt == "out"
        self.model.after_change(card)

    @staticmethod
    def _upsert_item(
        email: str,
        name: str | None,
        company: str | None,
        tags: list[str],
        remove: list[str],
        details: dict[str, str],
        opt: str | None,
    ) -> ContactUpsert:
        return ContactUpsert(
            email=email,
            name=name,
            company=company,
            tags=tuple(tags),
            remove_tags=tuple(remove),
            properties=details,
            force_opt_in=True if opt == "in" else None,
            force_opt_out=True if opt == "out" else None,
        )

    # --- set-up -------------------------------------------------------------------------

    @initialize(
        start=st.sampled_from(STARTS),
        people=st.lists(
            st.tuples(EMAILS, st.sampled_from(COMPANIES), TAG_LISTS, st.integers(0, 30)),
            max_size=6,
        ),
    )
    def start(self, start: datetime, people: list[tuple[str, str, list[str], int]]) -> None:
        """Set the clock and start from a few contacts (so deletes and restores happen)."""
        self.clock.set(start)
        for email, company, tags, score in people:
            self.write_contact(email, None, company, tags, [], {}, None, insert=False)
            self.change_score(email, score, relative=False)

    # --- contact writes -----------------------------------------------------------------

    @rule(
        email=EMAILS,
        name=st.none() | NAMES,
        company=st.none() | st.sampled_from(COMPANIES),
        tags=TAG_LISTS,
        remove=TAG_LISTS,
        details=DETAILS,
        opt=OPT,
        insert=st.booleans(),
    )
    def write_contact(
        self,
        email: str,
        name: str | None,
        company: str | None,
        tags: list[str],
        remove: list[str],
        details: dict[str, str],
        opt: str | None,
        insert: bool,
    ) -> None:
        """Upsert or insert: create, update a live card, or restore a soft-deleted one."""
        item = self._upsert_item(email, name, company, tags, remove, details, opt)
        key = norm(email)
        card = self.model.cards.get(key)
        adding, removing = norm_tags(tags), norm_tags(remove)
        if adding & removing:
            with pytest.raises(InvalidFieldError):
                (self.sm.contacts.insert if insert else self.sm.contacts.upsert)(item)
            return
        if insert and card is not None and not card.deleted:
            with pytest.raises(AlreadyExistsError, match="already exists"):
                self.sm.contacts.insert(item)
            return
        result = (self.sm.contacts.insert if insert else self.sm.contacts.upsert)(item)
        if card is None:
            assert result.contact_id not in {c.id for c in self.model.cards.values()}
            card = self.model.cards[key] = Card(id=result.contact_id)
        else:
            assert result.contact_id == card.id  # same card: updated or restored (S2.2, S3.2)
            note("write: restored a soft-deleted card" if card.deleted else "write: updated")
            card.deleted, card.purge_at = False, None
        self._apply_write(
            card,
            name=name,
            company=company,
            tags=adding,
            remove=removing,
            details=details,
            opt=opt,
        )
        self.model.after_change()

    @precondition(lambda self: any(c.deleted for c in self.model.cards.values()))
    @rule(
        data=st.data(),
        name=st.none() | NAMES,
        company=st.none() | st.sampled_from(COMPANIES),
        tags=TAG_LISTS,
        details=DETAILS,
        opt=OPT,
        insert=st.booleans(),
    )
    def restore_contact(
        self,
        data: st.DataObject,
        name: str | None,
        company: str | None,
        tags: list[str],
        details: dict[str, str],
        opt: str | None,
        insert: bool,
    ) -> None:
        """S3.2: an insert or upsert of a soft-deleted e-mail restores the same card."""
        deleted = sorted(e for e, c in self.model.cards.items() if c.deleted)
        email = data.draw(st.sampled_from(deleted).flatmap(lambda b: st.sampled_from(SPELLINGS[b])))
        self.write_contact(email, name, company, tags, [], details, opt, insert)

    @rule(
        email=EMAILS,
        name=st.none() | NAMES,
        company=st.none() | st.sampled_from(COMPANIES),
        details=DETAILS,
        opt=OPT,
    )
    def update_contact(
        self,
        email: str,
        name: str | None,
        company: str | None,
        details: dict[str, str],
        opt: str | None,
    ) -> None:
        """Update needs a live card: missing or soft-deleted -> not found (S2.2, S3.2)."""
        item = self._upsert_item(email, name, company, [], [], details, opt)
        card = self.model.live(norm(email))
        if card is None:
            with pytest.raises(NotFoundError, match="not found"):
                self.sm.contacts.update(item)
            return
        assert self.sm.contacts.update(item).contact_id == card.id
        self._apply_write(
            card, name=name, company=company, tags=set(), remove=set(), details=details, opt=opt
        )
        self.model.after_change()

    @rule(email=EMAILS, permanently=st.booleans())
    def delete_contact(self, email: str, permanently: bool) -> None:
        key = norm(email)
        card = self.model.cards.get(key)
        if card is None or (card.deleted and not permanently):
            with pytest.raises(NotFoundError, match="not found"):
                self.sm.contacts.delete(email, permanently=permanently)
            return
        self.sm.contacts.delete(email, permanently=permanently)
        note("delete: permanent" if permanently else "delete: soft")
        if permanently:
            del self.model.cards[key]  # S3.3: gone at once, with its data
        else:
            card.deleted, card.purge_at = True, next_purge(self.now())
        self.model.after_change()

    # --- time ---------------------------------------------------------------------------

    @rule(
        minutes=st.one_of(
            st.integers(1, 180), st.integers(180, 36 * 60), st.sampled_from([24 * 60, 60])
        )
    )
    def advance_clock(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))
        self.model.purge(self.now())

    @precondition(lambda self: bool(self.model.pending_purges()))
    @rule(offset=st.sampled_from([-60, -1, 0, 1, 60]))
    def advance_to_purge(self, offset: int) -> None:
        """Stop just before, at, or just after the next 02:00 (S3.1, S3.4)."""
        target = self.model.pending_purges()[0] + timedelta(seconds=offset)
        if target > self.now():
            self.clock.set(target)
        self.model.purge(self.now())

    # --- tags, status, scoring ----------------------------------------------------------

    @rule(email=EMAILS, add=TAG_LISTS, remove=TAG_LISTS)
    def manage_tags(self, email: str, add: list[str], remove: list[str]) -> None:
        if not add and not remove:
            add = ["vip"]
        card = self.model.live(norm(email))
        adding, removing = norm_tags(add), norm_tags(remove)
        if adding & removing:
            expected: Any = InvalidFieldError if card is not None else RequestFailedError
            with pytest.raises(expected):
                self.sm.tags.manage(email, add=add, remove=remove)
            return
        if card is None:
            with pytest.raises(NotFoundError, match="not found"):
                self.sm.tags.manage(email, add=add, remove=remove)
            return
        assert self.sm.tags.manage(email, add=add, remove=remove) == card.id
        card.tags = (card.tags - removing) | adding

    @rule(email=EMAILS, opt_out=st.booleans())
    def change_opt(self, email: str, opt_out: bool) -> None:
        call = self.sm.optin.opt_out if opt_out else self.sm.optin.opt_in
        card = self.model.live(norm(email))
        if card is None:
            with pytest.raises(NotFoundError, match="not found"):
                call(email)
            return
        assert call(email) == card.id
        card.opted_out = opt_out

    @rule(email=EMAILS, points=st.integers(-50, 200), relative=st.booleans())
    def change_score(self, email: str, points: int, relative: bool) -> None:
        """Scoring writes exist only in the emulator's Python API (S4.1)."""
        change = self.account.scoring.add if relative else self.account.scoring.set
        card = self.model.live(norm(email))
        if card is None:
            with pytest.raises(ContactNotFound):
                change(email, points)
            return
        record = change(email, points)
        assert record.id == card.id
        card.score = card.score + points if relative else points

    # --- events -------------------------------------------------------------------------

    @rule(
        target=event_ids,
        email=EMAILS,
        event_type=EVENT_TYPES,
        value=VALUES,
        external_id=EXTERNAL_IDS,
        force_opt_in=st.sampled_from([None, True]),
    )
    def add_event(
        self,
        email: str,
        event_type: ExternalEventType,
        value: Decimal,
        external_id: str | None,
        force_opt_in: bool | None,
    ) -> str:
        event = ExternalEvent(
            date=self.now(), event_type=event_type, value=value, external_id=external_id
        )
        event_id = self.sm.events.add(event, email=email, force_opt_in=force_opt_in)
        key = norm(email)
        card = self.model.cards.get(key)
        if card is None or card.deleted:  # S7.6 creates, S3.2 restores
            if card is None:
                card = self.model.cards[key] = Card(id=self._id_of(email))
            card.deleted, card.purge_at = False, None
            if force_opt_in:
                card.opted_out = False
            self.model.after_change()
        existing = None if external_id is None else card.event_with_external(external_id)
        if existing is not None:
            note("event: externalId repeated")
            assert event_id == existing  # S7.4: the same event, updated, no duplicate
        else:
            assert self.model.card_of_event(event_id) is None
        card.events[event_id] = Event(event_type.value, value, external_id)
        return event_id

    @rule(
        items=st.lists(st.tuples(EMAILS, EVENT_TYPES, VALUES, EXTERNAL_IDS), min_size=1, max_size=4)
    )
    def add_events_batch(
        self, items: list[tuple[str, ExternalEventType, Decimal, str | None]]
    ) -> None:
        """S7.2 batch add: later items see earlier ones, so a repeated externalId updates
        (S7.4) even inside one batch; unknown e-mails are created, soft-deleted restored."""
        batch = [
            (email, ExternalEvent(date=self.now(), event_type=t, value=v, external_id=x))
            for email, t, v, x in items
        ]
        result = self.sm.events.add_batch(batch)
        assert [i.ok for i in result.items] == [True] * len(items)
        fresh: set[str] = set()  # e-mails of cards the batch added events to
        for email, event_type, value, external_id in items:
            key = norm(email)
            card = self.model.cards.get(key)
            if card is None:
                card = self.model.cards[key] = Card(id=self._id_of(email))
            card.deleted, card.purge_at = False, None
            written = Event(event_type.value, value, external_id)
            existing = None if external_id is None else card.event_with_external(external_id)
            if existing is not None:
                note("batch: externalId repeated")
                card.events[existing] = written
            else:  # a new event, under a placeholder id until the card is read back
                card.events[f"new-{len(card.events)}"] = written
                fresh.add(key)
        self.model.after_change()
        if not fresh:
            return
        read = {c.email: c for c in self.sm.contacts.list(sorted(fresh), any_owner=True)}
        for key in fresh:
            card = self.model.cards[key]
            added = {i: e for i, e in card.events.items() if i.startswith("new-")}
            for placeholder in added:
                del card.events[placeholder]
            new_events = [e for e in read[key].ext_events if e.event_id not in card.events]
            assert len(new_events) == len(added)  # S7.4: one new event per new externalId
            for event in added.values():
                match = next(
                    e
                    for e in new_events
                    if (e.event_type, e.value, e.external_id)
                    == (event.type, event.value, event.external_id)
                )
                new_events.remove(match)
                assert self.model.card_of_event(match.event_id) is None
                card.events[match.event_id] = event

    @rule(
        items=st.lists(
            st.tuples(EMAILS, st.sampled_from(COMPANIES), TAG_LISTS, DETAILS, OPT),
            min_size=1,
            max_size=3,
            unique_by=lambda item: norm(item[0]),
        )
    )
    def batch_upsert(
        self, items: list[tuple[str, str, list[str], dict[str, str], str | None]]
    ) -> None:
        """S3.2: a batch upsert restores soft-deleted cards like a single upsert."""
        writes = [
            self._upsert_item(email, None, company, tags, [], details, opt)
            for email, company, tags, details, opt in items
        ]
        result = self.sm.contacts.batch_upsert(writes)
        assert not result.failed
        for item, (email, company, tags, details, opt) in zip(result.items, items, strict=True):
            key = norm(email)
            card = self.model.cards.get(key)
            assert item.contact_id is not None
            if card is None:
                assert item.contact_id not in {c.id for c in self.model.cards.values()}
                card = self.model.cards[key] = Card(id=item.contact_id)
            else:
                assert item.contact_id == card.id
                if card.deleted:
                    note("batch: restored a soft-deleted card")
                card.deleted, card.purge_at = False, None
            self._apply_write(
                card,
                name=None,
                company=company,
                tags=norm_tags(tags),
                remove=set(),
                details=details,
                opt=opt,
            )
        self.model.after_change()

    def _id_of(self, email: str) -> str:
        contact_id = self.sm.contacts.has_contact(email)
        assert contact_id is not None
        assert contact_id not in {c.id for c in self.model.cards.values()}
        return contact_id

    @rule(
        event_id=event_ids,
        event_type=EVENT_TYPES,
        value=VALUES,
        external_id=EXTERNAL_IDS,
    )
    def update_event(
        self,
        event_id: str,
        event_type: ExternalEventType,
        value: Decimal,
        external_id: str | None,
    ) -> None:
        """Update changes the fields sent; externalId None keeps the stored one."""
        event = ExternalEvent(
            date=self.now(), event_type=event_type, value=value, external_id=external_id
        )
        card = self.model.card_of_event(event_id)
        if card is None or card.deleted:
            with pytest.raises(NotFoundError, match="not found"):
                self.sm.events.update(event_id, event)
            return
        other = None if external_id is None else card.event_with_external(external_id)
        if other is not None and other != event_id:
            with pytest.raises(InvalidFieldError):
                self.sm.events.update(event_id, event)
            return
        assert self.sm.events.update(event_id, event) == event_id
        old = card.events[event_id]
        card.events[event_id] = Event(
            event_type.value, value, external_id if external_id is not None else old.external_id
        )

    @rule(event_id=event_ids)
    def delete_event_by_id(self, event_id: str) -> None:
        card = self.model.card_of_event(event_id)
        if card is None or card.deleted:
            with pytest.raises(NotFoundError, match="not found"):
                self.sm.events.delete(event_id)
            return
        self.sm.events.delete(event_id)
        del card.events[event_id]

    @rule(external_id=st.sampled_from(["ord-1", "ord-2", "ord-3"]))
    def delete_event_by_external_id(self, external_id: str) -> None:
        holders = [
            c for c in self.model.cards.values() if c.event_with_external(external_id) is not None
        ]
        if not holders or (len(holders) == 1 and holders[0].deleted):
            with pytest.raises(NotFoundError, match="not found"):
                self.sm.events.delete(external_id=external_id)
            return
        if len(holders) > 1:  # several contacts use it: ambiguous without a contact
            with pytest.raises(InvalidFieldError):
                self.sm.events.delete(external_id=external_id)
            return
        self.sm.events.delete(external_id=external_id)
        card = holders[0]
        event_id = card.event_with_external(external_id)
        assert event_id is not None
        del card.events[event_id]

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def one_card_per_email(self) -> None:
        """S2.1: stored e-mails are normalised and unique; the cards are the model's."""
        records = list(self.account.all_contacts())
        emails = [r.email for r in records]
        assert len(emails) == len(set(emails))
        assert all(e == norm(e) for e in emails)
        assert {r.email: r.id for r in records} == {e: c.id for e, c in self.model.cards.items()}
        assert {r.email for r in records if r.deleted} == {
            e for e, c in self.model.cards.items() if c.deleted
        }

    @invariant()
    def live_count_and_has_contact(self) -> None:
        """S3.1: soft-deleted cards do not count; hasContact says null for them."""
        assert self.account.count() == len(self.model.live_cards())
        for base in BASES:
            card = self.model.live(base)
            spelled = SPELLINGS[base][2]
            assert self.sm.contacts.has_contact(spelled) == (None if card is None else card.id)

    @invariant()
    def full_contacts_match(self) -> None:
        """Every card read back in full, soft-deleted ones flagged (S3.1), S6.3 exact."""
        contacts = self.sm.contacts.list([SPELLINGS[b][1] for b in BASES], any_owner=True)
        got = {c.email: c for c in contacts}
        assert set(got) == set(self.model.cards)
        for email, card in self.model.cards.items():
            contact = got[email]
            assert contact.contact_id == card.id
            assert contact.deleted == card.deleted
            assert contact.name == card.name
            assert contact.company == card.company
            assert contact.score == card.score
            assert contact.opted_out == card.opted_out
            assert set(contact.tag_names) == card.tags
            assert len(contact.tag_names) == len(card.tags)
            assert dict(contact.properties) == {**card.details, **card.aggregates()}
            events = {e.event_id: e for e in contact.ext_events}
            assert set(events) == set(card.events)
            for event_id, event in card.events.items():
                wire = events[event_id]
                assert wire.event_type == event.type
                assert wire.value == event.value
                assert wire.external_id == event.external_id

    @invariant()
    def tag_counts(self) -> None:
        """S5, S3.1: the tag list counts live contacts only."""
        listed = {t.tag: t.number_of_tagged for t in self.sm.tags.list()}
        assert listed == self.model.tag_counts()

    @invariant()
    def company_scoring(self) -> None:
        """S4.3, S4.4: a company's scoring is the sum of its live persons' scores."""
        live = self.model.live_cards()
        for spelling in COMPANIES:
            key = company_key(spelling)
            if not key:
                continue
            if key not in self.model.company_names:
                with pytest.raises(CompanyNotFound):
                    self.account.companies.company(spelling)
                continue
            persons = [c for c in live.values() if company_key(c.company) == key]
            view = self.account.companies.company(spelling)
            assert view.scoring == sum(c.score for c in persons)
            assert view.name == self.model.company_names[key]
            assert {r.id for r in view.persons} == {c.id for c in persons}
        assert set(self.account.companies.names()) == set(self.model.company_names.values())

    @invariant()
    def sdk_company_scoring(self) -> None:
        """S4.4 through the SDK (``contact/basic``): soft-deleted and unknown count 0.

        One request per step: all companies, then Acme, then Beta, in turn.
        """
        self.turn = (self.turn + 1) % 3
        key, spelling = ((None, None), ("acme", " aCME"), ("beta sp. z o.o.", "beta SP. Z O.O."))[
            self.turn
        ]
        expected = sum(
            c.score
            for c in self.model.live_cards().values()
            if key is None or company_key(c.company) == key
        )
        every_email = [SPELLINGS[b][3] for b in BASES]
        assert self.sm.scoring.company_scoring(every_email, company=spelling) == expected


TestContactsStateMachine = ContactsMachine.TestCase
TestContactsStateMachine.settings = settings.get_profile(PROFILE)


# --- the model's own clock rule, pinned to the examples of S3.1 -----------------------------


@pytest.mark.parametrize(
    ("deleted_at", "purge_at"),
    [
        # 23:59 CET -> 02:00 next morning; 00:30 -> 02:00 the same morning
        (datetime(2026, 1, 15, 22, 59, tzinfo=UTC), datetime(2026, 1, 16, 1, 0, tzinfo=UTC)),
        (datetime(2026, 1, 15, 23, 30, tzinfo=UTC), datetime(2026, 1, 16, 1, 0, tzinfo=UTC)),
        # exactly 02:00 waits for the next night
        (datetime(2026, 1, 16, 1, 0, tzinfo=UTC), datetime(2026, 1, 17, 1, 0, tzinfo=UTC)),
        # spring forward: 02:00 CET on 29 March does not exist, the jump is 01:00 UTC
        (datetime(2026, 3, 28, 22, 30, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 3, 30, 0, 0, tzinfo=UTC)),
        # fall back: the first 02:00 of 25 October is 00:00 UTC (CEST)
        (datetime(2026, 10, 24, 21, 0, tzinfo=UTC), datetime(2026, 10, 25, 0, 0, tzinfo=UTC)),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 26, 1, 0, tzinfo=UTC)),
    ],
)
def test_model_next_purge(deleted_at: datetime, purge_at: datetime) -> None:
    assert next_purge(deleted_at) == purge_at


def test_model_aggregates_spec_examples() -> None:
    """S6.3's worked examples, on the model the machine trusts."""
    card = Card(id="x")
    for i, value in enumerate(("10.00", "20.01", "0.10")):
        card.events[str(i)] = Event("PURCHASE", Decimal(value), None)
    assert card.aggregates() == {
        "ORDER_NUMBER": "3",
        "ORDER_SUMMARY": "30.11",
        "ORDER_AVG": "10.04",
    }
    card.events = {
        "a": Event("PURCHASE", Decimal("0.01"), None),
        "b": Event("PURCHASE", Decimal("0.04"), None),
    }
    assert card.aggregates()["ORDER_AVG"] == "0.03"
