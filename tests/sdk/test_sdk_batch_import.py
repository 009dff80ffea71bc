"""``contacts.batch_upsert_v2``: batch upserts as import jobs (protocol §6
``batchupsertv2``, ``job/status``; issue 12 wire §2). Each chunk is one job: its
start (``upsertDetails``, ``fireEvents``) answers a ``requestId``, ``job/status``
answers ``Import {requestId} in progress`` until its ``fileUrl``, and the file
``{"contactIds": {email: id}, "failures": {"<index>": [texts]}}`` gives each item's
outcome, named by the caller's index. Both clients; the platform is a respx router."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given, settings
from hypothesis import strategies as st
from sdk_helpers import OWNER, AnyClient, call, envelope, failed, ok, posted

from salesmanago import (
    APITimeoutError,
    BatchUpsertItem,
    BatchUpsertResult,
    ContactUpsert,
    ExportFile,
    ExportTimeoutError,
    InvalidFieldError,
    ResponseValidationError,
    ValidationError,
)
from salesmanago.resources._contact_writes import batch_upsert_v2_jobs

START = "/api/contact/batchupsertv2"
STATUS = "/api/job/status"


def _emails(request: httpx.Request) -> list[str]:
    return [d["contact"]["email"] for d in json.loads(request.content)["upsertDetails"]]


class ImportPlatform:
    """Answers the import's three steps: a start per chunk (``requestId`` = ``r-`` +
    the chunk's first e-mail), one ``in progress`` poll per job, then its file.

    ``failures`` maps an e-mail to the texts its chunk's file reports for it (keyed
    by the item's index in the chunk); every other item is applied.
    """

    def __init__(self, platform: respx.MockRouter, failures: dict[str, list[str]] | None = None):
        self.failures = failures or {}
        self.chunks: dict[str, list[str]] = {}
        self.polls: dict[str, int] = {}
        self.start = platform.post(START).mock(side_effect=self.started)
        self.status = platform.post(STATUS).mock(side_effect=self.polled)
        self.files = platform.get(url__regex=r"/files/.*").mock(side_effect=self.file)

    def started(self, request: httpx.Request) -> httpx.Response:
        emails = _emails(request)
        request_id = f"r-{emails[0]}"
        self.chunks[request_id] = emails
        return envelope(ok(requestId=request_id))

    def polled(self, request: httpx.Request) -> httpx.Response:
        request_id = json.loads(request.content)["requestId"]
        self.polls[request_id] = self.polls.get(request_id, 0) + 1
        if self.polls[request_id] == 1:
            return envelope(ok(message=[f"Import {request_id} in progress"]))
        return envelope(ok(fileUrl=f"/files/{request_id}.json"))

    def file(self, request: httpx.Request) -> httpx.Response:
        request_id = request.url.path.removeprefix("/files/").removesuffix(".json")
        emails = self.chunks[request_id]
        failures = {str(i): self.failures[e] for i, e in enumerate(emails) if e in self.failures}
        ids = {e: f"id-{e}" for e in emails if e not in self.failures}
        return httpx.Response(200, json={"contactIds": ids, "failures": failures})


def _items(count: int) -> list[ContactUpsert]:
    return [ContactUpsert(email=f"c{i}@example.com") for i in range(count)]


async def test_s6_each_chunk_is_a_job_polled_and_read_by_the_callers_indexes(
    client: AnyClient, platform: respx.MockRouter, slept: list[float]
) -> None:
    """5 items, chunks of 2: three jobs, each started with its chunk and
    ``fireEvents: true``, polled until its file is ready (one wait of
    ``poll_interval`` each) and read; the file's failure of the 2nd chunk's item 1
    (``upsertDetails[1]``) is reported on the caller's item 3 (``upsertDetails[3]``)."""
    text = "Field 'upsertDetails[1].contact.phone' must be at most 30 characters"
    fake = ImportPlatform(platform, failures={"c3@example.com": [text]})

    result = await call(client, "contacts.batch_upsert_v2", _items(5), chunk_size=2)

    starts = sorted(posted(fake.start.calls), key=lambda b: str(b["upsertDetails"][0]))
    assert starts == [
        {
            "owner": OWNER,
            "upsertDetails": [{"contact": {"email": f"c{i}@example.com"}} for i in chunk],
            "fireEvents": True,
        }
        for chunk in ([0, 1], [2, 3], [4])
    ]
    assert sorted(b["requestId"] for b in posted(fake.status.calls)) == sorted(
        ["r-c0@example.com", "r-c2@example.com", "r-c4@example.com"] * 2
    )
    assert slept == [2.0] * 3  # the default poll_interval, once per job
    assert result == BatchUpsertResult(
        items=(
            BatchUpsertItem(email="c0@example.com", contact_id="id-c0@example.com"),
            BatchUpsertItem(email="c1@example.com", contact_id="id-c1@example.com"),
            BatchUpsertItem(email="c2@example.com", contact_id="id-c2@example.com"),
            BatchUpsertItem(
                email="c3@example.com",
                errors=("Field 'upsertDetails[3].contact.phone' must be at most 30 characters",),
            ),
            BatchUpsertItem(email="c4@example.com", contact_id="id-c4@example.com"),
        )
    )


