"""Control operations for callbacks (S10.3, S17.2, S17.3): ``callbacks...``, ``actions...``.

Opt-in/opt-out URLs:

- ``callbacks`` (read-only): the account's URLs (secrets not shown), action
  endpoints and outbox (``pendingOnly``).
- ``callbacks/register``: ``kind`` (``OPT_IN`` / ``OPT_OUT``), ``url``, ``secret``.
- ``callbacks/unregister``: ``kind``.
- ``callbacks/deliver``: one delivery pass over every account now
  (``retryFailed``, ``maxAttempts`` default 1, ``backoff`` default 0,
  ``timeout``); 409 while a background pass is running. It runs under the
  emulator's lock: a handler must answer before calling the emulator back.
- ``callbacks/clear``: drop the outbox (``deliveredOnly``).

Rule actions to an integrator:

- ``actions/register``: ``url``, ``secret``, ``kinds`` (default: all of
  ``NOTIFICATION``, ``NOTE``, ``TASK``, ``TAGS``, ``DEAL_STAGE``).
- ``actions/unregister``: ``id``.
- ``actions/fire``: ``kind``, ``contact`` (e-mail or id), ``data``.

Every operation but ``callbacks/deliver`` acts on the account named by
``clientId`` (default: the first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..delivery import DEFAULT_TIMEOUT
from ..errors import RULE_ACTION_KINDS, RULE_OBJECT, TEXT_DELIVERY_RUNNING
from ..snapshot.callbacks import dump_entry
from ..state.callbacks import ACTION_KINDS, ActionEndpoint, CallbackEndpoint
from ._base import ControlArgs, ControlError, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _endpoint(endpoint: CallbackEndpoint) -> dict[str, Any]:
    return {"kind": endpoint.kind, "url": endpoint.url}


def _action(endpoint: ActionEndpoint) -> dict[str, Any]:
    return {"id": endpoint.id, "url": endpoint.url, "kinds": list(endpoint.kinds)}


def _callbacks(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The account's callback URLs, action endpoints and outbox (``pendingOnly``)."""
    area = args.account(emulator).callbacks
    pending_only = args.boolean("pendingOnly", False)
    return {
        "endpoints": [_endpoint(e) for e in area.endpoints.values()],
        "actions": [_action(e) for e in area.action_endpoints],
        "outbox": [dump_entry(e) for e in area.outbox(pending_only=pending_only)],
    }


def _callbacks_register(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Set the OPT_IN or OPT_OUT callback URL with its secret (S10.3)."""
    area = args.account(emulator).callbacks
    endpoint = area.register(args.text("kind"), args.text("url"), args.text("secret"))
    return {"endpoint": _endpoint(endpoint)}


def _callbacks_unregister(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Remove the OPT_IN or OPT_OUT callback URL."""
    return {"removed": args.account(emulator).callbacks.unregister(args.text("kind"))}


def _callbacks_deliver(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """POST every account's pending callbacks now (loopback URLs only)."""
    options = {
        "max_attempts": args.integer("maxAttempts", 1),
        "backoff": args.number("backoff", 0.0),
        "timeout": args.number("timeout", DEFAULT_TIMEOUT),
    }
    retry_failed = args.boolean("retryFailed", False)
    with emulator.deliverer(**options) as deliverer:
        entries = deliverer.try_deliver(retry_failed=retry_failed)
    if entries is None:
        raise ControlError(TEXT_DELIVERY_RUNNING, 409)
    return {
        "delivered": sum(1 for e in entries if e.delivered),
        "failed": sum(1 for e in entries if not e.delivered),
        "entries": [dump_entry(e) for e in entries],
    }


def _callbacks_clear(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Drop the account's outbox entries (``deliveredOnly``: only the delivered ones)."""
    area = args.account(emulator).callbacks
    return {"removed": area.clear_outbox(delivered_only=args.boolean("deliveredOnly", False))}


def _actions_register(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Add an integrator endpoint for rule actions (``kinds``; default all) (S17.3)."""
    kinds = args.data.get("kinds", list(ACTION_KINDS))
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, list):
        raise ControlError.field("kinds", RULE_ACTION_KINDS)
    area = args.account(emulator).callbacks
    endpoint = area.register_action(args.text("url"), args.text("secret"), kinds=kinds)
    return {"endpoint": _action(endpoint)}


def _actions_unregister(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Remove an action endpoint by ``id``."""
    return {"removed": args.account(emulator).callbacks.unregister_action(args.text("id"))}


def _actions_fire(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """A rule fires action ``kind`` on ``contact`` with ``data``; queues the callbacks (S17.3)."""
    data = args.data.get("data", {})
    if not isinstance(data, Mapping):
        raise ControlError.field("data", RULE_OBJECT)
    area = args.account(emulator).callbacks
    entries = area.fire_action(args.text("kind"), args.text("contact"), data)
    return {"entries": [dump_entry(e) for e in entries]}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name="callbacks", handler=_callbacks, read_only=True, keys=("clientId", "pendingOnly")
    ),
    ControlOperation(
        name="callbacks/register",
        handler=_callbacks_register,
        keys=("clientId", "kind", "url", "secret"),
    ),
    ControlOperation(
        name="callbacks/unregister", handler=_callbacks_unregister, keys=("clientId", "kind")
    ),
    ControlOperation(
        name="callbacks/deliver",
        handler=_callbacks_deliver,
        keys=("maxAttempts", "backoff", "timeout", "retryFailed"),
    ),
    ControlOperation(
        name="callbacks/clear", handler=_callbacks_clear, keys=("clientId", "deliveredOnly")
    ),
    ControlOperation(
        name="actions/register",
        handler=_actions_register,
        keys=("clientId", "url", "secret", "kinds"),
    ),
    ControlOperation(
        name="actions/unregister", handler=_actions_unregister, keys=("clientId", "id")
    ),
    ControlOperation(
        name="actions/fire", handler=_actions_fire, keys=("clientId", "kind", "contact", "data")
    ),
)
"""This module's operations."""
