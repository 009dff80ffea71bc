"""The docs site builds with ``mkdocs build --strict``, and its coverage page is generated.

The coverage table (docs/coverage.md) is filled at build time by docs/_hooks.py
from the emulator's route table and the SDK's endpoints; these tests read the
page back from the site built once per session (the ``site`` fixture of
``conftest.py``, which skips them when the docs tools are not installed).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from salesmanago_emulator.coverage import protocol_paths
from salesmanago_emulator.routes import ALL_ROUTES, V3_ROUTES

_ROW = re.compile(
    r"<tr>\s*<td><code>(?P<path>[^<]+)</code></td>\s*<td>(?P<section>[^<]*)</td>\s*"
    r"<td>(?P<sdk>.*?)</td>\s*<td>(?P<emulator>.*?)</td>",
    re.DOTALL,
)


def _coverage_rows(site: Path) -> dict[str, tuple[str, str]]:
    page = (site / "coverage" / "index.html").read_text(encoding="utf-8")
    return {html.unescape(m["path"]): (m["sdk"], m["emulator"]) for m in _ROW.finditer(page)}


def test_docs_build_strict_and_coverage_lists_every_route(site: Path) -> None:
    """Every served path and every protocol path has a row; served ones say so, the
    others say "not implemented" with the list's reason."""
    rows = _coverage_rows(site)
    assert rows, "the coverage page has no generated table"
    for route in (*ALL_ROUTES, *V3_ROUTES):
        assert route.path in rows, f"{route.path} is served but missing from the coverage page"
        assert rows[route.path][1].startswith("served: "), route.path
    served = {route.path for route in (*ALL_ROUTES, *V3_ROUTES)}
    for path, (_, emulator) in rows.items():
        assert emulator.startswith("served: ") == (path in served), path
    for entry in protocol_paths():
        assert entry.path in rows, f"{entry.path} of the protocol is missing from the page"
        if entry.path not in served:
            emulator = html.unescape(rows[entry.path][1])
            assert emulator == f"<strong>not implemented</strong>: {entry.not_served}", entry


def test_coverage_lists_sdk_endpoints_with_their_methods(site: Path) -> None:
    rows = _coverage_rows(site)
    sdk, _ = rows["/api/contact/upsert"]
    assert "contacts.upsert" in sdk
    basic, _ = rows["/api/contact/basic"]
    assert "contacts.basic<" in basic or "contacts.basic</" in basic
    assert "contacts.basic_by_id" not in basic  # branches on constant arguments are followed
    assert "scoring.company_scoring" in basic
    status, _ = rows["/api/job/status"]
    assert "exports.status" in status
    assert "exports.contacts" in status  # reached through the client's job polling


def test_api_reference_pages_exist(site: Path) -> None:
    for page in ("client", "models", "errors", "resources", "emulator", "pytest-plugin"):
        assert (site / "api" / page / "index.html").is_file(), page


def test_server_page_is_in_the_nav(site: Path) -> None:
    assert (site / "emulator" / "server" / "index.html").is_file()
    testing = (site / "testing" / "index.html").read_text(encoding="utf-8")
    assert 'href="../emulator/server/"' in testing  # linked from the nav and the page
