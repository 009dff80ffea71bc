"""The CRM integration (semantics S17.3): a two-way contact sync run every 30-60 minutes,
a one-off import, scoring read back, and SALESmanago rule actions received by the CRM.

    python examples/crm_sync.py

The CRM (like Livespace in seed 002) keeps persons, companies and deals. Its
SALESmanago settings are the sync options below. Each sync round sends the CRM's new,
changed and deleted persons, receives the contacts created or modified in SALESmanago
since the last round, and reads the scoring back; a company's scoring is the sum of
its persons'. Rules in SALESmanago can call the CRM's action URL, e.g. to move a deal
to another stage.

With no ``SALESMANAGO_*`` variables set it runs on the embedded emulator, which also
plays the platform's rules (scores set, a DEAL_STAGE action fired and delivered to the
CRM's local receiver) and moves its clock between the rounds. On a live account those
steps are skipped with a note.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path
from typing import Any, ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CLIENT_ID, callback_key_ok, connect, json_receiver

from salesmanago import Contact, ContactUpsert, SalesManago
from salesmanago_emulator import Emulator, FrozenClock

# --- the CRM's SALESmanago settings --------------------------------------------------

SYNC_INTERVAL = timedelta(minutes=45)  # "about once an hour" (seed 002)
ACTION_SECRET = "crm-action-hash-secret"  # the hash in the CRM's action URLs


@dataclass(frozen=True)
class SyncOptions:
    """The options of the CRM's integration settings page (seed 002)."""

    send_new_contacts: bool = True
    send_only_tags: frozenset[str] = frozenset({"LEAD", "CUSTOMER"})  # empty: send all
    opt_in_after_add: bool = True
    opt_out_after_delete: bool = True
    receive_new_contacts: bool = True
    receive_only_tags: frozenset[str] = frozenset({"CRM"})  # empty: receive all
    overwrite_crm_data: bool = True  # name, surname, phone, e-mail from SALESmanago


# --- the CRM's own data --------------------------------------------------------------

_ids = count(1)


@dataclass
class Person:
    """A person in the CRM."""

    first_name: str
    last_name: str
    email: str
    phone: str = ""
    company: str = ""
    tags: set[str] = field(default_factory=set)
    id: int = field(default_factory=lambda: next(_ids))
    sm_id: str | None = None  # the linked SALESmanago contact
    score: int = 0
    changed: bool = True  # edited in the CRM since the last sync
    deleted: bool = False
    opted_out_in_sm: bool = False

    @property
    def full_name(self) -> str:
        """First name and surname as one SALESmanago ``name``."""
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Deal:
    """A deal of a person, in a sales process stage."""

    name: str
    email: str
    stage: str
    created: datetime
    modified: datetime
    status: str = "open"


@dataclass
class Crm:
    """The CRM's database (the parts the integration touches)."""

    persons: list[Person] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def live(self) -> list[Person]:
        """Persons not deleted."""
        return [p for p in self.persons if not p.deleted]

    def by_sm_id(self, contact_id: str) -> Person | None:
        """The person linked to a SALESmanago contact."""
        return next((p for p in self.persons if p.sm_id == contact_id), None)


@dataclass
class RoundReport:
    """What one sync round did."""

    sent: list[str] = field(default_factory=list)
    not_sent: list[str] = field(default_factory=list)
    opted_out: list[str] = field(default_factory=list)
    received: list[str] = field(default_factory=list)
    not_received: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)


# --- the integration -----------------------------------------------------------------


def split_name(name: str | None) -> tuple[str, str]:
    """SALESmanago's one ``name`` as the CRM's first name and surname."""
    first, _, last = (name or "").strip().partition(" ")
    return first, last


def has_any(tags: Iterable[str], wanted: frozenset[str]) -> bool:
    """Whether a tag filter lets the contact through (no filter: everyone)."""
    return not wanted or any(t.strip().upper() in wanted for t in tags)


