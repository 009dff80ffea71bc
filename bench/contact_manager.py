"""Contact Manager benchmarks (issue 14, S15): a bulk run against the same single-card calls,
and a recount against a plain loop over the cards.

* ``cm_run`` -- ``account.contact_manager.run`` of three actions (``AddTags``,
  ``SetScoring``, ``SetDetail``) over 100 000 selected contacts (10 000 with ``--quick``),
  selection, per-contact report and all, divided by one pass over the same contacts
  calling the same three area methods directly in Python (``tags.manage``,
  ``scoring.set``, ``contacts.set_property``). Each round writes new values (a new tag,
  score and detail value), so both sides really change every card; the sides alternate
  on one account. Target <= 3.
* ``cm_recount`` -- ``account.contact_manager.recount`` with three criteria (a tag, a
  state, the e-mail status) over 1 000 000 contacts (100 000 with ``--quick``), divided
  by a plain Python loop over the same cards (``store.by_id.values()``) testing the same
  three things on each live card. Target <= 2.

Both time CPU with the GC paused and frozen after populating (:func:`bench._timing.best_of`),
best of several alternating rounds.
"""

from __future__ import annotations

import time

from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.account import Account
from salesmanago_emulator.state.contact_manager import (
    AddTags,
    EmailStatus,
    Selection,
    SetDetail,
    SetScoring,
    State,
    Tags,
)

from ._timing import Result, best_of, frozen_gc
from .contacts import CLIENT_ID, OWNER, _emulator

RUN_TARGET = 3.0
RECOUNT_TARGET = 2.0
TAG_POOL = 100


def populate(count: int) -> Account:
    """An account of ``count`` contacts: tag ``TAG<i % 100>``, every third a CUSTOMER,
    every second opted in."""
    account = _emulator().account(CLIENT_ID)
    for i in range(count):
        write = ContactWrite(
            email=f"user{i}@example.com",
            tags=(f"TAG{i % TAG_POOL}", "ALL"),
            state="CUSTOMER" if i % 3 == 0 else None,
            force_opt_in=i % 2 == 0,
        )
        account.contacts.upsert(write, OWNER)
    return account


def bulk_run(size: int, rounds: int = 3) -> Result:
    """``cm_run``: a run of three actions / the same three area calls per card."""
    account = populate(size)
    ids = [r.id for r in account.live_contacts()]
    manager = account.contact_manager
    everyone = Selection(include=(Tags(tags=("ALL",)),))
    with frozen_gc():
        best_run = best_direct = float("inf")
        for k in range(rounds):

            def through_manager(k: int = k) -> None:
                actions = [
                    AddTags(tags=(f"RUN{k}",)),
                    SetScoring(points=2 * k + 1),
                    SetDetail(name="round", value=f"run{k}"),
                ]
                done = manager.run(everyone, actions)
                assert done.selected == size

            def direct(k: int = k) -> None:
                tags, scoring, contacts = account.tags, account.scoring, account.contacts
                tag, points, value = (f"DIRECT{k}",), 2 * k + 2, f"direct{k}"
                for contact_id in ids:
                    tags.manage(contact_id, tag, ())
                    scoring.set(contact_id, points)
                    contacts.set_property(contact_id, "round", value)

            best_run = min(best_run, best_of(through_manager, repeats=1))
            manager.reset()  # the runs' reports, untimed
            best_direct = min(best_direct, best_of(direct, repeats=1))
    detail = (
        f"run {best_run:.2f} s vs direct {best_direct:.2f} s for 3 actions x {size} contacts "
        f"({best_run / size / 3 * 1e6:.2f} vs {best_direct / size / 3 * 1e6:.2f} µs an action)"
    )
    return Result("cm_run", best_run / best_direct, RUN_TARGET, True, detail)


def recount(size: int, rounds: int = 5) -> Result:
    """``cm_recount``: a recount with three criteria / a plain loop testing them."""
    t0 = time.perf_counter()
    account = populate(size)
    populated = time.perf_counter() - t0
    selection = Selection(
        include=(Tags(tags=("TAG6",)), State(states=("CUSTOMER",)), EmailStatus(status="OPT_IN"))
    )
    manager = account.contact_manager
    cards = account.store.by_id

    def loop() -> int:
        found = 0
        for r in cards.values():
            if not r.deleted and "TAG6" in r.tags and r.state == "CUSTOMER" and not r.opted_out:
                found += 1
        return found

    expected = loop()
    assert manager.recount(selection) == expected
    with frozen_gc():
        best_recount = best_loop = float("inf")
        for _ in range(rounds):
            best_recount = min(best_recount, best_of(lambda: manager.recount(selection), 1))
            best_loop = min(best_loop, best_of(loop, 1))
    detail = (
        f"recount {best_recount * 1e3:.1f} ms vs loop {best_loop * 1e3:.1f} ms over {size} "
        f"contacts ({expected} selected; populating took {populated:.0f} s)"
    )
    return Result("cm_recount", best_recount / best_loop, RECOUNT_TARGET, True, detail)


def run(*, quick: bool, only: set[str]) -> list[Result]:
    """The Contact Manager benchmarks (``--only cm_run`` / ``cm_recount``)."""
    results = []
    if not only or "cm_run" in only:
        results.append(bulk_run(10_000 if quick else 100_000))
    if not only or "cm_recount" in only:
        results.append(recount(100_000 if quick else 1_000_000))
    return results
