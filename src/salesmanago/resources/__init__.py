"""API areas: each module holds a sync resource and its async twin."""

from .contacts import AsyncContacts, Contacts
from .optin import AsyncOptIn, OptIn
from .tags import AsyncTags, Tags
from .users import AsyncUsers, Users

__all__ = [
    "AsyncContacts",
    "AsyncOptIn",
    "AsyncTags",
    "AsyncUsers",
    "Contacts",
    "OptIn",
    "Tags",
    "Users",
]
