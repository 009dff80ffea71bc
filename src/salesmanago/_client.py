"""The two clients: [`SalesManago`][salesmanago.SalesManago] (blocking) and
[`AsyncSalesManago`][salesmanago.AsyncSalesManago]."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

import httpx

from . import _auth
from ._base_client import (
    DEFAULT_ENDPOINT,
    DEFAULT_MAX_CONCURRENT_REQUESTS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    AsyncAPIClient,
    AsyncSleep,
    SyncAPIClient,
    normalize_endpoint,
    resolve_setting,
)
from ._login import AsyncLoginSession, Login, LoginSession
from ._recording import CallRecorder, attach_recorder
from ._validation import check_email
from ._wire import LegacyWire
from .errors import ConfigurationError, ValidationError
from .resources.activity import Activity, AsyncActivity
from .resources.campaigns import AsyncCampaigns, Campaigns
from .resources.contacts import AsyncContacts, Contacts
from .resources.coupons import AsyncCoupons, Coupons
from .resources.events import AsyncEvents, Events
from .resources.exports import AsyncExports, Exports
from .resources.funnels import AsyncFunnels, Funnels
from .resources.loyalty import AsyncLoyalty, Loyalty
from .resources.messages import AsyncMessages, Messages
from .resources.notes import AsyncNotes, Notes
from .resources.optin import AsyncOptIn, OptIn
from .resources.rules import AsyncRules, AsyncWorkflows, Rules, Workflows
from .resources.scoring import AsyncScoring, Scoring
from .resources.tags import AsyncTags, Tags
from .resources.tasks import AsyncTasks, Tasks
from .resources.users import AsyncUsers, Users

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["AsyncSalesManago", "SalesManago"]


def _identity(
    original: LegacyWire | None,
    client_id: str | None,
    api_secret: str | None,
    sha: str | None,
    owner: str | None,
    endpoint: str | None,
    api_key: str | None,
) -> tuple[_auth.Credentials, str]:
    """The client's credentials and endpoint: a ``with_options`` clone's are its
    original's (whose secret is not kept); any other client's are resolved from the
    arguments and their ``SALESMANAGO_*`` fallbacks. A ready ``sha`` replaces the
    secret (``api_secret`` is then neither taken nor looked up) and needs the
    ``api_key`` it was computed with."""
    if original is not None:
        return original._credentials, original.base_url
    if sha is not None and api_secret is not None:
        raise ConfigurationError(
            "pass api_secret or sha, not both: sha is computed from the secret (protocol §2.2)"
        )
    if sha is not None and api_key is None:
        raise ConfigurationError(
            "sha needs api_key: a sha signs the apiKey it was computed with "
            "(sha = SHA1(apiKey + clientId + apiSecret)); pass that api_key"
        )
    cid = resolve_setting("client_id", client_id)
    secret = None if sha is not None else resolve_setting("api_secret", api_secret)
    who = resolve_setting("owner", owner)
    if cid is None or who is None:  # pragma: no cover - required=True
        raise ConfigurationError("missing credentials")
    try:
        who = check_email(who, "owner")
    except ValidationError as exc:
        raise ConfigurationError(f"owner must be the e-mail of a platform user: {exc}") from None
    configured = resolve_setting("endpoint", endpoint, required=False)
    base = normalize_endpoint(configured or DEFAULT_ENDPOINT)
    key = api_key if api_key is not None else _auth.random_api_key()
    credentials = _auth.Credentials(
        client_id=cid, api_secret=secret, sha=sha, owner=who, api_key=key
    )
    return credentials, base


def _login(
    username: str, password: str, api_key: str | None, owner: str | None, endpoint: str | None
) -> Login:
    """The login of [`SalesManago.from_login`][salesmanago.SalesManago.from_login]; the login URL
    falls back like a client's endpoint (``SALESMANAGO_ENDPOINT``, then the default server)."""
    url = resolve_setting("endpoint", endpoint, required=False) or DEFAULT_ENDPOINT
    return Login.of(username, password, api_key, owner, url)


