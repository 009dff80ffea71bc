"""The SDK's login chain and ``upsert_with_event`` against the emulator, end to end
(protocol §2.3, §6, §14; issue 12 wire §1, §2): ``SalesManago.from_login`` (and the
async twin) through the in-process transport and over a real socket, and the SDK's
``integration/upsert`` bodies accepted as the emulator reads them."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND

from salesmanago import (
    AsyncSalesManago,
    AuthenticationError,
    ContactUpsert,
    ExternalEvent,
    SalesManago,
)
from salesmanago_emulator import Account, Emulator, EmulatorServer, FrozenClock

PASSWORD = "the-sdk-login-password"
WHEN = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def password(account_a: Account) -> None:
    account_a.users.set_password(A_OWNER, PASSWORD)


def test_s2_3_sdk_from_login_in_process(emu: Emulator[FrozenClock]) -> None:
    """token -> integration -> a client signing with the answered sha, on the host the
    login was sent to (``salesmanago.emulator``)."""
    with SalesManago.from_login(
        username=A_OWNER,
        password=PASSWORD,
        endpoint="http://salesmanago.emulator",
        transport=emu.transport(),
        max_retries=0,
    ) as sm:
        assert sm.users.list() == [A_OWNER, A_SECOND]
        assert sm.base_url == "http://salesmanago.emulator"
    assert [c.path for c in emu.calls] == [
        "/api/authorization/token",
        "/api/account/integration",
        "/api/user/listByClient",
    ]
    assert emu.calls[-1].request is not None
    assert emu.calls[-1].request["clientId"] == A_ID


def test_s2_3_sdk_from_login_refused_with_the_platforms_text(emu: Emulator[FrozenClock]) -> None:
    with pytest.raises(AuthenticationError, match="User not authenticated"):
        SalesManago.from_login(
            username=A_OWNER,
            password="not-the-password",
            endpoint="http://salesmanago.emulator",
            transport=emu.transport(),
            max_retries=0,
        )


async def test_s2_3_async_sdk_from_login_over_a_socket(emu: Emulator[FrozenClock]) -> None:
    """Over HTTP the endpoint answered is the server's ``127.0.0.1:PORT``; the client
    goes on there with the login URL's scheme."""
    with EmulatorServer(emu) as server:
        client = await AsyncSalesManago.from_login(
            username=A_OWNER, password=PASSWORD, endpoint=server.url, owner=A_SECOND
        )
        async with client as sm:
            assert sm.base_url == server.url
            result = await sm.contacts.upsert_with_event(
                ContactUpsert(email="jan@shop.pl", name="Jan"),
                ExternalEvent(date=WHEN, event_type="PURCHASE", value=Decimal("19.99")),
            )
    card = emu.account(A_ID).find("jan@shop.pl")
    assert card is not None
    assert (result.contact_id, card.main_owner) == (card.id, A_SECOND)
    [event] = emu.account(A_ID).events.events_of(card)
    assert (result.event_id, event.value) == (event.event_id, Decimal("19.99"))


def test_protocol_14_sdk_upsert_with_event_parts(sm: SalesManago, account_a: Account) -> None:
    """The SDK's parts (each with clientId and owner) pass; the event alone creates the
    contact; a refused part is the SDK's error and nothing changes."""
    alone = sm.contacts.upsert_with_event(
        event=ExternalEvent(date=WHEN, event_type="CART"), email="new@shop.pl"
    )
    assert alone.contact_id is None
    new = account_a.find("new@shop.pl")
    assert new is not None
    assert [e.event_id for e in account_a.events.events_of(new)] == [alone.event_id]
    contact_only = sm.contacts.upsert_with_event(ContactUpsert(email="new@shop.pl"))
    assert (contact_only.contact_id, contact_only.event_id) == (new.id, None)