async def test_fire_events_false_is_sent(client: AnyClient, platform: respx.MockRouter) -> None:
    """Issue 12 wire §2: ``fireEvents: false`` asks the platform not to fire the rules
    and workflows of the imported contacts."""
    fake = ImportPlatform(platform)
    result = await call(client, "contacts.batch_upsert_v2", _items(1), fire_events=False)
    assert [b["fireEvents"] for b in posted(fake.start.calls)] == [False]
    assert result.contact_ids == {"c0@example.com": "id-c0@example.com"}


async def test_items_the_sdk_refuses_are_failed_results_never_sent(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """As in ``batch_upsert``: an item failing the SDK's checks is a failed result
    naming the field under its index; the others are chunked without it, and the
    file's indexes (in the chunk) name the caller's items."""
    text = "Field 'upsertDetails[0].lang' is not a language"
    fake = ImportPlatform(platform, failures={"c2@example.com": [text]})
    items = [*_items(2), ContactUpsert(email="bad@"), ContactUpsert(email="c2@example.com")]
    items[1], items[2] = items[2], items[1]  # c0, bad@, c1, c2

    result = await call(client, "contacts.batch_upsert_v2", items, chunk_size=2)

    assert sorted(len(b["upsertDetails"]) for b in posted(fake.start.calls)) == [1, 2]
    assert [i.email for i in result.items] == [
        "c0@example.com",
        "bad@",
        "c1@example.com",
        "c2@example.com",
    ]
    assert result.items[1].errors == (
        "Field 'upsertDetails[1].contact.email' must be an e-mail address (got 'bad@')",
    )
    assert result.items[3].errors == ("Field 'upsertDetails[3].lang' is not a language",)
    assert [i.ok for i in result.items] == [True, False, True, False]


async def test_an_empty_or_wholly_refused_batch_sends_nothing(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """No item to send: no job; the result holds the refused items (or nothing)."""
    assert await call(client, "contacts.batch_upsert_v2", []) == BatchUpsertResult(items=())
    result = await call(client, "contacts.batch_upsert_v2", [ContactUpsert(email="x")])
    assert [i.ok for i in result.items] == [False]
    assert not platform.calls


async def test_a_start_that_may_have_landed_is_not_repeated(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """``batchupsertv2`` is not idempotent (a repeat starts a second import): a read
    timeout is raised at once with ``may_have_landed``; nothing is polled."""
    start = platform.post(START).mock(side_effect=httpx.ReadTimeout("slow"))
    status = platform.post(STATUS).mock(return_value=envelope(ok()))
    with pytest.raises(APITimeoutError) as caught:
        await call(client, "contacts.batch_upsert_v2", _items(1))
    assert caught.value.may_have_landed
    assert (start.call_count, status.call_count) == (1, 0)


async def test_polls_and_the_download_are_retried(
    client: AnyClient, platform: respx.MockRouter, slept: list[float]
) -> None:
    """``job/status`` and the file's GET are idempotent: a 503 of each is retried."""
    platform.post(START).mock(return_value=envelope(ok(requestId="77")))
    status = platform.post(STATUS).mock(
        side_effect=[httpx.Response(503), envelope(ok(fileUrl="/files/77.json"))]
    )
    download = platform.get("/files/77.json").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json={"contactIds": {"c0@example.com": "id-0"}}),
        ]
    )
    result = await call(client, "contacts.batch_upsert_v2", _items(1))
    assert result.contact_ids == {"c0@example.com": "id-0"}
    assert (status.call_count, download.call_count) == (2, 2)
    assert len(slept) == 2


