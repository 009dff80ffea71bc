"""Users: the account's users, a contact's main owner, and the login chain
(protocol §2.3, §6, §14; S1.4).

The login chain authenticates by the body (`LOGIN`), never by a
signature: ``system/authorise`` and ``authorization/token`` take a user's e-mail
and password and issue a token (valid 24 h on the emulator's clock);
``account/integration`` trades a token and an ``apiKey`` for the account's id
(``shortId``) and the ``sha1`` that signs requests with that key. A user is looked
for in every account, in the order they were added: the first whose user has that
password logs in. ``authorization/refreshToken`` is a signed call: a new token
for its ``owner``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from ..errors import (
    ALREADY_REGISTERED,
    API_KEY_NOT_SPECIFIED,
    TOKEN_NOT_SPECIFIED,
    USER_NOT_AUTHENTICATED,
    WRONG_TOKEN,
    AuthenticationFailed,
    Conflict,
)
from ..state._normalize import validate_email
from ..state.users import check_password
from ._base import Auth, RequestContext, RouteTable
from ._parse import Body, req_str, to_ms

if TYPE_CHECKING:
    from ..state.account import Account
    from ..state.users import LoginToken

__all__ = ["table"]

table: Final = RouteTable("users")
"""The routes of this module."""


@table.route("/api/user/listByClient", accepts_user=True)
def list_by_client(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """The e-mails of the account's users: the valid ``owner`` values."""
    return {"users": list(ctx.account.users)}


@table.route("/api/contact/setMainOwner")
def set_main_owner(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Make the user ``newOwner`` main owner of the live contact ``contact`` (an e-mail)."""
    contact = req_str(body, "contact")
    new_owner = req_str(body, "newOwner")
    ctx.account.users.set_main_owner(contact, new_owner)
    return {}


# --- the login chain (protocol §2.3) -------------------------------------------------


def _login(ctx: RequestContext, body: Body, user_key: str) -> tuple[Account, LoginToken]:
    """Log the user ``body[user_key]`` in with ``body["password"]``: the first account
    where that user has that password, and a new token. Anything else (a key missing,
    blank or not a string, no such user, a wrong password) -> ``User not authenticated``."""
    user, password = body.get(user_key), body.get("password")
    if isinstance(user, str) and isinstance(password, str):
        for account in ctx.accounts:
            if account.users.authenticates(user, password):
                return account, account.users.login(user, password)
    raise AuthenticationFailed(USER_NOT_AUTHENTICATED)


@table.route("/api/system/registeraccount", auth=Auth.LOGIN)
def register_account(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Register a new account (partners only): ``email`` its user with ``password``;
    answers the account's ``clientId`` and ``apiSecret``."""
    email = validate_email(req_str(body, "email"), "email")
    password = check_password(req_str(body, "password"), "password")
    if any(account.users.is_user(email) for account in ctx.accounts):
        raise Conflict(ALREADY_REGISTERED)
    account = ctx.register(email, password)
    return {"clientId": account.client_id, "apiSecret": account.api_secret}


@table.route("/api/system/authorise", auth=Auth.LOGIN)
def authorise(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Log in with ``userName`` and ``password``: the ``clientId``, a token and its ``validTo``."""
    account, token = _login(ctx, body, "userName")
    return {"clientId": account.client_id, "token": token.value, "validTo": to_ms(token.valid_to)}


@table.route("/api/authorization/token", auth=Auth.LOGIN)
def authorization_token(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Log in with ``username`` and ``password``: a token, and the ``endpoint`` reached.

    ``endpoint`` is the ``host[:port]`` the request was sent to (no scheme): where the
    client sends its next calls.
    """
    _, token = _login(ctx, body, "username")
    return {"token": token.value, "endpoint": ctx.host}


@table.route("/api/account/integration", auth=Auth.LOGIN)
def account_integration(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Trade a login ``token`` and an ``apiKey`` for ``shortId`` (clientId) and ``sha1``.

    ``sha1`` is the signature of requests made with that ``apiKey`` (protocol §2.2).
    """
    value = body.get("token")
    if not isinstance(value, str) or not value.strip():
        raise AuthenticationFailed(TOKEN_NOT_SPECIFIED)
    account = next((a for a in ctx.accounts if a.users.token(value) is not None), None)
    if account is None:
        raise AuthenticationFailed(WRONG_TOKEN)
    api_key = body.get("apiKey")
    if not isinstance(api_key, str) or not api_key:
        raise AuthenticationFailed(API_KEY_NOT_SPECIFIED)
    return {"shortId": account.client_id, "sha1": account.signature(api_key)}


@table.route("/api/authorization/refreshToken")
def refresh_token(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """A new login token for the ``owner`` (a user with a password), and its ``validTo``."""
    token = ctx.account.users.refresh_token(ctx.owner)
    return {"token": token.value, "validTo": to_ms(token.valid_to)}
