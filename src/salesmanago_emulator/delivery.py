"""Delivery of queued callbacks: HTTP POSTs to loopback URLs, with retries (S10.3, S17.3).

The state layer (`salesmanago_emulator.state.callbacks`) only queues
entries in each account's outbox; a [`Deliverer`][salesmanago_emulator.delivery.Deliverer] sends
them. Only loopback hosts are ever called (``127.0.0.1`` and the rest of ``127/8``,
``::1``, ``localhost``): an entry for any other host is refused, kept in the
outbox with the reason, and never sent, so an emulator configured with a
shop's production URLs cannot reach it.

An entry is tried up to ``max_attempts`` times in all, waiting
``backoff·2ⁿ`` seconds (capped at ``max_backoff``) between tries of one pass;
a failure (connection error, timeout, non-2xx answer) stays in the outbox with
its error. ``deliver(retry_failed=True)`` gives exhausted entries a new round.

In process, ``Emulator.deliver_callbacks()`` runs one pass synchronously. A
server runs one in the background::

    deliverer = emulator.deliverer()
    deliverer.start_background(interval=1.0)
    ...
    deliverer.stop()

The account lock is held only to read and update the outbox, never during a
POST, so a handler may call the emulator back while it is being called.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Final

import httpx

from .state.callbacks import CallbacksArea, OutboxEntry

__all__ = [
    "DEFAULT_BACKOFF",
    "DEFAULT_INTERVAL",
    "DEFAULT_MAX_ATTEMPTS",
    "DEFAULT_MAX_BACKOFF",
    "DEFAULT_TIMEOUT",
    "Deliverer",
    "is_loopback_url",
    "refusal",
]

DEFAULT_MAX_ATTEMPTS: Final = 3
"""POSTs per entry before it is left failed in the outbox."""
DEFAULT_BACKOFF: Final = 0.5
"""Seconds before the first retry; doubled for each further one."""
DEFAULT_MAX_BACKOFF: Final = 8.0
"""Longest wait between two tries, in seconds."""
DEFAULT_TIMEOUT: Final = 5.0
"""Seconds a POST may take."""
DEFAULT_INTERVAL: Final = 1.0
"""Seconds between two background passes."""

_USER_AGENT: Final = "salesmanago-emulator-callbacks"


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` is http(s) to ``localhost`` or a loopback IP address."""
    return refusal(url) is None


