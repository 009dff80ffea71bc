"""Where a single upsert's time goes, per call: inside the transport and outside it.

    python -m bench.upsert_split [N]     # N creates per round (default 2 000), CPU time, GC off

Not a ratio with a target: a diagnostic for ``emulator_cost``. The SDK upserts
``N`` new contacts through a transport wrapper that adds up the CPU time spent in
the wrapped transport's ``handle_request``: once around the constant transport
``emulator_cost`` divides by, once around the emulator's. "outside" is the rest of
the call (the SDK and ``httpx``'s client), the same code on both sides: when it
costs more next to the emulator, that is the emulator's working set pushing the
SDK's and ``httpx``'s code and data out of the caches. Best of 5 alternating rounds.
"""

from __future__ import annotations

import gc
import sys
import time

import httpx

from .contacts import _constant_transport, _emulator, _rounds_of, _sdk


class _Timed(httpx.BaseTransport):
    """Passes requests to ``inner`` and adds up the CPU time it takes (``spent``)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.spent = 0.0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.process_time()
        response = self.inner.handle_request(request)
        self.spent += time.process_time() - started
        return response


def _round(inner: httpx.BaseTransport, tag: str, n: int) -> tuple[float, float]:
    """CPU µs per call of ``n`` SDK upserts (every e-mail new) over ``inner``: (total, inside)."""
    timed = _Timed(inner)
    client = _sdk(timed)
    items = _rounds_of(tag, n, 1)[0]
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        for item in items:
            client.contacts.upsert(item)
        total = time.process_time() - started
    finally:
        gc.enable()
    return total / n * 1e6, timed.spent / n * 1e6


def main(argv: list[str] | None = None) -> int:
    """Print the split for ``argv[0]`` creates per round (default 2 000)."""
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 2_000
    emulator = _emulator().transport()
    constant = _constant_transport()
    _round(emulator, "warm", n)  # code warm; the account holds n contacts from here on
    _round(constant, "warm", n)
    best: dict[str, tuple[float, float]] = {}
    for r in range(5):
        for name, inner in (("constant", constant), ("emulator", emulator)):
            total, inside = _round(inner, f"{name}{r}-", n)
            if name not in best or total < best[name][0]:
                best[name] = (total, inside)
    print(f"{n} creates per round, CPU µs per call, best of 5 alternating rounds")
    print(f"{'transport':<10} {'total':>7} {'inside':>7} {'outside':>8}")
    for name, (total, inside) in best.items():
        print(f"{name:<10} {total:7.1f} {inside:7.1f} {total - inside:8.1f}")
    (c_total, c_in), (e_total, e_in) = best["constant"], best["emulator"]
    print(
        f"emulator - constant: {e_total - c_total:.1f} µs per call = "
        f"{e_in - c_in:.1f} inside the transport + "
        f"{(e_total - e_in) - (c_total - c_in):.1f} outside; ratio {e_total / c_total:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
