"""A first tour: contacts, tags, a soft delete and its restore, and the 02:00 purge.

    python examples/quickstart.py

With no ``SALESMANAGO_*`` variables set it runs on the embedded emulator and can
move the emulator's clock past 02:00 to show the nightly purge (semantics S3.1).
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import connect

from salesmanago import ContactUpsert


def main() -> None:
    """Run the tour and print each step."""
    sm, emulator = connect()
    where = "the embedded emulator" if emulator else f"the live account at {sm.base_url}"
    print(f"Connected to {where} as {sm.owner}")

    with sm:
        jan = sm.contacts.upsert(
            ContactUpsert(
                email="Jan.Kowalski@Example.com ",
                name="Jan Kowalski",
                company="Kowalski Sp. z o.o.",
                tags=["vip", "Łódź shop"],
                properties={"shoe_size": "43"},
                force_opt_in=True,
            )
        )
        print(f"upsert        -> contact {jan.contact_id}")
        again = sm.contacts.upsert(ContactUpsert(email="jan.kowalski@example.com", phone="+48 600"))
        print(f"upsert again  -> same contact: {again.contact_id == jan.contact_id}")

        sm.tags.manage("jan.kowalski@example.com", add=["newsletter"], remove=["vip"])
        (contact,) = sm.contacts.list(["jan.kowalski@example.com"])
        print(f"tags          -> {sorted(contact.tag_names)} (normalised by the platform)")
        print(f"details       -> {dict(contact.properties)}, phone {contact.phone}")
        for tag in sm.tags.list():
            print(f"tag list      -> {tag.tag}: {tag.number_of_tagged} contact(s)")

        sm.contacts.delete("jan.kowalski@example.com")
        print(
            f"soft delete   -> has_contact: {sm.contacts.has_contact('jan.kowalski@example.com')}"
        )
        restored = sm.contacts.upsert(ContactUpsert(email="jan.kowalski@example.com"))
        print(f"upsert again  -> restored the same card: {restored.contact_id == jan.contact_id}")

        if emulator is None:
            sm.contacts.delete("jan.kowalski@example.com", permanently=True)
            print("clean-up      -> deleted permanently")
            return

        sm.contacts.delete("jan.kowalski@example.com")
        emulator.clock.advance(timedelta(hours=6))  # 21:00 UTC (22:00 Warsaw) -> past 02:00
        print(f"clock         -> {emulator.clock.now():%Y-%m-%d %H:%M} UTC, after the 02:00 purge")
        fresh = sm.contacts.upsert(ContactUpsert(email="jan.kowalski@example.com"))
        print(f"upsert again  -> a new card: {fresh.contact_id != jan.contact_id}")
        print(f"calls served  -> {len(emulator.calls)}")


if __name__ == "__main__":
    main()
