"""``contacts.bulk`` against canned replies (issue 14, item 4): a 429 in the middle of a
run, a chunk the platform refuses in part, a failure that stops the run, and the async
client's bound on requests in flight. Runs are given a BulkRecount, so no export is
needed."""

from __future__ import annotations

import json
from collections.abc import Callable

import anyio
import httpx
import pytest
import respx
from sdk_helpers import AnyClient, answers, call, envelope, failed, ok

from salesmanago import (
    AddNote,
    AddTags,
    BulkRecount,
    DeleteContacts,
    RowStatus,
    SelectedContact,
)

BATCH_UPSERT = "/api/contact/batchupsert"
BATCH_DELETE = "/api/contact/batchDelete"
ADD_NOTE = "/api/contact/addNote"


def selected(count: int) -> BulkRecount:
    """A recount of ``count`` contacts ``c<i>@example.com`` with ids ``id-<i>``."""
    return BulkRecount(
        contacts=tuple(
            SelectedContact(contact_id=f"id-{i}", email=f"c{i}@example.com") for i in range(count)
        )
    )


def _emails(request: httpx.Request) -> list[str]:
    return [item["contact"]["email"] for item in json.loads(request.content)["upsertDetails"]]


def _apply_all(request: httpx.Request) -> httpx.Response:
    return envelope(ok(contactIds={e: f"id-{e}" for e in _emails(request)}))


async def test_a_429_mid_run_is_waited_out_and_every_contact_applied(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter, slept: list[float]
) -> None:
    """The second chunk is answered 429 (Retry-After 7) past the client's retries: the
    run waits the platform's Retry-After, sends it again, and every contact is applied."""
    client = make_client(max_retries=0)
    too_many = httpx.Response(429, headers={"Retry-After": "7"})
    route = platform.post(BATCH_UPSERT).mock(
        side_effect=answers(_apply_all, too_many, _apply_all, _apply_all)
    )
    report = await call(client, "contacts.bulk", selected(6), [AddTags("X")], chunk_size=2)
    assert report.complete
    assert report.failed == ()
    assert route.call_count == 4
    assert 7.0 in slept


async def test_a_chunk_refused_in_part_names_each_refused_contact(
    client: AnyClient, platform: respx.MockRouter
) -> None:
    """``success: false`` with ``contactIds`` for the others: the contact the texts name
    is refused with the platform's text (its index in the selection), the rest applied."""

    def answer(request: httpx.Request) -> httpx.Response:
        emails = _emails(request)
        return envelope(
            failed(
                "Field 'upsertDetails[1].contact.email' is blacklisted",
                contactIds={e: f"id-{e}" for e in emails if e != emails[1]},
            )
        )

    platform.post(BATCH_UPSERT).mock(side_effect=answer)
    report = await call(client, "contacts.bulk", selected(3), [AddTags("X")])
    statuses = [r.outcomes[0].status for r in report.results]
    assert statuses == [RowStatus.APPLIED, RowStatus.REFUSED, RowStatus.APPLIED]
    assert report.results[1].outcomes[0].errors == (
        "Field 'upsertDetails[1].contact.email' is blacklisted",
    )
    assert [r.contact.email for r in report.failed] == ["c1@example.com"]


async def test_a_failure_stops_the_run_and_later_steps_send_nothing(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """A 500 on the upsert step stops the run: its contacts and every later step's are
    NOT_SENT with the failure's text, and no later request is sent."""
    client = make_client(max_retries=0)
    platform.post(BATCH_UPSERT).mock(return_value=httpx.Response(500))
    delete = platform.post(BATCH_DELETE).mock(return_value=envelope(ok(result=None)))
    report = await call(
        client, "contacts.bulk", selected(2), [AddTags("X"), DeleteContacts(permanently=True)]
    )
    assert not report.complete
    assert report.error is not None
    assert report.error.startswith("step 1 (batchupsert)")
    assert delete.call_count == 0
    for result in report.results:
        assert [o.status for o in result.outcomes] == [RowStatus.NOT_SENT] * 2
        assert result.outcomes[1].errors[0].startswith("not sent: the run stopped at step 1")


@pytest.mark.parametrize("mode", ["async"])
async def test_async_bulk_keeps_at_most_max_concurrent_requests_in_flight(
    make_client: Callable[..., AnyClient], platform: respx.MockRouter
) -> None:
    """Bounded concurrency: one addNote per contact, at most ``max_concurrent_requests``
    (3) in flight, and more than one at a time."""
    client = make_client(max_concurrent_requests=3)
    flying = 0
    most = 0

    async def answer(request: httpx.Request) -> httpx.Response:
        nonlocal flying, most
        flying += 1
        most = max(most, flying)
        await anyio.sleep(0.01)
        flying -= 1
        return envelope(ok())

    route = platform.post(ADD_NOTE).mock(side_effect=answer)
    report = await call(client, "contacts.bulk", selected(10), [AddNote("hello")])
    assert report.failed == ()
    assert route.call_count == 10
    assert most == 3
