"""Export jobs in the state layer: the processing time and the polls a job needs are
checked settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from state_helpers import OTHER_USER, OWNER

from salesmanago_emulator import Account
from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import AuthenticationFailed, InvalidField, LimitExceeded
from salesmanago_emulator.state import ContactWrite
from salesmanago_emulator.state.contacts import BATCH_UPSERT_LIMIT
from salesmanago_emulator.state.exports import IMPORT_KIND, ExportJob


def test_processing_time_must_not_be_negative(account_a: Account) -> None:
    with pytest.raises(ValueError, match="processing_time"):
        account_a.exports.processing_time = timedelta(seconds=-1)


def test_polls_until_done_default_is_zero_and_checked(account_a: Account) -> None:
    assert account_a.exports.polls_until_done == 0
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="polls_until_done"):
            account_a.exports.polls_until_done = bad  # type: ignore[assignment]
    assert account_a.exports.polls_until_done == 0


# --- Import jobs in the exports area (``contact/batchupsertv2``; protocol §3.1, §6; S2.2)

WRITES = [ContactWrite(email="a@shop.pl", name="A"), ContactWrite(email="b@shop.pl")]


def test_import_is_applied_on_the_first_poll_by_default(account: Account) -> None:
    job = account.exports.start_import(WRITES, OWNER, fire_events=False)
    assert (job.kind, job.request_id, job.content) == (IMPORT_KIND, "1", "")
    assert job.contact_import is not None
    assert (job.contact_import.owner, job.contact_import.fire_events) == (OWNER, False)
    assert account.count() == 0  # a read before the job is done shows nothing
    assert not account.exports.done(job)
    assert account.exports.results(job) is None
    assert account.exports.poll(job)
    a, b = account.find_live("a@shop.pl"), account.find_live("b@shop.pl")
    assert account.exports.results(job) == (("a@shop.pl", a.id), ("b@shop.pl", b.id))
    assert (a.name, a.main_owner) == ("A", OWNER)
    assert account.exports.done(job)
    assert account.exports.poll(job)  # a later poll applies nothing again
    assert account.count() == 2


def _slow_import(account: Account, polls: int) -> ExportJob:
    """An import that needs 5 minutes on the clock and ``polls`` polls in progress."""
    account.exports.processing_time = timedelta(minutes=5)
    account.exports.polls_until_done = polls
    return account.exports.start_import(WRITES, OWNER)


def test_clock_first_then_polls_applies_on_the_last_poll(
    account: Account, clock: FrozenClock
) -> None:
    """Order 1: the processing time passes first; the writes wait for poll n + 1."""
    job = _slow_import(account, 2)
    clock.advance(timedelta(minutes=10))
    assert account.count() == 0  # the clock alone applies nothing
    assert not account.exports.poll(job)
    assert not account.exports.poll(job)
    assert account.count() == 0
    assert account.exports.poll(job)
    assert account.count() == 2
    assert account.find_live("a@shop.pl").created_on == clock.now()  # stamped by that poll


def test_polls_first_then_clock_applies_on_the_next_poll(
    account: Account, clock: FrozenClock
) -> None:
    """Order 2: the polls run out first; the next poll after the clock passes applies."""
    job = _slow_import(account, 1)
    for _ in range(3):
        assert not account.exports.poll(job)
    assert account.count() == 0
    clock.advance(timedelta(minutes=5))
    assert account.count() == 0
    assert not account.exports.done(job)  # not applied: not done, whatever the clock says
    assert account.exports.poll(job)
    assert account.count() == 2


def test_each_item_on_its_own_as_a_batch_upsert(account: Account) -> None:
    """A bad item fails alone (its refusal named as one write names it); later items
    see earlier ones; an item the caller could not read fails as it is."""
    unreadable = InvalidField("contact", "must be an object")
    items = [
        ContactWrite(email="a@shop.pl", tags=("NEW",)),
        ContactWrite(email="not-an-email"),
        unreadable,
        ContactWrite(email="A@Shop.pl", name="Again"),
    ]
    job = account.exports.start_import(items, OWNER)
    account.exports.poll(job)
    results = account.exports.results(job)
    assert results is not None
    record = account.find_live("a@shop.pl")
    assert results[0] == results[3] == ("a@shop.pl", record.id)
    assert isinstance(results[1], InvalidField)
    assert str(results[1]) == "Field 'contact.email' must be a valid e-mail address"
    assert results[2] is unreadable
    assert (record.name, list(record.tags)) == ("Again", ["NEW"])


def test_result_keeps_the_email_as_it_was_when_applied(account: Account) -> None:
    job = account.exports.start_import([ContactWrite(email="a@shop.pl")], OWNER)
    account.exports.poll(job)
    account.contacts.upsert(ContactWrite(email="a@shop.pl", new_email="z@shop.pl"), OWNER)
    assert account.exports.results(job) == (("a@shop.pl", account.find_live("z@shop.pl").id),)


def test_import_refusals_start_no_job(account: Account) -> None:
    with pytest.raises(AuthenticationFailed):
        account.exports.start_import(WRITES, "stranger@shop.pl")
    with pytest.raises(InvalidField, match="'items' must not be empty"):
        account.exports.start_import([], OWNER)
    with pytest.raises(LimitExceeded):
        account.exports.start_import(WRITES * (BATCH_UPSERT_LIMIT // 2 + 1), OWNER)
    assert account.exports.jobs == ()
    assert account.exports.next_request_id == 1


def test_import_shares_the_export_jobs_ids_and_reset(account: Account) -> None:
    export = account.exports.start("CONTACT_LIST", "{}")
    job = account.exports.start_import(WRITES, OTHER_USER)
    assert (export.request_id, job.request_id) == ("1", "2")
    assert account.exports.job("2") is job
    with pytest.raises(ValueError, match="kind"):
        account.exports.start(IMPORT_KIND, "{}")  # type: ignore[arg-type]
    account.exports.poll(job)
    account.exports.reset()
    assert account.exports.jobs == ()
    assert account.exports.results(job) is None


def test_file_of_an_import_is_drawn_from_its_results(account: Account) -> None:
    job = account.exports.start_import(WRITES, OWNER)
    assert account.exports.ready(job.request_id, job.token) is None
    account.exports.poll(job)
    assert account.exports.ready(job.request_id, job.token) is job
    assert account.exports.ready(job.request_id, "0" * 32) is None
    assert account.exports.file(job.request_id, job.token) is None  # no export text
