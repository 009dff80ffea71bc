"""Bulk sync (issue 16, item 1): ``contacts.sync`` and ``events.sync`` on the emulator,
sync and async: chunks, a result per row, progress, the run-level back-off after 429,
and the checkpoint that lets a crashed run resume without re-sending what was
acknowledged (S17.1, S17.3: a first load of an ERP or CRM)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bulk_helpers import (
    BATCH_EVENTS,
    BATCH_UPSERT,
    CLIENT_ID,
    NOW,
    Sync,
    contacts,
    emails,
    events,
    new_emulator,
    sent_keys,
)

from salesmanago import (
    CheckpointError,
    ConsentDetail,
    ContactUpsert,
    EventForContact,
    ExternalEvent,
    ExternalEventType,
    RowStatus,
    SyncProgress,
    UnreadableRow,
    ValidationError,
)
from salesmanago._bulk import _GROUP, Pacer, _as_raised
from salesmanago._checkpoint import CheckpointFile
from salesmanago.errors import RateLimitError
from salesmanago_emulator import Emulator, FrozenClock


@pytest.fixture
def emu() -> Emulator[FrozenClock]:
    return new_emulator()


@pytest.fixture(params=["sync", "async"])
def sync(request: pytest.FixtureRequest, emu: Emulator[FrozenClock]) -> Sync:
    """The driver of the sync or the async client of the emulator's account."""
    return Sync(str(request.param), emu, max_retries=0)


class Interrupt(BaseException):
    """Stands for a crash (or Ctrl-C) in the middle of a run."""


def crash_after(requests: int) -> Any:
    """A progress callback that crashes the run once ``requests`` chunks were acknowledged."""

    def progress(counts: SyncProgress) -> None:
        if counts.requests >= requests:
            raise Interrupt

    return progress


def test_every_row_is_applied_once_and_reported_in_input_order(
    sync: Sync, emu: Emulator[FrozenClock]
) -> None:
    rows = contacts(1050)
    report = sync("contacts.sync", rows, chunk_size=200)
    assert report.complete
    assert report.error is None
    assert [r.index for r in report.results] == list(range(1050))
    assert all(r.status is RowStatus.APPLIED and r.contact_id for r in report.results)
    assert report.progress == SyncProgress(read=1050, applied=1050, requests=6)
    assert sent_keys(emu) == dict.fromkeys(emails(rows), 1)
    assert emu.account(CLIENT_ID).count() == 1050


def test_rows_are_read_lazily_from_any_iterable(sync: Sync) -> None:
    """A generator is read as the chunks go: the sync client reads one chunk ahead, the
    async one at most its in-flight limit of chunks (16 by default) ahead."""

    def rows() -> Iterator[ContactUpsert]:
        yield from contacts(400)

    seen: list[int] = []
    report = sync("contacts.sync", rows(), chunk_size=10, progress=lambda p: seen.append(p.read))
    assert report.progress.applied == 400
    ahead = 1 if sync.mode == "sync" else 17
    assert seen[0] <= 10 * ahead
    assert seen == sorted(seen)
    assert seen[-1] == 400


def test_rows_the_sdk_refuses_are_reported_with_their_field_and_never_sent(
    sync: Sync, emu: Emulator[FrozenClock]
) -> None:
    rows: list[Any] = contacts(6)
    rows[3] = ContactUpsert(email="not-an-email")
    rows[5] = UnreadableRow("column 'birthday': expected a date YYYY-MM-DD, got '1/2/90'")
    report = sync("contacts.sync", rows, chunk_size=2)
    failed = {r.index: r for r in report.failed}
    assert set(failed) == {3, 5}
    assert failed[3].status is RowStatus.REFUSED
    assert failed[3].errors == (
        "Field 'upsertDetails[3].contact.email' must be an e-mail address (got 'not-an-email')",
    )
    assert failed[5].errors == ("column 'birthday': expected a date YYYY-MM-DD, got '1/2/90'",)
    assert "not-an-email" not in sent_keys(emu)
    assert report.complete
    assert report.progress.refused == 2


