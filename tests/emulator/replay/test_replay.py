"""``salesmanago-emulator replay CALLS.jsonl`` (:mod:`salesmanago_emulator.replay`): a
call log recorded by the SDK replayed against a fresh emulator; where answers differ,
each normalisation of inherent differences, the skipped lines, and the exit statuses
(0 all match, 1 some differ, 2 an unreadable file naming its line)."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesmanago import (
    CallRecorder,
    ContactUpsert,
    ExportDataType,
    ExternalEvent,
    ExternalEventType,
    NotFoundError,
    SalesManago,
)
from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.cli import main
from salesmanago_emulator.replay import (
    NORMALISATIONS,
    REPLAY_SECRET,
    CallLogError,
    read_calls,
    replay,
)

NOW = datetime(2026, 3, 10, 21, 0, tzinfo=timezone.utc)  # 22:00 in Warsaw
OWNER = "owner@example.com"
OTHER_OWNER = "second@example.com"


@pytest.fixture
def emu() -> Emulator[FrozenClock]:
    emulator = Emulator(clock=FrozenClock(NOW))
    emulator.add_account(
        client_id="recorded-client", api_secret="recorded-secret", users=[OWNER, OTHER_OWNER]
    )
    return emulator


@pytest.fixture
def record(emu: Emulator[FrozenClock], tmp_path: Path) -> Iterator[tuple[SalesManago, Path]]:
    """A client of the emulator recording to a file, each line stamped with the
    emulator's clock (as a recording of the platform is stamped with its time)."""
    path = tmp_path / "calls.jsonl"
    recorder = CallRecorder(path, now=emu.clock.now)
    with emu.client(record=recorder, sleep=lambda s: None) as client:
        yield client, path


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line, parse_float=Decimal) for line in path.read_text().splitlines()]


def _write(path: Path, lines: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(line, default=str) + "\n" for line in lines))


def _edit(path: Path, index: int, change: Callable[[dict[str, Any]], None]) -> None:
    lines = _lines(path)
    change(lines[index])
    _write(path, lines)


def _shop_session(sm: SalesManago, emu: Emulator[FrozenClock]) -> None:
    """Calls whose answers carry generated ids, times, a requestId and a file URL."""
    sm.contacts.upsert(ContactUpsert(email="a@example.com", name="Ann", tags=["VIP"]))
    event_id = sm.events.add(
        ExternalEvent(date=NOW, event_type=ExternalEventType.PURCHASE, value=Decimal("10.00")),
        email="a@example.com",
    )
    sm.events.update(
        event_id, ExternalEvent(date=NOW, event_type=ExternalEventType.PURCHASE, value=5)
    )
    sm.notes.add("Called", email="a@example.com")
    task_id = sm.tasks.create("a@example.com", "Call back", NOW + timedelta(days=1))
    sm.coupons.add("Welcome", email="a@example.com", length=8)
    emu.clock.advance(timedelta(minutes=5))
    sm.contacts.list(["a@example.com"])
    sm.exports.contact_data(["a@example.com"], [ExportDataType.CONTACT])
    sm.tasks.finish(task_id)
    sm.events.delete(event_id)
    with pytest.raises(Exception, match="not found"):
        sm.contacts.delete("nobody@example.com")


