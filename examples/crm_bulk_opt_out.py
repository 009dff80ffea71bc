"""A marketer's bulk opt-out in SALESmanago's Contact Manager, reaching a CRM (S15, S10.3).

    python examples/crm_bulk_opt_out.py

The CRM syncs its persons to SALESmanago (opted in to e-mail marketing, tagged by the
lists they signed up for) and registers its opt-out callback URL, protected by a secret.
Then a marketer opens the Contact Manager and, in one run, opts out every contact of the
``WINTER_PROMO`` list who is not a customer, and tags them ``PROMO_CLOSED``. The platform
calls the CRM's opt-out URL once per contact it changed; the CRM checks each call's key
and marks the person opted out, so it stops mailing them too.

With no ``SALESMANAGO_*`` variables set it runs on the embedded emulator, which plays
the marketer's Contact Manager (``account.contact_manager``: it has no public API) and
delivers the callbacks to the CRM's local receiver. On a live account the Contact
Manager step is done by a person in the platform's UI, so it is skipped with a note.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CLIENT_ID, callback_key_ok, connect, json_receiver

from salesmanago import ContactState, ContactUpsert
from salesmanago_emulator.state.contact_manager import (
    AddTags,
    EmailOptOut,
    Selection,
    State,
    Tags,
)

OPT_OUT_SECRET = "crm-opt-out-secret"  # the secret parameter of the CRM's opt-out URL


@dataclass
class Person:
    """A person in the CRM."""

    email: str
    lists: tuple[str, ...]
    customer: bool = False
    mailing_allowed: bool = True


@dataclass
class Crm:
    """The CRM's persons and what its opt-out endpoint received."""

    persons: dict[str, Person] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class OptOutEndpoint:
    """The CRM's handler of SALESmanago's opt-out callback (S10.3)."""

    def __init__(self, crm: Crm) -> None:
        self.crm = crm
        self.sources: list[str] = []

    def __call__(self, path: str, body: Mapping[str, Any]) -> int:
        if not callback_key_ok(body, OPT_OUT_SECRET) or body.get("type") != "OPT_OUT":
            with self.crm.lock:
                self.crm.refused.append(str(body.get("email")))
            return 403
        with self.crm.lock:
            person = self.crm.persons.get(str(body["email"]))
            if person is None:
                return 404
            person.mailing_allowed = False
            self.sources.append(str(body.get("source")))
        return 204


def main() -> None:
    crm = Crm()
    for person in (
        Person("anna@example.com", ("WINTER_PROMO", "NEWS")),
        Person("jan@example.com", ("WINTER_PROMO",), customer=True),
        Person("ewa@example.com", ("WINTER_PROMO",)),
        Person("piotr@example.com", ("NEWS",)),
    ):
        crm.persons[person.email] = person

    sm, emulator = connect()
    print("on the embedded emulator" if emulator else "on a live account")
    endpoint = OptOutEndpoint(crm)
    with sm, json_receiver(endpoint) as url:
        for person in crm.persons.values():
            sm.contacts.upsert(
                ContactUpsert(
                    email=person.email,
                    tags=person.lists,
                    state=ContactState.CUSTOMER if person.customer else ContactState.PROSPECT,
                    force_opt_in=True,
                )
            )
        print(f"crm sync      -> {len(crm.persons)} persons sent, opted in")
        if emulator is None:
            print("contact manager: done by the marketer in the platform's UI (no public API)")
            return
        account = emulator.account(CLIENT_ID)
        account.callbacks.register("OPT_OUT", f"{url}/salesmanago/opt-out", OPT_OUT_SECRET)
        print(f"opt-out url   -> {url}/salesmanago/opt-out registered")

        # The marketer: WINTER_PROMO, customers excluded; opt out and tag, in one run.
        promo = Selection(
            include=(Tags(tags=("WINTER_PROMO",)),),
            exclude=(State(states=("CUSTOMER",)),),
        )
        manager = account.contact_manager
        print(f"recount       -> {manager.recount(promo)} contacts would be touched")
        run = manager.run(promo, [EmailOptOut(), AddTags(tags=("PROMO_CLOSED",))])
        for report in run.reports:
            done = ", ".join(
                o.action if o.applied else f"{o.action} skipped ({o.reason})"
                for o in report.outcomes
            )
            print(f"run {run.id} report  -> {report.email}: {done}")

        delivered = emulator.deliver_callbacks()
        print(
            f"callbacks     -> {sum(e.delivered for e in delivered)} OPT_OUT delivered to the CRM"
        )

    with crm.lock:
        blocked = sorted(p.email for p in crm.persons.values() if not p.mailing_allowed)
    print(f"crm           -> mailing stopped for {', '.join(blocked)}")
    print(
        f"crm           -> callback sources {sorted(set(endpoint.sources))}, refused {crm.refused}"
    )


if __name__ == "__main__":
    main()
