"""The ``salesmanago-emulator`` command (also ``python -m salesmanago_emulator``).

Commands:

* ``routes`` -- print the coverage table: every path the emulator serves;
* ``serve`` -- HTTP server mode: **not available yet** (exits with status 2).

The emulator is meant to be used in process for now: ``Emulator().transport()``
or the pytest fixtures.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Final, TextIO

__all__ = ["USAGE", "main"]

USAGE: Final = """\
usage: salesmanago-emulator <command>

commands:
  routes    print the paths the emulator serves (the coverage table)
  serve     run the emulator as an HTTP server (not available yet)
  help      show this text

In process, use salesmanago_emulator.Emulator().transport() with httpx, or the
pytest fixtures salesmanago_emulator / salesmanago_client.
"""


def _print_routes(out: TextIO) -> None:
    from ._router import routes

    table = routes()
    width = max(len(info.path) for info in table)
    out.write(f"{'path':<{width}}  {'area':<9} owner  description\n")
    for info in table:
        owner = "yes" if info.owner_required else "no"
        out.write(f"{info.path:<{width}}  {info.area:<9} {owner:<5}  {info.description}\n")
    out.write(f"{len(table)} routes\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "help"
    if command in ("help", "-h", "--help"):
        sys.stdout.write(USAGE)
        return 0
    if command == "routes":
        _print_routes(sys.stdout)
        return 0
    if command == "serve":
        sys.stderr.write(
            "salesmanago-emulator: server mode is not available yet; use the emulator in "
            "process (Emulator().transport() or the pytest fixtures).\n"
        )
        return 2
    sys.stderr.write(f"salesmanago-emulator: unknown command {command!r}\n\n{USAGE}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
