"""The platform's rules on an account's data: pure Python, no HTTP, no JSON.

[`Account`][salesmanago_emulator.Account] is the entry point: its core answers the reads of the
cards and each area (``account.contacts``, ``account.tags``, ``account.events``,
...) is named as the SDK resource that reaches it. `ContactWrite` is
what routes hand ``account.contacts``; `ContactRecord` is what it
stores and returns.
"""

from __future__ import annotations

from ._card import (
    CHANNELS,
    CONFIRMATION_STATUSES,
    CONSENT_STATUSES,
    CONTACT_STATES,
    DICTIONARY_TYPES,
    OPT_SOURCES,
    OWNER_LEVELS,
    Birthday,
    Confirmation,
    ConsentDetail,
    ConsentState,
    ContactRecord,
    ContactWrite,
    DictionaryProperty,
    DoubleOptIn,
    OptChange,
    TagEntry,
)
from ._core import AccountArea, AccountCore
from ._normalize import normalize_email, normalize_tags, validate_email
from ._observers import ContactObserver
from ._purge import PURGE_TIME, next_purge_instant
from ._tagindex import TagCount
from .account import Account
from .contacts import BATCH_UPSERT_LIMIT

__all__ = [
    "BATCH_UPSERT_LIMIT",
    "CHANNELS",
    "CONFIRMATION_STATUSES",
    "CONSENT_STATUSES",
    "CONTACT_STATES",
    "DICTIONARY_TYPES",
    "OPT_SOURCES",
    "OWNER_LEVELS",
    "PURGE_TIME",
    "Account",
    "AccountArea",
    "AccountCore",
    "Birthday",
    "Confirmation",
    "ConsentDetail",
    "ConsentState",
    "ContactObserver",
    "ContactRecord",
    "ContactWrite",
    "DictionaryProperty",
    "DoubleOptIn",
    "OptChange",
    "TagCount",
    "TagEntry",
    "next_purge_instant",
    "normalize_email",
    "normalize_tags",
    "validate_email",
]
