"""Observers follow contact changes (S3.1-S3.3, S10.2): each hook an observer
overrides is called once per change, and only those hooks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from state_helpers import EMAIL, OWNER, upsert

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.state import Account, ContactWrite
from salesmanago_emulator.state._card import ContactRecord
from salesmanago_emulator.state._observers import HOOKS, ContactObserver


class _Deletions(ContactObserver):
    """Overrides two hooks only."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def contact_deleted(self, record: ContactRecord) -> None:
        self.seen.append(("deleted", record.email))

    def contact_removed(self, record: ContactRecord) -> None:
        self.seen.append(("removed", record.email))


def test_s3_each_overridden_hook_is_called_once_per_change_and_no_other() -> None:
    clock = FrozenClock(datetime(2026, 1, 15, 10, tzinfo=timezone.utc))
    account = Account("c", "s", [OWNER], clock=clock)
    watcher = _Deletions()
    account.add_observer(watcher)
    assert [name for name in HOOKS if watcher in account._hooks[name]] == [
        "contact_deleted",
        "contact_removed",
    ]
    account.contacts.upsert(ContactWrite(email="a@example.com", force_opt_in=True), OWNER)
    account.contacts.upsert(ContactWrite(email="b@example.com"), OWNER)
    account.contacts.delete("a@example.com")
    account.contacts.restore("a@example.com")
    account.contacts.delete("a@example.com")
    account.contacts.delete("b@example.com", permanently=True)
    clock.advance(timedelta(days=1))  # past 02:00: the nightly purge (S3.4)
    account.count()
    assert watcher.seen == [
        ("deleted", "a@example.com"),
        ("deleted", "a@example.com"),
        ("removed", "b@example.com"),
        ("removed", "a@example.com"),
    ]


def test_hooks_name_every_method_of_the_observer_base() -> None:
    methods = {name for name in vars(ContactObserver) if not name.startswith("_")}
    assert set(HOOKS) == methods


def test_observers_see_every_kind_of_change(account: Account) -> None:
    seen: list[str] = []

    class Log(ContactObserver):
        def contact_saved(self, record: ContactRecord, *, created: bool) -> None:
            seen.append("created" if created else "saved")

        def contact_deleted(self, record: ContactRecord) -> None:
            seen.append("deleted")

        def contact_restored(self, record: ContactRecord) -> None:
            seen.append("restored")

        def contact_removed(self, record: ContactRecord) -> None:
            seen.append("removed")

    account.add_observer(Log())
    upsert(account)
    account.scoring.set(EMAIL, 3)
    account.scoring.set(EMAIL, 3)  # no change, no hook
    account.contacts.delete(EMAIL)
    upsert(account)
    account.contacts.delete(EMAIL, permanently=True)
    assert seen == ["created", "saved", "deleted", "restored", "saved", "removed"]