def test_an_item_the_platform_refuses_carries_its_text_under_the_rows_index(sync: Sync) -> None:
    rows = contacts(5)
    rows[4] = ContactUpsert(
        email="consent@example.com",
        consent_details=[ConsentDetail(consent_name="Unknown", consent_accept=True)],
    )
    report = sync("contacts.sync", rows, chunk_size=3)
    (failed,) = report.failed
    assert failed.index == 4
    assert failed.errors == (
        "Field 'upsertDetails[4].consentDetails[0].consentName' names no consent of this account",
    )
    assert report.progress.applied == 4


def test_a_chunk_whose_every_item_is_refused_is_acknowledged_and_the_run_goes_on(
    sync: Sync, emu: Emulator[FrozenClock]
) -> None:
    """The platform answers ``success: false`` with no id when no item of a batch
    applied: still one refusal per item, not a failure of the run."""
    unknown = [ConsentDetail(consent_name="Unknown", consent_accept=True)]
    rows = [ContactUpsert(email=f"c{i}@example.com", consent_details=unknown) for i in range(3)]
    rows += contacts(3)
    report = sync("contacts.sync", rows, chunk_size=3)
    assert report.complete
    assert [r.status for r in report.results] == [RowStatus.REFUSED] * 3 + [RowStatus.APPLIED] * 3
    assert "upsertDetails[2].consentDetails[0].consentName" in report.results[2].errors[0]
    assert emu.account(CLIENT_ID).count() == 3


def test_progress_and_results_as_they_come_without_keeping_them(sync: Sync) -> None:
    seen: list[SyncProgress] = []
    outcomes: list[int] = []
    report = sync(
        "contacts.sync",
        contacts(25),
        chunk_size=10,
        progress=seen.append,
        on_result=lambda r: outcomes.append(r.index),
        keep_results=False,
    )
    assert report.results == ()
    assert sorted(outcomes) == list(range(25))
    assert [p.applied for p in seen] == [10, 20, 25]
    assert [p.requests for p in seen] == [1, 2, 3]


def test_a_crashed_run_resumes_without_resending_what_was_acknowledged(
    sync: Sync, emu: Emulator[FrozenClock], tmp_path: Path
) -> None:
    """Done when (issue 16): a killed import resumes and ends with every row applied
    exactly once; here the crash comes right after the second acknowledged chunk."""
    checkpoint = tmp_path / "run.checkpoint"
    rows = contacts(50)
    with pytest.raises(Interrupt):
        sync("contacts.sync", rows, chunk_size=10, checkpoint=checkpoint, progress=crash_after(2))
    saved = CheckpointFile(checkpoint, "contacts").load()
    # the async run also acknowledges the chunks that were in flight at the crash
    acknowledged = 20 if sync.mode == "sync" else saved.hashed
    assert list(saved.done) == [(0, acknowledged)]
    assert saved.hashed == acknowledged >= 20
    report = sync("contacts.sync", rows, chunk_size=10, checkpoint=checkpoint)
    assert report.complete
    assert report.progress.resumed == acknowledged
    assert report.progress.applied == 50
    assert [r.resumed for r in report.results] == [True] * acknowledged + [False] * (
        50 - acknowledged
    )
    assert sent_keys(emu) == dict.fromkeys(emails(rows), 1)
    assert not checkpoint.exists(), "a complete run removes its checkpoint"


def test_a_crash_while_rows_are_read_is_raised_as_it_is(sync: Sync) -> None:
    """A crash (Ctrl-C on Python 3.10 lands like this) while the next rows are read,
    in the async run's task group itself: the run raises that very exception, never
    the task group's exception group around it, sync and async."""

    def rows() -> Iterator[ContactUpsert]:
        yield from contacts(30)
        raise Interrupt

    with pytest.raises(Interrupt):
        sync("contacts.sync", rows(), chunk_size=10)


def test_a_task_groups_lone_exception_is_raised_as_it_is() -> None:
    """What a run raises for what leaves its task group: a group's one exception (in
    nested groups too); a group of several, or any other exception, as it is."""
    crash, other = Interrupt(), ValueError("x")
    assert _as_raised(_GROUP("run", [_GROUP("inner", [crash])])) is crash
    several = _GROUP("run", [crash, other])
    assert _as_raised(several) is several
    assert _as_raised(other) is other