class CrmSync:
    """The two-way sync between the CRM and SALESmanago."""

    def __init__(
        self, sm: SalesManago, crm: Crm, options: SyncOptions, clock: Callable[[], datetime]
    ) -> None:
        self.sm = sm
        self.crm = crm
        self.options = options
        self.clock = clock
        self.last_sync: datetime | None = None

    def _upsert(self, person: Person, *, new: bool) -> ContactUpsert:
        return ContactUpsert(
            email=person.email,
            name=person.full_name,
            phone=person.phone or None,
            company=person.company or None,
            tags=tuple(sorted(person.tags)),
            force_opt_in=True if new and self.options.opt_in_after_add else None,
        )

    def one_off_import(self) -> int:
        """The "run import" button: every CRM person the tag filter allows, in batches."""
        with self.crm.lock:
            people = [p for p in self.crm.live() if has_any(p.tags, self.options.send_only_tags)]
            result = self.sm.contacts.batch_upsert(
                [self._upsert(p, new=p.sm_id is None) for p in people]
            )
            for person, item in zip(people, result.items, strict=True):
                if item.ok:
                    person.sm_id, person.changed = item.contact_id, False
                else:
                    print(f"  refused       {item.email}: {'; '.join(dict.fromkeys(item.errors))}")
        self.last_sync = self.clock()
        return len(result.contact_ids)

    def sync_round(self) -> RoundReport:
        """One scheduled round: receive first (SALESmanago's data wins when the option
        says so), then send the CRM's changes, then read the scoring back."""
        now = self.clock()
        since = self.last_sync or now - SYNC_INTERVAL
        report = RoundReport()
        with self.crm.lock:
            self._receive(since, now, report)
            self._send(report)
            self._read_scores(report)
        self.last_sync = now
        return report

    def _receive(self, since: datetime, now: datetime, report: RoundReport) -> None:
        created = {c.contact_id for c in self.sm.contacts.created(since, now)}
        changed = {c.contact_id for c in self.sm.contacts.iter_modified(since, now)}
        new_ids = [i for i in created if self.crm.by_sm_id(i) is None]
        known_ids = [i for i in changed if self.crm.by_sm_id(i) is not None]
        if self.options.receive_new_contacts and new_ids:
            for contact in self.sm.contacts.list_by_id(new_ids):
                self._receive_new(contact, report)
        if self.options.overwrite_crm_data and known_ids:
            for contact in self.sm.contacts.list_by_id(known_ids):
                self._overwrite(contact, report)

    def _receive_new(self, contact: Contact, report: RoundReport) -> None:
        if contact.deleted or not has_any(contact.tag_names, self.options.receive_only_tags):
            report.not_received.append(contact.email)
            return
        first, last = split_name(contact.name)
        self.crm.persons.append(
            Person(
                first,
                last,
                contact.email,
                contact.phone or "",
                contact.company or "",
                set(contact.tag_names),
                sm_id=contact.contact_id,
                changed=False,
            )
        )
        report.received.append(contact.email)

    def _overwrite(self, contact: Contact, report: RoundReport) -> None:
        person = self.crm.by_sm_id(contact.contact_id)
        if person is None or person.deleted or contact.deleted:
            return
        first, last = split_name(contact.name)
        theirs = (first, last, contact.phone or "", contact.email)
        if theirs != (person.first_name, person.last_name, person.phone, person.email):
            person.first_name, person.last_name, person.phone, person.email = theirs
            report.overwritten.append(contact.email)

    def _send(self, report: RoundReport) -> None:
        for person in self.crm.persons:
            if person.deleted:
                if (
                    person.sm_id
                    and self.options.opt_out_after_delete
                    and not person.opted_out_in_sm
                ):
                    self.sm.optin.opt_out(contact_id=person.sm_id)
                    person.opted_out_in_sm = True
                    report.opted_out.append(person.email)
                continue
            if not person.changed:
                continue
            new = person.sm_id is None
            if new and not self.options.send_new_contacts:
                continue
            if not has_any(person.tags, self.options.send_only_tags):
                report.not_sent.append(person.email)
                person.changed = False
                continue
            person.sm_id = self.sm.contacts.upsert(self._upsert(person, new=new)).contact_id
            person.changed = False
            report.sent.append(person.email)

    def _read_scores(self, report: RoundReport) -> None:
        linked = {p.sm_id: p for p in self.crm.live() if p.sm_id}
        for basic in self.sm.contacts.basic_by_id(list(linked)):
            person = linked[basic.contact_id]
            if person.score != basic.score:
                person.score = basic.score
                report.scores[person.email] = basic.score

    def company_scoring(self, company: str) -> tuple[int, int]:
        """A company's scoring as the CRM shows it (sum of its persons' read-back
        scores) and as SALESmanago sums them now (S4.4)."""
        people = [p for p in self.crm.live() if p.company.strip().casefold() == company.casefold()]
        local = sum(p.score for p in people)
        remote = self.sm.scoring.company_scoring([p.email for p in people], company=company)
        return local, remote


