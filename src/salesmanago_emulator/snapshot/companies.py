"""The companies area in a snapshot: the companies' shown names and their persons' order (S4).

``"companies": {"companies": ["Acme", ...], "joinOrder": ["<a card's id>", ...]}``.
A company is its cards' ``company`` field (S4.3): scoring and persons follow
from the cards. What the cards cannot tell is kept here: each company's
shown name (the first spelling seen, trimmed), in the order the companies
were first seen, and the order their persons joined them (``joinOrder``:
every company's live persons, then its soft-deleted ones). A name must be
named by a card; a ``joinOrder`` id must be a card naming a company.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import RULE_COMPANY_NOT_NAMED, RULE_NO_COMPANY
from ..state.account import Account
from ..state.companies import company_key
from ._reader import Unique, Value
from .contacts import card

__all__ = ["KEYS", "dump", "load"]

KEYS: Final = ("companies", "joinOrder")
"""The keys of the area's object."""


def dump(account: Account) -> dict[str, Any]:
    """The shown names, in order, and the order the persons joined their companies."""
    return {
        "companies": account.companies.names(),
        "joinOrder": [record.id for record in account.companies.join_order()],
    }


def load(account: Account, value: Value) -> None:
    """Rebuild the companies from the loaded cards of ``account``, with the names of ``value``."""
    fields = value.fields("the companies area", KEYS)
    named = {company_key(r.company) for r in account.store.by_id.values()} - {""}
    seen = Unique()
    names = []
    for item in fields.items("companies"):
        name = item.text(blank=False)
        item.stored(name, name.strip())
        seen.add(item, company_key(name))
        if company_key(name) not in named:
            item.refuse(RULE_COMPANY_NOT_NAMED)
        names.append(name)
    joined = Unique()
    records = []
    for item in fields.items("joinOrder"):
        record = card(account, item)
        joined.add(item, record.id)
        if not company_key(record.company):
            item.refuse(RULE_NO_COMPANY)
        records.append(record)
    account.companies.restore_saved(names, records)
