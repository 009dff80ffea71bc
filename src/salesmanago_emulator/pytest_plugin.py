"""pytest fixtures for testing code that talks to SALESmanago, against the emulator.

Installed with the package (entry point ``pytest11``: ``salesmanago``), so the
fixtures are there with no ``conftest.py``:

* ``salesmanago_emulator`` -- a fresh [`Emulator`][salesmanago_emulator.Emulator]
  per test, with a [`FrozenClock`][salesmanago_emulator.FrozenClock] and one account;
* ``salesmanago_client`` -- ``salesmanago_emulator.client()``, closed after the test;
* ``async_salesmanago_client`` -- ``salesmanago_emulator.async_client()``,
  closed after the test (needs pytest-asyncio or anyio's pytest plugin);
* ``salesmanago_server`` -- an [`EmulatorServer`][salesmanago_emulator.EmulatorServer]
  on ``salesmanago_emulator`` over a real loopback socket (a free port);
* ``salesmanago_contact_manager`` -- a
  [`ContactManagerDriver`][salesmanago_emulator.pytest_plugin.ContactManagerDriver] on the
  first account: select -> run bulk actions -> what the integration received (S15).

Defaults: the clock stands at [`DEFAULT_NOW`][salesmanago_emulator.pytest_plugin.DEFAULT_NOW]
(2026-01-15 10:00 UTC, a Thursday, 11:00 in Warsaw) and the account is
[`DEFAULT_ACCOUNT`][salesmanago_emulator.pytest_plugin.DEFAULT_ACCOUNT] (client id
``emulator-client``, secret ``emulator-secret``, one user ``owner@example.com``, time zone
Europe/Warsaw). The ``salesmanago`` marker changes them::

    @pytest.mark.salesmanago(
        now="2026-03-28T23:59:00+01:00",
        accounts=[{"client_id": "a", "api_secret": "s", "users": ["me@example.com"]}],
    )
    def test_purge(salesmanago_emulator): ...

``now`` is a timezone-aware ``datetime`` or ISO-8601 string (a naive one is
refused: say which zone you mean). ``accounts`` is a list of dicts with keys
``client_id``, ``api_secret``, ``users`` and optionally ``timezone``,
``passwords`` (user e-mail -> login password, for the login chain:
``authorization/token``, ``account/integration``), ``consents`` (the account's
named consents, S10.1: each a name or ``{"name": ..., "text": ...}``) and
``consent_forms`` (``consent/form/data``: each a name or
``{"name": ..., "int_id": ...}``); it replaces the default account, and the
clients use the first one. ``faults`` is
a list of dicts of [`FaultInjector.add`][salesmanago_emulator.faults.FaultInjector.add]
arguments (``[{"kind": "http_error", "status": 503, "times": 1}]``), added to the
emulator's fault rules; latency then waits through the real sleep unless the
test replaces ``salesmanago_emulator.faults.sleep``.

``--salesmanago-html=DIR`` writes, for each failing test that used the
``salesmanago_emulator`` fixture, a self-contained HTML page into ``DIR``: the
contact card of every contact the test touched and the test's call log, secrets
masked (see [`salesmanago_emulator.dashboard`][salesmanago_emulator.dashboard]; needs
the ``server`` extra for Jinja2). The failure's report names the page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar, cast

import attrs
import pytest

from ._emulator import Emulator
from .clock import FrozenClock, is_aware, parse_iso
from .server import SERVER_EXTRA, EmulatorServer

if TYPE_CHECKING:
    from salesmanago import AsyncSalesManago, SalesManago

    from .state.account import Account
    from .state.callbacks import OutboxEntry
    from .state.contact_manager import Action, Run, Selection

_F = TypeVar("_F", bound=Callable[..., Any])


def _async_fixture(function: _F) -> _F:
    """``pytest_asyncio.fixture`` if installed (strict and auto modes), else ``pytest.fixture``."""
    try:
        import pytest_asyncio
    except ImportError:  # pragma: no cover - anyio's plugin handles async fixtures then
        return cast(_F, pytest.fixture(function))
    return cast(_F, pytest_asyncio.fixture(function))


__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_NOW",
    "HTML_OPTION",
    "BulkResult",
    "ContactManagerDriver",
    "async_salesmanago_client",
    "pytest_addoption",
    "pytest_configure",
    "pytest_runtest_makereport",
    "salesmanago_client",
    "salesmanago_contact_manager",
    "salesmanago_emulator",
    "salesmanago_server",
]

DEFAULT_NOW: Final = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
"""Where the fixture's clock stands unless the marker says ``now=``."""
DEFAULT_ACCOUNT: Final[Mapping[str, Any]] = {
    "client_id": "emulator-client",
    "api_secret": "emulator-secret",
    "users": ("owner@example.com",),
    "timezone": "Europe/Warsaw",
}
"""The account the fixture creates unless the marker says ``accounts=``."""

