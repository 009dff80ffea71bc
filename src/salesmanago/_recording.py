"""Recording a client's calls as JSON Lines: the log ``salesmanago-emulator replay`` reads.

A [`CallRecorder`][salesmanago.CallRecorder] writes one line per HTTP request a client sent and got
an answer to: the method, the URL path, the request body and the answer's status and
body, and when the answer came. Secrets are masked exactly as the emulator's call log
masks them (``salesmanago_emulator.CallRecord``): in the request, the value of every key
`REQUEST_SECRETS` names (``sha``, ``apiSecret``, ``password``, ``token``, API keys ...,
compared without case, at any depth), in the answer ``token``, ``sha1`` and
``apiSecret`` (the login chain's), each replaced by ``"***"``. No header
is recorded (API v3's ``API-KEY`` travels in one). The log still holds contact data
(e-mails, names, events): keep it like the data it holds.

Turn it on with ``SalesManago(record="calls.jsonl")`` (or a
[`CallRecorder`][salesmanago.CallRecorder]), or attach a recorder to any client or ``httpx`` client
through its event hooks ([`CallRecorder.attach`][salesmanago.CallRecorder.attach],
[`CallRecorder.hooks`][salesmanago.CallRecorder.hooks]).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

import httpx

from . import _converter

if TYPE_CHECKING:
    from ._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["MASK", "CallRecorder", "attach_recorder", "mask_answer", "mask_request"]

MASK: Final = "***"
"""What replaces a secret in a recorded line (the emulator's call log writes the same)."""
REQUEST_SECRETS: Final = frozenset(
    {
        "sha",
        "sha1",
        "apisecret",
        "api_secret",
        "secret",
        "password",
        "passwords",
        "token",
        "apikeys",
        "api-key",
    }
)
"""Request keys (lower case; compared without case) whose values are masked, at any depth."""
ANSWER_SECRETS: Final = frozenset({"token", "sha1", "apiSecret"})
"""Answer keys masked, at the top level (the login chain's token and sha, protocol §2.3)."""


def _mask_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, list):
        return [MASK] * len(value)
    return MASK


def _masked(value: object) -> object:
    if isinstance(value, dict):
        return {
            k: _mask_value(v) if isinstance(k, str) and k.lower() in REQUEST_SECRETS else _masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def mask_request(body: object) -> object:
    """A request body as the log keeps it: every secret key's value masked, at any
    depth (a new object; non-objects are returned as they are)."""
    return _masked(body) if isinstance(body, dict) else body


def mask_answer(body: object) -> object:
    """An answer as the log keeps it: the login chain's secrets masked (top level)."""
    if not isinstance(body, dict) or body.keys().isdisjoint(ANSWER_SECRETS):
        return body
    return {k: MASK if k in ANSWER_SECRETS else v for k, v in body.items()}


def _json_or_none(content: bytes) -> object:
    """A body decoded as JSON (fractions exact), ``None`` when it is empty or no JSON
    (an export's CSV file, an HTML error page)."""
    if not content:
        return None
    try:
        return _converter.loads(content)
    except (ValueError, RecursionError):
        return None


def line_of(response: httpx.Response, at: datetime) -> str:
    """The JSON line recording ``response`` (already read) and its request."""
    request = response.request
    entry: dict[str, Any] = {
        "method": request.method,
        "path": request.url.path,
        "request": mask_request(_json_or_none(request.content)),
        "status": response.status_code,
        "response": mask_answer(_json_or_none(response.content)),
        "at": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    return _converter.dumps(entry).decode("utf-8")


class CallRecorder:
    """Writes a client's calls to a JSON Lines file (or an open text stream).

    Each line is flushed when written, so a crashed program leaves a log complete up
    to its last answered request. A request that got no answer (a connection error,
    a timeout) is not recorded: there is no answer to compare. Retries are separate
    requests and separate lines. Safe to share between threads and tasks.

    Args:
        target: a file path (lines are appended; the file is created if missing) or
            an open text stream (written and flushed, never closed).
        now: where the time of each line comes from (tests pass a fixed one); the
            default is the system clock in UTC.
    """

    def __init__(
        self,
        target: str | os.PathLike[str] | TextIO,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._path: Path | None = None
        self._stream: TextIO | None = None
        if isinstance(target, (str, os.PathLike)):
            self._path = Path(target)
        else:
            self._stream = target
        self._now = now if now is not None else _utc_now
        self._lock = threading.Lock()
        self.lines = 0
        """How many lines this recorder has written."""

    @classmethod
    def of(cls, target: str | os.PathLike[str] | TextIO | CallRecorder) -> CallRecorder:
        """``target`` if it is a recorder, else a recorder writing to it."""
        return target if isinstance(target, CallRecorder) else cls(target)

    def record(self, response: httpx.Response) -> None:
        """Write the line of ``response`` (its body already read) and its request."""
        text = line_of(response, self._now()) + "\n"
        with self._lock:
            if self._path is not None:
                with self._path.open("a", encoding="utf-8") as file:
                    file.write(text)
            else:
                assert self._stream is not None
                self._stream.write(text)
                self._stream.flush()
            self.lines += 1

    def on_response(self, response: httpx.Response) -> None:
        """The ``httpx.Client`` response hook: reads the body, then records it."""
        response.read()
        self.record(response)

    async def on_async_response(self, response: httpx.Response) -> None:
        """The ``httpx.AsyncClient`` response hook: reads the body, then records it."""
        await response.aread()
        self.record(response)

    def hooks(self) -> dict[str, list[Callable[[httpx.Response], None]]]:
        """``event_hooks`` for an ``httpx.Client`` of your own:
        ``httpx.Client(event_hooks=recorder.hooks())``."""
        return {"response": [self.on_response]}

    def async_hooks(self) -> dict[str, list[Callable[[httpx.Response], Awaitable[None]]]]:
        """``event_hooks`` for an ``httpx.AsyncClient`` of your own."""
        return {"response": [self.on_async_response]}

    def attach(self, client: SyncAPIClient | AsyncAPIClient) -> None:
        """Record every call of ``client`` (a ``SalesManago`` or ``AsyncSalesManago``,
        e.g. one made by ``from_login``) from now on. The hook goes on the client's
        ``httpx`` client, so its ``with_options`` clones (same pool) are recorded
        too, and an ``http_client`` you passed in records its other requests as well."""
        http: httpx.Client | httpx.AsyncClient = client._http
        hook = self.on_async_response if isinstance(http, httpx.AsyncClient) else self.on_response
        hooks: Mapping[str, list[Any]] = http.event_hooks
        hooks["response"].append(hook)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def attach_recorder(
    client: SyncAPIClient | AsyncAPIClient,
    record: str | os.PathLike[str] | TextIO | CallRecorder | None,
) -> None:
    """The constructors' ``record=``: attach a recorder to ``client`` when one is asked."""
    if record is not None:
        CallRecorder.of(record).attach(client)
