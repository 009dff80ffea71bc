"""Fault injection: latency, HTTP errors, rate limits, dropped connections, timeouts.

Every [`Emulator`][salesmanago_emulator.Emulator] has a
[`FaultInjector`][salesmanago_emulator.faults.FaultInjector] at ``emulator.faults``. A rule names
what goes wrong, for which requests (a path, exact or a glob such as ``/api/contact/*``, and/or an
account's client id), and how often (``times`` matching requests, and/or a ``probability`` drawn
from a seeded RNG, so a run is reproducible)::

    emu.faults.add("http_error", status=503, path="/api/contact/upsert", times=2)
    emu.faults.add("rate_limit", retry_after=3, client_id="c1", times=1)
    emu.faults.add("connect_error", times=1)               # never reached the platform
    emu.faults.add("read_timeout", after_write=True)       # applied, then no answer
    emu.faults.add("latency", seconds=0.2, probability=0.5, seed=7)
    emu.faults.clear()

Kinds ([`FAULT_KINDS`][salesmanago_emulator.faults.FAULT_KINDS]):

* ``latency`` -- wait ``seconds`` (through
  [`FaultInjector.sleep`][salesmanago_emulator.faults.FaultInjector.sleep], or
  [`FaultInjector.async_sleep`][salesmanago_emulator.faults.FaultInjector.async_sleep] for async
  clients), then answer normally;
* ``http_error`` -- answer HTTP ``status`` (default 503) without applying the
  request, or, with ``after_write=True``, after applying it;
* ``rate_limit`` -- answer HTTP 429 with ``Retry-After: retry_after`` (``None``
  sends no header); nothing applied;
* ``connect_error`` -- the transport raises ``httpx.ConnectError``: the request
  never reached the platform, nothing applied;
* ``read_timeout`` -- the transport raises ``httpx.ReadTimeout``; nothing applied,
  or, with ``after_write=True``, the request is applied first.

On each request the active rules are tried in the order they were added: every
matching ``latency`` rule adds its wait; the first other matching rule that fires
decides the outcome (later ones are not tried, so they keep their ``times``). A
rule that matches but loses its probability draw is not used up.

Faults are applied at the HTTP door (the transport asks
[`FaultInjector.match`][salesmanago_emulator.faults.FaultInjector.match], the router applies the
plan), never in the state layer. The call log records each injected fault in
[`CallRecord.fault`][salesmanago_emulator.CallRecord.fault].
"""

from __future__ import annotations

import fnmatch
import inspect
import json
import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Final, Literal, cast, get_args

import anyio

from .errors import (
    TEXT_CONNECT,
    TEXT_HTTP_ERROR,
    TEXT_RATE_LIMITED,
    TEXT_TIMEOUT_AFTER,
    TEXT_TIMEOUT_BEFORE,
)

__all__ = [
    "FAULT_KINDS",
    "ConnectionDroppedError",
    "FaultInjector",
    "FaultKind",
    "FaultPlan",
    "FaultRule",
    "InjectedTransportError",
    "ResponseTimeoutError",
]

FaultKind = Literal["latency", "http_error", "rate_limit", "connect_error", "read_timeout"]
"""The kinds of fault a rule can inject."""
FAULT_KINDS: Final[tuple[str, ...]] = get_args(FaultKind)
"""Every [`FaultKind`][salesmanago_emulator.faults.FaultKind], in documentation order."""

_GLOB_CHARS: Final = frozenset("*?[")


class InjectedTransportError(Exception):
    """Raised by the router when a fault breaks the connection instead of answering.

    The in-process transport turns it into the matching ``httpx`` exception; a
    server closes the connection without an answer.

    Attributes:
        applied: whether the request was applied before the connection broke.
    """

    def __init__(self, message: str, *, applied: bool) -> None:
        """``message`` says what was injected; ``applied`` whether the state changed."""
        super().__init__(message)
        self.applied = applied


class ConnectionDroppedError(InjectedTransportError):
    """The connection failed before the request reached the platform (``httpx.ConnectError``)."""


class ResponseTimeoutError(InjectedTransportError):
    """No answer came in time (``httpx.ReadTimeout``); see
    [`applied`][salesmanago_emulator.faults.InjectedTransportError.applied]."""


