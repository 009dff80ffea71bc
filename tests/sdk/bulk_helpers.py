"""Helpers of the bulk sync tests: an emulator account, a driver of the sync or async
client, and readers of the emulator's call log (which rows each batch request sent)."""

from __future__ import annotations

import asyncio
import inspect
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from salesmanago import (
    AsyncSalesManago,
    ContactUpsert,
    EventForContact,
    ExternalEvent,
    ExternalEventType,
    SalesManago,
)
from salesmanago_emulator import Emulator, FrozenClock

CLIENT_ID = "bulk-client"
SECRET = "bulk-secret"
OWNER = "owner@shop.example.com"
NOW = datetime(2026, 1, 15, 10, tzinfo=timezone.utc)
BATCH_UPSERT = "/api/contact/batchupsert"
BATCH_EVENTS = "/api/contact/batchAddContactExtEvent"


def new_emulator() -> Emulator[FrozenClock]:
    """An emulator with one account at a frozen instant."""
    emu = Emulator(clock=FrozenClock(NOW))
    emu.add_account(client_id=CLIENT_ID, api_secret=SECRET, users=[OWNER])
    return emu


def contacts(count: int, start: int = 0) -> list[ContactUpsert]:
    """``count`` distinct contacts."""
    return [
        ContactUpsert(email=f"user{i}@example.com", name=f"User {i}")
        for i in range(start, start + count)
    ]


def events(count: int) -> list[EventForContact]:
    """``count`` purchases, each with its own external id."""
    return [
        EventForContact(
            email=f"user{i % 7}@example.com",
            event=ExternalEvent(
                date=NOW, event_type=ExternalEventType.PURCHASE, external_id=f"order-{i}"
            ),
        )
        for i in range(count)
    ]


class Sync:
    """Runs a resource's method on the sync or the async client of an emulator; the
    async client's waits are recorded in ``slept``, not slept."""

    def __init__(self, mode: str, emu: Emulator[FrozenClock], **options: Any) -> None:
        self.mode = mode
        self.emu = emu
        self.options = options
        self.slept: list[float] = []

    def client(self) -> SalesManago | AsyncSalesManago:
        """A fresh client of the account (the retries' waits go to :attr:`slept`)."""
        if self.mode == "sync":
            return self.emu.client(CLIENT_ID, sleep=self.slept.append, **self.options)

        async def sleep(seconds: float) -> None:
            self.slept.append(seconds)

        return self.emu.async_client(CLIENT_ID, sleep=sleep, **self.options)

    def __call__(self, name: str, *args: Any, **kwargs: Any) -> Any:
        resource, method = name.split(".")
        client = self.client()
        result = getattr(getattr(client, resource), method)(*args, **kwargs)
        if inspect.isawaitable(result):

            async def wait() -> Any:
                async with client:  # type: ignore[union-attr]
                    return await result

            return asyncio.run(wait())
        client.close()
        return result


def sent_keys(emu: Emulator[FrozenClock], path: str = BATCH_UPSERT) -> Counter[str]:
    """How often each row was sent in an answered batch request of ``path``: contacts
    by e-mail, events by external id."""
    counts: Counter[str] = Counter()
    for call in emu.calls:
        if call.path != path or call.status != 200 or call.request is None:
            continue
        if path == BATCH_UPSERT:
            counts.update(item["contact"]["email"] for item in call.request["upsertDetails"])
        else:
            counts.update(item["contactEvent"]["externalId"] for item in call.request["events"])
    return counts


def emails(rows: Iterable[ContactUpsert]) -> set[str]:
    """The e-mails of ``rows``."""
    return {row.email for row in rows}
