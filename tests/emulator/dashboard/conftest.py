"""Fixtures of the dashboard tests: the demo shop's emulator, its pages behind a real
uvicorn server in a thread, and a headless Chromium driven by Selenium.

``dashboard_app`` is the one place that builds the ASGI app: server mode's own app
(``create_app``), which mounts the dashboard at ``/_emulator/ui`` behind its door, so
the browser tests see what ``salesmanago-emulator serve`` serves.

The browser: ``/usr/bin/chromium`` (or ``chromium`` on ``PATH``) with the
``chromedriver`` of the same OS packages (``.ci/run`` installs both); the browser tests
skip, saying so, only when no Chromium binary exists. Screenshots go to
``$SALESMANAGO_SCREENSHOTS`` when set (CI keeps them as artifacts), else to a directory
of the run's pytest temporary tree.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_helpers import TOKEN
from starlette.types import ASGIApp

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.asgi import create_app
from salesmanago_emulator.dashboard import DEFAULT_BASE
from salesmanago_emulator.dashboard._demo import demo_emulator
from salesmanago_emulator.dashboard.screenshots import (
    CHROMIUM_NAMES,
    DRIVER_NAMES,
    chromium_driver,
    find_program,
    serving,
)


@pytest.fixture
def dashboard_emulator() -> Emulator[FrozenClock]:
    """The demo shop (`demo_emulator`): Anna's full card, Jan, Ola soft-deleted."""
    return demo_emulator()


@pytest.fixture
def dashboard_app(dashboard_emulator: Emulator[FrozenClock]) -> ASGIApp:
    """The ASGI app serving the dashboard at ``/_emulator/ui`` (forms' token `TOKEN`)."""
    return create_app(dashboard_emulator, dashboard_token=TOKEN)


@pytest.fixture
def dashboard_url(dashboard_app: ASGIApp) -> Iterator[str]:
    """``http://127.0.0.1:<port>/_emulator/ui``: ``dashboard_app`` under uvicorn in a
    thread (a free port), stopped after the test."""
    with serving(dashboard_app) as origin:
        yield origin + DEFAULT_BASE


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests keep their screenshots (``$SALESMANAGO_SCREENSHOTS``)."""
    configured = os.environ.get("SALESMANAGO_SCREENSHOTS")
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    """The Chromium binary and its chromedriver; skips when there is no Chromium."""
    binary = find_program(CHROMIUM_NAMES)
    if binary is None:
        pytest.skip("no Chromium binary (apt-get install chromium chromium-driver)")
    driver = find_program(DRIVER_NAMES)
    if driver is None:
        pytest.fail(
            f"Chromium is at {binary} but chromedriver is missing: apt-get install chromium-driver"
        )
    return binary, driver


@pytest.fixture(scope="session")
def browser(chromium: tuple[str, str]) -> Iterator[Any]:
    """A headless Chromium (Selenium WebDriver), one for the session."""
    driver = chromium_driver(*chromium)
    try:
        yield driver
    finally:
        driver.quit()
