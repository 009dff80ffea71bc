"""Run the benchmarks and print each ratio against its target.

    python -m bench            # full sizes (1 000 000 contacts for scale and memory)
    python -m bench --only batch_floor --only memory   # some figures only
    python -m bench --quick    # smaller sizes, for a smoke run
    python -m bench --only bulk --bulk-full   # the command's import at 1 000 000 rows

Every ratio compares two things measured in the same process, one right after
the other, so the machine's speed cancels out. Targets come from the issues.
A missed target is printed as MISSED (exit status 1), never hidden. Figures:
contacts (``sdk_overhead``, ``emulator_cost`` for creates, ``emulator_cost_upd``
for updates, ``batch_floor`` against the JSON floor), memory (``memory_bytes``,
fresh process, via the router), scale (``scale_*`` at the SDK, and
``scale_account_dict``: the account's lookup growth over a dict's), load
(``load_integrity``, ``load_async`` with latency, ``load_async_bare`` without),
bulk, the Contact Manager (``cm_run``, ``cm_recount``), and server mode
(``server_upsert``, ``server_concurrent``: issue 15). See docs/development/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys

from . import bulk, contact_manager, contacts, load, scale
from . import server as server_mode


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark; exit 1 when a ratio misses its target."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--only", action="append", help="run only these benchmarks")
    parser.add_argument(
        "--bulk-full", action="store_true", help="the bulk import at 1 000 000 rows (minutes)"
    )
    args = parser.parse_args(argv)
    only = set(args.only or ())
    results = [
        r for module in (contacts, scale, load) for r in module.run(quick=args.quick, only=only)
    ]
    results += bulk.run(quick=args.quick, only=only, full=args.bulk_full)
    results += contact_manager.run(quick=args.quick, only=only)
    results += server_mode.run(quick=args.quick, only=only)
    missed = 0
    print(f"{'benchmark':<21} {'ratio':>10} {'target':>10}  detail")
    for r in results:
        ok = r.ratio <= r.target if r.lower_is_better else r.ratio >= r.target
        missed += not ok
        op = "<=" if r.lower_is_better else ">="
        flag = "ok" if ok else "MISSED"
        print(f"{r.name:<21} {r.ratio:>10.3f} {op + ' ' + str(r.target):>10}  {flag}: {r.detail}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
