"""Where a batch upsert's time goes, per item: end to end, SDK only, emulator only, account only.

    python -m bench.batch_split [N]      # N items (default 20 000), CPU time, GC off

Not a ratio with a target: a diagnostic for ``batch_floor``. "SDK only" answers
every chunk with the emulator's recorded answer; "emulator only" sends the SDK's
recorded request bodies straight to the transport; "account only" runs
``Account.batch_upsert`` on prebuilt writes (made like the route makes them) in
the SDK's chunks (``BATCH_UPSERT_CHUNK``, 400). "first run" is the
end-to-end batch the first time this process allocates that much memory (the
page faults ``batch_floor`` pays too); "kept" is what a batch leaves allocated.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable

import httpx

from salesmanago import ContactUpsert
from salesmanago.resources._contact_writes import BATCH_UPSERT_CHUNK as CHUNK
from salesmanago_emulator.state._card import ContactWrite

from ._timing import best_of
from .contacts import CLIENT_ID, OWNER, _emulator, _sdk


def _per_item(fn: Callable[[], object], items: int, repeats: int = 3) -> float:
    """CPU µs per item of the best of ``repeats`` runs of ``fn`` (GC paused)."""
    return best_of(fn, repeats) / items * 1e6


def main(argv: list[str] | None = None) -> int:
    """Print the split for ``argv[0]`` items (default 20 000)."""
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 20_000
    items = [ContactUpsert(email=f"user{i}@example.com", name=f"User {i}") for i in range(n)]

    def end_to_end() -> None:
        _sdk(_emulator().transport()).contacts.batch_upsert(items)

    _sdk(_emulator().transport()).contacts.batch_upsert(items[:1000])  # code warm, memory not
    cold = _per_item(end_to_end, n, repeats=1)

    bodies: list[bytes] = []
    answers: list[bytes] = []
    recorder = _emulator().transport()

    def record(request: httpx.Request) -> httpx.Response:
        bodies.append(request.read())
        response = recorder.handle_request(request)
        answers.append(response.read())
        return httpx.Response(response.status_code, headers=response.headers, content=answers[-1])

    _sdk(httpx.MockTransport(record)).contacts.batch_upsert(items)

    def sdk_only() -> None:
        replies = iter(answers)

        def reply(request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                200, headers={"content-type": "application/json"}, content=next(replies)
            )

        _sdk(httpx.MockTransport(reply)).contacts.batch_upsert(items)

    def emulator_only() -> None:
        transport = _emulator().transport()
        for body in bodies:
            url = "http://salesmanago.emulator/api/contact/batchupsert"
            transport.handle_request(httpx.Request("POST", url, content=body)).read()

    # as the route builds them: sparse writes holding only the fields sent
    writes = [
        ContactWrite.of({"email": f"user{i}@example.com", "name": f"User {i}"}) for i in range(n)
    ]

    def account_only() -> None:
        account = _emulator().account(CLIENT_ID)
        for start in range(0, n, CHUNK):
            account.contacts.batch_upsert(writes[start : start + CHUNK], OWNER)

    print(f"{n} items, {len(bodies)} requests; CPU µs per item (best of 3, GC off)")
    print(f"  {'first run':<14} {cold:6.2f}  (end to end, once, before any other run)")
    for name, fn in [
        ("end to end", end_to_end),
        ("SDK only", sdk_only),
        ("emulator only", emulator_only),
        ("account only", account_only),
    ]:
        print(f"  {name:<14} {_per_item(fn, n):6.2f}")
    print(f"  kept after the batch: {_kept_per_item(items):.0f} bytes per item (tracemalloc)")
    return 0


def _kept_per_item(items: list[ContactUpsert]) -> float:
    """Bytes a batch leaves allocated per item: emulator state, call log, the result."""
    gc.collect()
    tracemalloc.start()
    try:
        emulator = _emulator()
        result = _sdk(emulator.transport()).contacts.batch_upsert(items)
        gc.collect()
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not result.failed
    return kept / len(items)


if __name__ == "__main__":
    sys.exit(main())
