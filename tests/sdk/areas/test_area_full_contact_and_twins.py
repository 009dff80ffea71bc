"""The full contact's events, notes, tasks, coupons and funnels (S2.3; protocol §5.3),
and the sync/async twins of every new resource."""

from __future__ import annotations

import inspect
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sdk_helpers import envelope, ok

import salesmanago
from salesmanago import (
    AsyncSalesManago,
    Contact,
    ExternalEventType,
    SalesManago,
    TaskReminder,
)
from salesmanago._converter import structure

LIST = "/api/contact/list"

FULL = {
    "id": "c-1",
    "email": "a@example.com",
    "contactTags": [],
    "properties": [],
    "contactExtEvents": [
        {
            "eventId": "ev-1",
            "contactExtEventType": "PURCHASE",
            "date": 1714564800000,
            "value": Decimal("123.40"),
            "products": "p1,p2",
            "detail1": "pl",
            "detail3": "PLN",
            "detail2": None,
            "externalId": "order-17",
        },
        {"eventId": "ev-2", "contactExtEventType": "BRAND_NEW_TYPE"},
    ],
    "contactNotes": [{"note": "Called", "priv": True}],
    "contactTasks": [
        {
            "id": "t-1",
            "note": "Call back",
            "date": 1714564800000.0,
            "cc": "x@example.com, y@example.com",
            "reminder": "_30_MIN",
        },
        {"id": "t-2", "reminder": "15_MIN"},
        {"id": "t-3", "reminder": "SOMETIME"},
    ],
    "coupons": [{"coupon": "X7K2P9", "name": "SPRING", "valid": 1714564800000, "used": False}],
    "contactFunnels": [{"funnel": "Sales", "stage": "Lead", "potValue": 5}],
    "contactVisits": [],
    "smsMessages": [],
}


def test_full_contact_reads_its_crm_lists() -> None:
    """S2.3: events, notes, tasks, coupons and funnels on the card, read tolerantly."""
    contact = structure(FULL, Contact)
    first, second = contact.ext_events
    assert first.event_id == "ev-1"
    assert first.event_type is ExternalEventType.PURCHASE
    assert first.date == datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    assert first.value == Decimal("123.40")
    assert first.details == {1: "pl", 3: "PLN"}
    assert first.external_id == "order-17"
    assert second.event_type == "BRAND_NEW_TYPE"
    assert contact.notes[0].note == "Called"
    assert contact.notes[0].private is True
    assert contact.notes[0].note_id is None
    t1, t2, t3 = contact.tasks
    assert (t1.task_id, t1.note, t1.reminder) == ("t-1", "Call back", TaskReminder.MIN_30)
    assert t1.cc_emails == ("x@example.com", "y@example.com")
    assert t1.date == datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    assert t2.reminder is TaskReminder.MIN_15
    assert t3.reminder == "SOMETIME"
    assert contact.coupons[0].coupon == "X7K2P9"
    assert contact.coupons[0].used is False
    assert contact.funnels[0].funnel == "Sales"
    assert contact.funnels[0].pot_value == Decimal(5)


def test_contact_without_the_lists_reads_empty() -> None:
    contact = structure({"id": "c-1", "email": "a@example.com"}, Contact)
    assert (contact.ext_events, contact.notes, contact.tasks, contact.coupons, contact.funnels) == (
        (),
        (),
        (),
        (),
        (),
    )


def test_list_returns_the_crm_lists(api, platform) -> None:
    platform.post(LIST).mock(return_value=envelope(ok(contacts=[FULL])))
    (contact,) = api("contacts.list", ["a@example.com"])
    assert [e.event_id for e in contact.ext_events] == ["ev-1", "ev-2"]
    assert [t.task_id for t in contact.tasks] == ["t-1", "t-2", "t-3"]


NEW_RESOURCES = [
    "events",
    "coupons",
    "notes",
    "tasks",
    "funnels",
    "campaigns",
    "scoring",
    "exports",
    "activity",
]


def _methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(cls).items()
        if not name.startswith("_") and callable(member)
    }


@pytest.mark.parametrize("name", NEW_RESOURCES)
def test_every_sync_method_has_an_async_twin(name: str) -> None:
    """Each new area is a sync resource and an async twin with the same signatures."""
    sync_cls = SalesManago.__annotations__[name]
    async_cls = AsyncSalesManago.__annotations__[name]
    sync_cls = getattr(salesmanago.resources, sync_cls)
    async_cls = getattr(salesmanago.resources, async_cls)
    sync_methods, async_methods = _methods(sync_cls), _methods(async_cls)
    assert sync_methods.keys() == async_methods.keys()
    for method, signature in sync_methods.items():
        twin = async_methods[method]
        assert list(signature.parameters) == list(twin.parameters), method
        for p, q in zip(signature.parameters.values(), twin.parameters.values(), strict=True):
            assert (p.kind, p.default) == (q.kind, q.default), (method, p.name)
    for method in sync_methods:
        assert getattr(sync_cls, method).__doc__
        assert getattr(async_cls, method).__doc__


def test_new_names_are_exported_and_sorted() -> None:
    for module in (salesmanago, salesmanago.models, salesmanago.resources):
        for name in module.__all__:
            assert getattr(module, name) is not None
    for name in (
        "ExternalEvent",
        "ExportTimeoutError",
        "CouponError",
        "TaskReminder",
        "RecentActivity",
        "FunnelStage",
        "EventForContact",
        "ExportDataType",
    ):
        assert name in salesmanago.__all__
