"""Scale benchmarks: per-call time of common operations at a large vs a small account.

Two emulators live side by side in one process: one with ``small`` contacts
(10 000) and one with ``large`` (1 000 000; 100 000 with ``--quick``), both
populated through the account's Python API the same way: every contact in one
of ~1 000 companies (``Company 0`` ... ``Company 999``), with a score (1-50) and
3 tags out of a pool of 100. Then, alternating small and large for several
rounds (so machine drift hits both), each operation is timed (CPU time, as
:func:`bench._timing.best_of` measures) over ``calls`` calls and the best
round's per-call time is kept:

* ``scale_upsert`` -- SDK ``contacts.upsert`` of an existing contact (a new
  name, so it really writes), in-process transport;
* ``scale_has_contact`` -- SDK ``contacts.has_contact`` of an existing contact;
* ``scale_tag_add`` -- SDK ``tags.manage(email, add=[tag])`` adding a pool tag
  the contact lacks (a tag tens of thousands of other contacts have);
* ``scale_company_scoring`` -- Python API ``account.companies.company(name).scoring``
  (no public endpoint). Companies hold ``size / 1000`` persons, so this one
  grows with the persons per company unless the view is O(1); the detail also
  shows ``account.companies.scoring(name)`` for comparison.

and, after them, at account level against a plain dict:

* ``scale_account_dict`` -- ``Account.has_contact`` (the store lookup, no SDK
  and no HTTP, whose overhead hides the store at the SDK level) at both sizes,
  as a growth ratio divided by a plain ``dict.get``'s growth at the same two
  sizes (each side holds a dict of its size, e-mail -> id): 1.0 = grows like a
  dict; target <= 1.2. See :func:`account_vs_dict`.

Each round uses contacts no earlier round touched (a stride through the
population), so every upsert and tag add changes a card. Ratio = per-call time
at ``large`` / at ``small``; target <= 1.5 each. The cyclic GC is frozen after
populating (``gc.freeze``) so a collection over millions of objects is not
billed to whichever call happens to trigger it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

import attrs

from salesmanago import ContactUpsert, SalesManago
from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.account import Account

from ._timing import Result, best_of, frozen_gc
from .contacts import CLIENT_ID, OWNER, _emulator, _sdk

COMPANIES = 1000
TAG_POOL = 100
STRIDE = 7919  # a prime: k * STRIDE % size visits every contact once per `size` steps
TARGET = 1.5


def email(i: int) -> str:
    """The e-mail of contact ``i`` of a populated account."""
    return f"user{i}@example.com"


def company(i: int) -> str:
    """The company of contact ``i``."""
    return f"Company {i % COMPANIES}"


def tags(i: int) -> tuple[str, str, str]:
    """The 3 tags contact ``i`` has (distinct, from a pool of 100)."""
    return (f"TAG{i % TAG_POOL}", f"TAG{(i + 33) % TAG_POOL}", f"TAG{(i + 67) % TAG_POOL}")


def missing_tag(i: int) -> str:
    """A pool tag contact ``i`` does not have."""
    return f"TAG{(i + 50) % TAG_POOL}"


def populate(count: int) -> Emulator[FrozenClock]:
    """A fresh emulator whose account holds ``count`` contacts (companies, scores, tags)."""
    emu = _emulator()
    account = emu.account(CLIENT_ID)
    for i in range(count):
        account.contacts.upsert(
            ContactWrite(email=email(i), name=f"User {i}", company=company(i), tags=tags(i)),
            OWNER,
        )
        account.scoring.set(email(i), i % 50 + 1)
    return emu


def sdk(emu: Emulator[FrozenClock]) -> SalesManago:
    """A sync SDK client on ``emu``'s in-process transport."""
    return _sdk(emu.transport())


@attrs.define
class _Side:
    """One populated emulator and the SDK client on it."""

    size: int
    emu: Emulator[FrozenClock]
    client: SalesManago
    account: Account

    def contacts(self, round_: int, calls: int) -> list[int]:
        """Contact numbers for one round: distinct from every other round's."""
        start = round_ * calls
        return [(k * STRIDE) % self.size for k in range(start, start + calls)]


def _side(size: int) -> _Side:
    emu = populate(size)
    return _Side(size, emu, sdk(emu), emu.account(CLIENT_ID))


Op = Callable[[_Side, list[int], int], None]


def _upsert(side: _Side, picks: list[int], round_: int) -> None:
    upsert = side.client.contacts.upsert
    for i in picks:
        upsert(ContactUpsert(email=email(i), name=f"User {i} r{round_}"))


def _has_contact(side: _Side, picks: list[int], round_: int) -> None:
    has_contact = side.client.contacts.has_contact
    for i in picks:
        if has_contact(email(i)) is None:
            raise AssertionError(f"{email(i)} should exist")


def _tag_add(side: _Side, picks: list[int], round_: int) -> None:
    manage = side.client.tags.manage
    for i in picks:
        manage(email(i), add=[missing_tag(i)])


def _company_scoring(side: _Side, picks: list[int], round_: int) -> None:
    account = side.account
    total = 0
    for i in picks:
        total += account.companies.company(company(i)).scoring
    if total <= 0:
        raise AssertionError("company scorings should be positive")


def _companies_scoring(side: _Side, picks: list[int], round_: int) -> None:
    scoring = side.account.companies.scoring
    for i in picks:
        scoring(company(i))


OPS: dict[str, Op] = {
    "scale_upsert": _upsert,
    "scale_has_contact": _has_contact,
    "scale_tag_add": _tag_add,
    "scale_company_scoring": _company_scoring,
}


