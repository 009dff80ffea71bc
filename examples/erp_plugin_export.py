"""The ERP plugin (semantics S17.1): export customer persons and marketing actions to
SALESmanago, and preview what the platform knows about a person and a company.

    python examples/erp_plugin_export.py

An ERP (like the Vendo plugin of seed 000) keeps customers (contractors) with their
people. The plugin's settings are the endpoint, client id, API secret, owner e-mail and
the status given to new contacts. With no ``SALESMANAGO_*`` variables set it runs on
the embedded emulator; the emulator-only steps (scores set as if the platform's rules
had run, the company view cross-check) are skipped on a live account with a note.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import API_SECRET, CLIENT_ID, OWNER, live, new_emulator

from salesmanago import (
    AlreadyExistsError,
    ConsentDetail,
    ContactEmailMessage,
    ContactState,
    ContactUpsert,
    SalesManago,
    ValidationError,
)
from salesmanago_emulator import Emulator, FrozenClock

# --- the plugin's settings (Settings > Plugins > SALESmanago) ------------------------

EXPORT_TAG = "WEBINAR_B2B_2026"  # the tag chosen in the export dialog
MARKETING_ACTION = "B2B webinar: warehouse automation 2026"
ACTION_GROUP = "Webinars"
ACTION_STAGES = ("Invited", "Registered", "Attended")
EMULATOR_ENDPOINT = "http://salesmanago.emulator"  # offline: the emulator's transport answers


@dataclass(frozen=True)
class PluginConfig:
    """What the plugin's settings dialog holds."""

    endpoint: str
    client_id: str
    api_secret: str
    owner: str  # the user in whose name the plugin works ("Mail opiekuna")
    new_contact_state: ContactState = ContactState.CUSTOMER  # "Status dla nowych klientów"

    @classmethod
    def from_environment(cls) -> PluginConfig:
        """The settings of a live account, from the ``SALESMANAGO_*`` variables."""
        return cls(
            endpoint=os.environ.get("SALESMANAGO_ENDPOINT", "app2.salesmanago.pl"),
            client_id=os.environ["SALESMANAGO_CLIENT_ID"],
            api_secret=os.environ["SALESMANAGO_API_SECRET"],
            owner=os.environ["SALESMANAGO_OWNER"],
        )

    def __repr__(self) -> str:
        return f"PluginConfig(endpoint={self.endpoint!r}, client_id={self.client_id!r}, ...)"


# --- the ERP's own data --------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A customer's person ("osoba klienta") as the ERP keeps it."""

    name: str
    email: str
    phone: str = ""
    consents: tuple[str, ...] = ()  # consent names recorded in the ERP
    newsletter: bool = False  # agreed to marketing e-mail (the ERP's checkbox)


@dataclass(frozen=True)
class Customer:
    """A contractor with its people."""

    name: str
    people: tuple[Person, ...] = field(default_factory=tuple)


ERP_CUSTOMERS = (
    Customer(
        "Kowalski Logistics Sp. z o.o.",
        (
            Person(
                "Jan Kowalski",
                "jan.kowalski@kowalski-logistics.example.com",
                "+48 600 100 200",
                newsletter=True,
            ),
            Person("Ewa Nowak", "ewa.nowak@kowalski-logistics.example.com", "+48 600 100 201"),
            Person("Piotr Zając", "piotr.zajac@kowalski-logistics", "+48 600 100 202"),  # no TLD
            Person(
                "Anna Wiśniewska",
                "anna.wisniewska@kowalski-logistics.example.com",
                consents=("Telemarketing",),
            ),  # a consent the platform account lacks
        ),
    ),
    Customer(
        "Stal-Mont S.A.",
        (
            Person("Marek Lis", "marek.lis@stal-mont.example.com", "+48 601 000 001"),
            Person("Reception", "recepcja stal-mont.example.com"),  # no @ at all
        ),
    ),
)


# --- the plugin ----------------------------------------------------------------------


