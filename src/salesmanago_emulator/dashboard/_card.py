"""The 360-degree contact card (seed 003) as the dashboard shows it: one section per area.

`card_sections` reads a card through the account's areas (their Python API, the same
reads the control API and the wire use) and returns plain values for the templates:
each section is a dict, or ``None`` when the emulator holds no data for it, so a
page shows exactly the sections the card has. The summary (scoring, status, owners)
is always there. Times are shown in the account's time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ..errors import EmulatorError
from ..state._purge import next_purge_instant
from ..state._stats import WEEKDAYS
from ..state.activity import HISTOGRAM_SOURCES
from ._svg import bar_chart

if TYPE_CHECKING:
    from ..state._card import ContactRecord
    from ..state.account import Account

__all__ = ["MESSAGE_STATUSES", "SECTION_TITLES", "card_sections", "contact_status", "when"]

SECTION_TITLES: Final[Mapping[str, str]] = {
    "summary": "Summary",
    "details": "Details and tags",
    "consents": "Consents and opt-in / opt-out history",
    "events": "External events and purchases",
    "coupons": "Coupons",
    "notes": "Notes and tasks",
    "funnels": "Funnels and campaigns",
    "rules": "Rules and workflows",
    "messages": "Messages",
    "visits": "Visits and activity",
    "company": "Company",
    "timeline": "Timeline",
}
"""Each section's key and heading, in the order the card shows them (seed 003's menu)."""

MESSAGE_STATUSES: Final[Mapping[str, str]] = {
    "FP": "failed permanently",
    "IE": "invalid e-mail",
    "OO": "opted out before sending",
    "PF": "no products for the template",
    "TE": "template error",
    "TR": "template rejected",
    "SF": "soft bounce",
    "LF": "no connection to the server",
    "HF": "hard bounce",
    "UF": "address does not exist",
    "C": "cancelled",
    "WFS": "queued, not sent yet",
}
"""The delivery statuses of seed 003 §4 and what they mean (others show as sent)."""

ORDER_DETAILS: Final = ("ORDER_AVG", "ORDER_NUMBER", "ORDER_SUMMARY")
"""The standard details a purchase keeps up to date (seed 003 §2)."""


def when(account: Account, instant: datetime | None) -> str:
    """``instant`` in the account's time zone, to the second; ``""`` for ``None``."""
    if instant is None:
        return ""
    return instant.astimezone(account.timezone).strftime("%Y-%m-%d %H:%M:%S")


def contact_status(record: ContactRecord) -> str:
    """One word for the card's status: ``deleted``, ``invalid``, ``opt-in`` or ``opt-out``."""
    if record.deleted:
        return "deleted"
    if record.invalid:
        return "invalid"
    return "opt-out" if record.opted_out else "opt-in"


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _summary(account: Account, record: ContactRecord) -> dict[str, Any]:
    purge = None
    if record.deleted and record.deleted_at is not None:
        purge = when(account, next_purge_instant(record.deleted_at, account.timezone))
    return {
        "id": record.id,
        "name": record.name or "",
        "email": record.email,
        "status": contact_status(record),
        "phone_status": "opt-out" if record.opted_out_phone else "opt-in",
        "state": record.state,
        "score": record.score,
        "monitored": record.monitored,
        "owners": [{"email": e, "level": lvl} for e, lvl in record.owners.items()],
        "created": when(account, record.created_on),
        "modified": when(account, record.modified_on),
        "last_visit": when(account, record.last_visit),
        "deleted_at": when(account, record.deleted_at),
        "purge_at": purge,
    }


