"""External event models: what an event write sends and what contact reads return
(protocol §5.5, §8.1; semantics S7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Final

import attrs

from .._converter import converter, wire
from ..errors import ValidationError

__all__ = [
    "BatchEventItem",
    "BatchEventResult",
    "ContactExtEvent",
    "EventForContact",
    "ExternalEvent",
    "ExternalEventType",
]

#: The number of free detail fields of an event (``detail1`` … ``detail20``).
MAX_DETAILS: Final = 20


class ExternalEventType(str, Enum):
    """The type of an external event (protocol §5.5): both documented lists.

    The first 25 come from the API docs' type list; the last 11 (``PACKED`` …
    ``ENGAGEMENT``) are the platform's newer types.
    """

    PURCHASE = "PURCHASE"
    CART = "CART"
    VISIT = "VISIT"
    PHONE_CALL = "PHONE_CALL"
    OTHER = "OTHER"
    RESERVATION = "RESERVATION"
    CANCELLED = "CANCELLED"
    ACTIVATION = "ACTIVATION"
    MEETING = "MEETING"
    OFFER = "OFFER"
    DOWNLOAD = "DOWNLOAD"
    LOGIN = "LOGIN"
    TRANSACTION = "TRANSACTION"
    CANCELLATION = "CANCELLATION"
    RETURN = "RETURN"
    SURVEY = "SURVEY"
    APP_STATUS = "APP_STATUS"
    APP_TYPE_WEB = "APP_TYPE_WEB"
    APP_TYPE_MANUAL = "APP_TYPE_MANUAL"
    APP_TYPE_RETENTION = "APP_TYPE_RETENTION"
    APP_TYPE_UPSALE = "APP_TYPE_UPSALE"
    LOAN_STATUS = "LOAN_STATUS"
    LOAN_ORDER = "LOAN_ORDER"
    FIRST_LOAN = "FIRST_LOAN"
    REPEATED_LOAN = "REPEATED_LOAN"
    PACKED = "PACKED"
    PRINTED_OUT = "PRINTED_OUT"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    PENDING = "PENDING"
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    FULLY_REFUNDED = "FULLY_REFUNDED"
    FULLY_PICKED = "FULLY_PICKED"
    PARTIALLY_PICKED = "PARTIALLY_PICKED"
    SENT_COMPLETE = "SENT_COMPLETE"
    UPDATE = "UPDATE"
    ENGAGEMENT = "ENGAGEMENT"


def _join_products(value: str | Sequence[str] | None) -> str | None:
    """Product ids as the wire's comma-separated string."""
    if value is None or isinstance(value, str):
        return value
    ids: list[str] = []
    for index, item in enumerate(value):
        where = f"contactEvent.products[{index}]"
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(where, "must be a non-empty product id")
        if "," in item:
            raise ValidationError(where, "must not contain ',' (the wire joins ids with commas)")
        ids.append(item.strip())
    return ",".join(ids)


def _to_money(value: Decimal | int | str | None) -> Decimal | None:
    """An amount as an exact Decimal; a float is refused (it cannot hold money exactly)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError(
            "contactEvent.value",
            f"must be a Decimal, an int or a numeric string (got {type(value).__name__})",
        )
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValidationError("contactEvent.value", f"must be a number (got {value!r})") from None


def _details(value: Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise ValidationError("contactEvent.details", "must be a list of texts, not one string")
    return tuple(value)


@attrs.frozen(kw_only=True)
class ExternalEvent:
    """One external event as sent to the platform (``contactEvent``, protocol §5.5; S7.1).

    Attributes:
        date: when it happened; a timezone-aware datetime, sent as milliseconds.
        event_type: the event's type (``contactExtEventType``).
        description: free text, at most 2048 characters.
        products: product ids: a list (joined with ``,``) or one ready string;
            at most 512 characters on the wire.
        location: the shop's id (must match the product feed's location), ≤ 255.
        value: the amount, exact: at most 19 digits before and 2 after the point.
            Sent as a JSON number with exactly its digits.
        details: the free fields ``detail1`` … ``detail20``, in order, each ≤ 255.
        external_id: the caller's event id (≤ 255); adding an event whose
            ``external_id`` the contact already has updates that event (S7.4).
        shop_domain: the shop's domain, ≤ 255.

    Limits are checked before anything is sent; nothing is ever shortened (S7.5).
    """

    date: datetime
    event_type: ExternalEventType = attrs.field(metadata=wire(name="contactExtEventType"))
    description: str | None = None
    products: str | None = attrs.field(default=None, converter=_join_products)
    location: str | None = None
    value: Decimal | None = attrs.field(default=None, converter=_to_money)
    details: tuple[str, ...] = attrs.field(default=(), converter=_details)
    external_id: str | None = None
    shop_domain: str | None = None


@attrs.frozen(kw_only=True)
class EventForContact:
    """An item of a batch event add: the event and the contact it belongs to.

    Give exactly one of ``email`` and ``contact_id``. A contact that does not
    exist yet is created by the platform (S7.6).
    """

    event: ExternalEvent
    email: str | None = None
    contact_id: str | None = None


@attrs.frozen(kw_only=True)
class BatchEventItem:
    """The outcome of one item of a batch event add, in input order.

    Attributes:
        contact: the e-mail or contact id the item named, as sent.
        event: the item's event.
        ok: ``False`` when the platform listed the item's contact in
            ``failedContacts`` (every item of that contact is then marked failed,
            because the answer names contacts, not events).
    """

    contact: str
    event: ExternalEvent
    ok: bool


@attrs.frozen(kw_only=True)
class BatchEventResult:
    """Every item of a batch event add, in input order, with the platform's totals."""

    items: tuple[BatchEventItem, ...]
    created_amount: int = 0
    failed_amount: int = 0

    @property
    def failed(self) -> tuple[BatchEventItem, ...]:
        """The items whose contact the platform reported as failed."""
        return tuple(i for i in self.items if not i.ok)


def _event_type_from_wire(value: Any) -> ExternalEventType | str:
    """A known type as the enum; a type newer than this SDK stays a string."""
    text = str(value)
    try:
        return ExternalEventType(text.upper())
    except ValueError:
        return text


@attrs.frozen(kw_only=True)
class ContactExtEvent:
    """An external event as read back with a contact's full data (``contactExtEvents[]``).

    Only ``event_id`` is required; every other field is read when present.
    ``details`` maps the detail number (1 … 20) to its text.
    """

    event_id: str
    event_type: ExternalEventType | str | None = attrs.field(
        default=None,
        metadata=wire(name="contactExtEventType", structure=_event_type_from_wire),
    )
    date: datetime | None = None
    description: str | None = None
    products: str | None = None
    location: str | None = None
    value: Decimal | None = None
    details: Mapping[int, str] = attrs.field(factory=dict)
    external_id: str | None = None
    shop_domain: str | None = None


def _gather_details(data: Any) -> Any:
    """Collect ``detail1`` … ``detail20`` of a wire event into ``details``."""
    if not isinstance(data, Mapping):
        return data
    details = {
        n: str(data[f"detail{n}"])
        for n in range(1, MAX_DETAILS + 1)
        if data.get(f"detail{n}") is not None
    }
    out = {k: v for k, v in data.items() if not k.startswith("detail")}
    out["details"] = details
    return out


_structure_ext_event: Final = converter.get_structure_hook(ContactExtEvent)
converter.register_structure_hook(
    ContactExtEvent, lambda data, cls: _structure_ext_event(_gather_details(data), cls)
)
