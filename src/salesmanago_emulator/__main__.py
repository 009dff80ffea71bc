"""``python -m salesmanago_emulator``: the ``salesmanago-emulator`` command (`cli`).

Commands: ``serve`` (HTTP server mode, `server`), ``routes`` (the
coverage table), ``help``; ``replay`` (a recorded call log,
[`replay`][salesmanago_emulator.replay]).
"""

from __future__ import annotations

import sys

from .cli import USAGE, main

__all__ = ["USAGE", "main"]

if __name__ == "__main__":
    sys.exit(main())