def test_a_recorded_session_replays_with_every_answer_matching(
    emu: Emulator[FrozenClock], record: tuple[SalesManago, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Generated ids, times, the export's requestId and fileUrl all differ between the
    runs, and the replay still matches every answer; the file's GET is skipped."""
    sm, path = record
    _shop_session(sm, emu)
    lines = _lines(path)
    assert main(["replay", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"{len(lines)} calls: {len(lines) - 1} match, 0 differ, 1 skipped"
    assert any("skipped (GET: a file fetched from the platform's URL)" in line for line in out)


def test_the_account_is_made_from_the_log_and_requests_are_re_signed(
    record: tuple[SalesManago, Path],
) -> None:
    """The log's clientId becomes an account with REPLAY_SECRET; its users are the
    owners of accepted requests (an owner or a client id the platform refused stays
    refused); the masked sha is replaced by one for the replay's secret."""
    sm, path = record
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    sm.with_options().contacts.has_contact("a@example.com")
    lines = _lines(path)
    assert lines[0]["request"]["sha"] == "***"
    refused = {**lines[1], "request": {**lines[1]["request"], "owner": "intruder@example.com"}}
    refused["response"] = {"success": False, "message": ["Not authenticated, invalid owner"]}
    stranger = {**lines[1], "request": {**lines[1]["request"], "clientId": "not-an-account"}}
    stranger["response"] = {"success": False, "message": ["Not authenticated"]}
    _write(path, [*lines, refused, stranger])
    report = replay(read_calls(path))
    assert report.ok, report.text()
    assert REPLAY_SECRET not in path.read_text()


def test_the_clock_follows_the_recorded_times_through_the_0200_purge(
    emu: Emulator[FrozenClock], record: tuple[SalesManago, Path]
) -> None:
    """S3.1: a contact deleted at 22:00 and upserted again at 02:01 gets a new card in
    the recording; the replay's clock moves with the lines' ``at`` and agrees."""
    sm, path = record
    first = sm.contacts.upsert(ContactUpsert(email="a@example.com")).contact_id
    sm.contacts.delete("a@example.com")
    emu.clock.advance(timedelta(hours=4, minutes=1))
    assert sm.contacts.upsert(ContactUpsert(email="a@example.com")).contact_id != first
    assert replay(read_calls(path)).ok
    _edit(path, 2, lambda line: line.update(at=_lines(path)[1]["at"]))  # no night passes
    report = replay(read_calls(path))
    (differing,) = report.differing
    assert differing.line == 3
    assert "contactId" in report.text()


def test_differences_in_status_success_messages_and_fields_are_reported(
    record: tuple[SalesManago, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Each kind of difference, named with its line and place; exit status 1."""
    sm, path = record
    sm.contacts.upsert(ContactUpsert(email="a@example.com", name="Ann"))
    sm.contacts.list(["a@example.com"])
    with pytest.raises(Exception, match="not found"):
        sm.contacts.delete("nobody@example.com")
    sm.contacts.has_contact("a@example.com")

    def platform_said(line: dict[str, Any]) -> None:
        line["response"]["contacts"][0]["name"] = "Anna"
        line["response"]["contacts"][0]["platformOnly"] = 1

    _edit(path, 1, platform_said)
    _edit(path, 2, lambda line: line["response"].update(message=["Contact not found"]))
    _edit(path, 3, lambda line: line.update(status=500))
    _edit(path, 3, lambda line: line["response"].update(success=False))
    assert main(["replay", str(path)]) == 1
    out = capsys.readouterr().out
    head = "line 2 POST /api/contact/list: field contacts[0]"
    assert f'{head}.name: recorded "Anna", replayed "Ann"' in out
    assert f"{head}.platformOnly: recorded 1, replayed (absent)" in out
    assert (
        'line 3 POST /api/contact/delete: message: recorded ["Contact not found"], '
        'replayed ["Contact not found: nobody@example.com"]'
    ) in out
    assert "line 4 POST /api/contact/hasContact: status: recorded 500, replayed 200" in out
    assert "line 4 POST /api/contact/hasContact: success: recorded false, replayed true" in out
    assert out.splitlines()[-1] == "4 calls: 1 match, 3 differ, 0 skipped"


def test_ignore_leaves_a_field_out_and_json_reports(
    record: tuple[SalesManago, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``--ignore FIELD`` drops that key wherever it is; ``--json`` prints the report
    with the normalisations applied."""
    sm, path = record
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    sm.contacts.list(["a@example.com"])
    _edit(path, 1, lambda line: line["response"]["contacts"][0].update(score=7))
    assert main(["replay", str(path), "--ignore", "score"]) == 0
    capsys.readouterr()
    assert main(["replay", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["normalisations"] == list(NORMALISATIONS)
    assert report["lines"][1]["differences"] == [
        {"what": "field", "where": "contacts[0].score", "recorded": 7, "replayed": 0}
    ]


# the normalisations, one by one ----------------------------------------------------------


def test_normalised_generated_ids_are_paired_and_sent_back_paired(
    record: tuple[SalesManago, Path],
) -> None:
    """A recorded id never seen by the replay is paired with the replayed one; a later
    request sending the recorded id is sent with its pair (the delete finds the event);
    an answer pairing a recorded id with a second replayed id differs."""
    sm, path = record
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    event = ExternalEvent(date=NOW, event_type=ExternalEventType.CART)
    event_id = sm.events.add(event, email="a@example.com")
    sm.events.delete(event_id)
    sm.events.add(event, email="a@example.com")
    assert replay(read_calls(path)).ok  # the delete reached the replayed event
    lines = _lines(path)
    _edit(path, 3, lambda line: line["response"].update(eventId=lines[1]["response"]["eventId"]))
    report = replay(read_calls(path))
    assert [(r.line, [d.where for d in r.differences]) for r in report.differing] == [
        (4, ["eventId"])
    ]


def test_normalised_times_compare_as_both_a_time_or_both_null(
    record: tuple[SalesManago, Path],
) -> None:
    """createdOn, modifiedOn ... : another time is no difference, a null is."""
    sm, path = record
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    sm.contacts.list(["a@example.com"])
    _edit(path, 1, lambda line: line["response"]["contacts"][0].update(createdOn=1))
    assert replay(read_calls(path)).ok
    _edit(path, 1, lambda line: line["response"]["contacts"][0].update(modifiedOn=None))
    (differing,) = replay(read_calls(path)).differing
    assert [d.where for d in differing.differences] == ["contacts[0].modifiedOn"]


def test_normalised_request_id_on_one_side_file_url_and_job_progress(
    record: tuple[SalesManago, Path],
) -> None:
    """A requestId only the recording has, another fileUrl, and a job/status answer the
    platform gave while its job still ran are no differences."""
    sm, path = record
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    sm.exports.contact_data(["a@example.com"], [ExportDataType.CONTACT])
    lines = _lines(path)
    status = next(i for i, line in enumerate(lines) if line["path"] == "/api/job/status")
    _edit(path, 0, lambda line: line["response"].update(requestId="42"))
    _edit(path, status, lambda line: line["response"].update(fileUrl="https://files.example/x"))
    running = {**lines[status], "response": {"success": True, "message": ["Job 1 in progress"]}}
    lines = _lines(path)
    _write(path, [*lines[:status], running, *lines[status:]])
    report = replay(read_calls(path))
    assert report.ok, report.text()


def test_normalised_ids_inside_messages(record: tuple[SalesManago, Path]) -> None:
    """A message naming a generated id is compared with the id's pair."""
    sm, path = record
    sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    event = ExternalEvent(date=NOW, event_type=ExternalEventType.CART)
    event_id = sm.events.add(event, email="a@example.com")
    sm.events.delete(event_id)
    with pytest.raises(Exception, match="not found"):
        sm.events.delete(event_id)
    assert replay(read_calls(path)).ok


# skipped lines and unreadable files -------------------------------------------------------


def test_lines_that_cannot_be_replayed_are_skipped_with_the_reason(tmp_path: Path) -> None:
    """API v3, the login chain and a body that is no JSON object are skipped, not differences."""
    path = tmp_path / "calls.jsonl"
    base = {"method": "POST", "status": 200, "response": {"success": True, "message": []}}
    _write(
        path,
        [
            {**base, "path": "/v3/product/upsert", "request": {"catalogId": "x"}},
            {**base, "path": "/api/authorization/token", "request": {"password": "***"}},
            {**base, "path": "/api/contact/upsert", "request": None},
        ],
    )
    report = replay(read_calls(path))
    assert report.ok
    assert [r.skipped for r in report.results] == [
        "API v3: its API-KEY header is not recorded",
        "the login chain: its password and token are masked",
        "its request body is no JSON object",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"method": "POST"\n', "line 1: not JSON"),
        ("\n[1, 2]\n", "line 2: not a JSON object"),
        ('{"method": "POST", "path": "/api/x"}\n', "line 1: 'status' must be a number"),
        ('{"method": 1, "path": "/api/x", "status": 200}\n', "line 1: 'method' must be text"),
        (
            '{"method": "POST", "path": "/api/x", "status": 200, "at": "yesterday"}\n',
            "line 1: 'at' must be an ISO-8601 time with a zone",
        ),
    ],
)
def test_an_unreadable_line_exits_2_naming_it(
    tmp_path: Path, content: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text(content)
    with pytest.raises(CallLogError, match=expected):
        read_calls(path)
    assert main(["replay", str(path)]) == 2
    assert f"salesmanago-emulator replay: {path} {expected}" in capsys.readouterr().err


def test_a_missing_file_and_bad_arguments_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing.jsonl"
    assert main(["replay", str(missing)]) == 2
    assert f"{missing}: cannot read" in capsys.readouterr().err
    assert main(["replay"]) == 2
    assert main(["replay", "--help"]) == 0
    assert "--ignore FIELD" in capsys.readouterr().out


def test_usage_names_replay(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["help"]) == 0
    assert "salesmanago-emulator replay CALLS.jsonl" in capsys.readouterr().out


def test_an_empty_log_matches(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text("\n")
    report = replay(read_calls(path))
    assert (report.ok, report.results, report.text()) == (
        True,
        (),
        "0 calls: 0 match, 0 differ, 0 skipped\n",
    )


def test_a_log_from_a_stream_of_text_is_the_same(
    emu: Emulator[FrozenClock], tmp_path: Path
) -> None:
    """``record=`` an open stream writes the same lines a path gets."""
    stream = io.StringIO()
    with emu.client(record=stream) as sm:
        sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    path = tmp_path / "calls.jsonl"
    path.write_text(stream.getvalue())
    assert replay(read_calls(path)).ok


# a property: whatever a client does, its recording replays clean --------------------------

EMAILS = st.sampled_from(["a@example.com", "b@example.com", "C@Example.com"])
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("upsert"), EMAILS, st.sampled_from(["VIP", "Łódź", "new one"])),
        st.tuples(st.just("delete"), EMAILS, st.booleans()),
        st.tuples(st.just("event"), EMAILS, st.sampled_from(["1.00", "20.01", "0.10"])),
        st.tuples(st.just("note"), EMAILS, st.sampled_from(["hi", "x" * 1024])),
        st.tuples(st.just("night"), st.integers(min_value=1, max_value=30), st.none()),
    ),
    max_size=12,
)


def _step(sm: SalesManago, emu: Emulator[FrozenClock], step: tuple[str, Any, Any]) -> None:
    kind, first, second = step
    with contextlib.suppress(NotFoundError):  # a refusal is recorded, and must replay the same
        if kind == "upsert":
            sm.contacts.upsert(ContactUpsert(email=first, tags=[second]))
        elif kind == "delete":
            sm.contacts.delete(first, permanently=second)
        elif kind == "event":
            event = ExternalEvent(
                date=NOW, event_type=ExternalEventType.PURCHASE, value=Decimal(second)
            )
            sm.events.add(event, email=first)
        elif kind == "note":
            sm.notes.add(second, email=first)
        else:
            emu.clock.advance(timedelta(hours=first))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS)
def test_property_any_recorded_session_replays_with_every_answer_matching(
    steps: list[tuple[str, Any, Any]],
) -> None:
    """Upserts, soft and permanent deletes, events, notes and nights (the 02:00 purge,
    S3.1) in any order: the recording of the session replays with no difference."""
    emulator = Emulator(clock=FrozenClock(NOW))
    emulator.add_account(client_id="prop", api_secret="prop-secret-long", users=[OWNER])
    stream = io.StringIO()
    recorder = CallRecorder(stream, now=emulator.clock.now)
    with emulator.client(record=recorder) as sm:
        for step in steps:
            _step(sm, emulator, step)
        sm.contacts.list(["a@example.com", "b@example.com", "c@example.com"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calls.jsonl"
        path.write_text(stream.getvalue())
        report = replay(read_calls(path))
    assert report.ok, report.text()
