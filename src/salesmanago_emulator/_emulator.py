"""The [`Emulator`][salesmanago_emulator.Emulator]: accounts, clock, lock, call log, and ready SDK
clients.

```python
from salesmanago_emulator import Emulator

emu = Emulator()
emu.add_account(client_id="c1", api_secret="s1", users=["owner@example.com"])
with emu.client() as sm:          # a salesmanago.SalesManago wired to the emulator
    sm.contacts.upsert(...)
```
"""

from __future__ import annotations

import secrets
import string
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, cast, overload

from ._router import CallRecord, Router
from .clock import Clock, FrozenClock, SystemClock
from .errors import InvalidField
from .faults import FaultInjector
from .snapshot import dump_state, load_state
from .state.account import Account
from .transport import EmulatorTransport

if TYPE_CHECKING:
    from salesmanago import AsyncSalesManago, SalesManago

    from .delivery import Deliverer
    from .state.callbacks import OutboxEntry

__all__ = ["DEFAULT_CALL_LOG_SIZE", "EMULATOR_ENDPOINT", "Emulator"]

EMULATOR_ENDPOINT: Final = "http://salesmanago.emulator"
"""The endpoint the clients of [`Emulator.client`][salesmanago_emulator.Emulator.client] use (the
host is never resolved)."""
DEFAULT_CALL_LOG_SIZE: Final = 10_000
"""How many calls the log keeps by default; older ones are dropped first."""


_C = TypeVar("_C", bound=Clock)
_ID_ALPHABET: Final = string.ascii_lowercase + string.digits


