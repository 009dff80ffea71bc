"""External events of contacts, and the purchase aggregates they drive (S7, S6.3, S16.3).

An event (protocol §5.5) belongs to one contact: a type from the closed list
`EVENT_TYPES`, a date, and optional description, products, location,
value, ``detail1`` … ``detail20``, ``externalId`` and shop domain. Events are
added one by one or in batches, updated and deleted (S7.2). Field limits are
refused naming the field, never truncated, counting characters (S7.5).

``externalId`` identifies an event of its contact: adding an event whose
``externalId`` the contact already has replaces that event's fields and keeps
its ``eventId`` (S7.4). An event for an e-mail with no live contact creates (or
restores) the contact through the account's upsert, ``forceOptIn`` included
(S7.6).

Every change to a ``PURCHASE`` event recomputes the contact's standard details
``ORDER_NUMBER``, ``ORDER_SUMMARY`` and ``ORDER_AVG`` (S6.3) with exact
decimal arithmetic, rendered with two decimals rounded half-up; when no
purchase is left the three details are removed.

Per-contact events live on the card (`ContactRecord.extension` under
``"events"``); the area keeps two indexes: event id -> contact id and
external id -> contact ids. Events follow their card: they stay through a
soft delete and come back with a restore; a purge, permanent delete or
"forget me" removes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, ClassVar, Final

import attrs

from ..errors import (
    RULE_A_NUMBER,
    RULE_AWARE,
    RULE_BETWEEN,
    RULE_DIGITS_AFTER_POINT,
    RULE_DIGITS_BEFORE_POINT,
    RULE_EVENT_TYPE,
    RULE_EXCLUSIVE,
    RULE_EXTERNAL_ID_AMBIGUOUS,
    RULE_EXTERNAL_ID_TAKEN,
    RULE_INTEGER,
    RULE_NOT_EMPTY,
    RULE_OBJECT,
    RULE_ONE_OF,
    RULE_REQUIRED,
    RULE_STRING,
    RULE_TOO_LONG,
    RULE_ZERO_OR_MORE,
    ContactNotFound,
    EmulatorError,
    EventNotFound,
    InvalidField,
    LimitExceeded,
    ReadOnlyOwner,
)
from ._card import ContactRecord, ContactWrite
from ._core import AccountArea, AccountCore
from ._normalize import normalize_email, validate_email
from ._recommend import DEFAULT_WEIGHTS, Profile, Recommendation, product_ids, recommend
from ._recommend import KINDS as REC_KINDS
from .contacts import ContactsArea, PlannedUpsert
from .users import UsersArea

__all__ = [
    "BATCH_EVENT_LIMIT",
    "EVENT_TYPES",
    "MAX_DETAILS",
    "MAX_RECOMMENDATIONS",
    "VIEW_TYPES",
    "EcommerceSummary",
    "EventItem",
    "EventWrite",
    "EventsArea",
    "StoredEvent",
    "money_text",
    "stored_event",
]

EVENT_TYPES: Final = frozenset(
    {
        # the documented list (protocol §5.5)
        "PURCHASE",
        "CART",
        "VISIT",
        "PHONE_CALL",
        "OTHER",
        "RESERVATION",
        "CANCELLED",
        "ACTIVATION",
        "MEETING",
        "OFFER",
        "DOWNLOAD",
        "LOGIN",
        "TRANSACTION",
        "CANCELLATION",
        "RETURN",
        "SURVEY",
        "APP_STATUS",
        "APP_TYPE_WEB",
        "APP_TYPE_MANUAL",
        "APP_TYPE_RETENTION",
        "APP_TYPE_UPSALE",
        "LOAN_STATUS",
        "LOAN_ORDER",
        "FIRST_LOAN",
        "REPEATED_LOAN",
        # the platform's newer types (protocol §5.5, BL)
        "PACKED",
        "PRINTED_OUT",
        "PARTIALLY_REFUNDED",
        "PENDING",
        "READY_FOR_PICKUP",
        "FULLY_REFUNDED",
        "FULLY_PICKED",
        "PARTIALLY_PICKED",
        "SENT_COMPLETE",
        "UPDATE",
        "ENGAGEMENT",
    }
)
"""Every event type the platform takes (protocol §5.5): a closed set, upper case."""

PURCHASE: Final = "PURCHASE"
"""The type whose values make up the purchase aggregates (S6.3)."""
VIEW_TYPES: Final = frozenset({"VISIT"})
"""The types whose products count as viewed for recommendations (S16.4; our choice:
the protocol's type for a visit of a product page)."""
MAX_RECOMMENDATIONS: Final = 100
"""Most products one recommendation list holds."""
BATCH_EVENT_LIMIT: Final = 1000
"""Most events one batch add takes (protocol §3.4)."""
MAX_DETAILS: Final = 20
"""Free detail fields ``detail1`` … ``detail20`` (protocol §3.4)."""

# Field limits in characters (protocol §3.4; S7.5 sets location to 255).
_TEXT_LIMITS: Final = (
    ("description", "description", 2048),
    ("products", "products", 512),
    ("location", "location", 255),
    ("external_id", "externalId", 255),
    ("shop_domain", "shopDomain", 255),
)
_DETAIL_LIMIT: Final = 255
_VALUE_INTEGER_DIGITS: Final = 19
_VALUE_FRACTION_DIGITS: Final = 2
_VALUE_CHARS: Final = 22

ORDER_NUMBER: Final = "ORDER_NUMBER"
ORDER_SUMMARY: Final = "ORDER_SUMMARY"
ORDER_AVG: Final = "ORDER_AVG"
_CENT: Final = Decimal("0.01")


def money_text(cents: int) -> str:
    """An amount in cents as the two-decimal text the card shows (``3011`` -> ``"30.11"``)."""
    return f"{Decimal(cents).scaleb(-2):f}"


def _average_cents(total_cents: int, count: int) -> int:
    """``total / count`` rounded half-up (away from zero at .5), in whole cents, exactly."""
    quotient, remainder = divmod(abs(total_cents), count)
    if 2 * remainder >= count:
        quotient += 1
    return -quotient if total_cents < 0 else quotient


def _cents(value: Decimal | None) -> int:
    """A checked value (at most two fraction digits) as whole cents; none counts as 0."""
    return 0 if value is None else int(value.scaleb(2))


# --- input and stored values ----------------------------------------------------


def _details(value: Mapping[int, str | None] | None) -> Mapping[int, str | None] | None:
    return None if value is None else dict(value)


def _names(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


@attrs.frozen(kw_only=True)
class EventWrite:
    """The fields of an event add or update as the route read them (protocol §5.5).

    ``None`` means "not sent": an update keeps the stored value. A field named
    in ``cleared`` was sent as ``null``: an update removes it (``date`` and
    ``event_type`` cannot be cleared). ``details`` maps a detail number (1 …)
    to its text, ``None`` clearing that detail. Values are checked by the
    area, not here.
    """

    event_type: str | None = None
    date: datetime | None = None
    description: str | None = None
    products: str | None = None
    location: str | None = None
    value: Decimal | None = None
    details: Mapping[int, str | None] | None = attrs.field(default=None, converter=_details)
    external_id: str | None = None
    shop_domain: str | None = None
    cleared: frozenset[str] = attrs.field(default=frozenset(), converter=_names)


@attrs.frozen(kw_only=True)
class EventItem:
    """One item of a batch add: the event and the contact it is for (``email`` or id)."""

    event: EventWrite
    email: str | None = None
    contact_id: str | None = None
    force_opt_in: bool = False


@attrs.frozen(kw_only=True, weakref_slot=False)
class StoredEvent:
    """An event as the account keeps it; ``details`` holds (number, text) pairs in order."""

    event_id: str
    contact_id: str
    event_type: str
    date: datetime
    description: str | None = None
    products: str | None = None
    location: str | None = None
    value: Decimal | None = None
    details: tuple[tuple[int, str], ...] = ()
    external_id: str | None = None
    shop_domain: str | None = None


@attrs.frozen(kw_only=True)
class EcommerceSummary:
    """A contact's e-commerce summary (S16.3), from its ``PURCHASE`` events.

    ``total_value`` is exact; ``average_basket`` is rounded half-up to two
    decimals (the same as ``ORDER_AVG``); both are ``0.00`` with no purchase.
    """

    total_value: Decimal
    average_basket: Decimal
    transactions: int


class _ContactEvents:
    """The events of one card (its extension): id -> event, external id -> id, totals."""

    __slots__ = ("by_external", "events", "purchase_cents", "purchases")

    def __init__(self) -> None:
        self.events: dict[str, StoredEvent] = {}
        self.by_external: dict[str, str] = {}
        self.purchases = 0
        self.purchase_cents = 0

    def put(self, event: StoredEvent) -> None:
        self.events[event.event_id] = event
        if event.external_id is not None:
            self.by_external[event.external_id] = event.event_id
        if event.event_type == PURCHASE:
            self.purchases += 1
            self.purchase_cents += _cents(event.value)

    def drop(self, event: StoredEvent) -> None:
        del self.events[event.event_id]
        self._forget(event)

    def replace(self, old: StoredEvent, new: StoredEvent) -> None:
        """``new`` in ``old``'s place (same id, same position in the card's order)."""
        self._forget(old)
        self.put(new)

    def _forget(self, event: StoredEvent) -> None:
        if event.external_id is not None:
            self.by_external.pop(event.external_id, None)
        if event.event_type == PURCHASE:
            self.purchases -= 1
            self.purchase_cents -= _cents(event.value)


# --- checks -----------------------------------------------------------------------


def _weights(given: Mapping[str, Decimal | int] | None) -> dict[str, Decimal]:
    """The weights of the mix: the defaults, with the ``given`` ones (checked) instead."""
    chosen = dict(DEFAULT_WEIGHTS)
    if given is None:
        return chosen
    if not isinstance(given, Mapping):
        raise InvalidField("weights", RULE_OBJECT)
    for kind, weight in given.items():
        if kind not in DEFAULT_WEIGHTS:
            raise InvalidField("weights", RULE_ONE_OF.format(choices=", ".join(REC_KINDS)))
        if isinstance(weight, bool) or not isinstance(weight, (int, Decimal)):
            raise InvalidField(f"weights.{kind}", RULE_A_NUMBER)
        value = Decimal(weight)
        if not value.is_finite() or value < 0:
            raise InvalidField(f"weights.{kind}", RULE_ZERO_OR_MORE.format(value=weight))
        chosen[kind] = value
    return chosen


def _product(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidField("product", RULE_STRING)
    text = value.strip()
    if not text:
        raise InvalidField("product", RULE_NOT_EMPTY)
    return text


def _check_text(value: str | None, field: str, limit: int) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    if len(value) > limit:
        raise InvalidField(field, RULE_TOO_LONG.format(limit=limit, length=len(value)))


def _check_value(value: Decimal | None, field: str) -> None:
    """At most 19 digits before and 2 after the point, 22 characters; never rounded."""
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        raise TypeError(f"{field}: expected a finite Decimal, got {value!r}")
    text = f"{value:f}"
    integer, _, fraction = text.lstrip("-").partition(".")
    if len(integer) > _VALUE_INTEGER_DIGITS:
        raise InvalidField(
            field, RULE_DIGITS_BEFORE_POINT.format(limit=_VALUE_INTEGER_DIGITS, count=len(integer))
        )
    if len(fraction) > _VALUE_FRACTION_DIGITS:
        raise InvalidField(
            field, RULE_DIGITS_AFTER_POINT.format(limit=_VALUE_FRACTION_DIGITS, count=len(fraction))
        )
    if len(text) > _VALUE_CHARS:
        raise InvalidField(field, RULE_TOO_LONG.format(limit=_VALUE_CHARS, length=len(text)))


def _event_type(value: str, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    text = value.strip().upper()
    if text not in EVENT_TYPES:
        raise InvalidField(field, RULE_EVENT_TYPE.format(value=value))
    return text


def _external_id(value: str | None) -> str | None:
    """Blank external ids count as none (clients send ``""`` for "no id")."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("external_id must be a string")
    return value if value.strip() else None


def _check_write(write: EventWrite) -> None:
    """Every limit of the fields ``write`` sends (S7.5)."""
    if not isinstance(write, EventWrite):
        raise TypeError(f"expected an EventWrite, got {type(write).__name__}")
    for attr, wire, limit in _TEXT_LIMITS:
        _check_text(getattr(write, attr), wire, limit)
    for number, text in (write.details or {}).items():
        field = f"detail{number}"
        if (
            not isinstance(number, int)
            or isinstance(number, bool)
            or not 1 <= number <= MAX_DETAILS
        ):
            raise ValueError(f"{field}: details are numbered 1 to {MAX_DETAILS}")
        _check_text(text, field, _DETAIL_LIMIT)
    _check_value(write.value, "value")
    if write.date is not None and (write.date.tzinfo is None or write.date.utcoffset() is None):
        raise InvalidField("date", RULE_AWARE)


def _merged(
    base: StoredEvent | None, write: EventWrite, event_id: str, contact_id: str
) -> StoredEvent:
    """``write`` applied over ``base`` (``None``: a new event; type and date required)."""
    _check_write(write)
    cleared = write.cleared
    for name in ("contactExtEventType", "date"):
        if name in cleared:
            raise InvalidField(name, RULE_REQUIRED)
    if write.event_type is not None:
        event_type = _event_type(write.event_type, "contactExtEventType")
    elif base is not None:
        event_type = base.event_type
    else:
        raise InvalidField("contactExtEventType", RULE_REQUIRED)
    date = write.date if write.date is not None else base.date if base is not None else None
    if date is None:
        raise InvalidField("date", RULE_REQUIRED)

    def pick(attr: str, wire: str) -> Any:
        value = getattr(write, attr)
        if value is not None:
            return value
        if wire in cleared or base is None:
            return None
        return getattr(base, attr)

    details = dict(base.details) if base is not None else {}
    for name in cleared:
        if name.startswith("detail") and name[6:].isdigit():
            details.pop(int(name[6:]), None)
    for number, text in (write.details or {}).items():
        if text is None:
            details.pop(number, None)
        else:
            details[number] = text
    external = (
        _external_id(write.external_id)
        if write.external_id is not None
        else None
        if "externalId" in cleared or base is None
        else base.external_id
    )
    return StoredEvent(
        event_id=event_id,
        contact_id=contact_id,
        event_type=event_type,
        date=date.astimezone(timezone.utc),
        description=pick("description", "description"),
        products=pick("products", "products"),
        location=pick("location", "location"),
        value=pick("value", "value"),
        details=tuple(sorted(details.items())),
        external_id=external,
        shop_domain=pick("shop_domain", "shopDomain"),
    )


def stored_event(
    write: EventWrite, *, event_id: str, contact_id: str, prefix: str = ""
) -> StoredEvent:
    """The event an add of ``write`` stores, checked as the add checks it (S7.5).

    Type and date are required; the type is stored upper case, the date in
    UTC, a blank ``externalId`` as none. Refusals name ``{prefix}<wire field>``
    (``contactExtEventType``, ``value``, ``detail3``, ...).
    """
    try:
        return _merged(None, write, event_id, contact_id)
    except InvalidField as err:
        raise err.under(prefix) from None


def _restored(record: ContactRecord, after: PlannedUpsert | None) -> bool:
    """Whether ``after`` (an upsert about to be applied) makes ``record`` live."""
    return after is not None and record is after.record


def _check_may_write(
    account: AccountCore, record: ContactRecord, user: str, after: PlannedUpsert | None
) -> None:
    """ReadOnlyOwner if ``user`` owns ``record`` read-only, naming the card by the
    address it has once ``after`` is applied (its ``newEmail``)."""
    try:
        account.check_may_write(record, user)
    except ReadOnlyOwner:
        if not _restored(record, after):
            raise
        assert after is not None
        raise ReadOnlyOwner(user, after.email) from None


# --- the area -----------------------------------------------------------------------


class EventsArea(AccountArea):
    """The account's external events (S7) and the purchase aggregates (S6.3, S16.3)."""

    key: ClassVar[str] = "events"
    account: AccountCore

    def __init__(self, account: AccountCore, *, users: UsersArea, contacts: ContactsArea) -> None:
        """An empty area of ``account``."""
        super().__init__(account)
        self._users = users
        self._contacts = contacts
        self._contact_of: dict[str, str] = {}
        self._external: dict[str, dict[str, None]] = {}

    # --- reads ---------------------------------------------------------------------

    def _bucket(self, record: ContactRecord) -> _ContactEvents | None:
        bucket = record.extension(self.key)
        return bucket if isinstance(bucket, _ContactEvents) else None

    def events_of(self, record: ContactRecord) -> list[StoredEvent]:
        """The events of a card (soft-deleted ones too), in the order they were added."""
        bucket = self._bucket(record)
        return [] if bucket is None else list(bucket.events.values())

    def get(self, event_id: str) -> StoredEvent:
        """The event with this id (any case); EventNotFound if there is none."""
        key = event_id.strip().lower() if isinstance(event_id, str) else ""
        contact_id = self._contact_of.get(key)
        record = self.account.find(contact_id) if contact_id is not None else None
        bucket = self._bucket(record) if record is not None else None
        if bucket is None or key not in bucket.events:
            raise EventNotFound(str(event_id))
        return bucket.events[key]

    def __len__(self) -> int:
        """Number of events in the account."""
        return len(self._contact_of)

    def __iter__(self) -> Iterator[StoredEvent]:
        """Every event, card by card in the order the cards were created; a snapshot."""
        out: list[StoredEvent] = []
        for record in self.account.all_contacts():
            out.extend(self.events_of(record))
        return iter(out)

    def activity_times(self, record: ContactRecord) -> list[datetime]:
        """When each of the card's events happened (a histogram source, S16.2)."""
        return [event.date for event in self.events_of(record)]

    def ecommerce_summary(self, key: str) -> EcommerceSummary:
        """Total purchase value, average basket and number of purchases of a card (S16.3).

        ``key`` is an e-mail or contact id; a soft-deleted card still answers
        (S3.1: readable until the purge). A missing one -> ContactNotFound.
        """
        record = self.account.find(key)
        if record is None:
            raise ContactNotFound(str(key))
        bucket = self._bucket(record)
        count = 0 if bucket is None else bucket.purchases
        cents = 0 if bucket is None else bucket.purchase_cents
        average = _average_cents(cents, count) if count else 0
        return EcommerceSummary(
            total_value=Decimal(cents).scaleb(-2).quantize(_CENT),
            average_basket=Decimal(average).scaleb(-2).quantize(_CENT),
            transactions=count,
        )

    def _profile(self, record: ContactRecord) -> Profile:
        viewed: set[str] = set()
        bought: set[str] = set()
        for event in self.events_of(record):
            if event.event_type in VIEW_TYPES:
                viewed.update(product_ids(event.products))
            elif event.event_type == PURCHASE:
                bought.update(product_ids(event.products))
        return Profile(frozenset(viewed), frozenset(bought))

    def recommendations(
        self,
        key: str,
        *,
        product: str | None = None,
        weights: Mapping[str, Decimal | int] | None = None,
        limit: int = 10,
    ) -> dict[str, tuple[Recommendation, ...]]:
        """Product recommendations for the card ``key`` (S16.4, seed 003 §9), by kind
        (`KINDS`) and mixed with weights (``WEIGHTED``).

        Computed from the ``products`` of every live card's ``PURCHASE`` and view
        (``VISIT``) events by co-occurrence (`_recommend`): for ``product``
        (one the contact is looking at) when given, else for the card's own views
        and purchases. ``weights`` names some kinds' weights (0 or more; the others
        keep `DEFAULT_WEIGHTS`); ``limit`` (1-100) products per
        kind. Refusals: InvalidField ``product``, ``weights``, ``weights.<KIND>``,
        ``limit``; ContactNotFound.
        """
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise InvalidField("limit", RULE_INTEGER)
        if not 1 <= limit <= MAX_RECOMMENDATIONS:
            raise InvalidField(
                "limit", RULE_BETWEEN.format(minimum=1, maximum=MAX_RECOMMENDATIONS, value=limit)
            )
        chosen = _weights(weights)
        basis = None if product is None else _product(product)
        record = self.account.find(key)
        if record is None:
            raise ContactNotFound(str(key))
        others = [self._profile(r) for r in self.account.live_contacts() if r is not record]
        return recommend(self._profile(record), others, product=basis, weights=chosen, limit=limit)

    # --- writes --------------------------------------------------------------------

    def add(
        self,
        event: EventWrite,
        owner: str,
        *,
        email: str | None = None,
        contact_id: str | None = None,
        force_opt_in: bool = False,
    ) -> str:
        """Add ``event`` to the contact named by ``email`` (preferred) or ``contact_id``.

        Returns the event id. A repeated ``externalId`` of the contact replaces
        that event and returns its id (S7.4). An e-mail with no live card
        creates or restores it through the account's upsert, opted in when
        ``force_opt_in`` (S7.6); an unknown ``contact_id`` -> ContactNotFound.
        Refusals name the event's fields as the event spells them (``value``,
        ``date``, ...) and the contact's as ``email`` / ``contactId``; the
        route says where they sit in its request.
        """
        self.account.tick()
        user = self._users.acting(owner)
        return self._add(event, user, email, contact_id, force_opt_in)

    def check_add(
        self,
        event: EventWrite,
        owner: str,
        *,
        email: str | None = None,
        contact_id: str | None = None,
        after: PlannedUpsert | None = None,
    ) -> None:
        """Every check [`add`][salesmanago_emulator.state.events.EventsArea.add] makes, and nothing
        changed.

        ``after``: an upsert checked
        ([`ContactsArea.check_upsert`][salesmanago_emulator.state.contacts.ContactsArea.check_upsert])
        but not yet applied, which runs first: the cards are seen as it will leave them (its card
        live, at its new address, or a new card). Refuses exactly as
        [`add`][salesmanago_emulator.state.events.EventsArea.add] would once that upsert is applied
        (``integration/upsert``, protocol §14).
        """
        self.account.tick()
        user = self._users.acting(owner)
        _merged(None, event, "", "")
        self._target(user, email, contact_id, after)

    def add_batch(self, items: Sequence[EventItem], owner: str) -> list[str | EmulatorError]:
        """Add each item on its own: an event id, or the item's error (named as
        [`add`][salesmanago_emulator.state.events.EventsArea.add] names it; the route adds the
        item's place).

        Results are in the order of ``items``. Later items see earlier ones (a
        repeated ``externalId`` updates). No items, or more than
        `BATCH_EVENT_LIMIT`, refuses the whole batch.
        """
        self.account.tick()
        user = self._users.acting(owner)
        if not items:
            raise InvalidField("events", RULE_NOT_EMPTY)
        if len(items) > BATCH_EVENT_LIMIT:
            raise LimitExceeded("events", BATCH_EVENT_LIMIT)
        results: list[str | EmulatorError] = []
        for item in items:
            try:
                results.append(
                    self._add(item.event, user, item.email, item.contact_id, item.force_opt_in)
                )
            except EmulatorError as error:
                results.append(error)
        return results

    def _add(
        self,
        event: EventWrite,
        user: str,
        email: str | None,
        contact_id: str | None,
        force_opt_in: bool,
    ) -> str:
        # Check the event before anything changes (the contact may be created below);
        # the ids are filled in once the card is known.
        draft = _merged(None, event, "", "")
        record = self._contact_for(user, email, contact_id, force_opt_in)
        bucket = self._bucket(record)
        external = draft.external_id
        if bucket is not None and external is not None and external in bucket.by_external:
            existing = bucket.events[bucket.by_external[external]]
            replaced = attrs.evolve(draft, event_id=existing.event_id, contact_id=record.id)
            self._replace(record, bucket, existing, replaced)
            return existing.event_id
        stored = attrs.evolve(draft, event_id=self._new_event_id(), contact_id=record.id)
        if bucket is None:
            bucket = _ContactEvents()
            record.set_extension(self.key, bucket)
        self._index(stored)
        bucket.put(stored)
        if stored.event_type == PURCHASE:
            self._aggregates(record, bucket)
        return stored.event_id

    def _new_event_id(self) -> str:
        while True:
            event_id = self.account.new_id()
            if event_id not in self._contact_of:
                return event_id

    def _contact_for(
        self,
        user: str,
        email: str | None,
        contact_id: str | None,
        force_opt_in: bool,
    ) -> ContactRecord:
        """The live card the event goes to; created or restored for an e-mail (S7.6)."""
        target = self._target(user, email, contact_id, None)
        if isinstance(target, ContactRecord):
            return target
        # an address with no live card: created, or a soft-deleted card restored (S3.2)
        write = ContactWrite(email=target, force_opt_in=True if force_opt_in else None)
        return self._contacts.upsert(write, user)

    def _target(
        self,
        user: str,
        email: str | None,
        contact_id: str | None,
        after: PlannedUpsert | None,
    ) -> ContactRecord | str:
        """The live card an event for ``email`` or ``contact_id`` goes to, or the address
        of the card an upsert creates or restores for it; the add's refusals, nothing
        changed. ``after``: see
        [`check_add`][salesmanago_emulator.state.events.EventsArea.check_add]."""
        account = self.account
        if email is not None and email.strip():
            # an e-mail names a card by its address only (a contact id there names nobody)
            holder = self._holder(normalize_email(email), after)
            if holder is not None and (not holder.deleted or _restored(holder, after)):
                _check_may_write(account, holder, user, after)
                return holder
            address = validate_email(email, "email")
            if holder is not None:  # soft-deleted: the upsert restores it, if allowed
                account.check_may_write(holder, user)
            return address
        if contact_id is not None and contact_id.strip():
            key = contact_id.strip()
            record = account.store.by_id.get(key.lower())
            if record is None or (record.deleted and not _restored(record, after)):
                raise ContactNotFound(key)
            _check_may_write(account, record, user, after)
            return record
        raise InvalidField("email", RULE_REQUIRED)

    def _holder(self, address: str, after: PlannedUpsert | None) -> ContactRecord | None:
        """The card (live or soft-deleted) holding ``address`` once ``after`` is applied;
        ``None`` for no card, or for the new card ``after`` creates (nobody but its
        creator owns it, so an event may go there)."""
        if after is not None:
            if address == after.email:
                return after.record
            if after.record is not None and address == after.record.email:
                return None  # the upsert moves its card away (newEmail)
        return self.account.store.by_email.get(address)

    def update(self, event_id: str, change: EventWrite, owner: str) -> str:
        """Change only the fields ``change`` sends of the event ``event_id``; returns its id.

        A type or value change recomputes the purchase aggregates. An
        ``externalId`` another event of the contact has -> InvalidField. The
        event of a soft-deleted card -> ContactNotFound; unknown -> EventNotFound.
        Refusals name the fields as the event spells them (``eventId``, ``value``, ...).
        """
        self.account.tick()
        user = self._users.acting(owner)
        if not isinstance(event_id, str) or not event_id.strip():
            raise InvalidField("eventId", RULE_REQUIRED)
        existing = self.get(event_id)
        record, bucket = self._writable(existing, user)
        updated = _merged(existing, change, existing.event_id, record.id)
        external = updated.external_id
        if external is not None and bucket.by_external.get(external, existing.event_id) != (
            existing.event_id
        ):
            raise InvalidField(
                "externalId",
                RULE_EXTERNAL_ID_TAKEN.format(event_id=bucket.by_external[external]),
            )
        self._replace(record, bucket, existing, updated)
        return existing.event_id

    def delete(
        self,
        owner: str,
        *,
        event_id: str | None = None,
        external_id: str | None = None,
        contact: str | None = None,
    ) -> StoredEvent:
        """Delete one event by ``event_id`` or by ``external_id``; returns it.

        An ``external_id`` several contacts use needs ``contact`` (an e-mail or
        id) to choose one. Unknown -> EventNotFound; the event of a
        soft-deleted card -> ContactNotFound.
        """
        self.account.tick()
        user = self._users.acting(owner)
        has_id = event_id is not None and bool(event_id.strip())
        has_external = external_id is not None and bool(external_id.strip())
        if has_id and has_external:
            raise InvalidField("eventId", RULE_EXCLUSIVE.format(other="externalId"))
        if has_id:
            assert event_id is not None
            event = self.get(event_id)
        elif has_external:
            assert external_id is not None
            event = self._by_external(external_id, contact)
        else:
            raise InvalidField("eventId", RULE_REQUIRED)
        record, bucket = self._writable(event, user)
        if contact is not None and has_id and self.account.find(contact) is not record:
            raise EventNotFound(str(event_id))
        self._unindex(event)
        bucket.drop(event)
        if not bucket.events:
            record.set_extension(self.key, None)
        if event.event_type == PURCHASE:
            self._aggregates(record, bucket)
        return event

    def _by_external(self, external_id: str, contact: str | None) -> StoredEvent:
        contact_ids = list(self._external.get(external_id, ()))
        if contact is not None:
            record = self.account.find(contact)
            contact_ids = [c for c in contact_ids if record is not None and c == record.id]
        if not contact_ids:
            raise EventNotFound(external_id)
        if len(contact_ids) > 1:
            raise InvalidField(
                "externalId", RULE_EXTERNAL_ID_AMBIGUOUS.format(count=len(contact_ids))
            )
        record = self.account.find(contact_ids[0])
        bucket = self._bucket(record) if record is not None else None
        if bucket is None or external_id not in bucket.by_external:  # pragma: no cover
            raise EventNotFound(external_id)
        return bucket.events[bucket.by_external[external_id]]

    def _writable(self, event: StoredEvent, user: str) -> tuple[ContactRecord, _ContactEvents]:
        record = self.account.find(event.contact_id)
        bucket = self._bucket(record) if record is not None else None
        if record is None or bucket is None:  # pragma: no cover (indexes follow the cards)
            raise EventNotFound(event.event_id)
        if record.deleted:
            raise ContactNotFound(record.email)
        self.account.check_may_write(record, user)
        return record, bucket

    def _replace(
        self,
        record: ContactRecord,
        bucket: _ContactEvents,
        old: StoredEvent,
        new: StoredEvent,
    ) -> None:
        self._unindex(old)
        bucket.replace(old, new)
        self._index(new)
        if PURCHASE in (old.event_type, new.event_type):
            self._aggregates(record, bucket)

    def _index(self, event: StoredEvent) -> None:
        self._contact_of[event.event_id] = event.contact_id
        if event.external_id is not None:
            self._external.setdefault(event.external_id, {})[event.contact_id] = None

    def _unindex(self, event: StoredEvent) -> None:
        self._contact_of.pop(event.event_id, None)
        if event.external_id is not None:
            owners = self._external.get(event.external_id)
            if owners is not None:
                owners.pop(event.contact_id, None)
                if not owners:
                    del self._external[event.external_id]

    def _aggregates(self, record: ContactRecord, bucket: _ContactEvents) -> None:
        """Write ORDER_NUMBER, ORDER_SUMMARY, ORDER_AVG from the card's purchases (S6.3)."""
        names = (ORDER_NUMBER, ORDER_SUMMARY, ORDER_AVG)

        def apply(card: ContactRecord, now: datetime) -> bool:
            # a list first: any() over a generator would stop at the first change
            if bucket.purchases == 0:
                changed = [card.drop_property(name) for name in names]
                return any(changed)
            average = _average_cents(bucket.purchase_cents, bucket.purchases)
            values = (
                str(bucket.purchases),
                money_text(bucket.purchase_cents),
                money_text(average),
            )
            changed = [card.put_property(n, v) for n, v in zip(names, values, strict=True)]
            return any(changed)

        self.account.change(record.id, apply)

    # --- observers, reset, state import -------------------------------------------------

    def contact_removed(self, record: ContactRecord) -> None:
        """A purge, permanent delete or forget-me takes the card's events with it."""
        bucket = self._bucket(record)
        if bucket is None:
            return
        for event in bucket.events.values():
            self._unindex(event)

    def reset(self) -> None:
        """Forget every event (the cards holding them are dropped by the account)."""
        self._contact_of.clear()
        self._external.clear()

    def restore_saved(self, record: ContactRecord, event: StoredEvent) -> None:
        """Put back ``event`` of ``record`` as a state export saved it, after the card's
        others (a state import: nothing is checked here; the card's ``ORDER_*`` details
        come with the card and are not recomputed)."""
        bucket = self._bucket(record)
        if bucket is None:
            bucket = _ContactEvents()
            record.set_extension(self.key, bucket)
        self._index(event)
        bucket.put(event)