class FaultRule:
    """One fault rule: what to inject, for which requests, how often.

    Built by [`FaultInjector.add`][salesmanago_emulator.faults.FaultInjector.add], which checks the
    arguments. The settings are read-only; [`hits`][salesmanago_emulator.faults.FaultRule.hits]
    counts the requests the rule has hit so far.
    """

    def __init__(
        self,
        kind: str,
        *,
        path: str | None = None,
        client_id: str | None = None,
        times: int | None = None,
        probability: float = 1.0,
        seed: int = 0,
        status: int | None = None,
        retry_after: float | None = 1.0,
        seconds: float | None = None,
        after_write: bool = False,
    ) -> None:
        """Check and keep the settings (see
        [`FaultInjector.add`][salesmanago_emulator.faults.FaultInjector.add]); ``ValueError`` if
        wrong."""
        if kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {kind!r}: expected one of {', '.join(FAULT_KINDS)}"
            )
        if path is not None and (not isinstance(path, str) or not path.startswith("/")):
            raise ValueError(f"path must be a string starting with '/', got {path!r}")
        if client_id is not None and (not isinstance(client_id, str) or not client_id):
            raise ValueError(f"client_id must be a non-empty string, got {client_id!r}")
        if times is not None and (type(times) is not int or times < 1):
            raise ValueError(f"times must be a positive integer or None, got {times!r}")
        if isinstance(probability, bool) or not isinstance(probability, (int, float)):
            raise ValueError(f"probability must be a number, got {probability!r}")
        if not 0.0 < probability <= 1.0:
            raise ValueError(f"probability must be in (0, 1], got {probability!r}")
        if type(seed) is not int:
            raise ValueError(f"seed must be an integer, got {seed!r}")
        if after_write and kind not in ("http_error", "read_timeout"):
            raise ValueError(f"after_write applies to http_error and read_timeout, not {kind}")
        if kind == "http_error":
            status = 503 if status is None else status
            if type(status) is not int or not 400 <= status <= 599 or status == 429:
                raise ValueError(
                    f"http_error status must be an HTTP 4xx/5xx other than 429 "
                    f"(use kind='rate_limit'), got {status!r}"
                )
        elif status is not None:
            raise ValueError(f"status applies to http_error only, not {kind}")
        if kind == "rate_limit" and retry_after is not None:
            if isinstance(retry_after, bool) or not isinstance(retry_after, (int, float)):
                raise ValueError(f"retry_after must be a number or None, got {retry_after!r}")
            if retry_after < 0:
                raise ValueError(f"retry_after must be zero or more, got {retry_after!r}")
        if kind == "latency":
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
                raise ValueError(f"latency needs seconds >= 0, got {seconds!r}")
        elif seconds is not None:
            raise ValueError(f"seconds applies to latency only, not {kind}")
        self.kind: Final = cast(FaultKind, kind)
        self.path: Final = path
        self.client_id: Final = client_id
        self.times: Final = times
        self.probability: Final = float(probability)
        self.seed: Final = seed
        self.status: Final = (
            status if kind == "http_error" else (429 if kind == "rate_limit" else None)
        )
        self.retry_after: Final = retry_after if kind == "rate_limit" else None
        self.seconds: Final = float(seconds) if kind == "latency" and seconds is not None else 0.0
        self.after_write: Final = after_write
        self._rng = random.Random(seed)
        self._hits = 0
        self._glob = path is not None and not _GLOB_CHARS.isdisjoint(path)

    @property
    def hits(self) -> int:
        """How many requests this rule has hit."""
        return self._hits

    @property
    def spent(self) -> bool:
        """Whether the rule has hit its ``times`` requests and no longer applies."""
        return self.times is not None and self._hits >= self.times

    @property
    def label(self) -> str:
        """What the rule injects, as the call log records it (``HTTP 503 after write``)."""
        if self.kind == "latency":
            text = f"latency {self.seconds:g}s"
        elif self.kind == "http_error":
            text = f"HTTP {self.status}"
        elif self.kind == "rate_limit":
            text = "HTTP 429" + (
                f" Retry-After {self.retry_after:g}" if self.retry_after is not None else ""
            )
        elif self.kind == "connect_error":
            text = "connect error"
        else:
            text = "read timeout"
        return text + (" after write" if self.after_write else "")

    def matches(self, path: str, client_id: str | None) -> bool:
        """Whether a request to ``path`` by ``client_id`` is one this rule is about."""
        if self.client_id is not None and client_id != self.client_id:
            return False
        if self.path is None:
            return True
        return fnmatch.fnmatchcase(path, self.path) if self._glob else path == self.path

    def _fires(self) -> bool:
        """Draw the probability (a certain rule draws nothing) and count the hit."""
        if self.probability < 1.0 and self._rng.random() >= self.probability:
            return False
        self._hits += 1
        return True

    def as_dict(self) -> dict[str, Any]:
        """The rule's settings and counters, JSON-ready (the control API lists these)."""
        return {
            "kind": self.kind,
            "path": self.path,
            "client_id": self.client_id,
            "times": self.times,
            "probability": self.probability,
            "seed": self.seed,
            "status": self.status,
            "retry_after": self.retry_after,
            "seconds": self.seconds if self.kind == "latency" else None,
            "after_write": self.after_write,
            "hits": self._hits,
            "spent": self.spent,
            "label": self.label,
        }

    def __repr__(self) -> str:
        where = f" path={self.path!r}" if self.path else ""
        who = f" client_id={self.client_id!r}" if self.client_id else ""
        return f"<FaultRule {self.label}{where}{who} hits={self._hits} times={self.times}>"


