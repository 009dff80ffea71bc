"""Fixtures of the dashboard tests: the demo shop's emulator, its pages behind a real
uvicorn server in a thread, and a headless Chromium driven by Selenium.

``dashboard_app`` is the one place that builds the ASGI app: a small Starlette app
mounting `dashboard_routes` at ``/_emulator/ui``; once the server mode's own app
(``create_app``) mounts the dashboard, this fixture returns that app instead and every
test runs against it unchanged.

The browser: ``/usr/bin/chromium`` (or ``chromium`` on ``PATH``) with the
``chromedriver`` of the same OS packages (``.ci/run`` installs both); the browser tests
skip, saying so, only when no Chromium binary exists. Screenshots go to
``$SALESMANAGO_SCREENSHOTS`` when set (CI keeps them as artifacts), else to a directory
of the run's pytest temporary tree.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.dashboard import DEFAULT_BASE, dashboard_routes
from salesmanago_emulator.dashboard._demo import demo_emulator

CHROMIUM_NAMES: Final = ("/usr/bin/chromium", "chromium", "chromium-browser")
DRIVER_NAMES: Final = ("/usr/bin/chromedriver", "chromedriver")
TOKEN: Final = "test-form-token"


def _which(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = name if os.path.isabs(name) and os.access(name, os.X_OK) else shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture
def dashboard_emulator() -> Emulator[FrozenClock]:
    """The demo shop (`demo_emulator`): Anna's full card, Jan, Ola soft-deleted."""
    return demo_emulator()


@pytest.fixture
def dashboard_app(dashboard_emulator: Emulator[FrozenClock]) -> ASGIApp:
    """The ASGI app serving the dashboard at ``/_emulator/ui`` (forms' token `TOKEN`)."""
    routes = dashboard_routes(dashboard_emulator, token=TOKEN)
    return Starlette(routes=[Mount(DEFAULT_BASE, routes=routes)])


@pytest.fixture
def dashboard_url(dashboard_app: ASGIApp) -> Iterator[str]:
    """``http://127.0.0.1:<port>/_emulator/ui``: ``dashboard_app`` under uvicorn in a
    thread (a free port), stopped after the test."""
    config = uvicorn.Config(
        dashboard_app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="dashboard-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}{DEFAULT_BASE}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


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
def browser() -> Iterator[Any]:
    """A headless Chromium (Selenium WebDriver), one for the session."""
    chromium = _which(CHROMIUM_NAMES)
    if chromium is None:
        pytest.skip("no Chromium binary (apt-get install chromium chromium-driver)")
    driver_path = _which(DRIVER_NAMES)
    if driver_path is None:
        pytest.fail(
            f"Chromium is at {chromium} but chromedriver is missing: "
            "apt-get install chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1100",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()