def _new_client_id() -> str:
    """A random client id: 16 lower-case letters and digits (protocol §2.1's samples)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))


class Emulator(Generic[_C]):
    """An in-process SALESmanago platform: isolated accounts behind one transport.

    Every request through [`transport`][salesmanago_emulator.Emulator.transport] (and every method
    of this object) runs under one re-entrant lock, so clients in several threads see the
    requests one at a time. Code that works on an [`Account`][salesmanago_emulator.Account] directly
    while requests are running in other threads should hold
    [`lock`][salesmanago_emulator.Emulator.lock].

    ``clock`` defaults to the system clock; pass a
    [`FrozenClock`][salesmanago_emulator.FrozenClock] to move time by hand
    (S3.4). ``call_log_size`` bounds [`calls`][salesmanago_emulator.Emulator.calls] (oldest dropped
    first).
    """

    @overload
    def __init__(
        self: Emulator[SystemClock],
        clock: None = None,
        *,
        call_log_size: int = DEFAULT_CALL_LOG_SIZE,
    ) -> None: ...

    @overload
    def __init__(self, clock: _C, *, call_log_size: int = DEFAULT_CALL_LOG_SIZE) -> None: ...

    def __init__(
        self, clock: _C | None = None, *, call_log_size: int = DEFAULT_CALL_LOG_SIZE
    ) -> None:
        """An emulator with no accounts yet, on ``clock`` (default: the system clock)."""
        if call_log_size < 0:
            raise ValueError(f"call_log_size must be zero or positive, got {call_log_size}")
        self._clock: _C = cast(_C, clock if clock is not None else SystemClock())
        self._lock = threading.RLock()
        self._accounts: dict[str, Account] = {}
        self._calls: deque[CallRecord] = deque(maxlen=call_log_size)
        self._delivery_lock = threading.Lock()  # one callback delivery pass at a time
        self._faults = FaultInjector()
        self._router = Router(
            self._accounts, self._clock, self._lock, self._calls, self._faults, self._register
        )

    @property
    def faults(self) -> FaultInjector:
        """The fault rules (latency, HTTP errors, dropped connections, timeouts) applied
        at the transport; see [`salesmanago_emulator.faults`][salesmanago_emulator.faults]."""
        return self._faults

    @property
    def clock(self) -> _C:
        """The clock every account and the call log read (kept by
        [`reset`][salesmanago_emulator.Emulator.reset])."""
        return self._clock

    @property
    def lock(self) -> threading.RLock:
        """The lock every request holds; take it to touch accounts while requests run."""
        return self._lock

    def add_account(
        self,
        *,
        client_id: str,
        api_secret: str,
        users: Iterable[str],
        timezone: str = "Europe/Warsaw",
        passwords: Mapping[str, str] | None = None,
        consents: Iterable[str | Mapping[str, Any]] = (),
        consent_forms: Iterable[str | Mapping[str, Any]] = (),
    ) -> Account:
        """Create an account with these credentials and users (the valid ``owner`` values).

        ``passwords`` maps users' e-mails to their login passwords (protocol §2.3:
        ``authorization/token``, ``system/authorise``); a user left out cannot log in.
        ``consents`` registers the account's named consents (S10.1), each a name or
        ``{"name": ..., "text": ...}``; ``consent_forms`` its consent forms
        (``consent/form/data``), each a name or ``{"name": ..., "int_id": ...}``
        (ids from 1 by default). A bad consent or form is a ``ValueError`` naming it.

        Raises ``ValueError`` if ``client_id`` is taken or empty, if no user is given,
        or if ``passwords`` names someone who is not among ``users`` or gives a bad
        password (blank, over 256 characters).
        """
        if not isinstance(client_id, str) or not client_id:
            raise ValueError("client_id must be a non-empty string")
        if not isinstance(api_secret, str) or not api_secret:
            raise ValueError("api_secret must be a non-empty string")
        user_list = [users] if isinstance(users, str) else list(users)
        if not user_list:
            raise ValueError("an account needs at least one user (owner e-mail)")
        with self._lock:
            if client_id in self._accounts:
                raise ValueError(f"an account with client_id {client_id!r} already exists")
            account = Account(
                client_id, api_secret, user_list, timezone=timezone, clock=self._clock
            )
            for email, password in (passwords or {}).items():
                try:
                    account.users.set_password(email, password)
                except InvalidField as err:
                    raise ValueError(f"passwords[{email!r}]: {err}") from None
            try:
                account.optin.set_up(consents, consent_forms)
            except InvalidField as err:
                raise ValueError(str(err)) from None
            self._accounts[client_id] = account
            return account

    def _register(self, email: str, password: str) -> Account:
        """A new account for ``system/registeraccount``: ``email`` its one user, with login
        ``password`` (both checked by the route); a fresh client id (16 lower-case letters
        and digits, as the platform's look) and API secret (32 hex digits)."""
        with self._lock:
            client_id = _new_client_id()
            while client_id in self._accounts:
                client_id = _new_client_id()
            return self.add_account(
                client_id=client_id,
                api_secret=secrets.token_hex(16),
                users=[email],
                passwords={email: password},
            )

    def account(self, client_id: str) -> Account:
        """The account with this client id; ``KeyError`` naming the known ones otherwise."""
        with self._lock:
            try:
                return self._accounts[client_id]
            except KeyError:
                known = ", ".join(repr(c) for c in self._accounts) or "none"
                raise KeyError(
                    f"no emulator account with client_id {client_id!r} (known: {known})"
                ) from None

    @property
    def accounts(self) -> list[Account]:
        """Every account, in the order they were added."""
        with self._lock:
            return list(self._accounts.values())

    def transport(self) -> EmulatorTransport:
        """An httpx transport (sync and async) answered by this emulator."""
        return EmulatorTransport(self._router)

    @property
    def calls(self) -> list[CallRecord]:
        """The call log, oldest first (a snapshot; at most ``call_log_size`` entries)."""
        with self._lock:
            return list(self._calls)

    def clear_calls(self) -> None:
        """Empty the call log."""
        with self._lock:
            self._calls.clear()

    def deliverer(self, **options: Any) -> Deliverer:
        """A [`Deliverer`][salesmanago_emulator.delivery.Deliverer] of every account's callbacks.

        ``options`` go to its constructor (``max_attempts``, ``backoff``,
        ``sleep``, ``timeout``, ``http_client``). A server calls
        ``start_background()`` on it and ``close()`` when shutting down.
        """
        from .delivery import Deliverer

        return Deliverer(
            lambda: [account.callbacks for account in self.accounts],
            lock=self._lock,
            pass_lock=self._delivery_lock,
            **options,
        )

    def deliver_callbacks(self, *, retry_failed: bool = False, **options: Any) -> list[OutboxEntry]:
        """POST the pending callbacks of every account now (S10.3, S17.3); loopback URLs only.

        Returns the entries tried, as they ended up; see
        [`deliverer`][salesmanago_emulator.Emulator.deliverer] for ``options``.
        """
        with self.deliverer(**options) as deliverer:
            return deliverer.deliver(retry_failed=retry_failed)

    def reset(self) -> None:
        """Drop every account, the call log and the fault rules; keep the clock."""
        with self._lock:
            self._replace_accounts(())
            self._faults.clear()

    def export_state(self) -> dict[str, Any]:
        """Every account, contact and area, and a frozen clock's instant, as JSON-ready
        data (the format: `salesmanago_emulator.snapshot`)."""
        with self._lock:
            return dump_state(self._accounts.values(), self._clock)

    def import_state(self, data: Mapping[str, Any]) -> None:
        """Replace every account with those of ``data`` (an
        [`export_state`][salesmanago_emulator.Emulator.export_state]); all or nothing.

        A frozen instant in ``data`` moves the clock there when it is a
        [`FrozenClock`][salesmanago_emulator.FrozenClock] (a system clock is left
        alone). The call log is cleared. Bad data raises
        [`SnapshotError`][salesmanago_emulator.snapshot.SnapshotError] naming the path of the
        bad value, and changes nothing.
        """
        with self._lock:
            accounts, now = load_state(data, self._clock)
            self._replace_accounts(accounts)
            if now is not None and isinstance(self._clock, FrozenClock):
                self._clock.set(now)

    def control(self, name: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run the control operation ``name`` (e.g. ``"clock/advance"``) as the server would.

        Returns the answer's fields; a refusal raises
        [`ControlError`][salesmanago_emulator.control.ControlError]. See `control`.
        """
        from .control import call_control

        return call_control(self, name, body)

    def _replace_accounts(self, accounts: Iterable[Account]) -> None:
        """Swap in ready accounts (a state import): the old ones and the call log go."""
        with self._lock:
            self._accounts.clear()
            self._accounts.update((account.client_id, account) for account in accounts)
            self._calls.clear()
            self._router.forget_credentials()

    def _client_setup(
        self,
        client_id: str | None,
        owner: str | None,
        options: dict[str, Any],
    ) -> tuple[str, str, str]:
        """Fill in ``options``' defaults (no retries, this emulator's endpoint and
        transport); the account's id, secret and user, as
        [`client`][salesmanago_emulator.Emulator.client] describes."""
        options.setdefault("max_retries", 0)
        options.setdefault("endpoint", EMULATOR_ENDPOINT)
        if "http_client" not in options:  # the SDK client owns (and closes) its httpx client
            options.setdefault("transport", self.transport())
        return self._credentials(client_id, owner)

    def _credentials(self, client_id: str | None, owner: str | None) -> tuple[str, str, str]:
        with self._lock:
            if client_id is None:
                if not self._accounts:
                    raise LookupError("the emulator has no account yet: call add_account() first")
                account = next(iter(self._accounts.values()))
            else:
                account = self.account(client_id)
            return (
                account.client_id,
                account.api_secret,
                owner if owner is not None else account.users[0],
            )

    def client(
        self, client_id: str | None = None, owner: str | None = None, **options: Any
    ) -> SalesManago:
        """A ``salesmanago.SalesManago`` talking to this emulator.

        ``client_id`` defaults to the first account added, ``owner`` to that
        account's first user; ``max_retries`` defaults to 0. Other keyword
        arguments go to the client's constructor.
        """
        from salesmanago import SalesManago

        account_id, secret, user = self._client_setup(client_id, owner, options)
        return SalesManago(client_id=account_id, api_secret=secret, owner=user, **options)

    def async_client(
        self, client_id: str | None = None, owner: str | None = None, **options: Any
    ) -> AsyncSalesManago:
        """A ``salesmanago.AsyncSalesManago`` talking to this emulator (see
        [`client`][salesmanago_emulator.Emulator.client])."""
        from salesmanago import AsyncSalesManago

        account_id, secret, user = self._client_setup(client_id, owner, options)
        return AsyncSalesManago(client_id=account_id, api_secret=secret, owner=user, **options)

    def __repr__(self) -> str:
        return f"<Emulator accounts={list(self._accounts)} clock={self._clock!r}>"