_RULE_KEYS: Final = frozenset(inspect.signature(FaultRule).parameters)
"""The keys of a rule given as a dict
([`FaultInjector.add_all`][salesmanago_emulator.faults.FaultInjector.add_all]): FaultRule's
arguments."""


class FaultPlan:
    """What happens to one request: a wait, then at most one outcome-changing rule.

    Made by [`FaultInjector.match`][salesmanago_emulator.faults.FaultInjector.match]; the transport
    waits [`delay`][salesmanago_emulator.faults.FaultPlan.delay], and the router applies the rest
    (`Router.handle`).
    """

    __slots__ = ("delay", "labels", "rule")

    def __init__(self, delay: float, rule: FaultRule | None, labels: tuple[str, ...]) -> None:
        """``delay`` seconds to wait, the deciding ``rule`` (if any) and every label applied."""
        self.delay = delay
        self.rule = rule
        self.labels = labels

    @property
    def label(self) -> str:
        """Every injected fault of this request, joined with ``"; "``."""
        return "; ".join(self.labels)

    @property
    def reaches_platform(self) -> bool:
        """Whether the request is applied (no rule, latency, or an after-write rule)."""
        return self.rule is None or self.rule.after_write

    @property
    def status(self) -> int:
        """The HTTP status answered (0 when the connection breaks instead)."""
        rule = self.rule
        if rule is None or rule.status is None:
            return 0
        return rule.status

    @property
    def response(self) -> dict[str, Any]:
        """The JSON body answered, or recorded when no answer is sent."""
        rule = self.rule
        if rule is None:
            return {}
        if rule.kind == "rate_limit":
            text = TEXT_RATE_LIMITED
        elif rule.kind == "http_error":
            text = TEXT_HTTP_ERROR.format(status=rule.status)
        elif rule.kind == "connect_error":
            text = TEXT_CONNECT
        else:
            text = TEXT_TIMEOUT_AFTER if rule.after_write else TEXT_TIMEOUT_BEFORE
        return {"success": False, "message": [text]}

    @property
    def replaces_answer(self) -> bool:
        """Whether the handler's answer is replaced (or lost) after it ran."""
        return self.rule is not None and self.rule.after_write

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        """Extra response headers (``Retry-After`` of a rate limit)."""
        rule = self.rule
        if rule is None or rule.kind != "rate_limit" or rule.retry_after is None:
            return []
        value = rule.retry_after
        text = str(int(value)) if float(value).is_integer() else f"{value:g}"
        return [(b"Retry-After", text.encode())]

    def raise_if_broken(self) -> None:
        """Raise [`ConnectionDroppedError`][salesmanago_emulator.faults.ConnectionDroppedError] or
        [`ResponseTimeoutError`][salesmanago_emulator.faults.ResponseTimeoutError] when no
        answer."""
        rule = self.rule
        if rule is None:
            return
        if rule.kind == "connect_error":
            raise ConnectionDroppedError(TEXT_CONNECT, applied=False)
        if rule.kind == "read_timeout":
            text = TEXT_TIMEOUT_AFTER if rule.after_write else TEXT_TIMEOUT_BEFORE
            raise ResponseTimeoutError(text, applied=rule.after_write)

    def __repr__(self) -> str:
        return f"<FaultPlan {self.label or 'none'} delay={self.delay:g}>"


def _client_id(body: bytes) -> str | None:
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if isinstance(decoded, dict):
        value = decoded.get("clientId")
        return value if isinstance(value, str) else None
    return None