def _details(account: Account, record: ContactRecord) -> dict[str, Any] | None:
    birthday = record.birthday
    shown_birthday = ""
    if birthday is not None:
        shown_birthday = f"{birthday.month:02}-{birthday.day:02}"
        if birthday.year is not None:
            shown_birthday = f"{birthday.year:04}-{shown_birthday}"
    address = ", ".join(
        part
        for part in (record.street_address, record.zip_code, record.city, record.province)
        if part
    )
    fields = {
        "Phone": record.phone,
        "Fax": record.fax,
        "Company": record.company,
        "External id": record.external_id,
        "Address": address or None,
        "Country": record.country,
        "Birthday": shown_birthday or None,
        "Language": record.lang,
    }
    shown = [(k, v) for k, v in fields.items() if v]
    if not (shown or record.tags or record.properties or record.dictionary_properties):
        return None
    return {
        "fields": shown,
        "tags": [
            {"name": name, "score": entry.score, "created": when(account, entry.created_on)}
            for name, entry in record.tags.items()
        ],
        "properties": list(record.properties.items()),
        "dictionary": [(n, kind, v) for n, (kind, v) in record.dictionary_properties.items()],
    }


def _consents(account: Account, record: ContactRecord) -> dict[str, Any] | None:
    confirmations = account.optin.confirmations(record.id)
    if not (record.consents or record.opt_history or confirmations):
        return None
    return {
        "consents": [
            {"name": n, "status": s.status, "date": when(account, s.date), "ip": s.ip or ""}
            for n, s in record.consents.items()
        ],
        "history": [
            {
                "at": when(account, c.at),
                "channel": c.channel,
                "status": c.status,
                "source": c.source,
            }
            for c in record.opt_history
        ],
        "confirmations": [
            {
                "origin": c.origin,
                "status": c.status,
                "requested": when(account, c.requested_at),
                "expires": when(account, c.expires_at),
            }
            for c in confirmations
        ],
    }


def _events(account: Account, record: ContactRecord) -> dict[str, Any] | None:
    events = account.events.events_of(record)
    orders = [(n, record.properties[n]) for n in ORDER_DETAILS if n in record.properties]
    if not (events or orders):
        return None
    summary = account.events.ecommerce_summary(record.id)
    return {
        "total": _money(summary.total_value),
        "average": _money(summary.average_basket),
        "transactions": summary.transactions,
        "orders": orders,
        "items": [
            {
                "type": e.event_type,
                "date": when(account, e.date),
                "value": _money(e.value),
                "products": e.products or "",
                "description": e.description or "",
                "location": e.location or "",
            }
            for e in events
        ],
    }


def _coupons(account: Account, record: ContactRecord) -> dict[str, Any] | None:
    coupons = account.coupons.of(record)
    if not coupons:
        return None
    return {
        "items": [
            {
                "code": c.value,
                "name": c.name,
                "valid": when(account, c.valid),
                "used": when(account, c.used_on),
            }
            for c in coupons
        ]
    }


def _notes(account: Account, record: ContactRecord) -> dict[str, Any] | None:
    notes, tasks = account.notes.of(record), account.tasks.of(record)
    if not (notes or tasks):
        return None
    return {
        "notes": [
            {
                "text": n.text,
                "author": n.author,
                "private": n.private,
                "created": when(account, n.created_on),
            }
            for n in notes
        ],
        "tasks": [
            {
                "note": t.note,
                "due": when(account, t.date),
                "owner": t.owner,
                "done": t.realized,
                "reminder": t.reminder or "",
            }
            for t in tasks
        ],
    }


def _funnels(account: Account, record: ContactRecord) -> dict[str, Any] | None:
    places = account.funnels.of_contact(record)
    if not places:
        return None
    items = []
    for place in places:
        stages = list(account.funnels.get(place.funnel).stages)
        items.append(
            {
                "funnel": place.funnel,
                "stage": place.stage,
                "stages": stages or [place.stage],
                "value": _money(place.pot_value),
                "transitions": [(t.stage, when(account, t.at)) for t in place.transitions],
            }
        )
    return {"items": items}


