"""Snapshot of the exports area: jobs with their files and polls, and the settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, area, assert_refused, exported, imported


def test_jobs_settings_and_polls_round_trip() -> None:
    data = exported()
    exports = area(data, "exports")
    assert (exports["nextRequestId"], exports["processingSeconds"]) == (3, 90)
    assert [(j["requestId"], j["pollsNeeded"], j["polls"]) for j in exports["jobs"]] == [
        ("1", 1, 1),
        ("2", 1, 0),
    ]
    target = imported(data)
    area_ = target.account(CLIENT_ID).exports
    assert (area_.processing_time, area_.polls_until_done) == (timedelta(seconds=90), 1)
    job = area_.job("1")
    assert area_.polls(job) == 1
    assert area_.file("1", job.token) is None  # the clock stands at the saved 10:07
    target.clock.advance(timedelta(minutes=1))  # past readyAt (10:07:30)
    assert area_.file("1", job.token) is None  # still a poll short
    assert area_.poll(job) is True
    assert area_.file("1", job.token) == "email\nbuyer@example.com\n"
    assert area_.start("CONTACT_LIST", "x").request_id == "3"


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda e: e.update(pollsUntilDone=-1), "pollsUntilDone", "must be at least 0 (got -1)"),
        (lambda e: e.update(processingSeconds=-5), "processingSeconds", "must be at least 0"),
        (lambda e: e.update(processingSeconds="5"), "processingSeconds", "must be a finite"),
        (lambda e: e.update(processingSeconds=10**20), "processingSeconds", "must be at most"),
        (lambda e: e.update(nextRequestId="bad"), "nextRequestId", "must be an integer"),
        (lambda e: e.update(nextRequestId=2), "nextRequestId", "must be at least 3 (got 2)"),
        (lambda e: e["jobs"][0].update(requestId="01"), "jobs[0].requestId", "must be written '1'"),
        (lambda e: e["jobs"][0].update(requestId="a"), "jobs[0].requestId", "must be the digits"),
        (lambda e: e["jobs"][1].update(requestId="1"), "jobs[1].requestId", "repeats '1'"),
        (lambda e: e["jobs"][0].update(kind="CSV"), "jobs[0].kind", "must be one of CONTACT_LIST"),
        (lambda e: e["jobs"][0].update(token=""), "jobs[0].token", "must not be empty"),
        (lambda e: e["jobs"][0].update(polls=-1), "jobs[0].polls", "must be at least 0"),
        (
            lambda e: e["jobs"][0].update(readyAt="2026-01-01T00:00:00+00:00"),
            "jobs[0].readyAt",
            "must not be before started",
        ),
    ],
)
def test_bad_export_value_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    """Moved from the job tests (then ``load_state``): a bad setting, id or job is refused
    before anything changes."""
    assert_refused(lambda d: change(area(d, "exports")), f"accounts[0].exports.{path}", problem)