class FaultInjector:
    """The fault rules of one emulator (``emulator.faults``).

    ``sleep`` waits for latency in sync clients (default `time.sleep`),
    ``async_sleep`` in async ones (default `anyio.sleep`); both can be
    replaced at any time, e.g. by a recorder so tests never wait.
    """

    def __init__(
        self,
        *,
        sleep: Callable[[float], None] | None = None,
        async_sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        """No rules yet."""
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self.sleep: Callable[[float], None] = sleep if sleep is not None else time.sleep
        self.async_sleep: Callable[[float], Awaitable[None]] = (
            async_sleep if async_sleep is not None else anyio.sleep
        )

    def add(
        self,
        kind: FaultKind,
        *,
        path: str | None = None,
        client_id: str | None = None,
        times: int | None = None,
        probability: float = 1.0,
        seed: int = 0,
        status: int | None = None,
        retry_after: float | None = 1.0,
        seconds: float | None = None,
        after_write: bool = False,
    ) -> FaultRule:
        """Add a rule and return it (its [`hits`][salesmanago_emulator.faults.FaultRule.hits] count
        the requests hit).

        Args:
            kind: one of [`FAULT_KINDS`][salesmanago_emulator.faults.FAULT_KINDS].
            path: the request path (``/api/contact/upsert``) or a glob
                (``/api/contact/*``); ``None`` for every path.
            client_id: only requests of this account; ``None`` for every account.
            times: how many requests the rule hits before it is spent; ``None``: no end.
            probability: the chance a matching request is hit, drawn from the rule's
                own ``random.Random(seed)``, so runs repeat exactly.
            status: ``http_error`` only: the HTTP status (4xx/5xx but 429; default 503).
            retry_after: ``rate_limit`` only: the ``Retry-After`` seconds (``None``: no header).
            seconds: ``latency`` only: the added wait.
            after_write: ``http_error`` / ``read_timeout`` only: apply the request first.

        Raises:
            ValueError: an unknown kind or a setting that does not fit it.
        """
        rule = FaultRule(
            kind,
            path=path,
            client_id=client_id,
            times=times,
            probability=probability,
            seed=seed,
            status=status,
            retry_after=retry_after,
            seconds=seconds,
            after_write=after_write,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def add_all(self, specs: Iterable[Mapping[str, Any]]) -> list[FaultRule]:
        """Add rules given as dicts of [`add`][salesmanago_emulator.faults.FaultInjector.add]'s
        arguments (``kind`` required).

        All are checked before any is added; ``ValueError`` names the bad one.
        """
        rules: list[FaultRule] = []
        for index, spec in enumerate(specs):
            if not isinstance(spec, Mapping):
                raise ValueError(f"fault {index}: expected a dict, got {type(spec).__name__}")
            unknown = set(spec) - _RULE_KEYS
            if unknown:
                raise ValueError(f"fault {index}: unknown keys {sorted(unknown)}")
            if "kind" not in spec:
                raise ValueError(f"fault {index}: 'kind' is required")
            try:
                rules.append(FaultRule(**spec))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"fault {index}: {exc}") from None
        with self._lock:
            self._rules.extend(rules)
        return rules

    @property
    def rules(self) -> list[FaultRule]:
        """Every rule, spent ones included, in the order added (a snapshot)."""
        with self._lock:
            return list(self._rules)

    def remove(self, rule: FaultRule) -> None:
        """Drop one rule (``ValueError`` if it is not one of these)."""
        with self._lock:
            self._rules.remove(rule)

    def clear(self) -> None:
        """Drop every rule."""
        with self._lock:
            self._rules.clear()

    def match(self, method: str, path: str, body: bytes) -> FaultPlan | None:
        """Decide the faults of one request (using up ``times``), or ``None`` for none.

        ``path`` is the routed path (from ``/api/`` on); ``body`` the raw request body,
        read for ``clientId`` only when a rule names an account.
        """
        if not self._rules:  # the usual case: no lock, nothing to decide
            return None
        with self._lock:
            active = [rule for rule in self._rules if not rule.spent]
            if not active:
                return None
            client_id = _client_id(body) if any(r.client_id is not None for r in active) else None
            delay = 0.0
            labels: list[str] = []
            decisive: FaultRule | None = None
            for rule in active:
                if decisive is not None and rule.kind != "latency":
                    continue
                if not rule.matches(path, client_id) or not rule._fires():
                    continue
                labels.append(rule.label)
                if rule.kind == "latency":
                    delay += rule.seconds
                else:
                    decisive = rule
        if not labels:
            return None
        return FaultPlan(delay, decisive, tuple(labels))

    def __repr__(self) -> str:
        return f"<FaultInjector rules={self.rules!r}>"
