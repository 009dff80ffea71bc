"""Load benchmarks: the emulator's server mode over a real socket.

The server runs as ``python -m salesmanago_emulator serve`` in a **subprocess**
(by default), so the clients measured here and the server do not share one
GIL: the figures are those of a client talking to a separate server process,
as any real client does. (``server="thread"`` runs an in-process
:class:`~salesmanago_emulator.EmulatorServer` instead, used by the smoke test.)
Setup and checks go through the control API (``/_emulator/...``).

* ``load_integrity`` -- 8 threads x 5 000 upserts at once, each thread with its
  own sync SDK client: 4 of every 5 upserts go to the thread's own e-mails, 1 of
  5 to a pool of e-mails shared by every thread (all threads walk the pool in
  the same order, so they race to create the same new contacts). Afterwards,
  from the control API's card export (soft-deleted cards included): no lost
  contact, no duplicated one (exactly one card per e-mail, no unexpected card),
  every upsert of an e-mail answered with that card's id, no failed call.
  The "ratio" is the number of problems found; target 0.
* ``load_async`` -- throughput of an ``AsyncSalesManago`` with 64 concurrent
  tasks vs a sync ``SalesManago`` sending the same number of upserts one after
  another, on the same server, each run to new e-mails. **The target (>= 3)
  applies to the run with an injected per-request latency** of 10 ms (the
  emulator's ``latency`` fault, at the server: a model of the real platform's
  round trip). The detail also shows an async client with 16 tasks: httpcore
  1.0's connection pool hands one idle connection to every request arriving
  before the first starts on it (encode/httpcore PR #1035), so more tasks used
  to mean less throughput; the SDK now lets its requests into httpx's own pool
  one at a time (``PoolEntry``; docs/development/benchmarks.md).
* ``load_async_bare`` -- the same two clients on bare loopback (no injected
  latency, best of 2 rounds), as a cost: the async client's per-call wall time
  (64 tasks) over the sync client's (one call after another); target <= 1.5
  (issue 17). With no latency to overlap, both clients (and the server) are
  CPU-bound, so this says what the async client's machinery costs.
* ``load_async_bare_aio`` -- the same rounds (sync, async over ``httpx``, async
  over ``aiohttp``, alternating) with a third client: the async client over
  :class:`salesmanago.aiohttp_transport.AiohttpTransport` (the ``aiohttp``
  extra); its per-call cost / the sync client's, same target (issue 17).

``--quick`` uses smaller counts (8 x 500 upserts; 2 000 / 300 upserts for the
throughput runs; 5 000 / 2 000 at full size).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import anyio
import attrs
import httpx

from salesmanago import AsyncSalesManago, ContactUpsert, SalesManago
from salesmanago_emulator import Emulator, EmulatorServer

from ._timing import Result, spawn
from .contacts import CLIENT_ID, OWNER, SECRET

LATENCY = 0.010
CONCURRENCY = 64
ASYNC_TARGET = 3.0
BARE_TARGET = 1.5


@contextlib.contextmanager
def server(kind: str = "subprocess") -> Iterator[str]:
    """A running emulator server with the bench account; yields its URL.

    ``kind`` is ``"subprocess"`` (the CLI server in its own process) or
    ``"thread"`` (an :class:`EmulatorServer` in this process).
    """
    if kind == "thread":
        emu = Emulator()
        emu.add_account(client_id=CLIENT_ID, api_secret=SECRET, users=[OWNER])
        with EmulatorServer(emu) as srv:
            yield srv.url
        return
    if kind != "subprocess":
        raise ValueError(f"kind must be 'subprocess' or 'thread', got {kind!r}")
    account = f"{CLIENT_ID}:{SECRET}:{OWNER}"
    with spawn("-m", "salesmanago_emulator", "serve", "--port", "0", "--account", account) as url:
        yield url


def control(url: str, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call the control API operation ``name``; the decoded answer (raises on failure)."""
    response = httpx.post(f"{url}/_emulator/{name}", json=body or {}, timeout=120)
    answer: dict[str, Any] = response.json()
    if response.status_code != 200 or not answer.get("success"):
        raise RuntimeError(f"control {name}: HTTP {response.status_code} {answer}")
    return answer


def _sync_client(url: str) -> SalesManago:
    return SalesManago(
        client_id=CLIENT_ID, api_secret=SECRET, owner=OWNER, endpoint=url, max_retries=0
    )


def _async_client(url: str, transport: str = "httpx") -> AsyncSalesManago:
    """An async client over ``httpx``'s own transport (64 connections) or, with
    ``transport="aiohttp"``, over the SDK's aiohttp transport (the ``aiohttp`` extra)."""
    sender: httpx.AsyncBaseTransport
    if transport == "aiohttp":
        from salesmanago.aiohttp_transport import AiohttpTransport

        sender = AiohttpTransport(max_connections=CONCURRENCY)
    else:
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
        sender = httpx.AsyncHTTPTransport(limits=limits)
    return AsyncSalesManago(
        client_id=CLIENT_ID,
        api_secret=SECRET,
        owner=OWNER,
        endpoint=url,
        max_retries=0,
        timeout=60,
        transport=sender,
    )


