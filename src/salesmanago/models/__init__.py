"""Data models of the SALESmanago API, as frozen attrs classes."""

from .common import Addressee, AddresseeType
from .contacts import (
    Address,
    BatchUpsertItem,
    BatchUpsertResult,
    ConsentDetail,
    Contact,
    ContactBasic,
    ContactChange,
    ContactState,
    ContactTag,
    ContactUpsert,
    DictionaryProperty,
    DictionaryPropertyType,
    DoubleOptIn,
    UpsertResult,
)
from .tags import TagCount

__all__ = [
    "Address",
    "Addressee",
    "AddresseeType",
    "BatchUpsertItem",
    "BatchUpsertResult",
    "ConsentDetail",
    "Contact",
    "ContactBasic",
    "ContactChange",
    "ContactState",
    "ContactTag",
    "ContactUpsert",
    "DictionaryProperty",
    "DictionaryPropertyType",
    "DoubleOptIn",
    "TagCount",
    "UpsertResult",
]
