"""Control operations on the call log: ``calls`` and ``calls/clear``.

- ``calls`` (read-only): the API call log, oldest first, each call's
  ``method``, ``path``, ``request`` (``sha`` and any ``apiSecret`` masked),
  ``status``, ``response``, ``at``, the injected ``fault`` if any and, for an
  API v3 call, ``apiKey`` (always ``"***"``);
  ``path`` keeps the calls of one path, ``limit`` the last n.
- ``calls/clear``: empty the call log.

Control requests are not in the call log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ..clock import utc_iso
from ..errors import RULE_ZERO_OR_POSITIVE
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

if TYPE_CHECKING:
    from .._router import CallRecord

__all__ = ["OPERATIONS"]


def _call_info(call: CallRecord) -> dict[str, Any]:
    info = {
        "method": call.method,
        "path": call.path,
        "request": call.request,
        "status": call.status,
        "response": call.response,
        "at": utc_iso(call.at),
    }
    if call.fault is not None:
        info["fault"] = call.fault
    if call.api_key is not None:  # an API v3 call: the header, masked
        info["apiKey"] = call.api_key
    return info


def _calls(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The API call log, oldest first (``sha`` masked); ``limit`` keeps the last n, ``path``."""
    calls = emulator.calls
    path = args.text("path", None)
    if path is not None:
        calls = [call for call in calls if call.path == path]
    limit = args.integer("limit", None)
    if limit is not None:
        if limit < 0:
            raise ControlError.field("limit", RULE_ZERO_OR_POSITIVE)
        calls = calls[len(calls) - limit :] if limit else []
    return {"calls": [_call_info(call) for call in calls]}


def _calls_clear(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Empty the call log."""
    emulator.clear_calls()
    return {}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="calls", handler=_calls, read_only=True, keys=("path", "limit")),
    ControlOperation(name="calls/clear", handler=_calls_clear, keys=()),
)
"""This module's operations."""