# --- integrity under concurrent writers ---------------------------------------------------


@attrs.define
class IntegrityReport:
    """What :func:`integrity` found."""

    upserts: int
    expected: int
    cards: int
    lost: int
    duplicated: int
    unexpected: int
    id_mismatches: int
    errors: list[str]
    seconds: float
    live_count: int

    @property
    def problems(self) -> int:
        """Lost + duplicated + unexpected cards + id mismatches + failed calls."""
        return self.lost + self.duplicated + self.unexpected + self.id_mismatches + len(self.errors)


def _plan(thread: int, per_thread: int) -> list[str]:
    """The e-mails thread ``thread`` upserts, in order: 1 of 5 from the shared pool."""
    emails = []
    for i in range(per_thread):
        if i % 5 == 4:
            emails.append(f"shared{i // 5}@example.com")
        else:
            emails.append(f"t{thread}-{i}@example.com")
    return emails


def integrity(url: str, threads: int = 8, per_thread: int = 5000) -> IntegrityReport:
    """``threads`` x ``per_thread`` concurrent upserts, then count the cards exactly."""
    plans = [_plan(t, per_thread) for t in range(threads)]
    expected = {email for plan in plans for email in plan}
    answered: dict[str, set[str]] = defaultdict(set)
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def work(plan: list[str]) -> None:
        client = _sync_client(url)
        seen: list[tuple[str, str]] = []
        failed: list[str] = []
        try:
            barrier.wait()
            for index, email in enumerate(plan):
                try:
                    result = client.contacts.upsert(ContactUpsert(email=email, name=f"N{index}"))
                    seen.append((email, result.contact_id))
                except Exception as exc:  # counted, not raised: every failure is a problem
                    failed.append(f"{email}: {exc!r}")
        finally:
            client.close()
            with lock:
                for email, contact_id in seen:
                    answered[email].add(contact_id)
                errors.extend(failed)

    workers = [threading.Thread(target=work, args=(plan,)) for plan in plans]
    for worker in workers:
        worker.start()
    barrier.wait()
    t0 = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - t0

    cards = control(url, "contacts", {"clientId": CLIENT_ID, "includeDeleted": True})["contacts"]
    per_email = Counter(card["email"] for card in cards)
    ids = {card["email"]: card["id"] for card in cards}
    accounts = control(url, "accounts")["accounts"]
    live = next(a["contacts"] for a in accounts if a["clientId"] == CLIENT_ID)
    mismatches = sum(
        1 for email, got in answered.items() if len(got) != 1 or ids.get(email) not in got
    )
    return IntegrityReport(
        upserts=threads * per_thread,
        expected=len(expected),
        cards=len(cards),
        lost=len(expected - set(per_email)),
        duplicated=sum(n - 1 for n in per_email.values() if n > 1),
        unexpected=len(set(per_email) - expected),
        id_mismatches=mismatches,
        errors=errors,
        seconds=seconds,
        live_count=live,
    )


def load_integrity(threads: int, per_thread: int, server_kind: str = "subprocess") -> Result:
    """:func:`integrity` on a fresh server, as a Result (ratio = problems, target 0)."""
    with server(server_kind) as url:
        r = integrity(url, threads, per_thread)
    errors = f"; first error: {r.errors[0]}" if r.errors else ""
    return Result(
        "load_integrity",
        float(r.problems),
        0.0,
        True,
        f"{threads} threads x {per_thread} upserts in {r.seconds:.1f} s "
        f"({r.upserts / r.seconds:.0f}/s): {r.expected} e-mails expected, {r.cards} cards, "
        f"{r.live_count} live; lost {r.lost}, duplicated {r.duplicated}, "
        f"unexpected {r.unexpected}, id mismatches {r.id_mismatches}, "
        f"failed calls {len(r.errors)}{errors}",
    )


# --- async vs sync throughput -------------------------------------------------------------


def _items(tag: str, count: int) -> list[ContactUpsert]:
    return [ContactUpsert(email=f"{tag}-{i}@example.com", name=f"N{i}") for i in range(count)]


def sync_seconds(url: str, items: list[ContactUpsert]) -> float:
    """Seconds for one sync client to upsert ``items`` one after another."""
    client = _sync_client(url)
    try:
        client.contacts.has_contact("warm-up@example.com")  # open the connection first
        t0 = time.perf_counter()
        for item in items:
            client.contacts.upsert(item)
        return time.perf_counter() - t0
    finally:
        client.close()


def async_seconds(
    url: str, items: list[ContactUpsert], concurrency: int = CONCURRENCY, transport: str = "httpx"
) -> float:
    """Seconds for one async client (over ``transport``: ``httpx``'s own or ``aiohttp``)
    to upsert ``items`` with ``concurrency`` tasks."""

    async def main() -> float:
        client = _async_client(url, transport)
        try:
            async with anyio.create_task_group() as tg:  # open the connections first
                for _ in range(concurrency):
                    tg.start_soon(client.contacts.has_contact, "warm-up@example.com")
            queue = iter(items)

            async def worker() -> None:
                for item in queue:  # shared iterator: each item is taken once
                    await client.contacts.upsert(item)

            t0 = time.perf_counter()
            async with anyio.create_task_group() as tg:
                for _ in range(concurrency):
                    tg.start_soon(worker)
            return time.perf_counter() - t0
        finally:
            await client.close()

    return anyio.run(main)