class ActionEndpoint:
    """The CRM's action URL for SALESmanago rules; handles DEAL_STAGE (seed 002):
    the contact's open deals, sorted by ``sort`` in ``order``, the first ``limit`` of
    them (0: all) move to ``stage`` and get ``status``. An unknown ``sort`` is
    answered 400."""

    SORTS: ClassVar[tuple[str, ...]] = ("created", "modified", "name")  # Deal fields

    def __init__(self, crm: Crm, clock: Callable[[], datetime]) -> None:
        self.crm = crm
        self.clock = clock
        self.log: list[str] = []

    def __call__(self, path: str, body: Mapping[str, Any]) -> int:
        """Handle one POST; answers the HTTP status."""
        email = str(body.get("email", ""))
        if not callback_key_ok(body, ACTION_SECRET):
            self.log.append(f"rejected: bad key for {email}")
            return 403
        if body.get("type") != "DEAL_STAGE":
            self.log.append(f"ignored: {body.get('type')} actions are not handled here")
            return 200
        data = body.get("data") or {}
        sort = data.get("sort", "modified")
        if sort not in self.SORTS:
            self.log.append(f"rejected: unknown sort {sort!r} (one of {', '.join(self.SORTS)})")
            return 400
        with self.crm.lock:
            deals = [d for d in self.crm.deals if d.email == email and d.status == "open"]
            deals.sort(
                key=lambda d: getattr(d, sort),
                reverse=data.get("order", "desc") == "desc",
            )
            limit = int(data.get("limit", 1))
            for deal in deals[:limit] if limit else deals:
                deal.stage = str(data.get("stage") or deal.stage)
                deal.status = str(data.get("status") or deal.status)
                deal.modified = self.clock()
                self.log.append(f"deal {deal.name!r} -> stage {deal.stage}, {deal.status}")
        return 200


# --- running it ----------------------------------------------------------------------


def sample_crm(now: datetime) -> Crm:
    """A CRM with four persons of two companies and two open deals of Jan's."""
    crm = Crm()
    crm.persons += [
        Person(
            "Jan",
            "Kowalski",
            "jan.kowalski@acme.example.com",
            "+48 600 000 001",
            "ACME S.A.",
            {"LEAD"},
        ),
        Person(
            "Ewa",
            "Nowak",
            "ewa.nowak@acme.example.com",
            "+48 600 000 002",
            "ACME S.A.",
            {"CUSTOMER", "VIP"},
        ),
        Person("Piotr", "Lis", "piotr.lis@acme.example.com", "", "ACME S.A.", {"CUSTOMER"}),
        Person("Olga", "Wrona", "olga.wrona@private.example.com", "", "", {"SUPPLIER"}),
    ]
    crm.deals += [
        Deal(
            "ACME: 10 licences",
            "jan.kowalski@acme.example.com",
            "Offer sent",
            now - timedelta(days=30),
            now - timedelta(days=2),
        ),
        Deal(
            "ACME: support plan",
            "jan.kowalski@acme.example.com",
            "Offer sent",
            now - timedelta(days=10),
            now - timedelta(days=1),
        ),
    ]
    return crm


def print_round(title: str, report: RoundReport) -> None:
    """One line per kind of change."""
    print(f"{title} -> sent {report.sent or '-'}; not sent (tags) {report.not_sent or '-'}")
    print(f"  opt-out       {report.opted_out or '-'} (deleted in the CRM)")
    print(f"  received      {report.received or '-'}; not received {report.not_received or '-'}")
    print(f"  overwritten   {report.overwritten or '-'} (SALESmanago's data wins)")
    print(f"  scores        {report.scores or '-'}")


def advance(emulator: Emulator[FrozenClock] | None, delta: timedelta) -> None:
    """Let time pass on the emulator (the live platform keeps its own time)."""
    if emulator is not None:
        emulator.clock.advance(delta)
        print(f"clock         -> {emulator.clock.now():%H:%M} UTC (+{delta})")
    else:
        print(f"clock         -> (live: the next round would run {delta} later)")


