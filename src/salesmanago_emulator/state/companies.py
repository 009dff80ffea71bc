"""Companies and their summed scoring (semantics S4.3–S4.5, S17.1).

Through the API a contact's company is its ``company`` field (S4.3). Names
are compared trimmed and case-folded (`company_key`, the SDK's rule);
the first spelling seen (trimmed) is the one shown. A blank field means no
company. A company is known while at least one card names it, live or
soft-deleted awaiting the purge.

A company's scoring is the sum of its live persons' scores (S4.4). It is kept
up to date in the observer hooks, never by scanning the contacts: each card
carries, under [`CompaniesArea.key`][salesmanago_emulator.state.companies.CompaniesArea.key], the
`Membership` it is counted with (company key and the score added), so every change (score set,
company changed or cleared, soft delete, restore, purge, permanent delete)
costs O(1). The platform has no public company endpoint, so there is no route.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Final

import attrs

from ..errors import RULE_NOT_EMPTY, RULE_STRING, CompanyNotFound, InvalidField
from ._card import ContactRecord
from ._core import AccountArea, AccountCore
from .funnels import funnel_key, places_of
from .messages import MessageRecord, messages_of

__all__ = ["CompaniesArea", "CompanyView", "Membership", "company_key"]

_KEY: Final = "companies"


def company_key(name: str | None) -> str:
    """A company name as compared: white space trimmed, case folded; ``""`` is no company.

    The same comparison as `funnel_key`, with ``None`` as no company.
    """
    return funnel_key(name or "")


@attrs.frozen(weakref_slot=False)
class Membership:
    """What a card adds to its company: the company key, the score counted, whether live."""

    company: str
    score: int
    live: bool


class CompanyView:
    """A live view of one company (S4.5): name, summed scoring, live persons, campaigns,
    mailings.

    Every attribute reads the company as it is when read (the scoring is kept
    up to date incrementally, so reading it costs the same however many
    persons the company has). ``persons`` are the live cards naming the
    company, in the order they joined it; ``campaigns`` the names of the
    funnels (campaigns) they stand in, each once, in order of first appearance.
    Once the purge has removed a company's last card, the view shows what the
    company held last.
    """

    __slots__ = ("_company",)

    def __init__(self, company: _Company) -> None:
        """A view of a stored company (use
        [`CompaniesArea.company`][salesmanago_emulator.state.companies.CompaniesArea.company])."""
        self._company = company

    @property
    def name(self) -> str:
        """The company's name as first seen on a card."""
        return self._company.name

    @property
    def scoring(self) -> int:
        """The sum of the live persons' scores (S4.4)."""
        return self._company.scoring

    @property
    def persons(self) -> tuple[ContactRecord, ...]:
        """The live cards naming the company, in the order they joined it."""
        return tuple(self._company.persons.values())

    @property
    def campaigns(self) -> tuple[str, ...]:
        """The funnels (campaigns) the live persons stand in, each once."""
        places = (p.funnel for r in self._company.persons.values() for p in places_of(r))
        return tuple(dict.fromkeys(places))

    @property
    def mailings(self) -> tuple[MessageRecord, ...]:
        """The live persons' messages (e-mail and SMS; S4.5, S13.2), person by person,
        each one's oldest first."""
        return tuple(m for r in self._company.persons.values() for m in messages_of(r))

    def __repr__(self) -> str:
        c = self._company
        return f"<CompanyView {c.name!r} scoring={c.scoring} persons={len(c.persons)}>"


class _Company:
    """A stored company: shown name, summed scoring, live and soft-deleted persons."""

    __slots__ = ("dormant", "name", "persons", "scoring")

    def __init__(self, name: str) -> None:
        self.name = name
        self.scoring = 0
        self.persons: dict[str, ContactRecord] = {}
        self.dormant: dict[str, ContactRecord] = {}


def _membership(record: ContactRecord) -> Membership | None:
    value = record.extension(_KEY)
    return value if isinstance(value, Membership) else None


