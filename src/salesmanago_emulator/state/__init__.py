"""The platform's rules on an account's data: pure Python, no HTTP, no JSON.

:class:`Account` is the entry point; :class:`ContactWrite` is what routes
hand it; :class:`ContactRecord` is what it stores and returns.
"""

from __future__ import annotations

from .account import BATCH_UPSERT_LIMIT, Account
from .contacts import (
    CHANNELS,
    CONSENT_STATUSES,
    CONTACT_STATES,
    DICTIONARY_TYPES,
    OPT_SOURCES,
    OWNER_LEVELS,
    Birthday,
    ConsentDetail,
    ConsentState,
    ContactRecord,
    ContactWrite,
    DictionaryProperty,
    OptChange,
    TagEntry,
)
from .normalize import normalize_email, normalize_tags, validate_email
from .observers import ContactObserver
from .purge import PURGE_TIME, next_purge_instant
from .tags import TagCount

__all__ = [
    "BATCH_UPSERT_LIMIT",
    "CHANNELS",
    "CONSENT_STATUSES",
    "CONTACT_STATES",
    "DICTIONARY_TYPES",
    "OPT_SOURCES",
    "OWNER_LEVELS",
    "PURGE_TIME",
    "Account",
    "Birthday",
    "ConsentDetail",
    "ConsentState",
    "ContactObserver",
    "ContactRecord",
    "ContactWrite",
    "DictionaryProperty",
    "OptChange",
    "TagCount",
    "TagEntry",
    "next_purge_instant",
    "normalize_email",
    "normalize_tags",
    "validate_email",
]