def main() -> None:
    """Import, two sync rounds with changes on both sides, scoring and a deal action."""
    sm, emulator = connect()
    print("Running on the embedded emulator" if emulator else f"Live account at {sm.base_url}")
    clock = emulator.clock.now if emulator else lambda: datetime.now(timezone.utc)
    crm = sample_crm(clock())
    sync = CrmSync(sm, crm, SyncOptions(), clock)
    jan, ewa, piotr, olga = crm.persons
    landing = ["marta.sowa@acme.example.com", "guest.reader@example.com"]

    with sm:
        imported = sync.one_off_import()
        print(
            f"import        -> {imported} of {len(crm.persons)} persons (tag filter "
            f"{sorted(sync.options.send_only_tags)}; opted in after add)"
        )

        advance(emulator, timedelta(minutes=20))
        # in SALESmanago: two sign-ups on a landing page, one tagged for the CRM, and a
        # sales rep correcting Jan's phone number on his card
        sm.contacts.upsert(
            ContactUpsert(
                email=landing[0],
                name="Marta Sowa",
                company="ACME S.A.",
                tags=("CRM",),
            )
        )
        sm.contacts.upsert(ContactUpsert(email=landing[1], name="Guest Reader"))
        sm.contacts.update(ContactUpsert(email=jan.email, phone="+48 600 999 999"))
        # in the CRM: a new lead, a new partner (filtered out), Olga now a customer too
        crm.persons += [
            Person("Adam", "Kruk", "adam.kruk@acme.example.com", "", "ACME S.A.", {"lead"}),
            Person("Kamil", "Bąk", "kamil.bak@partner.example.com", "", "", {"PARTNER"}),
        ]
        olga.tags.add("CUSTOMER")
        olga.changed = True
        print("changes       -> SALESmanago: 2 sign-ups, Jan's phone; CRM: Adam and Kamil added,")
        print("                 Olga tagged CUSTOMER")
        advance(emulator, timedelta(minutes=25))
        print_round("round 1      ", sync.sync_round())

        if emulator is not None:  # rules scoring activity on the platform
            account = emulator.account(CLIENT_ID)
            for email, points in (
                (jan.email, 35),
                (ewa.email, 20),
                (piotr.email, 5),
                (landing[0], 12),
            ):
                account.scoring.set(email, points)
            print("rules         -> scores set on the emulator: Jan 35, Ewa 20, Piotr 5, Marta 12")
        else:
            print("rules         -> (live: scores are whatever the account's rules gave)")
        olga.deleted = True
        advance(emulator, SYNC_INTERVAL)
        print_round("round 2      ", sync.sync_round())
        print(f"  Jan in CRM    {jan.full_name}, {jan.phone}, score {jan.score}")

        local, remote = sync.company_scoring("ACME S.A.")
        print(f"company       -> ACME S.A.: CRM sum {local}, SALESmanago sum {remote}")
        if emulator is not None:
            view = emulator.account(CLIENT_ID).companies.company("acme s.a.")
            print(
                f"cross-check   -> emulator company view: {view.name} scoring {view.scoring} "
                f"over {len(view.persons)} persons"
            )
            (card,) = sm.contacts.basic([olga.email])
            print(f"olga          -> opted out in SALESmanago after her delete: {card.opted_out}")

        if emulator is None:
            print("deal action   -> (live: rules call the CRM's public action URL; skipped)")
            for email in {p.email for p in crm.persons if p.sm_id} | set(landing):
                sm.contacts.delete(email, permanently=True)
            print("clean-up      -> contacts deleted (live)")
            return

        endpoint = ActionEndpoint(crm, clock)
        with json_receiver(endpoint) as url:
            callbacks = emulator.account(CLIENT_ID).callbacks
            callbacks.register_action(
                f"{url}/salesmanago/action", ACTION_SECRET, kinds=["DEAL_STAGE"]
            )
            # a rule: "Jan opened the pricing page twice" -> win the most recently modified deal
            callbacks.fire_action(
                "DEAL_STAGE",
                jan.email,
                {
                    "stage": "Negotiation",
                    "status": "won",
                    "sort": "modified",
                    "order": "desc",
                    "limit": 1,
                },
            )
            delivered = emulator.deliver_callbacks()
        print(f"deal action   -> {len(delivered)} DEAL_STAGE callback delivered to {url}")
        for line in endpoint.log:
            print(f"  applied       {line}")
        for deal in crm.deals:
            print(f"  deal          {deal.name!r}: {deal.stage}, {deal.status}")
        print(f"calls served  -> {len(emulator.calls)}")


if __name__ == "__main__":
    main()