class ErpPlugin:
    """The plugin's functions, as the ERP's menus call them."""

    def __init__(self, sm: SalesManago, config: PluginConfig) -> None:
        self.sm = sm
        self.config = config

    def _contact(self, customer: Customer, person: Person, tags: Sequence[str]) -> ContactUpsert:
        consents = tuple(
            ConsentDetail(consent_name=c, consent_accept=True) for c in person.consents
        )
        return ContactUpsert(
            email=person.email,
            name=person.name,
            phone=person.phone or None,
            company=customer.name,
            state=self.config.new_contact_state,
            tags=tuple(tags),
            consent_details=consents,
            force_opt_in=True if person.newsletter else None,  # else the platform's default
        )

    @staticmethod
    def invalid_reason(contact: ContactUpsert) -> str | None:
        """Why the SDK would refuse to send this contact (its own checks), or None.

        ``ContactUpsert.validate()`` runs the checks without sending; the ERP shows
        only persons with a valid e-mail in its export dialog (seed 000).
        """
        try:
            contact.validate()
        except ValidationError as err:
            return str(err)
        return None

    def has_valid_email(self, person: Person) -> bool:
        """Whether the person's e-mail passes the SDK's checks."""
        return self.invalid_reason(ContactUpsert(email=person.email)) is None

    def valid_emails(self, customer: Customer) -> list[str]:
        """The e-mails of the customer's people that pass the SDK's checks, in order."""
        return [p.email for p in customer.people if self.has_valid_email(p)]

    def export_customers(self, customers: Sequence[Customer], tag: str) -> dict[str, str]:
        """Bulk export ("Exportuj do SALESmanago" on the customer list): every person with
        a valid e-mail, tagged ``tag``, in one batch upsert. Returns e-mail -> contact id."""
        valid: list[ContactUpsert] = []
        for customer in customers:
            for person in customer.people:
                contact = self._contact(customer, person, [tag])
                reason = self.invalid_reason(contact)
                if reason is None:
                    valid.append(contact)
                else:
                    print(f"  not sent      {person.name}: {reason}")
        result = self.sm.contacts.batch_upsert(valid)
        for item in result.failed:
            print(f"  refused       {item.email}: {'; '.join(dict.fromkeys(item.errors))}")
        print(
            f"  exported      {len(result.contact_ids)} of {len(valid)} sent "
            f"({len(result.failed)} refused by the platform)"
        )
        return result.contact_ids

    def export_person(self, customer: Customer, person: Person) -> str:
        """Export one person ("Funkcje > SALESmanago > Exportuj" on the person's card)."""
        return self.sm.contacts.upsert(self._contact(customer, person, [])).contact_id

    def preview_person(self, customer: Customer, email: str) -> None:
        """ "Podgląd danych z SALESmanago" on a person: scoring, tags, mailings, coworkers."""
        found = self.sm.contacts.list([email])
        if not found:
            print(f"  {email}: not in SALESmanago (export the person first)")
            return
        contact = found[0]
        print(f"  scoring       {contact.score}")
        print(f"  tags          {', '.join(contact.tag_names) or '-'}")
        print(f"  campaigns     {', '.join(f.funnel for f in contact.funnels) or '-'}")
        print(f"  mailings      {len(contact.email_messages)}")
        for mail in contact.email_messages:
            print(f"    {_mailing(mail)}")
        mates = self.sm.scoring.coworkers(email, among=self.valid_emails(customer))
        print(f"  coworkers     {', '.join(f'{m.name} ({m.score})' for m in mates) or '-'}")

    def preview_company(self, customer: Customer) -> int:
        """ "Podgląd danych z SALESmanago" on a customer: the summed scoring of its people
        (the API has no company endpoint: the plugin names the people it knows)."""
        emails = self.valid_emails(customer)
        total = self.sm.scoring.company_scoring(emails, company=customer.name)
        people = self.sm.contacts.list(emails)
        campaigns = sorted({f.funnel for c in people for f in c.funnels})
        print(f"  scoring       {total} (sum of {len(people)} persons)")
        print(f"  campaigns     {', '.join(campaigns) or '-'}")
        mailings = [(c.email, m) for c in people for m in c.email_messages]
        print(f"  mailings      {len(mailings)} to {len({e for e, _ in mailings})} person(s)")
        for email, mail in sorted(mailings, key=lambda pair: (pair[1].send_date is None, pair)):
            print(f"    {email}: {_mailing(mail)}")
        return total

    def export_marketing_action(
        self, name: str, group: str | None, stages: Sequence[str], participants: Sequence[str]
    ) -> bool:
        """Export a marketing action as a campaign with its group and stages, its
        participants at the first stage. A taken name is refused (names are unique)."""
        try:
            self.sm.campaigns.create(name, stages=stages, group=group)
        except AlreadyExistsError as err:
            print(f"  refused       {name!r}: {err.messages[0]}")
            return False
        added = self.sm.campaigns.add_contacts(name, stages[0], participants)
        print(
            f"  exported      {name!r} in group {group or '(default)'} with stages "
            f"{' > '.join(stages)}; {sum(added.values())} participant(s) at {stages[0]!r}"
        )
        return True


