"""Suite-wide guard: no API secret and no request signature (sha) is ever logged.

For the whole session every log record (loggers ``salesmanago``,
``salesmanago_emulator``, ``httpx`` and ``httpcore`` at DEBUG, the root logger at
its own level) and every call-log record of every :class:`Emulator` created is
captured, and every line a ``salesmanago.CallRecorder`` writes (``record=``). The
secrets are collected as they appear: each account's ``api_secret``
(``Emulator.add_account``), each secret and sha the SDK derives
(``salesmanago._auth.compute_sha``), and the login chain's: each user's password,
each login token issued and each sha the emulator computes (``account/integration``
answers one). At the end of the session the captured text
is searched for them; a hit fails the run (exit status 1) and is reported with
the secret masked. ``tests/reliability/test_reliability_secret_guard.py`` proves
that the guard can fail.

Secrets shorter than :data:`MIN_SECRET_LENGTH` are not searched for (``"s"``
would match any text); tests that care use longer ones.
"""

from __future__ import annotations

import bisect
import logging
from collections import deque
from collections.abc import Iterator
from typing import Any, Final

import pytest

import salesmanago._auth as sdk_auth
import salesmanago._recording as sdk_recording
from salesmanago_emulator import Emulator
from salesmanago_emulator.state._core import AccountCore
from salesmanago_emulator.state.users import UsersArea

pytest_plugins = ("pytester",)

MIN_SECRET_LENGTH: Final = 8
"""Shorter secrets are not searched for."""
_LOGGERS: Final = ("salesmanago", "salesmanago_emulator", "httpx", "httpcore")


class SecretGuard:
    """The captured text and the secrets known so far; searched once, at the end."""

    def __init__(self) -> None:
        """Nothing captured yet."""
        self.secrets: set[str] = set()
        self._where: list[str] = []
        self._texts: list[str] = []
        self.findings: list[str] = []

    @property
    def records(self) -> int:
        """How many log lines and call records were captured."""
        return len(self._texts)

    def add_secret(self, value: object) -> None:
        """Remember a value that must never be captured."""
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            self.secrets.add(value)

    def capture(self, where: str, text: str) -> None:
        """Keep ``text`` (a log line or a call record) for the final search."""
        self._where.append(where)
        self._texts.append(text)

    def finish(self) -> list[str]:
        """Search everything captured for every secret; the findings (secrets masked)."""
        starts: list[int] = []
        offset = 0
        for text in self._texts:
            starts.append(offset)
            offset += len(text) + 1
        blob = "\n".join(self._texts)
        self.findings = []
        for secret in sorted(self.secrets):
            masked = f"{secret[:2]}…({len(secret)} chars)"
            seen: set[int] = set()
            at = blob.find(secret)
            while at != -1:
                index = bisect.bisect_right(starts, at) - 1
                if index not in seen:
                    seen.add(index)
                    shown = self._texts[index].replace(secret, "<SECRET>")[:300]
                    self.findings.append(f"{self._where[index]}: contains secret {masked}: {shown}")
                at = blob.find(secret, at + 1)
        return self.findings


GUARD: Final = SecretGuard()


class _CaptureHandler(logging.Handler):
    """Every record, formatted with its traceback, into :data:`GUARD`."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
            extra = repr(record.args) if record.args else ""
        except Exception:  # a broken record must not break the test that logged it
            text, extra = f"unformattable record {record.msg!r}", repr(record.args)
        GUARD.capture(f"log record {record.name} {record.levelname}", text + extra)


class _TappedCallLog(deque):  # type: ignore[type-arg]
    """A call log that also hands every record to :data:`GUARD`."""

    def append(self, record: Any) -> None:
        super().append(record)
        # what a test can see of the record: its repr, the request as decoded, the answer
        shown = (repr(record), repr(record.request), repr(record.response))
        GUARD.capture(f"emulator call log {getattr(record, 'path', '?')}", " ".join(shown))


def _install(monkeypatch: pytest.MonkeyPatch) -> None:
    original_sha = sdk_auth.compute_sha

    def compute_sha(api_key: str, client_id: str, api_secret: str) -> str:
        sha = original_sha(api_key, client_id, api_secret)
        GUARD.add_secret(api_secret)
        GUARD.add_secret(sha)
        return sha

    monkeypatch.setattr(sdk_auth, "compute_sha", compute_sha)

    original_add = Emulator.add_account

    def add_account(self: Emulator, **kwargs: Any) -> Any:
        GUARD.add_secret(kwargs.get("api_secret"))
        return original_add(self, **kwargs)

    monkeypatch.setattr(Emulator, "add_account", add_account)

    original_password = UsersArea.set_password

    def set_password(self: UsersArea, email: str, password: str) -> str:
        user = original_password(self, email, password)
        GUARD.add_secret(password)  # once accepted: a refused one is no password
        return user

    monkeypatch.setattr(UsersArea, "set_password", set_password)

    original_issue = UsersArea._issue

    def issue(self: UsersArea, user: str) -> Any:
        token = original_issue(self, user)
        GUARD.add_secret(token.value)
        return token

    monkeypatch.setattr(UsersArea, "_issue", issue)

    original_signature = AccountCore.signature

    def signature(self: AccountCore, api_key: str) -> str:
        sha = original_signature(self, api_key)
        GUARD.add_secret(sha)
        return sha

    monkeypatch.setattr(AccountCore, "signature", signature)

    original_line = sdk_recording.line_of

    def line_of(response: Any, at: Any) -> str:
        text = original_line(response, at)
        GUARD.capture(f"recorded call {response.request.url.path}", text)
        return text

    monkeypatch.setattr(sdk_recording, "line_of", line_of)

    original_init = Emulator.__init__

    def init(self: Emulator, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        # The emulator and its router share one deque: swap it for a tapped one.
        tapped = _TappedCallLog(self._calls, maxlen=self._calls.maxlen)
        self._calls = tapped
        self._router._calls = tapped

    monkeypatch.setattr(Emulator, "__init__", init)


@pytest.fixture(scope="session", autouse=True)
def _secret_guard() -> Iterator[SecretGuard]:
    """Capture logs and call logs for the whole session (the check runs at its end)."""
    handler = _CaptureHandler()
    levels = {name: logging.getLogger(name).level for name in _LOGGERS}
    root = logging.getLogger()
    root.addHandler(handler)
    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _install(monkeypatch)
        yield GUARD
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when any captured text holds a secret or a sha."""
    if GUARD.finish() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name every leak (secrets masked) at the end of the report."""
    if not GUARD.findings:
        if terminalreporter.config.option.verbose > 0:
            terminalreporter.line(
                f"secret guard: {len(GUARD.secrets)} secrets and shas, "
                f"{GUARD.records} captured records, no leak"
            )
        return
    terminalreporter.section("SECRET LEAK: API secrets or request shas were captured", red=True)
    for finding in GUARD.findings:
        terminalreporter.line(finding, red=True)
    terminalreporter.line(
        f"{len(GUARD.findings)} leak(s) in {GUARD.records} captured records: "
        "the run fails (tests/conftest.py secret guard)",
        red=True,
    )