def _set_latency(url: str, seconds: float) -> None:
    control(url, "faults/clear")
    if seconds > 0:
        control(url, "faults/add", {"kind": "latency", "seconds": seconds})


def latency_rates(url: str, count: int, latency: float, also: int) -> dict[str, float]:
    """Upserts/s with ``latency`` injected at the server: the sync client (``sync``), the
    async client with 64 tasks (``async``) and, with ``also`` > 0, with ``also`` tasks
    (``also``); each run to new e-mails."""
    _set_latency(url, latency)
    try:
        rates = {
            "sync": count / sync_seconds(url, _items("latency-sync0", count)),
            "async": count / async_seconds(url, _items("latency-async0", count)),
        }
        if also:
            items = _items(f"latency-async-x{also}", count)
            rates["also"] = count / async_seconds(url, items, concurrency=also)
        return rates
    finally:
        _set_latency(url, 0)


def bare_rates(url: str, count: int, rounds: int) -> dict[str, float]:
    """Best upserts/s over ``rounds`` alternating rounds on bare loopback (no latency) of
    the sync client and the async client (64 tasks) over each transport."""
    _set_latency(url, 0)
    best = dict.fromkeys(("sync", "httpx", "aiohttp"), 0.0)
    for round_ in range(rounds):
        for kind in best:
            items = _items(f"loop-{kind}{round_}", count)
            if kind == "sync":
                seconds = sync_seconds(url, items)
            else:
                seconds = async_seconds(url, items, transport=kind)
            best[kind] = max(best[kind], count / seconds)
    return best


def load_async(
    loopback_count: int,
    latency_count: int,
    latency: float = LATENCY,
    server_kind: str = "subprocess",
    *,
    also: int = 16,
) -> list[Result]:
    """Async (64 tasks) vs sync: ``load_async`` (latency run), ``load_async_bare`` and
    ``load_async_bare_aio`` (the bare-loopback rounds, over ``httpx`` and over ``aiohttp``).

    ``load_async`` is the throughput ratio with injected latency (target >= 3).
    ``load_async_bare`` is the bare-loopback run as a cost: async per-call cost /
    sync per-call cost (= sync throughput / async throughput), target <= 1.5
    (issue 17). With ``also`` > 0 the latency run is repeated with an async
    client of only ``also`` tasks (informational: whether 64 tasks are past the
    client's best).
    """
    with server(server_kind) as url:
        bare = bare_rates(url, loopback_count, 2)
        lo_async, lo_sync = bare["httpx"], bare["sync"]
        lat = latency_rates(url, latency_count, latency, also)
    lat_async, lat_sync = lat["async"], lat["sync"]
    extra = ""
    if also:
        rate = lat["also"]
        extra = f" (async x{also}: {rate:.0f}/s, ratio {rate / lat_sync:.2f}, no target)"
    latency_result = Result(
        "load_async",
        lat_async / lat_sync,
        ASYNC_TARGET,
        False,
        f"target applies to the run WITH {latency * 1e3:g} ms injected latency: "
        f"async x{CONCURRENCY} {lat_async:.0f}/s vs sync {lat_sync:.0f}/s "
        f"({latency_count} upserts each){extra}",
    )
    bare_result = Result(
        "load_async_bare",
        lo_sync / lo_async,
        BARE_TARGET,
        True,
        f"bare loopback, NO latency: async x{CONCURRENCY} per-call cost / sync per-call cost; "
        f"{1e6 / lo_async:.0f} µs vs {1e6 / lo_sync:.0f} µs per call ({lo_async:.0f}/s vs "
        f"{lo_sync:.0f}/s, {loopback_count} upserts each, best of 2)",
    )
    aio = bare["aiohttp"]
    aiohttp_result = Result(
        "load_async_bare_aio",
        lo_sync / aio,
        BARE_TARGET,
        True,
        f"the same over the aiohttp transport (salesmanago.aiohttp_transport, the "
        f"``aiohttp`` extra): {1e6 / aio:.0f} µs vs {1e6 / lo_sync:.0f} µs per call "
        f"({aio:.0f}/s vs {lo_sync:.0f}/s, same rounds)",
    )
    return [latency_result, bare_result, aiohttp_result]


def run(*, quick: bool, only: set[str]) -> list[Result]:
    """The load benchmarks (``--only load`` runs both)."""
    results = []
    if not only or only & {"load", "load_integrity"}:
        results.append(load_integrity(8, 500 if quick else 5000))
    if not only or only & {"load", "load_async", "load_async_bare", "load_async_bare_aio"}:
        results += load_async(2000 if quick else 5000, 300 if quick else 2000)
    return results


if __name__ == "__main__":  # pragma: no cover - a manual check of one server
    with server() as url:
        print(json.dumps(control(url, "accounts"), indent=1))
