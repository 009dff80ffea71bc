"""Shared pieces of the reliability tests: the operations under test and the call log.

Each :class:`Op` is one SDK method with its wire path, whether the SDK treats it
as idempotent, and the arguments of a valid call against the seeded account.
Every operation's route must be one the emulator serves (:data:`SERVED`): none is
skipped (:func:`op_params`), so a typo or a renamed route fails. :func:`call`
(from ``tests/sdk/sdk_helpers.py``) runs one on either client.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

import attrs
import pytest
from sdk_helpers import AnyClient, call

from salesmanago import ContactUpsert, ExternalEvent, ExternalEventType
from salesmanago_emulator import CallRecord, Emulator
from salesmanago_emulator.routes import ALL_ROUTES

CLIENT_ID = "reliability-client"
API_SECRET = "reliability-secret-5f1c"
OWNER = "owner@example.com"
KNOWN = "known@example.com"
"""A contact that exists before each test (reads need one)."""
NEW = "new@example.com"
"""A contact that does not exist before the test (writes create it)."""
SERVED = frozenset(route.path for route in ALL_ROUTES)


@attrs.frozen
class Op:
    """One SDK operation under test."""

    name: str
    path: str
    idempotent: bool
    args: Callable[[], tuple[tuple[Any, ...], dict[str, Any]]]

    def __str__(self) -> str:
        return self.name


def _event() -> ExternalEvent:
    return ExternalEvent(
        date=datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc),
        event_type=ExternalEventType.PURCHASE,
        description="reliability",
    )


IDEMPOTENT_OPS = (
    Op("contacts.upsert", "/api/contact/upsert", True, lambda: ((ContactUpsert(email=NEW),), {})),
    Op("contacts.has_contact", "/api/contact/hasContact", True, lambda: ((KNOWN,), {})),
    Op("contacts.list", "/api/contact/list", True, lambda: (([KNOWN],), {})),
    Op("contacts.basic", "/api/contact/basic", True, lambda: (([KNOWN],), {})),
    Op("tags.manage", "/api/contact/managetags", True, lambda: ((KNOWN,), {"add": ["VIP"]})),
)
NON_IDEMPOTENT_OPS = (
    Op("contacts.insert", "/api/contact/insert", False, lambda: ((ContactUpsert(email=NEW),), {})),
    Op(
        "events.add",
        "/api/v2/contact/addContactExtEvent",
        False,
        lambda: ((_event(),), {"email": KNOWN}),
    ),
    Op("notes.add", "/api/contact/addNote", False, lambda: (("a note",), {"email": KNOWN})),
    Op(
        "coupons.add",
        "/api/contact/addContactCoupon",
        False,
        lambda: (("WELCOME",), {"email": KNOWN, "length": 8}),
    ),
)


def op_params(ops: Sequence[Op]) -> list[Any]:
    """``ops`` as plain pytest params: none is skipped. An op whose path the emulator
    does not serve fails its tests (and ``test_every_op_path_is_served``)."""
    return [pytest.param(op, id=op.name) for op in ops]


async def run(client: AnyClient, op: Op) -> Any:
    """Run ``op`` with its arguments on ``client``."""
    args, kwargs = op.args()
    return await call(client, op.name, *args, **kwargs)


def calls_to(emulator: Emulator, path: str) -> list[CallRecord]:
    """Every request to ``path`` the emulator's door saw, faulted or not."""
    return [record for record in emulator.calls if record.path == path]


def applied(emulator: Emulator, path: str) -> list[CallRecord]:
    """The requests to ``path`` the platform applied: answered with success, or hit by
    an ``after write`` fault (the handler ran; a 5xx then replaced its answer)."""
    return [
        record
        for record in calls_to(emulator, path)
        if (record.fault is None and record.success)
        or (record.fault is not None and "after write" in record.fault)
    ]