class SalesManago(LegacyWire, SyncAPIClient):
    """A blocking client for the SALESmanago API.

    Every argument is keyword-only. ``client_id``, ``api_secret``, ``owner`` and
    ``endpoint`` fall back to ``SALESMANAGO_CLIENT_ID``, ``SALESMANAGO_API_SECRET``,
    ``SALESMANAGO_OWNER`` and ``SALESMANAGO_ENDPOINT``; a value missing from both
    raises [`ConfigurationError`][salesmanago.errors.ConfigurationError].
    [`from_login`][salesmanago.SalesManago.from_login] builds a client from a user's login instead.

    Args:
        client_id: the account's client id (Settings → Integration).
        api_secret: the account's API secret; never sent, never printed.
        owner: e-mail of the platform user in whose name calls run.
        endpoint: the account's server (``app2.salesmanago.pl`` ...) or any
            ``http(s)://`` URL (e.g. an emulator). Default ``https://app2.salesmanago.pl``.
        api_key: the random string that salts the signature; random per client
            if not given.
        sha: a ready signature, ``SHA1(apiKey + clientId + apiSecret)`` in hex,
            instead of ``api_secret`` (not with it); needs the ``api_key`` it was
            computed with. Never printed.
        timeout: seconds per HTTP attempt (default 30), or an ``httpx.Timeout``
            used as is.
        default_headers: headers sent with every request, after the SDK's own: they
            may replace ``Accept`` and ``User-Agent``, not ``Content-Type``,
            ``Content-Length``, ``Transfer-Encoding``, ``Host`` or ``API-KEY``
            (ConfigurationError). Never logged or printed.
        max_retries: retries after a retryable failure (default 2).
        http_client: an ``httpx.Client`` to send with; the caller keeps ownership
            of it (and closes it).
        transport: an ``httpx`` transport for the client's own ``httpx.Client``
            (e.g. the emulator's); [`close`][salesmanago.SalesManago.close] closes it. Not with
            ``http_client``.
        sleep: how to wait between retries (tests inject a recorder).
        record: write every call to this JSON Lines file (or stream, or
            [`CallRecorder`][salesmanago.CallRecorder]), secrets masked, for
            ``salesmanago-emulator replay`` (see "Verifying the emulator against
            your account").
    """

    contacts: Contacts
    tags: Tags
    optin: OptIn
    users: Users
    events: Events
    coupons: Coupons
    notes: Notes
    tasks: Tasks
    funnels: Funnels
    campaigns: Campaigns
    scoring: Scoring
    exports: Exports
    activity: Activity
    rules: Rules
    workflows: Workflows
    loyalty: Loyalty
    messages: Messages

    def __init__(
        self,
        *,
        client_id: str | None = None,
        api_secret: str | None = None,
        owner: str | None = None,
        endpoint: str | None = None,
        api_key: str | None = None,
        sha: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        default_headers: Mapping[str, str] | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        transport: httpx.BaseTransport | None = None,
        _original: SalesManago | None = None,
        record: str | os.PathLike[str] | TextIO | CallRecorder | None = None,
    ) -> None:
        self._credentials, base_url = _identity(
            _original, client_id, api_secret, sha, owner, endpoint, api_key
        )
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            default_headers=default_headers,
            max_retries=max_retries,
            http_client=http_client,
            sleep=sleep,
            transport=transport,
            original=_original,
        )
        self._bind_resources()
        attach_recorder(self, record)

    @classmethod
    def from_login(
        cls,
        *,
        username: str,
        password: str,
        api_key: str | None = None,
        owner: str | None = None,
        endpoint: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        default_headers: Mapping[str, str] | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> SalesManago:
        """Log in as a platform user and return a client of that user's account.

        ``POST /api/authorization/token`` with the login answers a token and the
        account's server; ``POST /api/account/integration`` there answers the
        client id and the ``sha`` for ``api_key`` (protocol §2.3). The client signs
        with that sha (the secret is never known) and sends through the pool of the
        login. A wrong login raises [`AuthenticationError`][salesmanago.errors.AuthenticationError]
        with the platform's text.

        Args:
            username: the user's login (an e-mail).
            password: the user's password; sent once, never kept or printed.
            api_key: the apiKey the sha is asked for; random if not given.
            owner: the user the client's calls run as; default ``username``.
            endpoint: where to log in (like the constructor's ``endpoint``); the
                client then calls the server the platform answers, with this URL's
                scheme when it names a bare host.
            timeout: as in the constructor; also for the login's calls.
            default_headers: as in the constructor; also for the login's calls.
            max_retries: as in the constructor; also for the login's calls.
            http_client: as in the constructor; also for the login's calls.
            sleep: as in the constructor; also for the login's calls.
            transport: as in the constructor; also for the login's calls.
        """
        login = _login(username, password, api_key, owner, endpoint)
        session = LoginSession(
            base_url=login.url,
            timeout=timeout,
            default_headers=default_headers,
            max_retries=max_retries,
            http_client=http_client,
            sleep=sleep,
            transport=transport,
        )
        try:
            client = cls(
                **session._log_in(login),
                timeout=timeout,
                default_headers=default_headers,
                max_retries=max_retries,
                http_client=session._http,
                sleep=sleep,
            )
        except BaseException:
            session.close()
            raise
        client._owns_http = session._owns_http  # a pool made for the login is the client's
        return client

    def _bind_resources(self) -> None:
        self.contacts = Contacts(self)
        self.tags = Tags(self)
        self.optin = OptIn(self)
        self.users = Users(self)
        self.events = Events(self)
        self.coupons = Coupons(self)
        self.notes = Notes(self)
        self.tasks = Tasks(self)
        self.funnels = Funnels(self)
        self.campaigns = Campaigns(self)
        self.scoring = Scoring(self)
        self.exports = Exports(self)
        self.activity = Activity(self)
        self.rules = Rules(self)
        self.workflows = Workflows(self)
        self.loyalty = Loyalty(self)
        self.messages = Messages(self)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> SalesManago:
        """A client like this one with the settings given changed.

        It keeps every other setting (credentials, endpoint, ``sleep``) and sends
        through this client's connection pool, which it never closes: closing this
        client closes the pool. ``default_headers`` are merged onto this client's (a
        name given again replaces its value); ``timeout`` takes an ``httpx.Timeout`` too.
        """
        return type(self)(**self._clone_settings(timeout, max_retries, default_headers))


class AsyncSalesManago(LegacyWire, AsyncAPIClient):
    """An asynchronous client for the SALESmanago API (see
    [`SalesManago`][salesmanago.SalesManago]).

    ``http_client`` is an ``httpx.AsyncClient``, ``transport`` an
    ``httpx.AsyncBaseTransport``; ``sleep`` an async callable.
    Multi-request operations (lists over 50 keys, batch upserts) send up to
    [`concurrency`][salesmanago.AsyncSalesManago.concurrency] requests at a time. However many tasks
    share the client, at most ``max_concurrent_requests`` (default 16) requests are in
    flight at once; the others wait their turn in the client.

    Over ``httpx``'s own transport (the pool the client builds, or an
    ``httpx.AsyncHTTPTransport`` given as ``transport``), requests enter the pool one at
    a time, each once the one before holds its connection (httpcore 1.0 would hand
    one idle connection to several), the wait counting towards the pool timeout; the
    pool the client builds holds ``max_concurrent_requests`` connections and keeps as
    many alive. A given ``http_client`` is used as it is (see "The async client's
    connection pool" in the configuration guide).
    """

    contacts: AsyncContacts
    tags: AsyncTags
    optin: AsyncOptIn
    users: AsyncUsers
    events: AsyncEvents
    coupons: AsyncCoupons
    notes: AsyncNotes
    tasks: AsyncTasks
    funnels: AsyncFunnels
    campaigns: AsyncCampaigns
    scoring: AsyncScoring
    exports: AsyncExports
    activity: AsyncActivity
    rules: AsyncRules
    workflows: AsyncWorkflows
    loyalty: AsyncLoyalty
    messages: AsyncMessages

    def __init__(
        self,
        *,
        client_id: str | None = None,
        api_secret: str | None = None,
        owner: str | None = None,
        endpoint: str | None = None,
        api_key: str | None = None,
        sha: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        default_headers: Mapping[str, str] | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        sleep: AsyncSleep | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        _original: AsyncSalesManago | None = None,
        record: str | os.PathLike[str] | TextIO | CallRecorder | None = None,
        max_concurrent_requests: int = DEFAULT_MAX_CONCURRENT_REQUESTS,
    ) -> None:
        self._credentials, base_url = _identity(
            _original, client_id, api_secret, sha, owner, endpoint, api_key
        )
        super().__init__(
            base_url=base_url,
            timeout=timeout,
            default_headers=default_headers,
            max_retries=max_retries,
            http_client=http_client,
            sleep=sleep,
            max_concurrent_requests=max_concurrent_requests,
            transport=transport,
            original=_original,
        )
        self._bind_resources()
        attach_recorder(self, record)

    @classmethod
    async def from_login(
        cls,
        *,
        username: str,
        password: str,
        api_key: str | None = None,
        owner: str | None = None,
        endpoint: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        default_headers: Mapping[str, str] | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: httpx.AsyncClient | None = None,
        sleep: AsyncSleep | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_concurrent_requests: int = DEFAULT_MAX_CONCURRENT_REQUESTS,
    ) -> AsyncSalesManago:
        """Log in as a platform user and return a client of that user's account (see
        [`SalesManago.from_login`][salesmanago.SalesManago.from_login]); to be awaited."""
        login = _login(username, password, api_key, owner, endpoint)
        session = AsyncLoginSession(
            base_url=login.url,
            timeout=timeout,
            default_headers=default_headers,
            max_retries=max_retries,
            http_client=http_client,
            sleep=sleep,
            transport=transport,
            max_concurrent_requests=max_concurrent_requests,
        )
        try:
            client = cls(
                **await session._log_in(login),
                timeout=timeout,
                default_headers=default_headers,
                max_retries=max_retries,
                http_client=session._http,
                sleep=sleep,
                max_concurrent_requests=max_concurrent_requests,
            )
        except BaseException:
            await session.close()
            raise
        client._owns_http = session._owns_http  # a pool made for the login is the client's
        client._entry = session._entry  # and so is the pool's entry
        return client

    def _bind_resources(self) -> None:
        self.contacts = AsyncContacts(self)
        self.tags = AsyncTags(self)
        self.optin = AsyncOptIn(self)
        self.users = AsyncUsers(self)
        self.events = AsyncEvents(self)
        self.coupons = AsyncCoupons(self)
        self.notes = AsyncNotes(self)
        self.tasks = AsyncTasks(self)
        self.funnels = AsyncFunnels(self)
        self.campaigns = AsyncCampaigns(self)
        self.scoring = AsyncScoring(self)
        self.exports = AsyncExports(self)
        self.activity = AsyncActivity(self)
        self.rules = AsyncRules(self)
        self.workflows = AsyncWorkflows(self)
        self.loyalty = AsyncLoyalty(self)
        self.messages = AsyncMessages(self)

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
    ) -> AsyncSalesManago:
        """A client like this one with the settings given changed (see
        [`SalesManago.with_options`][salesmanago.SalesManago.with_options]); it also shares this
        client's ``max_concurrent_requests`` limit and keeps its
        [`concurrency`][salesmanago.AsyncSalesManago.concurrency]."""
        return type(self)(**self._clone_settings(timeout, max_retries, default_headers))
