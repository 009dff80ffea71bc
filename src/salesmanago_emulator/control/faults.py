"""Control operations for fault injection: ``/_emulator/faults``, ``faults/add``, ``faults/clear``.

``faults/add`` takes one rule as its body (``kind``, ``path``, ``clientId``,
``times``, ``probability``, ``seed``, ``status``, ``retryAfter``, ``seconds``,
``afterWrite``; see [`FaultInjector.add`][salesmanago_emulator.faults.FaultInjector.add])
or several as ``{"faults": [...]}``; every rule is checked before any is added.
``faults`` lists the rules with their ``hits``; ``faults/clear`` drops them.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from ..errors import RULE_FAULT_LIST, TEXT_FAULT_NOT_OBJECT, TEXT_FAULT_UNKNOWN_FIELDS
from ..faults import FaultRule
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]

_WIRE_TO_ARG: Final = {
    "kind": "kind",
    "path": "path",
    "clientId": "client_id",
    "times": "times",
    "probability": "probability",
    "seed": "seed",
    "status": "status",
    "retryAfter": "retry_after",
    "seconds": "seconds",
    "afterWrite": "after_write",
}
_ARG_TO_WIRE: Final = {arg: wire for wire, arg in _WIRE_TO_ARG.items()}


def _wire(rule: FaultRule) -> dict[str, Any]:
    return {_ARG_TO_WIRE.get(key, key): value for key, value in rule.as_dict().items()}


def _spec(index: int, item: object) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        raise ControlError(TEXT_FAULT_NOT_OBJECT.format(index=index))
    unknown = sorted(set(item) - set(_WIRE_TO_ARG))
    if unknown:
        known = ", ".join(_WIRE_TO_ARG)
        text = TEXT_FAULT_UNKNOWN_FIELDS.format(index=index, unknown=unknown, known=known)
        raise ControlError(text)
    # JSON fractions arrive as Decimal; fault timings and chances are plain floats.
    # null means "the default", except for retryAfter, where it means "no header".
    return {
        _WIRE_TO_ARG[key]: float(value) if isinstance(value, Decimal) else value
        for key, value in item.items()
        if value is not None or key == "retryAfter"
    }


def _faults(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The fault rules, in order, with their hits (spent ones included)."""
    return {"faults": [_wire(rule) for rule in emulator.faults.rules]}


def _faults_add(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Add a fault rule (kind, path, clientId, times, probability, ...) or ``faults``: a list."""
    items = args.data.get("faults")
    if items is None:
        items = [args.data]
    elif not isinstance(items, list) or not items:
        raise ControlError.field("faults", RULE_FAULT_LIST)
    specs = [_spec(index, item) for index, item in enumerate(items)]
    rules = emulator.faults.add_all(specs)  # ValueError -> 400 naming the rule
    return {"faults": [_wire(rule) for rule in rules]}


def _faults_clear(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Drop every fault rule."""
    emulator.faults.clear()
    return {}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(name="faults", handler=_faults, read_only=True, keys=()),
    ControlOperation(name="faults/add", handler=_faults_add, keys=("faults", *_WIRE_TO_ARG)),
    ControlOperation(name="faults/clear", handler=_faults_clear, keys=()),
)
"""This module's operations."""
