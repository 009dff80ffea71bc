"""The account's users: the valid ``owner`` values (protocol §2.3; semantics S1.4)."""

from __future__ import annotations

from typing import Final

from .._calls import Call, Endpoint, Envelope
from .._options import RequestOptions, Unpack
from ._base import AsyncAPIResource, SyncAPIResource

__all__ = ["AsyncUsers", "Users"]

LIST_BY_CLIENT: Final = Endpoint("/api/user/listByClient", idempotent=True)


def _users(envelope: Envelope) -> list[str]:
    users = envelope.get("users")
    if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
        raise TypeError("users: expected a list of e-mail strings")
    return list(users)


def list_call() -> Call[list[str]]:
    """The e-mails of the account's users (owners)."""
    return Call(LIST_BY_CLIENT, {}, _users)


class Users(SyncAPIResource):
    """The account's users (the people who can own contacts)."""

    def list(self, **options: Unpack[RequestOptions]) -> list[str]:
        """The e-mails of the account's users: the valid ``owner`` values."""
        return self._with(options)._execute(list_call())


class AsyncUsers(AsyncAPIResource):
    """The account's users (the people who can own contacts)."""

    async def list(self, **options: Unpack[RequestOptions]) -> list[str]:
        """The e-mails of the account's users: the valid ``owner`` values."""
        return await self._with(options)._execute(list_call())
