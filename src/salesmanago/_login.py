"""The login chain (protocol §2.3, §14): user name and password -> a signed client.

``POST /api/authorization/token {username, password}`` answers a temporary
``token`` and the account's server (``endpoint``, a host name); ``POST
/api/account/integration {token, apiKey}`` on that server answers the account's
client id (``shortId``) and the ``sha`` for that apiKey (``sha1``). Neither call
is signed. `Login` describes the chain without I/O; the two sessions send
it, through the pool the client built from it then keeps.
"""

from __future__ import annotations

from typing import Any, Final

import attrs
import httpx

from . import _auth
from ._base_client import AsyncAPIClient, SyncAPIClient, normalize_endpoint
from ._calls import Call, Endpoint, Envelope
from ._validation import check_email
from ._wire import LegacyWire
from .errors import ConfigurationError, ValidationError

__all__ = ["INTEGRATION", "TOKEN", "AsyncLoginSession", "Login", "LoginSession"]

# A repeat only issues another token, or answers the same integration again.
TOKEN: Final = Endpoint("/api/authorization/token", idempotent=True, send_owner=False, signed=False)
INTEGRATION: Final = Endpoint(
    "/api/account/integration", idempotent=True, send_owner=False, signed=False
)


@attrs.frozen
class Token:
    """The token call's answer: the temporary token and the account's server (a base URL)."""

    token: str = attrs.field(repr=False)
    endpoint: str


@attrs.frozen
class Login:
    """One login: the user's name and password, the apiKey to sign with, the owner
    of the client's calls and the server the login goes to."""

    username: str
    password: str = attrs.field(repr=False)
    api_key: str
    owner: str
    url: str

    @classmethod
    def of(
        cls,
        username: str,
        password: str,
        api_key: str | None,
        owner: str | None,
        endpoint: str,
    ) -> Login:
        """The login, every value checked before anything is sent (ConfigurationError)."""
        if not isinstance(username, str) or not username.strip():
            raise ConfigurationError("username must be the login of a platform user")
        if not isinstance(password, str) or not password:
            raise ConfigurationError("password must be a non-empty string")
        try:
            who = check_email(owner if owner is not None else username, "owner")
        except ValidationError as exc:
            raise ConfigurationError(
                f"owner (by default the username) must be the e-mail of a platform user: {exc}"
            ) from None
        return cls(
            username=username.strip(),
            password=password,
            api_key=api_key if api_key is not None else _auth.random_api_key(),
            owner=who,
            url=normalize_endpoint(endpoint),
        )

    def token_call(self) -> Call[Token]:
        """``authorization/token``: the token, and the account's server (the login's
        own when the answer names none; with the login URL's scheme when it names a
        bare host)."""

        def parse(envelope: Envelope) -> Token:
            token = envelope.get("token")
            if not isinstance(token, str) or not token:
                raise TypeError("token: expected a non-empty string")
            return Token(token=token, endpoint=self.account_url(envelope.get("endpoint")))

        body = {"username": self.username, "password": self.password}
        return Call(TOKEN, body, parse)

    def account_url(self, endpoint: object) -> str:
        """The base URL of the account's server named by the token call's ``endpoint``."""
        if endpoint is None or endpoint == "":
            return self.url
        if not isinstance(endpoint, str):
            raise TypeError("endpoint: expected a host name")
        text = endpoint.strip()
        if "://" not in text:
            text = f"{httpx.URL(self.url).scheme}://{text}"
        return normalize_endpoint(text)

    def integration_call(self, token: Token) -> Call[dict[str, str]]:
        """``account/integration``: the client's settings (``client_id``, ``sha``,
        ``api_key``, ``owner``, ``endpoint``)."""

        def parse(envelope: Envelope) -> dict[str, str]:
            short_id = envelope.get("shortId")
            if isinstance(short_id, bool) or not isinstance(short_id, (str, int)):
                raise TypeError("shortId: expected the account's client id")
            if not str(short_id).strip():
                raise ValueError("shortId: expected a non-empty client id")
            sha = envelope.get("sha1")
            if not _auth.is_sha(sha):
                raise ValueError("sha1: expected 40 hexadecimal digits")
            return {
                "client_id": str(short_id).strip(),
                "sha": str(sha),
                "api_key": self.api_key,
                "owner": self.owner,
                "endpoint": token.endpoint,
            }

        return Call(INTEGRATION, {"token": token.token, "apiKey": self.api_key}, parse)


class LoginSession(LegacyWire, SyncAPIClient):
    """Sends the login chain (it has no credentials: its calls are unsigned)."""

    def _log_in(self, login: Login) -> dict[str, Any]:
        """The client's settings, from the token and the integration call."""
        token = self._execute(login.token_call())
        self._base_url = token.endpoint  # the integration call goes to the account's server
        return self._execute(login.integration_call(token))


class AsyncLoginSession(LegacyWire, AsyncAPIClient):
    """Sends the login chain asynchronously (see `LoginSession`)."""

    async def _log_in(self, login: Login) -> dict[str, Any]:
        """The client's settings, from the token and the integration call."""
        token = await self._execute(login.token_call())
        self._base_url = token.endpoint  # the integration call goes to the account's server
        return await self._execute(login.integration_call(token))