def _timed(op: Op, side: _Side, picks: list[int], round_: int) -> float:
    """CPU seconds of one run of ``op`` (GC paused), as :func:`~bench._timing.best_of`."""
    return best_of(lambda: op(side, picks, round_), repeats=1)


def _best_per_call(
    op: Op, small: _Side, large: _Side, calls: int, rounds: int
) -> tuple[float, float]:
    """Best per-call seconds at ``small`` and at ``large``, alternating each round."""
    best_small = best_large = float("inf")
    for round_ in range(rounds):
        # Alternate which side goes first, so neither always runs on a warm cache.
        order = (small, large) if round_ % 2 == 0 else (large, small)
        for side in order:
            elapsed = _timed(op, side, side.contacts(round_, calls), round_) / calls
            if side is small:
                best_small = min(best_small, elapsed)
            else:
                best_large = min(best_large, elapsed)
    return best_small, best_large


DICT_TARGET = 1.2
ACCOUNT_VS_DICT = "scale_account_dict"


def _lookups(lookup: Callable[[str], object], emails: list[str]) -> None:
    for address in emails:
        if lookup(address) is None:
            raise AssertionError(f"{address} should exist")


def account_vs_dict(small: _Side, large: _Side, calls: int, rounds: int) -> Result:
    """``account.has_contact`` growth from ``small`` to ``large`` over a plain dict's growth.

    Each side gets a plain ``dict`` of its size (e-mail -> contact id). Per
    round, the same e-mails (built before timing) are looked up in the account
    (``Account.has_contact``: no SDK, no HTTP) and in the dict; the best round's
    per-call time is kept for each. Ratio = (account large / small) / (dict
    large / small): 1.0 means the store grows exactly as a dict does; target
    <= 1.2 (issue 17). The account's larger constant cost per call dilutes its
    growth, so the detail also gives the time each adds per call at ``large``.
    """
    dicts = {
        side.size: {email(i): side.account.has_contact(email(i)) for i in range(side.size)}
        for side in (small, large)
    }
    best: dict[tuple[str, int], float] = {}
    for round_ in range(rounds):
        order = (small, large) if round_ % 2 == 0 else (large, small)
        for side in order:
            emails = [email(i) for i in side.contacts(round_, calls)]
            table = dicts[side.size]
            for kind, lookup in (("account", side.account.has_contact), ("dict", table.get)):
                elapsed = best_of(functools.partial(_lookups, lookup, emails), repeats=1) / calls
                key = (kind, side.size)
                best[key] = min(best.get(key, float("inf")), elapsed)
    account_growth = best["account", large.size] / best["account", small.size]
    dict_growth = best["dict", large.size] / best["dict", small.size]
    return Result(
        ACCOUNT_VS_DICT,
        account_growth / dict_growth,
        DICT_TARGET,
        True,
        f"account.has_contact {best['account', small.size] * 1e6:.2f} µs at {small.size} vs "
        f"{best['account', large.size] * 1e6:.2f} µs at {large.size} (growth "
        f"{account_growth:.2f}); dict.get {best['dict', small.size] * 1e9:.0f} ns vs "
        f"{best['dict', large.size] * 1e9:.0f} ns (growth {dict_growth:.2f}); added per call "
        f"at {large.size}: account "
        f"{(best['account', large.size] - best['account', small.size]) * 1e9:.0f} ns, dict "
        f"{(best['dict', large.size] - best['dict', small.size]) * 1e9:.0f} ns",
    )


def scale_ops(
    small: int = 10_000,
    large: int = 1_000_000,
    calls: int = 2000,
    rounds: int = 5,
    only: set[str] | None = None,
) -> list[Result]:
    """Per-call time ratio (``large`` / ``small`` contacts) of each operation in :data:`OPS`."""
    if calls * rounds > small:
        raise ValueError("calls * rounds must not exceed small: each round needs fresh contacts")
    wanted = {name: op for name, op in OPS.items() if not only or name in only}
    with_dict = not only or ACCOUNT_VS_DICT in only
    if not wanted and not with_dict:
        return []
    t0 = time.perf_counter()
    side_small = _side(small)
    side_large = _side(large)
    populated = time.perf_counter() - t0
    with frozen_gc():
        results = []
        for name, op in wanted.items():
            t_small, t_large = _best_per_call(op, side_small, side_large, calls, rounds)
            detail = (
                f"{t_small * 1e6:.1f} µs at {small} vs {t_large * 1e6:.1f} µs at {large} "
                f"({calls} calls x {rounds} rounds)"
            )
            if name == "scale_company_scoring":
                c_small, c_large = _best_per_call(
                    _companies_scoring, side_small, side_large, calls, rounds
                )
                detail += (
                    f"; companies.scoring(name): {c_small * 1e6:.1f} vs {c_large * 1e6:.1f} µs"
                    f" ({large // COMPANIES} persons per company at {large})"
                )
            if name == next(iter(wanted)):
                detail += f"; populating both took {populated:.0f} s"
            results.append(Result(name, t_large / t_small, TARGET, True, detail))
        if with_dict:
            results.append(account_vs_dict(side_small, side_large, calls, rounds))
        return results


def run(*, quick: bool, only: set[str]) -> list[Result]:
    """The scale benchmarks (``--only scale_ops`` runs them all, or name single ones)."""
    names = set(OPS) | {"scale_ops", ACCOUNT_VS_DICT}
    if only and not (only & names):
        return []
    picked = None if not only or "scale_ops" in only else only & (set(OPS) | {ACCOUNT_VS_DICT})
    return scale_ops(10_000, 100_000 if quick else 1_000_000, only=picked)