class CompaniesArea(AccountArea):
    """An account's companies with their scoring (S4); attached as ``account.companies``."""

    key: ClassVar[str] = _KEY

    def __init__(self, account: AccountCore) -> None:
        """No companies."""
        super().__init__(account)
        self._companies: dict[str, _Company] = {}

    # --- reads ------------------------------------------------------------------------

    def _known(self, name: str) -> _Company:
        if not isinstance(name, str):
            raise InvalidField("company", RULE_STRING)
        key = company_key(name)
        if not key:
            raise InvalidField("company", RULE_NOT_EMPTY)
        self.account.tick()  # S3.4: the purge runs before every operation
        found = self._companies.get(key)
        if found is None:
            raise CompanyNotFound(name)
        return found

    def company(self, name: str) -> CompanyView:
        """The company ``name`` (trimmed, any case) now; CompanyNotFound if no card names it.

        A company whose persons are all soft-deleted is still known (scoring 0,
        no persons) until the purge removes them.
        """
        return CompanyView(self._known(name))

    def scoring(self, name: str) -> int:
        """The company's summed scoring: its live persons' scores (S4.4)."""
        return self._known(name).scoring

    def names(self) -> list[str]:
        """The shown names of the known companies, in the order they were first seen."""
        self.account.tick()
        return [c.name for c in self._companies.values()]

    def coworkers(self, key: str) -> list[ContactRecord]:
        """The other live persons of the live contact ``key``'s company (S4.3); ``[]`` if none."""
        record = self.account.find_live(key)
        membership = _membership(record)
        if membership is None:
            return []
        found = self._companies[membership.company]
        return [r for r in found.persons.values() if r is not record]

    # --- bookkeeping ------------------------------------------------------------------

    def _drop(self, record: ContactRecord, *, forget: bool = True) -> None:
        """Take back what ``record`` adds to its company; with ``forget``, forget it if empty."""
        old = _membership(record)
        if old is None:
            return
        found = self._companies[old.company]
        if old.live:
            found.scoring -= old.score
            del found.persons[record.id]
        else:
            del found.dormant[record.id]
        if forget and not found.persons and not found.dormant:
            del self._companies[old.company]
        record.set_extension(_KEY, None)

    def _join(self, record: ContactRecord, *, live: bool) -> None:
        """Count ``record`` in the company its ``company`` field names (none if blank)."""
        key = company_key(record.company)
        if not key:
            return
        found = self._companies.get(key)
        if found is None:
            assert record.company is not None
            found = self._companies[key] = _Company(record.company.strip())
        if live:
            found.scoring += record.score
            found.persons[record.id] = record
        else:
            found.dormant[record.id] = record
        record.set_extension(_KEY, Membership(key, record.score if live else 0, live))

    # --- observer hooks ---------------------------------------------------------------

    def contact_saved(self, record: ContactRecord, *, created: bool) -> None:
        """Follow a score or company change (or a restore) of a live card (S4.4)."""
        if not record.company and (created or record.extension(_KEY) is None):
            # in no company before (a new card is in none) or after (the usual write)
            return
        old = _membership(record)
        key = company_key(record.company)
        if old is not None and old.live and old.company == key:
            if old.score != record.score:
                self._companies[key].scoring += record.score - old.score
                record.set_extension(_KEY, Membership(key, record.score, True))
            return
        # the same company keeps its shown name even if the card was its only person
        self._drop(record, forget=old is None or old.company != key)
        self._join(record, live=not record.deleted)

    def contact_deleted(self, record: ContactRecord) -> None:
        """A soft-deleted person no longer counts (S4.4) but keeps the company known."""
        self._drop(record, forget=False)
        self._join(record, live=False)

    def contact_removed(self, record: ContactRecord) -> None:
        """A purged or permanently deleted person leaves its company for good."""
        self._drop(record)

    # contact_restored: the contact_saved that follows counts the card again.

    # --- reset and state import -----------------------------------------------------------

    def reset(self) -> None:
        """Forget every company and every card's membership."""
        for found in self._companies.values():
            for record in (*found.persons.values(), *found.dormant.values()):
                record.set_extension(_KEY, None)
        self._companies.clear()

    def join_order(self) -> list[ContactRecord]:
        """Every card counted in a company: each company's live persons, then its
        soft-deleted ones, in the order they joined it (what
        [`restore_saved`][salesmanago_emulator.state.companies.CompaniesArea.restore_saved]
        takes)."""
        return [
            r for c in self._companies.values() for r in (*c.persons.values(), *c.dormant.values())
        ]

    def restore_saved(self, names: Sequence[str], joined: Sequence[ContactRecord]) -> None:
        """Rebuild from the cards after a state import, keeping the saved shown ``names``.

        Scoring and persons are derived: they are recomputed from every card's
        ``company`` and ``score``, the cards of ``joined`` first in that order
        ([`join_order`][salesmanago_emulator.state.companies.CompaniesArea.join_order] of the
        exported account), then the others in card order. Nothing is checked here.
        """
        self.reset()
        for name in names:
            self._companies.setdefault(company_key(name), _Company(name))
        first = {record.id: record for record in joined}
        others = (r for r in self.account.store.by_id.values() if r.id not in first)
        for record in (*first.values(), *others):
            self._join(record, live=not record.deleted)
        for key in [k for k, c in self._companies.items() if not c.persons and not c.dormant]:
            del self._companies[key]
