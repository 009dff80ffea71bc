"""One SALESmanago account: its core and its areas, composed (S1.2).

The [`Account`][salesmanago_emulator.Account] is pure state: no HTTP, no JSON, no locking (the
emulator holds one lock around every call). Its core
(`AccountCore`) keeps the
configuration, the clock and the cards with their reads; everything the
platform does lives in an area named as the SDK resource that reaches it::

    account.contacts.upsert(ContactWrite(email="jan@example.com"), "owner@example.com")
    account.tags.manage("jan@example.com", ["VIP"], [])
    account.find("jan@example.com").tags

Every operation first runs the nightly purge if the clock has passed 02:00
since a contact was soft-deleted (S3.4), then does its work. Writes are
checked as a whole before anything changes, so an error leaves every card
exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from ..clock import Clock
from ._core import AccountCore
from .activity import ActivityArea, HistogramSource
from .callbacks import CallbacksArea
from .catalogs import CatalogsArea
from .companies import CompaniesArea
from .contact_manager import ContactManagerArea
from .contacts import ContactsArea
from .coupons import CouponsArea
from .events import EventsArea
from .exports import ExportsArea
from .funnels import FunnelsArea
from .loyalty import LoyaltyArea
from .messages import MessagesArea
from .notes import NotesArea
from .optin import OptInArea
from .rules import RulesArea
from .scoring import ScoringArea
from .tags import TagsArea
from .tasks import TasksArea
from .timeline import TimelineArea
from .users import UsersArea

__all__ = ["Account"]


class Account(AccountCore):
    """A SALESmanago account (one ``clientId``): the core and its areas.

    The core's reads (``find``, ``find_live``, ``has_contact``, ``count``,
    ``live_contacts``, ``created_between``, ...) are methods of the account;
    each area is an attribute named as its SDK resource.
    """

    users: UsersArea
    """The account's users (a sequence of e-mails) and the cards' owners."""
    tags: TagsArea
    """Tags on the cards and the account's tag list."""
    optin: OptInArea
    """E-mail and phone status, invalid marks, named consents."""
    scoring: ScoringArea
    """Contact scoring (no public write endpoint: Python and control API)."""
    loyalty: LoyaltyArea
    """Loyalty programs, their members and points."""
    contacts: ContactsArea
    """Card writes, deletion, details, state and monitoring."""

    def __init__(
        self,
        client_id: str,
        api_secret: str,
        users: Sequence[str],
        *,
        timezone: str | ZoneInfo = "Europe/Warsaw",
        clock: Clock,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        """An empty account with these credentials and users (at least one e-mail).

        ``timezone`` is an IANA name or a ``ZoneInfo``; ``id_factory`` makes
        ids (default: a random lower-case UUID). Bad arguments raise
        ``ValueError``.
        """
        super().__init__(
            client_id, api_secret, timezone=timezone, clock=clock, id_factory=id_factory
        )
        # The areas, one line each; an area gets the areas it calls. The order is the
        # order of reset and of the state export.
        self.users = self.attach(UsersArea(self, users))
        self.tags = self.attach(TagsArea(self, users=self.users))
        self.optin = self.attach(OptInArea(self, tags=self.tags))
        self.scoring = self.attach(ScoringArea(self))
        self.loyalty = self.attach(LoyaltyArea(self))
        self.contacts = self.attach(
            ContactsArea(
                self, users=self.users, tags=self.tags, optin=self.optin, loyalty=self.loyalty
            )
        )
        self.funnels = self.attach(FunnelsArea(self))
        self.companies = self.attach(CompaniesArea(self))
        self.callbacks = self.attach(CallbacksArea(self, users=self.users))
        self.exports = self.attach(ExportsArea(self, users=self.users, contacts=self.contacts))
        self.coupons = self.attach(CouponsArea(self, users=self.users, contacts=self.contacts))
        self.notes = self.attach(NotesArea(self, users=self.users))
        self.tasks = self.attach(TasksArea(self, users=self.users))
        self.events = self.attach(EventsArea(self, users=self.users, contacts=self.contacts))
        self.messages = self.attach(MessagesArea(self, users=self.users, optin=self.optin))
        histogram_sources: dict[str, HistogramSource] = {
            "EXTERNAL_EVENTS": self.events,
            "EMAIL_OPENS": self.messages,
        }
        self.activity = self.attach(
            ActivityArea(self, scoring=self.scoring, sources=histogram_sources)
        )
        self.rules = self.attach(RulesArea(self, users=self.users))
        self.catalogs = self.attach(CatalogsArea(self))
        self.timeline = self.attach(TimelineArea(self))
        self.contact_manager = self.attach(
            ContactManagerArea(
                self,
                users=self.users,
                optin=self.optin,
                tags=self.tags,
                contacts=self.contacts,
                scoring=self.scoring,
                funnels=self.funnels,
                coupons=self.coupons,
                rules=self.rules,
                notes=self.notes,
            )
        )

    def __repr__(self) -> str:
        return f"<Account {self.client_id} users={len(self.users)} contacts={self.store.live}>"
