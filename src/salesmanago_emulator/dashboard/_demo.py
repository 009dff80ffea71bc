"""A small shop's account with a full card, for the screenshots and the browser tests.

`demo_emulator` builds it the way an integration would: the contacts arrive through the
SDK (so the call log holds real, masked requests), and what only the platform's UI or
its own machinery does (scoring, visits, rule runs, e-mails, funnels) goes through the
account's Python API.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Final

from .._emulator import Emulator
from ..clock import FrozenClock
from ..state._addressees import Target
from ..state._card import ConsentDetail, ContactWrite
from ..state.events import EventWrite
from ..state.funnels import StageSpec

__all__ = ["DEMO_ACCOUNT", "DEMO_NOW", "DEMO_OWNER", "demo_emulator"]

DEMO_NOW: Final = datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc)
"""Where the demo's clock starts (10:00 in Warsaw, a Thursday)."""
DEMO_ACCOUNT: Final = "demo-shop"
"""The demo account's client id."""
DEMO_OWNER: Final = "sales@shop.example.com"
"""The demo account's first user, the contacts' main owner."""
_BOSS: Final = "boss@shop.example.com"


def demo_emulator() -> Emulator[FrozenClock]:
    """An emulator on a frozen clock with `DEMO_ACCOUNT`: ``anna@example.com`` with
    data in every section of the card, her coworker ``jan@example.com``, and
    ``ola@example.com`` soft-deleted (gone at the next 02:00)."""
    from salesmanago import ContactUpsert

    emu = Emulator(FrozenClock(DEMO_NOW))
    account = emu.add_account(
        client_id=DEMO_ACCOUNT,
        api_secret="demo-secret-do-not-show",
        users=[DEMO_OWNER, _BOSS],
        consents=[{"name": "Newsletter", "text": "I want the weekly newsletter."}],
    )
    with emu.client() as sm:
        sm.contacts.upsert(
            ContactUpsert(
                email="anna@example.com",
                name="Anna Nowak",
                phone="+48 600 100 200",
                company="Acme Sp. z o.o.",
                tags=("VIP", "NEWSLETTER"),
                properties={"favourite_colour": "green"},
                force_opt_in=True,
            )
        )
        sm.contacts.upsert(
            ContactUpsert(email="jan@example.com", name="Jan Kowalski", company="Acme Sp. z o.o.")
        )
        sm.contacts.upsert(ContactUpsert(email="ola@example.com", tags=("TRIAL",)))
        sm.contacts.delete("ola@example.com")
    _activity(emu)
    account.contacts.upsert(
        ContactWrite(
            email="anna@example.com",
            consent_details=(ConsentDetail("Newsletter", True, DEMO_NOW, "192.0.2.10"),),
        ),
        DEMO_OWNER,
    )
    account.users.add_owner("anna@example.com", _BOSS)
    return emu


def _activity(emu: Emulator[FrozenClock]) -> None:
    """Anna's purchases, coupons, notes, tasks, funnel, rules, e-mail and visits."""
    account = emu.account(DEMO_ACCOUNT)
    anna = "anna@example.com"
    account.scoring.set("jan@example.com", 15)
    for days, value, products in ((9, "120.00", "P-1,P-7"), (2, "80.50", "P-3")):
        account.events.add(
            EventWrite(
                event_type="PURCHASE",
                date=DEMO_NOW - timedelta(days=days, hours=days),
                value=Decimal(value),
                products=products,
                location="shop.example.com",
            ),
            DEMO_OWNER,
            email=anna,
        )
    account.events.add(
        EventWrite(event_type="CART", date=DEMO_NOW - timedelta(hours=3), products="P-9"),
        DEMO_OWNER,
        email=anna,
    )
    account.coupons.add(anna, "WELCOME10", coupon="WELCOME-ANNA", owner=DEMO_OWNER)
    account.notes.add(anna, "Asked about the spring collection.", owner=DEMO_OWNER)
    account.tasks.create(
        anna, "Call back about the order", DEMO_NOW + timedelta(days=1), owner=DEMO_OWNER
    )
    account.funnels.add(
        "B2B sales", [StageSpec("Lead"), StageSpec("Offer"), StageSpec("Won")], pot_value=500
    )
    account.funnels.add_contacts("B2B sales", "Lead", [Target("EMAIL", anna)])
    emu.clock.advance(timedelta(minutes=30))
    account.funnels.add_contacts("B2B sales", "Offer", [Target("EMAIL", anna)])
    rule = account.rules.insert(name="Welcome VIP", owner=DEMO_OWNER)
    workflow = account.rules.add_workflow("Onboarding")
    anna_id = account.find_live(anna).id
    account.rules.run_rule(rule.id, [anna_id])
    account.rules.run_workflow(workflow.id, [anna_id])
    message = account.messages.add_email("Spring collection is here", user=DEMO_OWNER)
    sent = account.messages.send_email(
        DEMO_OWNER, [Target("EMAIL", anna)], email_id=message.id, immediate=True
    )
    for message_id in sent.message_ids:
        account.messages.open(message_id)
    for hours, url, device, browser in (
        (50, "https://shop.example.com/", "DESKTOP", "FIREFOX"),
        (26, "https://shop.example.com/spring", "MOBILE", "CHROME"),
        (4, "https://shop.example.com/cart", "MOBILE", "CHROME"),
    ):
        account.activity.record(
            anna,
            url=url,
            at=emu.clock.now() - timedelta(hours=hours),
            duration_seconds=hours * 7,
            source="SEARCH",
            points=2,
            device=device,
            browser=browser,
        )
    account.scoring.add(anna, 40)
