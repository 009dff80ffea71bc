"""Contact benchmarks: SDK overhead, emulator cost, batch speed-up, memory.

(How per-call times grow with the account's size is measured by :mod:`bench.scale`.)
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from datetime import datetime, timezone

import httpx

from salesmanago import ContactUpsert, SalesManago
from salesmanago.resources.contacts import upsert_call
from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.state._card import ContactWrite

from ._timing import Result, best_of, rss_bytes

CLIENT_ID = "bench-client"
SECRET = "bench-secret"
OWNER = "owner@example.com"
UPSERT_ANSWER = json.dumps(
    {
        "success": True,
        "message": [],
        "contactId": "5b2b5f7e-0000-4000-8000-000000000000",
        "externalId": None,
    }
).encode()


def _constant_transport() -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "application/json"}, content=UPSERT_ANSWER
        )

    return httpx.MockTransport(handler)


def _sdk(transport: httpx.BaseTransport) -> SalesManago:
    return SalesManago(
        client_id=CLIENT_ID,
        api_secret=SECRET,
        owner=OWNER,
        endpoint="http://bench.local",
        http_client=httpx.Client(transport=transport),
        max_retries=0,
    )


def _emulator() -> Emulator[FrozenClock]:
    emu = Emulator(clock=FrozenClock(datetime(2026, 1, 15, 10, tzinfo=timezone.utc)))
    emu.add_account(client_id=CLIENT_ID, api_secret=SECRET, users=[OWNER])
    return emu


def sdk_overhead(calls: int) -> Result:
    """SDK upsert vs a raw ``httpx.Client.post`` of the same JSON, same constant transport."""
    sdk = _sdk(_constant_transport())
    raw = httpx.Client(transport=_constant_transport())
    item = ContactUpsert(email="jan@example.com", name="Jan", tags=["VIP"])
    body = sdk._build_request(upsert_call(item)).content
    headers = {"Content-Type": "application/json;charset=UTF-8", "Accept": "application/json"}

    def with_sdk() -> None:
        for _ in range(calls):
            sdk.contacts.upsert(item)

    def with_raw() -> None:
        for _ in range(calls):
            json.loads(
                raw.post(
                    "http://bench.local/api/contact/upsert", content=body, headers=headers
                ).content
            )

    t_sdk, t_raw = _interleaved(with_sdk, with_raw)
    return Result(
        "sdk_overhead",
        t_sdk / t_raw,
        1.15,
        True,
        f"{t_sdk / calls * 1e6:.0f} µs vs {t_raw / calls * 1e6:.0f} µs per call",
    )


def emulator_cost(calls: int) -> Result:
    """SDK upsert on the emulator vs the same SDK call on the constant transport."""
    emu = _emulator()
    on_emu = _sdk(emu.transport())
    on_const = _sdk(_constant_transport())
    items = [
        ContactUpsert(email=f"user{i}@example.com", name="Jan", tags=["VIP"]) for i in range(calls)
    ]

    def emulated() -> None:
        for item in items:
            on_emu.contacts.upsert(item)

    def constant() -> None:
        for item in items:
            on_const.contacts.upsert(item)

    t_emu, t_const = _interleaved(emulated, constant)
    return Result(
        "emulator_cost",
        t_emu / t_const,
        1.3,
        True,
        f"{t_emu / calls * 1e6:.0f} µs vs {t_const / calls * 1e6:.0f} µs per upsert",
    )


def batch_speedup(contacts: int) -> Result:
    """``contacts`` contacts by batch upsert vs one by one, each on a fresh emulator."""
    items = [ContactUpsert(email=f"user{i}@example.com", name=f"User {i}") for i in range(contacts)]

    def batched() -> None:
        client = _sdk(_emulator().transport())
        result = client.contacts.batch_upsert(items)
        assert not result.failed

    def one_by_one() -> None:
        client = _sdk(_emulator().transport())
        for item in items:
            client.contacts.upsert(item)

    # Untimed warm-up of both paths (first-use costs: code specialisation, caches),
    # on a throwaway emulator, so neither side pays them inside its measurement.
    warm = _sdk(_emulator().transport())
    warm.contacts.batch_upsert(items[:1000])
    for item in items[:100]:
        warm.contacts.upsert(item)
    t_batch = best_of(batched, repeats=1)
    t_single = best_of(one_by_one, repeats=1)
    return Result(
        "batch_speedup",
        t_single / t_batch,
        15.0,
        False,
        f"{contacts} contacts: {t_batch:.2f} s batched vs {t_single:.2f} s one by one",
    )


def _populate(emu: Emulator[FrozenClock], count: int, *, tags: int = 0, details: int = 0) -> None:
    account = emu.account(CLIENT_ID)
    tag_names = tuple(f"TAG{i}" for i in range(tags))
    for i in range(count):
        account.contacts.upsert(
            ContactWrite(
                email=f"user{i}@example.com",
                name=f"User {i}",
                tags=tag_names,
                properties={f"detail{d}": str(i % 97) for d in range(details)},
            ),
            OWNER,
        )


def memory(count: int) -> Result:
    """Resident memory per contact with 3 tags and 3 details, in KiB (target ≤ 2)."""
    gc.collect()
    before = rss_bytes()
    emu = _emulator()
    _populate(emu, count, tags=3, details=3)
    gc.collect()
    per_contact = (rss_bytes() - before) / count
    assert emu.account(CLIENT_ID).count() == count
    return Result(
        "memory_kib",
        per_contact / 1024,
        2.0,
        True,
        f"{per_contact:.0f} bytes per contact at {count} contacts",
    )


def _interleaved(
    a: Callable[[], None], b: Callable[[], None], rounds: int = 5
) -> tuple[float, float]:
    """Best times of ``a`` and ``b``, run alternately so drift hits both."""
    best_a = best_b = float("inf")
    for _ in range(rounds):
        best_a = min(best_a, best_of(a, repeats=1))
        best_b = min(best_b, best_of(b, repeats=1))
    return best_a, best_b


def run(*, quick: bool, only: set[str]) -> list[Result]:
    """Every contact benchmark at full or quick sizes."""
    plan: list[tuple[str, Callable[[], Result]]] = [
        ("sdk_overhead", lambda: sdk_overhead(500 if quick else 2000)),
        ("emulator_cost", lambda: emulator_cost(500 if quick else 2000)),
        ("batch_speedup", lambda: batch_speedup(5_000 if quick else 100_000)),
        ("memory", lambda: memory(100_000 if quick else 1_000_000)),
    ]
    return [fn() for name, fn in plan if not only or name in only]
