"""The async client's in-flight limit: however many tasks share it, at most
``max_concurrent_requests`` requests are out at once; the rest wait in the client."""

from __future__ import annotations

import anyio
import httpx
import pytest

from salesmanago import AsyncSalesManago, ConfigurationError


class Gauge:
    """An async transport that answers ``hasContact`` slowly and records peak concurrency."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self.total = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.total += 1
        self.peak = max(self.peak, self.now)
        await anyio.sleep(0.01)
        self.now -= 1
        body = {"success": True, "message": [], "contactId": None, "result": False}
        return httpx.Response(200, json=body)


def _client(gauge: Gauge, **options: int) -> AsyncSalesManago:
    return AsyncSalesManago(
        client_id="c",
        api_secret="secret-value",
        owner="owner@example.com",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(gauge.handle)),
        **options,
    )


@pytest.mark.parametrize(("limit", "tasks"), [(1, 5), (3, 20), (16, 64)])
async def test_at_most_the_limit_in_flight(limit: int, tasks: int) -> None:
    gauge = Gauge()
    async with _client(gauge, max_concurrent_requests=limit) as sm, anyio.create_task_group() as tg:
        for i in range(tasks):
            tg.start_soon(sm.contacts.has_contact, f"user{i}@example.com")
    assert gauge.total == tasks
    assert gauge.peak == limit


async def test_default_limit_is_16_and_shared_with_options_copies() -> None:
    gauge = Gauge()
    async with _client(gauge) as sm:
        assert sm.max_concurrent_requests == 16
        other = sm.with_options(timeout=5)
        async with anyio.create_task_group() as tg:
            for i in range(40):
                client = sm if i % 2 else other
                tg.start_soon(client.contacts.has_contact, f"user{i}@example.com")
    assert gauge.peak == 16


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "4"])
def test_limit_must_be_a_positive_integer(bad: object) -> None:
    with pytest.raises(ValueError, match="max_concurrent_requests must be a positive integer") as e:
        _client(Gauge(), max_concurrent_requests=bad)  # type: ignore[arg-type]
    assert isinstance(e.value, ConfigurationError)  # the "client cannot be built" error
