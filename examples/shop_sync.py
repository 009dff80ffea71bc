"""The e-shop integration (semantics S17.2): customers, orders and carts to SALESmanago,
and the platform's opt-out callback back to the shop.

    python examples/shop_sync.py

The shop (like the IdoSell module of seed 001) sends only customers who agreed to
share their data, with e-mail, company, name, birthday, phone and billing address;
each order becomes a PURCHASE event (date, products, pick-up location, exact value)
and each cart a CART event. A customer who ticks the newsletter box at checkout is
asked by the platform to confirm (double opt-in); when they confirm, or unsubscribe on
the platform's side, the platform calls the shop's opt-in or opt-out callback URL,
protected by a per-account secret. A newsletter that bounces hard marks the address
invalid, and the shop asks the customer for a working one.

With no ``SALESMANAGO_*`` variables set it runs on the embedded emulator. The callback
part needs the emulator (it plays the platform calling the shop's local receiver); on
a live account the callback URLs are set in the platform's settings instead, and the
step is skipped with a note.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CLIENT_ID, callback_key_ok, connect, json_receiver

from salesmanago import (
    Address,
    ContactState,
    ContactUpsert,
    DoubleOptIn,
    ExternalEvent,
    ExternalEventType,
    SalesManago,
)

# --- the shop's SALESmanago settings -------------------------------------------------

SHOP_DOMAIN = "sklep.example.com"
ONLY_CONSENTING_CUSTOMERS = True  # "send only customers who agreed" (seed 001)
CUSTOMER_TAGS = ("SHOP_CUSTOMER",)
OPT_OUT_SECRET = "opt-out-secret-of-this-shop"  # unique per account and per URL (S10.3)
OPT_IN_SECRET = "opt-in-secret-of-this-shop"
DOUBLE_OPT_IN = DoubleOptIn(language="PL")  # the platform's Polish confirmation e-mail


# --- the shop's own data -------------------------------------------------------------


@dataclass
class Customer:
    """A shop customer account."""

    email: str
    first_name: str
    last_name: str
    company: str = ""
    birthday: date | None = None
    phone: str = ""
    street: str = ""
    zip_code: str = ""
    city: str = ""
    country: str = "PL"
    shares_data: bool = False  # consent to pass data to partner services
    newsletter: bool = False  # e-mail marketing consent
    newsletter_requested: bool = False  # ticked at checkout: confirm by double opt-in
    email_bounced: bool = False  # the platform reported the address dead


@dataclass(frozen=True)
class OrderLine:
    """A product on an order or in a cart."""

    product_id: str
    quantity: int
    price: Decimal


@dataclass(frozen=True)
class Order:
    """An order placed in the shop (or a cart, ``number`` being the cart's id)."""

    number: str
    email: str
    placed: datetime
    lines: tuple[OrderLine, ...]
    pickup_point: str | None = None

    @property
    def total(self) -> Decimal:
        """The order's value: exact, never a float."""
        return sum((line.price * line.quantity for line in self.lines), Decimal("0"))


@dataclass
class ShopDatabase:
    """What the shop keeps: customers and who unsubscribed (by e-mail)."""

    customers: dict[str, Customer] = field(default_factory=dict)
    unsubscribed: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


# --- the integration -----------------------------------------------------------------


class ShopSync:
    """Sends the shop's customers and events to SALESmanago."""

    def __init__(self, sm: SalesManago, shop: ShopDatabase) -> None:
        self.sm = sm
        self.shop = shop

    @staticmethod
    def contact_of(customer: Customer) -> ContactUpsert:
        """The contact card data the shop passes (seed 001's list)."""
        return ContactUpsert(
            email=customer.email,
            name=f"{customer.first_name} {customer.last_name}",
            company=customer.company or None,
            birthday=customer.birthday,
            phone=customer.phone or None,
            address=Address(
                street_address=customer.street,
                zip_code=customer.zip_code,
                city=customer.city,
                country=customer.country,
            ),
            state=ContactState.CUSTOMER,
            tags=CUSTOMER_TAGS,
            force_opt_in=True if customer.newsletter else None,
            # the platform mails a confirmation link; the contact stays opted out until
            # it is clicked (the opt-in callback then tells the shop)
            double_opt_in=DOUBLE_OPT_IN
            if customer.newsletter_requested and not customer.newsletter
            else None,
        )

    def sync_customers(self) -> tuple[int, int]:
        """Upsert every customer allowed to be sent; returns (sent, skipped)."""
        allowed = [c for c in self.shop.customers.values() if self.may_send(c.email)]
        result = self.sm.contacts.batch_upsert([self.contact_of(c) for c in allowed])
        for item in result.failed:
            print(f"  refused       {item.email}: {'; '.join(dict.fromkeys(item.errors))}")
        return len(result.contact_ids), len(self.shop.customers) - len(allowed)

    def may_send(self, email: str) -> bool:
        """Whether events of this customer may go to SALESmanago."""
        customer = self.shop.customers.get(email)
        return customer is not None and (customer.shares_data or not ONLY_CONSENTING_CUSTOMERS)

    def _event(self, kind: ExternalEventType, order: Order, description: str) -> ExternalEvent:
        return ExternalEvent(
            date=order.placed,
            event_type=kind,
            description=description,
            products=[line.product_id for line in order.lines],
            location=order.pickup_point,
            value=order.total,
            external_id=order.number,  # a repeat updates the event, never doubles it (S7.4)
            shop_domain=SHOP_DOMAIN,
            details=[",".join(f"{ln.product_id}x{ln.quantity}" for ln in order.lines)],
        )

    def _send(self, kind: ExternalEventType, order: Order, label: str) -> str | None:
        """``order`` as a ``kind`` event described "<label> <number>"; returns the event
        id (None: the customer may not be sent)."""
        if not self.may_send(order.email):
            return None
        event = self._event(kind, order, f"{label} {order.number}")
        return self.sm.events.add(event, email=order.email)

    def send_order(self, order: Order) -> str | None:
        """A placed order as a PURCHASE event; returns the event id (None: not allowed)."""
        return self._send(ExternalEventType.PURCHASE, order, "Order")

    def send_cart(self, cart: Order) -> str | None:
        """The customer's cart as a CART event (what abandoned-cart rules watch, S7.3)."""
        return self._send(ExternalEventType.CART, cart, "Cart")

    def send_newsletter(self, subject: str, html: str) -> str:
        """Mail the shop's customers through the platform (it holds opted-out and
        invalid addresses back itself, S11.2); the conversation id."""
        email_id = self.sm.messages.add_email(subject, name=f"Newsletter: {subject}")
        recipients = [c.email for c in self.shop.customers.values() if self.may_send(c.email)]
        return self.sm.messages.send_email(email_id, recipients, html=html)

    def check_bounces(self) -> list[str]:
        """Customers whose address the platform marked invalid (a hard bounce, S2.6):
        the shop flags them and asks for a working address at their next login."""
        emails = [c.email for c in self.shop.customers.values() if self.may_send(c.email)]
        dead = [contact.email for contact in self.sm.contacts.basic(emails) if contact.invalid]
        with self.shop.lock:
            for email in dead:
                self.shop.customers[email].email_bounced = True
        return dead

    def order_totals(self, email: str) -> Mapping[str, str]:
        """The platform's purchase aggregates on the contact's card (S6.3)."""
        (contact,) = self.sm.contacts.list([email])
        names = ("ORDER_NUMBER", "ORDER_SUMMARY", "ORDER_AVG")
        return {n: contact.properties.get(n, "-") for n in names}


class StatusCallbackHandler:
    """The shop's opt-in / opt-out callback endpoint (S10.3).

    Each URL has its own secret; the body's ``key`` is sha1(e-mail + secret). A body
    whose ``type`` does not match the URL it came to means the two URLs were swapped
    in the platform's settings: it is refused rather than applied backwards.
    """

    PATHS: ClassVar[Mapping[str, tuple[str, str]]] = {
        "/salesmanago/opt-out": ("OPT_OUT", OPT_OUT_SECRET),
        "/salesmanago/opt-in": ("OPT_IN", OPT_IN_SECRET),
    }

    def __init__(self, shop: ShopDatabase) -> None:
        self.shop = shop
        self.log: list[str] = []

    def __call__(self, path: str, body: Mapping[str, Any]) -> int:
        """Handle one POST; answers the HTTP status."""
        if path not in self.PATHS:
            return 404
        kind, secret = self.PATHS[path]
        email = str(body.get("email", ""))
        if not callback_key_ok(body, secret):
            self.log.append(f"rejected {path}: bad key for {email}")
            return 403
        if body.get("type") != kind:
            self.log.append(f"rejected {path}: a {body.get('type')} call (URLs swapped?)")
            return 409
        with self.shop.lock:
            if kind == "OPT_OUT":
                self.shop.unsubscribed.add(email)
                if email in self.shop.customers:
                    self.shop.customers[email].newsletter = False
            else:
                self.shop.unsubscribed.discard(email)
                if email in self.shop.customers:
                    self.shop.customers[email].newsletter = True
        self.log.append(f"{kind} {email} (source {body.get('source')}) applied")
        return 200


# --- running it ----------------------------------------------------------------------


def sample_shop() -> ShopDatabase:
    """A few customers: two agreed to share their data, one did not."""
    shop = ShopDatabase()
    for customer in (
        Customer(
            email="anna.nowak@example.com",
            first_name="Anna",
            last_name="Nowak",
            company="Nowak Design",
            birthday=date(1990, 4, 12),
            phone="+48 501 111 222",
            street="ul. Piotrkowska 10",
            zip_code="90-001",
            city="Łódź",
            shares_data=True,
            newsletter=True,
        ),
        Customer(
            email="marek.zielinski@example.com",
            first_name="Marek",
            last_name="Zieliński",
            birthday=date(1985, 11, 3),
            phone="+48 502 333 444",
            street="ul. Długa 5",
            zip_code="80-001",
            city="Gdańsk",
            shares_data=True,
        ),
        Customer(
            email="piotr.wrona@example.com",
            first_name="Piotr",
            last_name="Wrona",
            street="ul. Polna 7",
            zip_code="30-001",
            city="Kraków",
            shares_data=True,
            newsletter_requested=True,
        ),
        Customer(
            email="ola.kot@example.com",
            first_name="Ola",
            last_name="Kot",
            birthday=date(2000, 1, 30),
            street="ul. Krótka 1",
            zip_code="00-001",
            city="Warszawa",
        ),
    ):
        shop.customers[customer.email] = customer
    return shop


def orders_of(now: datetime) -> Sequence[Order]:
    """Orders in the shop: 10.00 + 20.01 + 0.10 for Anna (S6.3's example), one for Ola."""
    anna, ola = "anna.nowak@example.com", "ola.kot@example.com"
    return (
        Order(
            "ZAM/2026/1001",
            anna,
            now - timedelta(days=20),
            (OrderLine("SKU-MUG", 2, Decimal("5.00")),),
            pickup_point="Paczkomat LOD01A",
        ),
        Order(
            "ZAM/2026/1002",
            anna,
            now - timedelta(days=5),
            (OrderLine("SKU-TEA", 1, Decimal("20.01")),),
        ),
        Order(
            "ZAM/2026/1003",
            anna,
            now - timedelta(hours=2),
            (OrderLine("SKU-CARD", 1, Decimal("0.10")),),
            pickup_point="Sklep Łódź, Piotrkowska",
        ),
        Order(
            "ZAM/2026/1004",
            ola,
            now - timedelta(hours=1),
            (OrderLine("SKU-MUG", 1, Decimal("5.00")),),
        ),
    )


def main() -> None:
    """Sync customers, orders and a cart; then receive an opt-out from the platform."""
    sm, emulator = connect()
    print("Running on the embedded emulator" if emulator else f"Live account at {sm.base_url}")
    now = emulator.clock.now() if emulator else datetime.now(timezone.utc)
    shop = sample_shop()
    anna = "anna.nowak@example.com"
    marek = "marek.zielinski@example.com"
    piotr = "piotr.wrona@example.com"

    with sm, json_receiver(handler := StatusCallbackHandler(shop)) as receiver_url:
        if emulator is not None:  # what the shop owner types into the platform's settings
            callbacks = emulator.account(CLIENT_ID).callbacks
            callbacks.register("OPT_OUT", f"{receiver_url}/salesmanago/opt-out", OPT_OUT_SECRET)
            callbacks.register("OPT_IN", f"{receiver_url}/salesmanago/opt-in", OPT_IN_SECRET)
            print(f"callbacks     -> opt-in/opt-out URLs registered at {receiver_url}")
        else:
            print("callbacks     -> (live: set the URLs in the platform's settings; skipped)")

        sync = ShopSync(sm, shop)
        sent, skipped = sync.sync_customers()
        print(f"customers     -> {sent} synced, {skipped} skipped (no consent to share data)")
        (card,) = sm.contacts.basic([anna])
        print(
            f"card          -> {card.name}, {card.company}, born {card.birthday_year}-"
            f"{card.birthday_month:02}-{card.birthday_day:02}, {card.phone}, "
            f"{card.address.city if card.address else '-'}; opted out: {card.opted_out}"
        )
        (pending,) = sm.contacts.list([piotr])
        mails = ", ".join(f"{m.subject!r} ({m.status})" for m in pending.email_messages)
        print(f"double opt-in -> Piotr opted out until he confirms: {pending.opted_out}; {mails}")

        for order in orders_of(now):
            event_id = sync.send_order(order)
            shown = f"event {event_id}" if event_id else "not sent (no consent)"
            print(f"order         -> {order.number} {order.total} PLN: {shown}")
        print(f"aggregates    -> {dict(sync.order_totals(anna))}")

        repeated = orders_of(now)[1]
        again = sync.send_order(repeated)
        (contact,) = sm.contacts.list([anna])
        purchases = [e for e in contact.ext_events if e.event_type is ExternalEventType.PURCHASE]
        print(
            f"order resent  -> {repeated.number}: event {again}; still {len(purchases)} "
            f"purchases, {dict(sync.order_totals(anna))}"
        )

        cart = Order("CART-77", anna, now, (OrderLine("SKU-TEA", 3, Decimal("20.01")),))
        print(f"cart          -> CART event {sync.send_cart(cart)}, value {cart.total}")
        cart = Order("CART-77", anna, now, (*cart.lines, OrderLine("SKU-MUG", 1, Decimal("5"))))
        print(f"cart changed  -> same CART event {sync.send_cart(cart)}, value {cart.total}")

        if emulator is not None:  # Piotr clicks the link in the confirmation e-mail
            emulator.account(CLIENT_ID).optin.confirm(contact=piotr)
            delivered = emulator.deliver_callbacks()  # the platform tells the shop
            print(
                f"confirmed     -> Piotr opted in: {not sm.contacts.basic([piotr])[0].opted_out}; "
                f"{len(delivered)} callback(s) POSTed to the shop"
            )
            for line in handler.log:
                print(f"  received      {line}")
            handler.log.clear()
            print(f"shop data     -> Piotr's newsletter flag: {shop.customers[piotr].newsletter}")
        else:
            print("confirmed     -> (live: Piotr confirms from his mailbox; skipped)")

        conversation = sync.send_newsletter(
            "Winter sale", "<p>-20% on tea.</p><p><a href='$opt-out$'>Unsubscribe</a></p>"
        )
        print(f"newsletter    -> conversation {conversation}")
        for contact in sm.contacts.list([anna, marek, piotr]):
            (mail,) = [m for m in contact.email_messages if m.subject == "Winter sale"]
            print(f"  {contact.email:<27} {mail.status}")
        if emulator is not None:  # Piotr's mailbox no longer exists: a hard bounce
            account = emulator.account(CLIENT_ID)
            card_of_piotr = account.find(piotr)
            assert card_of_piotr is not None
            (sale,) = [m for m in account.messages.of(card_of_piotr) if m.subject == "Winter sale"]
            account.messages.bounce(sale.id, "hard")
        print(f"bounces       -> flagged in the shop: {sync.check_bounces()}")

        if emulator is None:
            for email in shop.customers:
                if sync.may_send(email):
                    sm.contacts.delete(email, permanently=True)
            print("clean-up      -> synced contacts deleted (live)")
            return

        # Anna clicks "unsubscribe" in a newsletter: the platform opts her out ...
        emulator.account(CLIENT_ID).optin.opt_out(anna, source="MESSAGE")
        # ... and calls the shop's URLs (this pass also carries the sync's opt-in)
        delivered = emulator.deliver_callbacks()
        print(f"delivery      -> {len(delivered)} callback(s) POSTed to the shop")
        for line in handler.log:
            print(f"  received      {line}")
        print(
            f"shop data     -> unsubscribed: {sorted(shop.unsubscribed)}; Anna's newsletter "
            f"flag: {shop.customers[anna].newsletter}"
        )
        print(f"platform      -> Anna opted out: {sm.contacts.basic([anna])[0].opted_out}")


if __name__ == "__main__":
    main()