def test_a_resumed_run_reports_the_refusals_of_the_earlier_run(sync: Sync, tmp_path: Path) -> None:
    checkpoint = tmp_path / "run.checkpoint"
    rows = contacts(20)
    rows[2] = ContactUpsert(email="bad")
    with pytest.raises(Interrupt):
        sync("contacts.sync", rows, chunk_size=5, checkpoint=checkpoint, progress=crash_after(1))
    report = sync("contacts.sync", rows, chunk_size=5, checkpoint=checkpoint)
    (failed,) = report.failed
    assert (failed.index, failed.resumed, failed.status) == (2, True, RowStatus.REFUSED)
    assert "upsertDetails[2].contact.email" in failed.errors[0]


def test_a_resume_against_another_input_is_refused_before_anything_is_sent(
    sync: Sync, emu: Emulator[FrozenClock], tmp_path: Path
) -> None:
    checkpoint = tmp_path / "run.checkpoint"
    with pytest.raises(Interrupt):
        sync(
            "contacts.sync",
            contacts(30),
            chunk_size=10,
            checkpoint=checkpoint,
            progress=crash_after(1),
        )
    emu.clear_calls()
    changed = contacts(30)
    changed[4] = ContactUpsert(email="other@example.com")
    with pytest.raises(CheckpointError, match=r"first \d+ rows of the input differ"):
        sync("contacts.sync", changed, chunk_size=10, checkpoint=checkpoint)
    with pytest.raises(CheckpointError, match=r"fewer than the \d+ the checkpoint"):
        sync("contacts.sync", contacts(4), chunk_size=10, checkpoint=checkpoint)
    assert emu.calls == []
    assert checkpoint.exists()