def _mailing(mail: ContactEmailMessage) -> str:
    """One line of the mailings preview: date, subject, status, opened."""
    sent = mail.send_date.strftime("%Y-%m-%d %H:%M") if mail.send_date else "queued"
    opened = f", opened {mail.opened_date:%Y-%m-%d}" if mail.opened_date else ""
    return f"{sent}  {mail.subject!r}  {mail.status}{opened}"


# --- running it ----------------------------------------------------------------------


def open_client(config: PluginConfig, emulator: Emulator[FrozenClock] | None) -> SalesManago:
    """A client from the plugin's settings (through the emulator's transport offline)."""
    if emulator is not None:
        return emulator.client(config.client_id, config.owner)
    return SalesManago(
        endpoint=config.endpoint,
        client_id=config.client_id,
        api_secret=config.api_secret,
        owner=config.owner,
    )


def main() -> None:
    """Run the plugin's functions one after another and print what each did."""
    emulator = None if live() else new_emulator()
    if emulator is None:
        config = PluginConfig.from_environment()
        print(f"Live account {config.client_id}; emulator-only steps are skipped")
    else:
        config = PluginConfig(EMULATOR_ENDPOINT, CLIENT_ID, API_SECRET, OWNER)
        print("Running on the embedded emulator")
    print(f"settings      -> {config!r}, new contacts: {config.new_contact_state.value}")

    kowalski, stal_mont = ERP_CUSTOMERS
    with open_client(config, emulator) as sm:
        plugin = ErpPlugin(sm, config)

        print(f"bulk export   -> tag {EXPORT_TAG}")
        ids = plugin.export_customers(ERP_CUSTOMERS, EXPORT_TAG)

        newcomer = Person("Tomasz Wójcik", "tomasz.wojcik@kowalski-logistics.example.com")
        kowalski = Customer(kowalski.name, (*kowalski.people, newcomer))
        print(
            f"single export -> {newcomer.name}: contact {plugin.export_person(kowalski, newcomer)}"
        )

        print("marketing action export")
        participants = [p.email for p in kowalski.people if p.email in ids]
        plugin.export_marketing_action(MARKETING_ACTION, ACTION_GROUP, ACTION_STAGES, participants)
        plugin.export_marketing_action(MARKETING_ACTION, ACTION_GROUP, ACTION_STAGES, participants)
        print("  note          the action's start/end dates stay in the ERP: the API has no field")

        # The marketing department mails the action's participants through the platform
        # (the plugin only shows the mailings afterwards: S17.1's preview).
        invitation = sm.messages.add_email(
            "Invitation: warehouse automation webinar", campaign=MARKETING_ACTION
        )
        sm.messages.send_email(
            invitation,
            participants,
            campaign=MARKETING_ACTION,
            html="<p>Join us on 12 March.</p><p><a href='$opt-out$'>Unsubscribe</a></p>",
        )
        print(f"mailing       -> invitation sent to {len(participants)} participant(s)")
        if emulator is not None:  # the recipient reads it: simulated on the emulator only
            account = emulator.account(CLIENT_ID)
            jan_card = account.find(kowalski.people[0].email)
            assert jan_card is not None
            (first,) = account.messages.of(jan_card)
            account.messages.open(first.id)
            print("              -> Jan opens it (simulated on the emulator)")

        if emulator is not None:  # the platform's rules score activity; here we set it
            account = emulator.account(CLIENT_ID)
            for email, points in (
                (kowalski.people[0].email, 40),
                (kowalski.people[1].email, 15),
                (newcomer.email, 5),
                (stal_mont.people[0].email, 7),
            ):
                account.scoring.set(email, points)
            print("scoring       -> set on the emulator as if rules had run (40, 15, 5; 7)")
        else:
            print("scoring       -> (live: scores are whatever the account's rules gave)")

        jan = kowalski.people[0]
        print(f"person view   -> {jan.name}")
        plugin.preview_person(kowalski, jan.email)
        print(f"company view  -> {kowalski.name}")
        total = plugin.preview_company(kowalski)

        if emulator is not None:
            view = emulator.account(CLIENT_ID).companies.company(kowalski.name)
            print(
                f"cross-check   -> emulator company view: scoring {view.scoring} "
                f"({'matches' if view.scoring == total else 'DIFFERS'}), "
                f"campaigns {', '.join(view.campaigns)}, {len(view.persons)} persons, "
                f"{len(view.mailings)} mailings"
            )
            print(f"calls served  -> {len(emulator.calls)}")
        else:
            sm.campaigns.delete(MARKETING_ACTION)
            for email in [*ids, newcomer.email]:
                sm.contacts.delete(email, permanently=True)
            print("clean-up      -> campaign and exported contacts deleted (live)")


if __name__ == "__main__":
    main()
