"""The dashboard's pages as pure functions: the emulator in, HTML out (no server needed).

Each view takes the [`Emulator`][salesmanago_emulator.Emulator] and a `PageContext`
(where the pages are mounted and the form token, or no forms at all), reads the state
under the emulator's lock and renders a Jinja2 template shipped in this package. The
Starlette routes (`_routes.py`) only turn requests into these calls; the pytest
option renders `report_page` with no server at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Final

import attrs
from jinja2 import Environment, PackageLoader, StrictUndefined

from .._httpdoor import DASHBOARD_PREFIX
from .._secrets import MASK, masked
from ..clock import FrozenClock
from ..state._card import CONTACT_STATES
from ._card import SECTION_TITLES, card_sections, contact_status, when

if TYPE_CHECKING:
    from .._emulator import Emulator
    from .._router import CallRecord
    from ..state._card import ContactRecord
    from ..state.account import Account

__all__ = [
    "DEFAULT_BASE",
    "LIST_LIMIT",
    "STATUSES",
    "ContactFilter",
    "PageContext",
    "accounts_page",
    "calls_page",
    "card_page",
    "contacts_page",
    "controls_page",
    "error_page",
    "report_page",
]

DEFAULT_BASE: Final = DASHBOARD_PREFIX
"""Where the server mounts the dashboard (``salesmanago_emulator.asgi`` mounts it there)."""
LIST_LIMIT: Final = 500
"""The most rows the contact list and the call log show (the newest calls, the oldest cards)."""
STATUSES: Final = ("opt-in", "opt-out", "invalid", "deleted")
"""The statuses the contact list filters on (`contact_status`)."""
_DELETED_CHOICES: Final = ("all", "live", "deleted")


@attrs.frozen(kw_only=True)
class PageContext:
    """Where the pages live and whether they carry forms.

    ``base`` is the mount path links start with (``None``: a standalone page with no
    links out, as the pytest option writes); ``csrf`` the token every form posts back
    (``None``: a read-only page with no forms); ``path`` the page's own path (forms
    come back to it).
    """

    base: str | None = DEFAULT_BASE
    csrf: str | None = None
    path: str = ""


@attrs.frozen(kw_only=True)
class ContactFilter:
    """The contact list's filters, read from a query string by `from_query`."""

    tag: str = ""
    status: str = ""
    state: str = ""
    owner: str = ""
    min_score: int | None = None
    max_score: int | None = None
    deleted: str = "all"
    search: str = ""
    problems: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ContactFilter:
        """The filters of ``query``; a bad value is left out and named in ``problems``."""
        problems: list[str] = []
        scores: dict[str, int | None] = {}
        for key in ("min_score", "max_score"):
            text = query.get(key, "").strip()
            scores[key] = None
            if text:
                try:
                    scores[key] = int(text)
                except ValueError:
                    problems.append(f"{key}: {text!r} is not a whole number")
        picks: dict[str, str] = {}
        for key, choices in (
            ("status", STATUSES),
            ("state", CONTACT_STATES),
            ("deleted", _DELETED_CHOICES),
        ):
            value = query.get(key, "").strip()
            if value and value not in choices:
                problems.append(f"{key}: {value!r} is not one of {', '.join(choices)}")
                value = ""
            picks[key] = value
        return cls(
            tag=query.get("tag", "").strip().upper(),
            owner=query.get("owner", "").strip().lower(),
            search=query.get("q", "").strip().lower(),
            status=picks["status"],
            state=picks["state"],
            deleted=picks["deleted"] or "all",
            min_score=scores["min_score"],
            max_score=scores["max_score"],
            problems=tuple(problems),
        )

    def keeps(self, record: ContactRecord) -> bool:
        """Whether ``record`` passes every filter set."""
        checks = (
            not self.tag or self.tag in record.tags,
            not self.status or contact_status(record) == self.status,
            not self.state or record.state == self.state,
            not self.owner or self.owner in record.owners,
            self.min_score is None or record.score >= self.min_score,
            self.max_score is None or record.score <= self.max_score,
            self.deleted == "all" or record.deleted == (self.deleted == "deleted"),
            not self.search
            or self.search in record.email
            or self.search in (record.name or "").lower(),
        )
        return all(checks)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("salesmanago_emulator.dashboard", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["SECTION_TITLES"] = SECTION_TITLES
    return env


def _clock_info(emulator: Emulator[Any], account: Account | None) -> dict[str, Any]:
    now = emulator.clock.now()
    zone = account.timezone if account is not None else None
    shown = now.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if zone else now.isoformat()
    return {
        "now": shown,
        "zone": str(zone) if zone else "UTC",
        "frozen": isinstance(emulator.clock, FrozenClock),
        "client_id": account.client_id if account is not None else "",
    }


def _render(
    template: str,
    emulator: Emulator[Any],
    ctx: PageContext,
    account: Account | None,
    **values: Any,
) -> str:
    if account is None and emulator.accounts:
        account = emulator.accounts[0]
    return (
        _environment()
        .get_template(template)
        .render(ctx=ctx, clock=_clock_info(emulator, account), **values)
    )


def accounts_page(emulator: Emulator[Any], ctx: PageContext) -> str:
    """Every account: client id, time zone, users, live and soft-deleted cards."""
    with emulator.lock:
        rows = []
        for account in emulator.accounts:
            live = account.count()  # runs a due purge first
            rows.append(
                {
                    "client_id": account.client_id,
                    "timezone": str(account.timezone),
                    "users": list(account.users),
                    "live": live,
                    "deleted": len(account.store.by_id) - live,
                    "tags": len(account.tags.list()),
                }
            )
        return _render("accounts.html", emulator, ctx, None, accounts=rows)


def _row(account: Account, record: ContactRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "email": record.email,
        "name": record.name or "",
        "status": contact_status(record),
        "state": record.state,
        "score": record.score,
        "owner": record.main_owner,
        "tags": list(record.tags),
        "modified": when(account, record.modified_on),
    }


def contacts_page(
    emulator: Emulator[Any], client_id: str, query: Mapping[str, str], ctx: PageContext
) -> str:
    """The account's cards that pass the filters of ``query`` (`ContactFilter`), oldest
    first, at most `LIST_LIMIT`; ``KeyError`` for an unknown account."""
    wanted = ContactFilter.from_query(query)
    with emulator.lock:
        account = emulator.account(client_id)
        kept = [r for r in account.all_contacts() if wanted.keeps(r)]
        return _render(
            "contacts.html",
            emulator,
            ctx,
            account,
            account_id=account.client_id,
            filters=wanted,
            statuses=STATUSES,
            states=CONTACT_STATES,
            deleted_choices=_DELETED_CHOICES,
            users=list(account.users),
            tags=[t.tag for t in account.tags.list()],
            rows=[_row(account, r) for r in kept[:LIST_LIMIT]],
            total=len(kept),
            limit=LIST_LIMIT,
        )


def card_page(emulator: Emulator[Any], client_id: str, key: str, ctx: PageContext) -> str:
    """The card of contact ``key`` (id or e-mail) with its sections; ``KeyError`` for an
    unknown account, ``LookupError`` for an unknown (or purged) contact."""
    with emulator.lock:
        account = emulator.account(client_id)
        record = account.find(key)
        if record is None:
            raise LookupError(f"no contact {key!r} in account {client_id!r}")
        cards = [_card(account, record)]
        return _render("card.html", emulator, ctx, account, cards=cards)


def _card(account: Account, record: ContactRecord) -> dict[str, Any]:
    return {
        "client_id": account.client_id,
        "id": record.id,
        "sections": card_sections(account, record),
    }


def _call_row(call: CallRecord) -> dict[str, Any]:
    request = call.request
    return {
        "at": call.at.isoformat(),
        "method": call.method,
        "path": call.path,
        "status": call.status,
        "ok": call.success,
        "fault": call.fault or "",
        "api_key": MASK if call.api_key is not None else "",
        "request": _json(masked(request)) if request is not None else "(no JSON body)",
        "response": _json(masked(call.response)),
    }


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def calls_page(emulator: Emulator[Any], query: Mapping[str, str], ctx: PageContext) -> str:
    """The call log, newest first (at most `LIST_LIMIT`), each request and answer body
    with its secrets masked; ``path`` in ``query`` keeps the calls whose path has it."""
    path = query.get("path", "").strip()
    with emulator.lock:
        calls = [c for c in emulator.calls if path in c.path]
        shown = [_call_row(c) for c in reversed(calls[-LIST_LIMIT:])]
        return _render("calls.html", emulator, ctx, None, calls=shown, total=len(calls), path=path)


def controls_page(emulator: Emulator[Any], ctx: PageContext) -> str:
    """The clock, the fault rules and each account's callbacks (endpoints and outbox)."""
    with emulator.lock:
        faults = [rule.as_dict() for rule in emulator.faults.rules]
        callbacks = []
        for account in emulator.accounts:
            outbox = account.callbacks.outbox()
            callbacks.append(
                {
                    "client_id": account.client_id,
                    "endpoints": [(e.kind, e.url) for e in account.callbacks.endpoints.values()],
                    "actions": [
                        (a.url, ", ".join(a.kinds)) for a in account.callbacks.action_endpoints
                    ],
                    "outbox": [
                        {
                            "kind": o.kind,
                            "url": o.url,
                            "created": when(account, o.created),
                            "attempts": o.attempts,
                            "delivered": o.delivered,
                            "error": o.last_error or "",
                            "payload": _json(masked(dict(o.payload))),
                        }
                        for o in outbox
                    ],
                    "next_purge": when(account, account.next_purge()),
                }
            )
        return _render("controls.html", emulator, ctx, None, faults=faults, callbacks=callbacks)


def error_page(emulator: Emulator[Any], ctx: PageContext, status: str, message: str) -> str:
    """A page saying what went wrong (``status`` like ``404 Not Found``, ``message``)."""
    with emulator.lock:
        return _render("error.html", emulator, ctx, None, status=status, message=message)


def report_page(
    emulator: Emulator[Any],
    cards: Iterable[tuple[str, str]],
    *,
    title: str,
    calls: Sequence[CallRecord] = (),
    problem: str = "",
) -> str:
    """One self-contained page (no links, no forms, no external file) for a failing test:
    the cards ``cards`` names as ``(client_id, contact id)``, then ``calls`` (masked).

    A card gone meanwhile (purged) is named as missing instead of shown.
    """
    ctx = PageContext(base=None, csrf=None)
    with emulator.lock:
        shown, missing = [], []
        for client_id, contact_id in cards:
            account = emulator.account(client_id)
            record = account.find(contact_id)
            if record is None:
                missing.append(f"{client_id}: {contact_id}")
            else:
                shown.append(_card(account, record))
        return _render(
            "report.html",
            emulator,
            ctx,
            None,
            title=title,
            problem=problem,
            cards=shown,
            missing=missing,
            calls=[_call_row(c) for c in calls],
        )
