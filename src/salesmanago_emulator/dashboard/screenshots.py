"""Screenshots of the dashboard for the docs (``python -m ... screenshots DIR``).

Run as ``python -m salesmanago_emulator.dashboard.screenshots docs/img``. Serves the
demo shop (`demo_emulator`) with uvicorn on a free loopback port, opens the contact
card, the contact list and the call log in headless Chromium (Selenium with the OS's
``chromedriver``; no browser download) and saves ``dashboard-card.png``,
``dashboard-list.png`` and ``dashboard-calls.png`` into ``DIR``. Needs the ``dev``
extra (Selenium) and the OS packages ``chromium`` and ``chromium-driver``.

`serving` and `chromium_driver` are the pieces the browser tests use as well.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ._demo import DEMO_ACCOUNT, demo_emulator
from ._views import DEFAULT_BASE

if TYPE_CHECKING:
    from starlette.types import ASGIApp

__all__ = ["CHROMIUM_NAMES", "DRIVER_NAMES", "chromium_driver", "find_program", "main", "serving"]

CHROMIUM_NAMES: Final = ("/usr/bin/chromium", "chromium", "chromium-browser")
"""Where the Chromium binary is looked for, in order."""
DRIVER_NAMES: Final = ("/usr/bin/chromedriver", "chromedriver")
"""Where its WebDriver is looked for, in order."""
_WIDTH: Final = 1400


def find_program(names: Sequence[str]) -> str | None:
    """The first of ``names`` that is an executable path or a program on ``PATH``."""
    for name in names:
        if os.path.isabs(name):
            if os.access(name, os.X_OK):
                return name
        elif (found := shutil.which(name)) is not None:
            return found
    return None


@contextmanager
def serving(app: ASGIApp, *, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` on a free port as server mode does (``UvicornThread``); yields
    ``http://host:port``."""
    from .._uvicorn import UvicornThread, bind
    from ..server import DEFAULT_MAX_CONNECTIONS

    server = UvicornThread(app, bind(host, 0), max_connections=DEFAULT_MAX_CONNECTIONS)
    server.start()
    try:
        yield f"http://{host}:{server.sock.getsockname()[1]}"
    finally:
        server.stop()


def chromium_driver(chromium: str, driver: str, *, height: int = 1100) -> Any:
    """A headless Chromium WebDriver (Selenium) on ``chromium`` through ``driver``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--window-size={_WIDTH},{height}",
    ):
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))


def _shoot(browser: Any, url: str, path: Path, max_height: int) -> None:
    browser.set_window_size(_WIDTH, 900)
    browser.get(url)
    for _ in range(3):  # the window's own height changes the page's: settle
        height = int(browser.execute_script("return document.documentElement.scrollHeight"))
        browser.set_window_size(_WIDTH, min(height + 140, max_height))  # 140: the window frame
    browser.save_screenshot(str(path))


def main(argv: Sequence[str] | None = None) -> int:
    """Write the three screenshots into the directory ``argv`` names; 0, or 2 with a
    message when Chromium, its driver or Selenium is missing."""
    parser = argparse.ArgumentParser(
        prog="python -m salesmanago_emulator.dashboard.screenshots",
        description="Screenshots of the dashboard (card, list, call log) for the docs.",
    )
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    chromium, driver = find_program(CHROMIUM_NAMES), find_program(DRIVER_NAMES)
    if chromium is None or driver is None:
        print(
            "needs Chromium and chromedriver: apt-get install chromium chromium-driver",
            file=sys.stderr,
        )
        return 2
    try:
        import selenium  # noqa: F401
        from starlette.applications import Starlette
        from starlette.routing import Mount
    except ImportError as err:
        print(f"needs {err.name}: pip install 'salesmanago-py[dev]'", file=sys.stderr)
        return 2
    from . import dashboard_routes

    emulator = demo_emulator()
    anna = emulator.account(DEMO_ACCOUNT).find_live("anna@example.com").id
    app = Starlette(routes=[Mount(DEFAULT_BASE, routes=dashboard_routes(emulator))])
    args.directory.mkdir(parents=True, exist_ok=True)
    shots = {
        "dashboard-card.png": (f"/accounts/{DEMO_ACCOUNT}/contacts/{anna}", 4000),
        "dashboard-list.png": (f"/accounts/{DEMO_ACCOUNT}/contacts", 700),
        "dashboard-calls.png": ("/calls", 1300),
    }
    with serving(app) as origin:
        browser = chromium_driver(chromium, driver)
        try:
            for name, (path, max_height) in shots.items():
                _shoot(browser, origin + DEFAULT_BASE + path, args.directory / name, max_height)
                print(args.directory / name)
        finally:
            browser.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
