"""Reading a version 1 snapshot: its data rewritten in the version 2 shape.

Version 1 kept the consent register as ``consents`` and every area beyond
the cards under ``areas.<key>``, most wrapped in an object
(``{"notes": [...]}``); exports before the areas were renamed used the keys
``jobs`` and ``visits`` for what are now ``exports`` and ``activity``. Its
events spelled their type ``type``, their date in milliseconds and their
details as ``{"1": ...}``; funnel amounts could be written ``"1E+1"``. Only the
shape and these spellings change here: every value is then
checked by the version 2 reader, and a refusal names its version 2 path
(``accounts[0].notes[3].priv`` for ``accounts[0].areas.notes.notes[3].priv``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Final

from ..clock import utc_iso

__all__ = ["upgrade"]

_RENAMED: Final = {"jobs": "exports", "visits": "activity"}
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)


def upgrade(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` (version 1) in the version 2 shape; what it cannot place is left as found."""
    out = {**data, "version": 2}
    accounts = data.get("accounts")
    if isinstance(accounts, list):
        out["accounts"] = [_account(a) if isinstance(a, Mapping) else a for a in accounts]
    return out


def _account(account: Mapping[str, Any]) -> dict[str, Any]:
    out = {key: value for key, value in account.items() if key not in ("consents", "areas")}
    if "consents" in account:
        out["optin"] = {"consents": account["consents"]}
    areas = account.get("areas")
    if not isinstance(areas, Mapping):
        if areas is not None:
            out["areas"] = areas  # the version 2 reader refuses it by name
        return out
    for key, state in areas.items():
        name = _RENAMED[key] if key in _RENAMED else str(key)
        out[name] = _AREAS.get(name, _same)(state)
    return out


def _same(state: Any) -> Any:
    return state


def _unwrap(key: str) -> Callable[[Any], Any]:
    """The list an area kept under ``key`` of its object (``{"notes": [...]}``)."""

    def unwrap(state: Any) -> Any:
        if isinstance(state, Mapping) and set(state) == {key}:
            return state[key]
        return state

    return unwrap


def _events(state: Any) -> Any:
    events = _unwrap("events")(state)
    return [_event(e) for e in events] if isinstance(events, list) else events


def _event(event: Any) -> Any:
    if not isinstance(event, Mapping):
        return event
    out = {key: value for key, value in event.items() if key not in ("type", "date", "details")}
    if "type" in event:
        out["contactExtEventType"] = event["type"]
    if "date" in event:
        out["date"] = _instant(event["date"])
    details = event.get("details")
    if isinstance(details, Mapping):
        out.update((f"detail{number}", text) for number, text in details.items())
    elif details is not None:
        out["details"] = details
    return {key: value for key, value in out.items() if value is not None}


def _instant(ms: Any) -> Any:
    """Milliseconds since the epoch as an instant (anything else as found)."""
    if isinstance(ms, int) and not isinstance(ms, bool):
        try:
            return utc_iso(_EPOCH + timedelta(milliseconds=ms))
        except OverflowError:
            pass  # beyond datetime's range: kept as found, like any other value
    return ms


def _funnels(state: Any) -> Any:
    """Amounts as plain decimal strings (version 1 wrote ``str(Decimal)``: ``"1E+1"``)."""
    funnels = state.get("funnels") if isinstance(state, Mapping) else None
    if not isinstance(funnels, list):
        return state
    out = []
    for funnel in funnels:
        if isinstance(funnel, Mapping):
            members = funnel.get("members")
            funnel = _amount(funnel)
            if isinstance(members, list):
                funnel["members"] = [_amount(m) if isinstance(m, Mapping) else m for m in members]
        out.append(funnel)
    return {**state, "funnels": out}


def _amount(item: Mapping[str, Any]) -> dict[str, Any]:
    value = item.get("potValue")
    try:
        plain = f"{Decimal(value):f}" if isinstance(value, str) else value
    except ArithmeticError:
        plain = value
    return {**item, "potValue": plain} if "potValue" in item else dict(item)


_AREAS: Final[Mapping[str, Callable[[Any], Any]]] = {
    "notes": _unwrap("notes"),
    "tasks": _unwrap("tasks"),
    "coupons": _unwrap("coupons"),
    "events": _events,
    "activity": _unwrap("visits"),
    "funnels": _funnels,
}
