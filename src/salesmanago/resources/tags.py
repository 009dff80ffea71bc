"""Tags: add and remove on a contact, the account's tag list (protocol §7; S5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from .. import _converter
from .._calls import Call, Endpoint, Envelope
from .._options import RequestOptions, Unpack
from .._validation import check_email, check_tags
from ..errors import ValidationError
from ..models.tags import TagCount
from ._base import AsyncAPIResource, SyncAPIResource

__all__ = ["AsyncTags", "Tags"]

MANAGE_TAGS: Final = Endpoint("/api/contact/managetags", idempotent=True)
# Protocol §7: the v2 tag list takes only ``showSystemTags``, no ``owner``.
TAG_LIST: Final = Endpoint("/api/v2/contact/tags", idempotent=True, send_owner=False)


def manage_call(email: str, add: Sequence[str], remove: Sequence[str]) -> Call[str]:
    """Add and remove tags on one live contact; returns its id."""
    if isinstance(add, str) or isinstance(remove, str):
        raise ValidationError("tags", "must be a list of tag names, not a single string")
    if not add and not remove:
        raise ValidationError("tags", "add or remove at least one tag")
    body = {
        "email": check_email(email, "email"),
        "tags": check_tags(add, "tags"),
        "removeTags": check_tags(remove, "removeTags"),
    }
    return Call(MANAGE_TAGS, body, _contact_id)


def _contact_id(envelope: Envelope) -> str:
    contact_id = envelope.get("contactId")
    if not isinstance(contact_id, str):
        raise TypeError("contactId: expected a string")
    return contact_id


def list_call(show_system_tags: bool) -> Call[list[TagCount]]:
    """The account's tags with how many live contacts carry each (S5.3)."""
    return Call(
        TAG_LIST,
        {"showSystemTags": show_system_tags},
        lambda e: _converter.structure(e.get("tags") or [], list[TagCount]),
    )


class Tags(SyncAPIResource):
    """Tags on contacts and in the account (semantics S5)."""

    def manage(
        self,
        email: str,
        *,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        **options: Unpack[RequestOptions],
    ) -> str:
        """Add ``add`` and remove ``remove`` on the contact; returns its id. The platform
        normalises names (upper case, national letters folded, S5.1)."""
        return self._with(options)._execute(manage_call(email, add, remove))

    def list(
        self, *, show_system_tags: bool = False, **options: Unpack[RequestOptions]
    ) -> list[TagCount]:
        """Every tag of the account with its number of tagged (live) contacts."""
        return self._with(options)._execute(list_call(show_system_tags))


class AsyncTags(AsyncAPIResource):
    """Tags on contacts and in the account (semantics S5)."""

    async def manage(
        self,
        email: str,
        *,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        **options: Unpack[RequestOptions],
    ) -> str:
        """Add ``add`` and remove ``remove`` on the contact; returns its id. The platform
        normalises names (upper case, national letters folded, S5.1)."""
        return await self._with(options)._execute(manage_call(email, add, remove))

    async def list(
        self, *, show_system_tags: bool = False, **options: Unpack[RequestOptions]
    ) -> list[TagCount]:
        """Every tag of the account with its number of tagged (live) contacts."""
        return await self._with(options)._execute(list_call(show_system_tags))