HTML_OPTION: Final = "--salesmanago-html"
"""The option naming the directory for the failing tests' pages."""
_STARTED: Final = pytest.StashKey[tuple[Emulator[FrozenClock], datetime]]()
_WRITTEN: Final = pytest.StashKey[bool]()
_MARKER: Final = "salesmanago"
_MARKER_ARGS: Final = frozenset({"now", "accounts", "faults"})
_ACCOUNT_KEYS: Final = frozenset(
    {"client_id", "api_secret", "users", "timezone", "passwords", "consents", "consent_forms"}
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--salesmanago-html=DIR``."""
    parser.getgroup("salesmanago").addoption(
        HTML_OPTION,
        metavar="DIR",
        default=None,
        help="write an HTML page of the emulator's state (the cards the test touched, its "
        "calls) into DIR for each failing test using the salesmanago_emulator fixture",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``salesmanago`` marker; check ``--salesmanago-html`` can render."""
    if config.getoption(HTML_OPTION, None) is not None:
        try:
            import jinja2  # noqa: F401
        except ImportError:
            raise pytest.UsageError(f"{HTML_OPTION} needs Jinja2: {SERVER_EXTRA}") from None
    config.addinivalue_line(
        "markers",
        "salesmanago(now=None, accounts=None, faults=None): "
        "configure the salesmanago_emulator fixture: "
        "now = aware datetime or ISO-8601 string for its FrozenClock; accounts = list of "
        "{client_id, api_secret, users, timezone, passwords, consents, consent_forms} dicts "
        "replacing the default "
        "account; "
        "faults = list of dicts of FaultInjector.add() arguments (kind, path, times ...).",
    )


def _parse_now(value: object) -> datetime:
    if value is None:
        return DEFAULT_NOW
    if isinstance(value, str):
        try:
            value = parse_iso(value)
        except ValueError:
            raise pytest.UsageError(
                f"@pytest.mark.salesmanago(now=...): not an ISO-8601 date-time: {value!r}"
            ) from None
    if not isinstance(value, datetime):
        raise pytest.UsageError(
            "@pytest.mark.salesmanago(now=...) takes a datetime or an ISO-8601 string, "
            f"got {type(value).__name__}"
        )
    if not is_aware(value):
        raise pytest.UsageError(
            f"@pytest.mark.salesmanago(now=...) must be timezone-aware, got {value.isoformat()}; "
            "add a zone, e.g. '+00:00' or tzinfo=ZoneInfo('Europe/Warsaw')"
        )
    return value


def _parse_accounts(value: object) -> list[Mapping[str, Any]]:
    if value is None:
        return [DEFAULT_ACCOUNT]
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise pytest.UsageError(
            "@pytest.mark.salesmanago(accounts=...) takes a non-empty list of dicts"
        )
    accounts: list[Mapping[str, Any]] = []
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise pytest.UsageError(
                f"@pytest.mark.salesmanago(accounts=...): item {index} is not a dict"
            )
        unknown = set(item) - _ACCOUNT_KEYS
        missing = {"client_id", "api_secret", "users"} - set(item)
        if unknown or missing:
            raise pytest.UsageError(
                f"@pytest.mark.salesmanago(accounts=...): item {index}: "
                f"unknown keys {sorted(unknown)}, missing keys {sorted(missing)}"
            )
        accounts.append(item)
    return accounts


def _options(request: pytest.FixtureRequest) -> tuple[datetime, list[Mapping[str, Any]]]:
    marker = request.node.get_closest_marker(_MARKER)
    if marker is None:
        return DEFAULT_NOW, [DEFAULT_ACCOUNT]
    if marker.args:
        raise pytest.UsageError("@pytest.mark.salesmanago takes keyword arguments only")
    unknown = set(marker.kwargs) - _MARKER_ARGS
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.salesmanago: unknown arguments {sorted(unknown)}")
    return _parse_now(marker.kwargs.get("now")), _parse_accounts(marker.kwargs.get("accounts"))


@pytest.fixture
def salesmanago_emulator(request: pytest.FixtureRequest) -> Emulator[FrozenClock]:
    """A fresh emulator with a FrozenClock and its account(s), per the ``salesmanago`` marker."""
    now, accounts = _options(request)
    emulator = Emulator(clock=FrozenClock(now))
    for index, account in enumerate(accounts):
        try:
            emulator.add_account(
                client_id=account["client_id"],
                api_secret=account["api_secret"],
                users=account["users"],
                timezone=account.get("timezone", "Europe/Warsaw"),
                passwords=account.get("passwords"),
                consents=account.get("consents", ()),
                consent_forms=account.get("consent_forms", ()),
            )
        except ValueError as exc:
            raise pytest.UsageError(
                f"@pytest.mark.salesmanago(accounts=...): item {index}: {exc}"
            ) from None
    _add_faults(request, emulator)
    request.node.stash[_STARTED] = (emulator, now)
    return emulator


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """With ``--salesmanago-html``, write the page of a test failing with the fixture."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    directory = item.config.getoption(HTML_OPTION, None)
    started = item.stash.get(_STARTED, None)
    if directory is None or started is None or not report.failed or item.stash.get(_WRITTEN, False):
        return
    from .dashboard._report import write_report

    item.stash[_WRITTEN] = True
    emulator, since = started
    path = write_report(emulator, Path(directory), item.nodeid, since, report.longreprtext)
    report.sections.append(("salesmanago", f"the emulator's state as a page: {path}"))


def _add_faults(request: pytest.FixtureRequest, emulator: Emulator[FrozenClock]) -> None:
    marker = request.node.get_closest_marker(_MARKER)
    specs = None if marker is None else marker.kwargs.get("faults")
    if specs is None:
        return
    if not isinstance(specs, Sequence) or isinstance(specs, (str, Mapping)):
        raise pytest.UsageError("@pytest.mark.salesmanago(faults=...) takes a list of dicts")
    try:
        emulator.faults.add_all(specs)
    except ValueError as exc:
        raise pytest.UsageError(f"@pytest.mark.salesmanago(faults=...): {exc}") from None


@pytest.fixture
def salesmanago_server(salesmanago_emulator: Emulator[FrozenClock]) -> Iterator[EmulatorServer]:
    """An [`EmulatorServer`][salesmanago_emulator.EmulatorServer] on the fixture's emulator
    (127.0.0.1, a free port), stopped after the test; point any HTTP client at its ``url``."""
    with EmulatorServer(salesmanago_emulator) as server:
        yield server


@pytest.fixture
def salesmanago_client(salesmanago_emulator: Emulator[FrozenClock]) -> Iterator[SalesManago]:
    """A ``salesmanago.SalesManago`` on the emulator (first account, first user)."""
    client = salesmanago_emulator.client()
    try:
        yield client
    finally:
        client.close()


@_async_fixture
async def async_salesmanago_client(
    salesmanago_emulator: Emulator[FrozenClock],
) -> AsyncIterator[AsyncSalesManago]:
    """A ``salesmanago.AsyncSalesManago`` on the emulator (first account, first user)."""
    client = salesmanago_emulator.async_client()
    try:
        yield client
    finally:
        await client.close()


@attrs.frozen
class BulkResult:
    """A Contact Manager run and the callbacks it queued for the integration (S15, S10.3)."""

    run: Run
    """The executed run: [`Run.reports`][salesmanago_emulator.state.contact_manager.Run] has one
    report per selected card."""
    callbacks: tuple[OutboxEntry, ...]
    """The outbox entries the run queued (opt-in/out callbacks, rule actions), in order; as
    they ended up when the run delivered them."""

    def bodies(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The JSON bodies the integration receives, of ``kind`` (``OPT_OUT`` ...) or all."""
        return [dict(e.payload) for e in self.callbacks if kind is None or e.kind == kind]


class ContactManagerDriver:
    """The Contact Manager of one account, for integration tests: select -> run -> assert
    what the integration received.

    ```python
    def test_a_bulk_opt_out_reaches_the_shop(salesmanago_contact_manager, receiver):
        cm = salesmanago_contact_manager
        cm.account.callbacks.register("OPT_OUT", receiver.url + "/optout", "s3cret")
        newsletter = Selection(include=(Tags(tags=("NEWSLETTER",)),))
        assert cm.recount(newsletter) == 2
        result = cm.run(newsletter, EmailOptOut(), deliver=True)
        assert [b["email"] for b in result.bodies("OPT_OUT")] == [...]
    ```
    """

    def __init__(self, emulator: Emulator[Any], client_id: str | None = None) -> None:
        """The driver of account ``client_id`` of ``emulator`` (default: its first)."""
        self.emulator = emulator
        self.account: Account = (
            emulator.accounts[0] if client_id is None else emulator.account(client_id)
        )

    def recount(self, selection: Selection) -> int:
        """How many live cards ``selection`` picks."""
        with self.emulator.lock:
            return self.account.contact_manager.recount(selection)

    def run(
        self,
        selection: Selection,
        *actions: Action,
        user: str | None = None,
        deliver: bool = False,
    ) -> BulkResult:
        """Run ``actions`` on ``selection`` now; with ``deliver`` POST the callbacks it
        queued (loopback URLs only, as
        [`Emulator.deliver_callbacks`][salesmanago_emulator.Emulator.deliver_callbacks])."""
        callbacks = self.account.callbacks
        with self.emulator.lock:
            before = {e.id for e in callbacks.outbox()}
            run = self.account.contact_manager.run(selection, actions, user=user)
            queued = [e.id for e in callbacks.outbox() if e.id not in before]
        if deliver:
            self.emulator.deliver_callbacks()
        with self.emulator.lock:
            return BulkResult(run, tuple(callbacks.entry(i) for i in queued))


@pytest.fixture
def salesmanago_contact_manager(
    salesmanago_emulator: Emulator[FrozenClock],
) -> ContactManagerDriver:
    """A [`ContactManagerDriver`][salesmanago_emulator.pytest_plugin.ContactManagerDriver] on the
    fixture emulator's first account."""
    return ContactManagerDriver(salesmanago_emulator)