def _rules(account: Account, record: ContactRecord) -> dict[str, Any] | None:
    rule_runs = account.rules.rule_runs(record.id)
    workflow_runs = account.rules.workflow_runs(record.id)
    if not (rule_runs or workflow_runs):
        return None
    return {
        "rules": [
            {
                "name": account.rules.rule(r.rule_id).name,
                "ran": when(account, r.ran_at),
                "due": when(account, r.due_at),
            }
            for r in rule_runs
        ],
        "workflows": [
            {"name": account.rules.workflow(w.workflow_id).name, "ran": when(account, w.ran_at)}
            for w in workflow_runs
        ],
    }


def _messages(account: Account, record: ContactRecord) -> dict[str, Any] | None:
    messages = account.messages.of(record)
    if not messages:
        return None
    return {
        "items": [
            {
                "channel": m.channel,
                "name": m.name,
                "subject": m.subject if m.subject and m.subject != m.name else "",
                "sender": m.sender,
                "via": m.sent_by,
                "sent": when(account, m.sent_on or m.send_at),
                "status": m.status,
                "status_text": MESSAGE_STATUSES.get(m.status, ""),
                "opened": when(account, m.opened_on),
                "clicked": when(account, m.clicked_on),
            }
            for m in messages
        ]
    }


def _visits(account: Account, record: ContactRecord) -> dict[str, Any] | None:
    visits = account.activity.of(record)
    histograms = account.activity.histograms(record.id)
    if not (visits or histograms.total):
        return None
    stats = account.activity.visit_stats(record.id)
    hours = [str(h) for h in range(24)]
    days = [day[:3].title() for day in WEEKDAYS]
    return {
        "items": [
            {
                "at": when(account, v.at),
                "url": v.url,
                "seconds": v.duration_seconds,
                "source": v.source,
                "detail": v.source_detail or "",
                "points": v.points,
            }
            for v in visits
        ],
        "shares": [
            (title, [(s.name, s.visits, f"{s.percent}") for s in shares])
            for title, shares in (
                ("Devices", stats.devices),
                ("Operating systems", stats.systems),
                ("Browsers", stats.browsers),
            )
            if shares
        ],
        "sources": ", ".join(HISTOGRAM_SOURCES),
        "hourly": bar_chart("Activity by hour", hours, histograms.hourly),
        "weekly": bar_chart("Activity by day of the week", days, histograms.weekly),
    }


def _company(account: Account, record: ContactRecord) -> dict[str, Any] | None:
    if not record.company:
        return None
    try:
        company = account.companies.company(record.company)
    except EmulatorError:  # a soft-deleted card's company may be gone
        return None
    return {
        "name": company.name,
        "scoring": company.scoring,
        "persons": [
            {"id": p.id, "email": p.email, "name": p.name or "", "score": p.score}
            for p in company.persons
        ],
        "campaigns": list(company.campaigns),
    }


def _timeline(account: Account, record: ContactRecord) -> dict[str, Any]:
    return {
        "items": [
            {"at": when(account, e.at), "kind": e.kind, "details": dict(e.details)}
            for e in account.timeline.entries(record)
        ]
    }


_SECTIONS: Final[Mapping[str, Callable[[Account, ContactRecord], dict[str, Any] | None]]] = {
    "summary": _summary,
    "details": _details,
    "consents": _consents,
    "events": _events,
    "coupons": _coupons,
    "notes": _notes,
    "funnels": _funnels,
    "rules": _rules,
    "messages": _messages,
    "visits": _visits,
    "company": _company,
    "timeline": _timeline,
}


def card_sections(account: Account, record: ContactRecord) -> dict[str, dict[str, Any]]:
    """The sections of ``record``'s card that hold data, by key, in `SECTION_TITLES` order.

    The caller holds the emulator's lock; every read goes through the account's areas.
    """
    shown: dict[str, dict[str, Any]] = {}
    for key, build in _SECTIONS.items():
        section = build(account, record)
        if section is not None:
            shown[key] = section
    return shown