async def test_a_refused_start_names_the_callers_item_and_keeps_earlier_chunks(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """A start the platform refuses ends the batch: its error names the item by the
    caller's index (the 2nd chunk's ``upsertDetails[0]`` is item 2), and the chunks
    that finished are in ``partial_results``."""
    fake = ImportPlatform(platform)

    def start(request: httpx.Request) -> httpx.Response:
        if _emails(request)[0] == "c2@example.com":
            return envelope(failed("Field 'upsertDetails[0].contact.email' is blacklisted"))
        return fake.started(request)

    platform.post(START).mock(side_effect=start)
    with pytest.raises(InvalidFieldError) as caught:
        await call(client, "contacts.batch_upsert_v2", _items(4), chunk_size=2)
    error = caught.value
    assert error.messages == ("Field 'upsertDetails[2].contact.email' is blacklisted",)
    assert (error.completed_requests, error.total_requests) == (1, 2)
    assert error.partial_results.contact_ids == {
        "c0@example.com": "id-c0@example.com",
        "c1@example.com": "id-c1@example.com",
    }


async def test_a_job_past_its_deadline_is_an_import_timeout(
    client: AnyClient, platform: respx.MockRouter, slept: list[float]
) -> None:
    """A job still running at ``deadline`` raises ExportTimeoutError naming it as an
    import job with its requestId and last status text."""
    platform.post(START).mock(return_value=envelope(ok(requestId=42)))
    platform.post(STATUS).mock(return_value=envelope(ok(message=["Import 42 in progress"])))
    with pytest.raises(ExportTimeoutError) as caught:
        await call(client, "contacts.batch_upsert_v2", _items(1), deadline=3.0, poll_interval=2.0)
    assert caught.value.request_id == "42"
    assert caught.value.messages == ("Import 42 in progress",)
    assert str(caught.value).startswith("import job 42 did not finish within 3 s")
    assert slept == [2.0, 1.0]


async def test_an_unreadable_import_file_is_a_response_validation_error(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    platform.post(START).mock(return_value=envelope(ok(requestId="1")))
    platform.post(STATUS).mock(return_value=envelope(ok(fileUrl="/files/1.json")))
    platform.get("/files/1.json").mock(return_value=httpx.Response(200, text="[1, 2]"))
    with pytest.raises(ResponseValidationError, match="import file"):
        await call(client, "contacts.batch_upsert_v2", _items(1))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"chunk_size": 0}, "chunk_size"),
        ({"chunk_size": 1001}, "chunk_size"),
        ({"deadline": 0}, "deadline"),
        ({"poll_interval": -1.0}, "poll_interval"),
        ({"fire_events": "no"}, "fireEvents"),
    ],
)
async def test_arguments_are_checked_before_sending(
    client: AnyClient, platform: respx.MockRouter, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await call(client, "contacts.batch_upsert_v2", _items(3), **kwargs)
    assert caught.value.field == field
    assert not platform.calls


# the chunk plan, without I/O ---------------------------------------------------------


def _file(positions: int) -> Callable[[int], ExportFile]:
    def make(_: int) -> ExportFile:
        failures = {str(p): [f"Field 'upsertDetails[{p}].name' x"] for p in range(positions)}
        content = json.dumps({"contactIds": {}, "failures": failures}).encode()
        return ExportFile(request_id="r", url="/f", content=content)

    return make


@settings(max_examples=150, deadline=None)
@given(
    flags=st.lists(st.booleans(), max_size=30),
    chunk_size=st.integers(min_value=1, max_value=7),
)
def test_chunks_cover_the_valid_items_in_order_and_texts_name_the_callers_indexes(
    flags: list[bool], chunk_size: int
) -> None:
    """For any mix of valid and refused items and any chunk size: the jobs' chunks hold
    the valid items' indexes in order, at most ``chunk_size`` each; a file text naming
    ``upsertDetails[p]`` of a chunk is reported on the caller's item at that position;
    the merge puts every item, refused or sent, at its own index."""
    items = [
        ContactUpsert(email=f"c{i}@example.com" if ok_ else "bad") for i, ok_ in enumerate(flags)
    ]
    jobs, merge = batch_upsert_v2_jobs(items, chunk_size, True, 10.0, 1.0)

    indexes = [list(job.start.indexes or ()) for job in jobs]
    assert [i for chunk in indexes for i in chunk] == [i for i, ok_ in enumerate(flags) if ok_]
    assert all(1 <= len(chunk) <= chunk_size for chunk in indexes)
    outcomes = [job.read(_file(len(chunk))(0)) for job, chunk in zip(jobs, indexes, strict=True)]
    result = merge(outcomes)
    assert len(result.items) == len(items)
    for index, item in enumerate(result.items):
        assert item.email == items[index].email
        if flags[index]:
            assert item.errors == (f"Field 'upsertDetails[{index}].name' x",)
        else:
            assert item.errors[0].startswith(f"Field 'upsertDetails[{index}].contact.email'")