def refusal(url: str) -> str | None:
    """Why the emulator will not call ``url``, or ``None`` if it will (a loopback host)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as err:
        return f"refused: invalid URL {url!r} ({err})"
    if parsed.scheme not in ("http", "https"):
        return f"refused: scheme {parsed.scheme!r} is not http or https"
    host = parsed.host.lower()
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass  # a host name other than localhost, not an IP address: refused below
    return (
        f"refused: host {host!r} is not a loopback host "
        "(the emulator calls only 127.0.0.1, ::1 or localhost)"
    )


class Deliverer:
    """Sends the pending outbox entries of some accounts to their URLs.

    ``areas`` returns the callback areas to serve (read under ``lock``);
    ``sleep`` waits between retries (default: an interruptible wait that
    [`stop`][salesmanago_emulator.delivery.Deliverer.stop] cuts short); ``http_client`` replaces the
    default ``httpx.Client`` (no proxies from the environment, no redirects).
    ``pass_lock`` serialises passes of deliverers that share it, so an entry
    is never POSTed twice at once.
    """

    def __init__(
        self,
        areas: Callable[[], Iterable[CallbacksArea]],
        *,
        lock: threading.RLock | None = None,
        pass_lock: threading.Lock | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff: float = DEFAULT_BACKOFF,
        max_backoff: float = DEFAULT_MAX_BACKOFF,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], object] | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        """Configure; nothing is sent until
        [`deliver`][salesmanago_emulator.delivery.Deliverer.deliver] or
        [`start_background`][salesmanago_emulator.delivery.Deliverer.start_background]."""
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
        if backoff < 0 or max_backoff < 0:
            raise ValueError("backoff and max_backoff must be zero or positive")
        self._areas = areas
        self._lock: contextlib.AbstractContextManager[object] = (
            lock if lock is not None else contextlib.nullcontext()
        )
        self._pass_lock = pass_lock if pass_lock is not None else threading.Lock()
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._stopping = threading.Event()
        self._sleep = sleep if sleep is not None else self._stopping.wait
        self._own_client = http_client is None
        self._client = http_client or httpx.Client(
            timeout=timeout, follow_redirects=False, trust_env=False
        )
        self._thread: threading.Thread | None = None

    # --- one pass ----------------------------------------------------------------

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (0 = the first retry)."""
        return float(min(self.backoff * 2**retry, self.max_backoff))

    def deliver(self, *, retry_failed: bool = False) -> list[OutboxEntry]:
        """Try every pending entry once round; return them as they ended up.

        An entry gets the tries it has left of ``max_attempts`` (all of them
        again with ``retry_failed``); a refused one is not sent at all. Waits
        for a pass running elsewhere (same ``pass_lock``) to end first: do not
        call it while holding ``lock`` if a background pass may be running.
        """
        with self._pass_lock:
            return self._pass(retry_failed)

    def try_deliver(self, *, retry_failed: bool = False) -> list[OutboxEntry] | None:
        """Like [`deliver`][salesmanago_emulator.delivery.Deliverer.deliver], but ``None`` at once
        if another pass is running.

        Safe while holding ``lock`` (a control operation): never waits for a
        pass that may itself wait for ``lock``.
        """
        if not self._pass_lock.acquire(blocking=False):
            return None
        try:
            return self._pass(retry_failed)
        finally:
            self._pass_lock.release()

    def _pass(self, retry_failed: bool) -> list[OutboxEntry]:
        with self._lock:
            work = [(area, e) for area in self._areas() for e in area.outbox(pending_only=True)]
        done: list[OutboxEntry] = []
        for area, entry in work:
            result = self._deliver_one(area, entry, retry_failed=retry_failed)
            if result is not None:
                done.append(result)
        return done

    def _deliver_one(
        self, area: CallbacksArea, entry: OutboxEntry, *, retry_failed: bool
    ) -> OutboxEntry | None:
        clock = area.account.clock
        reason = refusal(entry.url)
        if reason is not None:
            with self._lock:
                return area.record_attempt(entry.id, clock.now(), error=reason, sent=False)
        budget = self.max_attempts if retry_failed else self.max_attempts - entry.attempts
        body = json.dumps(entry.payload, separators=(",", ":"), ensure_ascii=False).encode()
        result: OutboxEntry | None = None
        for attempt in range(budget):
            if attempt:
                self._sleep(self.delay(attempt - 1))
            error = self._post(entry.url, body)
            with self._lock:
                result = area.record_attempt(entry.id, clock.now(), error=error)
            if error is None or result is None:
                break
        return result

    def _post(self, url: str, body: bytes) -> str | None:
        headers = {"Content-Type": "application/json", "User-Agent": _USER_AGENT}
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as err:
            return f"{type(err).__name__}: {err}"
        if 200 <= response.status_code < 300:
            return None
        return f"HTTP {response.status_code} from {url}"

    # --- background --------------------------------------------------------------

    def start_background(self, *, interval: float = DEFAULT_INTERVAL) -> None:
        """Deliver in a daemon thread every ``interval`` seconds until
        [`stop`][salesmanago_emulator.delivery.Deliverer.stop]."""
        if interval <= 0:
            raise ValueError(f"interval must be positive, got {interval}")
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("the background delivery is already running")
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._run, args=(interval,), name="salesmanago-emulator-callbacks", daemon=True
        )
        self._thread.start()

    def _run(self, interval: float) -> None:
        while not self._stopping.wait(interval):
            with contextlib.suppress(Exception):  # one bad pass must not end the thread
                self.deliver()

    @property
    def running(self) -> bool:
        """Whether the background thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        """End the background thread (an ongoing wait between retries is cut short)."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    def close(self) -> None:
        """Stop the background thread and close the HTTP client if it is ours."""
        self.stop()
        if self._own_client:
            self._client.close()

    def __enter__(self) -> Deliverer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
