"""Contact reads: basic and full data by e-mail or id, created/modified ranges, pages.

Protocol §5.3, §6; semantics S1.7 (``list``/``listById`` only the request
owner's contacts; ``listAll``/``listAllById`` any owner's) and S3.1 (reads by
key still show a soft-deleted card, flagged ``deleted``; range listings leave
it out). Unknown keys are skipped; a key given twice is answered once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Final

from ..errors import InvalidField
from ..state._card import ContactRecord
from ..state.account import Account
from ._base import RequestContext, RouteTable
from ._parse import Body, req_date, req_int, req_str_list
from ._shapes import basic_contact, full_contact, id_and_email

__all__ = ["LIST_LIMIT", "PAGE_SIZE_LIMIT", "RULE_TO_BEFORE_FROM", "date_range", "table"]

table: Final = RouteTable("contacts")
"""The routes of this module."""

LIST_LIMIT: Final = 50
"""Most keys ``list``, ``listById``, ``listAll`` and ``listAllById`` take (protocol §3.4)."""
PAGE_SIZE_LIMIT: Final = 1000
"""Largest ``size`` of ``paginatedModifiedContacts`` (protocol §11 item 6)."""
RULE_TO_BEFORE_FROM: Final = "must not be before 'from'"


def _records(account: Account, keys: Sequence[str]) -> list[ContactRecord]:
    seen: set[str] = set()
    found: list[ContactRecord] = []
    for key in keys:
        record = account.find(key)
        if record is not None and record.id not in seen:
            seen.add(record.id)
            found.append(record)
    return found


def _answer(
    ctx: RequestContext,
    body: Body,
    key: str,
    shape: Callable[[Account, ContactRecord], dict[str, Any]],
    *,
    limit: int | None = None,
    own_only: bool = False,
) -> dict[str, Any]:
    keys = req_str_list(body, key, limit=limit)
    records = _records(ctx.account, keys)
    if own_only:
        owner = ctx.owner
        records = [r for r in records if ctx.account.is_owner(r, owner)]
    return {"contacts": [shape(ctx.account, r) for r in records]}


@table.route("/api/contact/basic", accepts_user=True)
def basic(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Basic data of the contacts with the e-mails in ``email``."""
    return _answer(ctx, body, "email", basic_contact)


@table.route("/api/contact/basicById", accepts_user=True)
def basic_by_id(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Basic data of the contacts with the ids in ``id``."""
    return _answer(ctx, body, "id", basic_contact)


@table.route("/api/contact/list", accepts_user=True)
def list_by_email(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Full data of the request owner's contacts with the e-mails in ``email`` (<= 50, S1.7)."""
    return _answer(ctx, body, "email", full_contact, limit=LIST_LIMIT, own_only=True)


@table.route("/api/contact/listById", accepts_user=True)
def list_by_id(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Full data of the request owner's contacts with the ids in ``contactId`` (<= 50, S1.7)."""
    return _answer(ctx, body, "contactId", full_contact, limit=LIST_LIMIT, own_only=True)


@table.route("/api/contact/listAll", accepts_user=True)
def list_all(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Full data of any owner's contacts with the e-mails in ``email`` (<= 50, S1.7)."""
    return _answer(ctx, body, "email", full_contact, limit=LIST_LIMIT)


@table.route("/api/contact/listAllById", accepts_user=True)
def list_all_by_id(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Full data of any owner's contacts with the ids in ``contactId`` (<= 50, S1.7)."""
    return _answer(ctx, body, "contactId", full_contact, limit=LIST_LIMIT)


def date_range(body: Body) -> tuple[datetime, datetime]:
    """``from`` and ``to`` (both required), ``to`` not before ``from``."""
    start = req_date(body, "from")
    end = req_date(body, "to")
    if end < start:
        raise InvalidField("to", RULE_TO_BEFORE_FROM)
    return start, end


@table.route("/api/contact/createdContacts", accepts_user=True)
def created_contacts(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Live contacts created in [``from``, ``to``], oldest first: ``{id, email}`` items."""
    start, end = date_range(body)
    return {"createdContacts": [id_and_email(r) for r in ctx.account.created_between(start, end)]}


@table.route("/api/contact/modifiedContacts", accepts_user=True)
def modified_contacts(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Live contacts last modified in [``from``, ``to``], oldest first: ``{id, email}`` items."""
    start, end = date_range(body)
    return {"modifiedContacts": [id_and_email(r) for r in ctx.account.modified_between(start, end)]}


@table.route("/api/contact/paginatedModifiedContacts", accepts_user=True)
def paginated_modified_contacts(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """One page (``page`` from 0, ``size`` <= 1000) of ``modifiedContacts``, and ``hasMore``."""
    start, end = date_range(body)
    page = req_int(body, "page", minimum=0)
    size = req_int(body, "size", minimum=1, maximum=PAGE_SIZE_LIMIT)
    records = ctx.account.modified_between(start, end)
    first = page * size
    return {
        "modifiedContacts": [id_and_email(r) for r in records[first : first + size]],
        "hasMore": len(records) > first + size,
    }