def test_a_checkpoint_of_another_kind_or_no_checkpoint_is_refused(
    sync: Sync, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "events.checkpoint"
    with pytest.raises(Interrupt):
        sync(
            "events.sync", events(20), chunk_size=10, checkpoint=checkpoint, progress=crash_after(1)
        )
    with pytest.raises(CheckpointError, match="belongs to a sync of events, not of contacts"):
        sync("contacts.sync", contacts(3), checkpoint=checkpoint)
    other = tmp_path / "notes.txt"
    other.write_text("my notes")
    with pytest.raises(CheckpointError, match=r"is not a sync checkpoint: line 1 is damaged"):
        sync("contacts.sync", contacts(3), checkpoint=other)


def test_a_chunk_answered_429_is_sent_again_after_retry_after(
    sync: Sync, emu: Emulator[FrozenClock]
) -> None:
    """Rate awareness: the client does not retry (max_retries=0); the run waits the
    platform's Retry-After and sends the chunk again."""
    emu.faults.add("rate_limit", path=BATCH_UPSERT, times=2, retry_after=3)
    rows = contacts(20)
    report = sync("contacts.sync", rows, chunk_size=10)
    assert report.complete
    assert report.progress.applied == 20
    assert sync.slept.count(3.0) == 2
    assert all(pause < 3.0 for pause in sync.slept if pause != 3.0), "then a shorter pacing"
    assert sent_keys(emu) == dict.fromkeys(emails(rows), 1)


def test_429_beyond_the_runs_retries_stops_it_with_rows_not_sent(
    sync: Sync, emu: Emulator[FrozenClock], tmp_path: Path
) -> None:
    checkpoint = tmp_path / "run.checkpoint"
    emu.faults.add("rate_limit", path=BATCH_UPSERT, retry_after=None)
    report = sync(
        "contacts.sync", contacts(20), chunk_size=10, checkpoint=checkpoint, max_rate_retries=2
    )
    assert not report.complete
    assert report.error is not None
    assert report.error.startswith("RateLimitError")
    assert report.progress.applied == 0
    assert report.results[0].status is RowStatus.NOT_SENT
    assert report.results[0].errors == (report.error,)
    waits = [delay for delay in sync.slept if delay >= 1.0]
    assert waits[:2] == [1.0, 2.0], "1 s, doubling, without a Retry-After"


def test_a_failing_chunk_stops_the_run_and_a_resume_sends_only_the_rest(
    sync: Sync, emu: Emulator[FrozenClock], tmp_path: Path
) -> None:
    checkpoint = tmp_path / "run.checkpoint"
    rows = contacts(40)

    def fail_the_next_request(progress: SyncProgress) -> None:
        if progress.requests == 1 and not emu.faults.rules:
            emu.faults.add("http_error", path=BATCH_UPSERT, status=500, times=1)

    first = sync(
        "contacts.sync", rows, chunk_size=10, checkpoint=checkpoint, progress=fail_the_next_request
    )
    assert not first.complete
    assert first.error is not None
    assert "InternalServerError" in first.error
    not_sent = [r.index for r in first.results if r.status is RowStatus.NOT_SENT]
    assert len(not_sent) == 10
    assert not_sent == list(range(not_sent[0], not_sent[0] + 10))
    if sync.mode == "sync":  # one chunk at a time: the run stops at the failing one
        assert (first.progress.applied, not_sent[0]) == (10, 10)
    assert checkpoint.exists()
    second = sync("contacts.sync", rows, chunk_size=10, checkpoint=checkpoint)
    assert second.complete
    assert second.progress.resumed == first.progress.applied
    assert sent_keys(emu) == dict.fromkeys(emails(rows), 1)


def test_events_sync_adds_each_event_once_and_refuses_a_bad_one(
    sync: Sync, emu: Emulator[FrozenClock]
) -> None:
    rows: list[Any] = events(25)
    naive = ExternalEvent(date=NOW.replace(tzinfo=None), event_type=ExternalEventType.CART)
    rows[7] = EventForContact(email="user1@example.com", event=naive)
    report = sync("events.sync", rows, chunk_size=10)
    (failed,) = report.failed
    assert failed.index == 7
    assert "events[7].contactEvent.date" in failed.errors[0]
    assert report.progress.applied == 24
    sent = sent_keys(emu, BATCH_EVENTS)
    assert len(sent) == 24
    assert set(sent.values()) == {1}


def test_events_sync_reports_the_platforms_text_for_the_item_it_refuses(sync: Sync) -> None:
    rows: list[Any] = events(3)
    rows[1] = EventForContact(
        contact_id="00000000-0000-4000-8000-000000000000",
        event=ExternalEvent(date=NOW, event_type=ExternalEventType.CART),
    )
    report = sync("events.sync", rows)
    (failed,) = report.failed
    assert failed.index == 1
    assert failed.status is RowStatus.REFUSED
    assert failed.errors[0] == (
        "the platform listed the contact '00000000-0000-4000-8000-000000000000' in failedContacts"
    )
    assert "00000000-0000-4000-8000-000000000000" in failed.errors[1], "and its own text"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"chunk_size": 1001}, "chunk_size"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"max_rate_retries": -1}, "max_rate_retries"),
    ],
)
def test_bad_options_are_refused_naming_them(
    sync: Sync, options: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        sync("contacts.sync", contacts(1), **options)
    assert caught.value.field == field


def test_rows_must_be_an_iterable_of_rows(sync: Sync) -> None:
    with pytest.raises(ValidationError, match="'rows' must be an iterable of contacts rows"):
        sync("contacts.sync", "user@example.com")


def test_the_pacer_halves_the_chunks_in_flight_on_429_and_eases_off_after() -> None:
    pacer = Pacer(limit=8, most=8, max_retries=3)
    response = httpx.Response(429, request=httpx.Request("POST", "https://x.example/api"))
    error = RateLimitError("slow down", endpoint=BATCH_UPSERT, response=response, body=None)
    assert pacer.rate_limited(error, 0) == 1.0
    assert (pacer.limit, pacer.pause) == (4, 0.25)
    assert pacer.rate_limited(error, 1) == 2.0
    assert (pacer.limit, pacer.pause) == (2, 0.5)
    assert pacer.rate_limited(error, 3) is None, "its retries are spent"
    for _ in range(6):
        pacer.succeeded()
    assert pacer.pause == 0.0
    assert pacer.limit == 4, "one more chunk in flight per run of `limit` successes"
