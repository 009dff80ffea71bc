"""Control operation listing the control operations: ``routes``.

- ``routes`` (read-only): every operation of the table the request was sent
  to, sorted by name: its ``name``, ``readOnly`` flag and ``description``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ._base import ControlArgs, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _routes(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Every control operation: name, read-only flag, description, the keys it takes."""
    return {
        "routes": [
            {
                "name": op.name,
                "readOnly": op.read_only,
                "description": op.description,
                "keys": list(op.keys),
            }
            for op in args.operations
        ]
    }


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="routes", handler=_routes, read_only=True, keys=()),
)
"""This module's operations."""
