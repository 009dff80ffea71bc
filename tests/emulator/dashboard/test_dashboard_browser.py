"""The dashboard in a real browser (issue 15): headless Chromium through Selenium,
the pages served by uvicorn. Each test asserts on what the page shows, compared with
the emulator's state, and keeps a screenshot (``screenshots`` fixture)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dashboard_helpers import TOKEN
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.dashboard import SECTION_TITLES, card_sections
from salesmanago_emulator.dashboard._demo import DEMO_ACCOUNT
from salesmanago_emulator.dashboard.screenshots import main as screenshots_main

SECTION_CSS = "section.card-section"


def _open(browser: Any, url: str) -> None:
    browser.get(url)
    assert "SALESmanago emulator" in browser.title


def _click_and_wait(browser: Any, by: str, value: str) -> None:
    """Click, then wait until the next page replaced this one (a form or a link)."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(by, value).click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


def _list_emails(browser: Any) -> list[str]:
    return [
        row.get_attribute("data-email")
        for row in browser.find_elements(By.CSS_SELECTOR, "#contacts tr.contact")
    ]


def test_the_card_shows_every_section_the_emulator_holds_seed_003(
    browser: Any,
    dashboard_url: str,
    dashboard_emulator: Emulator[FrozenClock],
    screenshots: Path,
) -> None:
    """From the contact list, a click opens Anna's card: one section per area with data
    (the same keys `card_sections` finds), the scoring and owners as stored."""
    account = dashboard_emulator.account(DEMO_ACCOUNT)
    record = account.find("anna@example.com")
    assert record is not None
    expected = list(card_sections(account, record))
    _open(browser, f"{dashboard_url}/accounts/{DEMO_ACCOUNT}/contacts")
    _click_and_wait(browser, By.LINK_TEXT, "anna@example.com")
    shown = [
        s.get_attribute("data-section") for s in browser.find_elements(By.CSS_SELECTOR, SECTION_CSS)
    ]
    assert shown == expected
    assert len(expected) == len(SECTION_TITLES)  # the demo card fills every section
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, f"{SECTION_CSS} h2")]
    assert headings == [SECTION_TITLES[key] for key in expected]
    summary = browser.find_element(By.ID, f"summary-{record.id}")
    assert summary.find_element(By.CSS_SELECTOR, ".score").text == str(record.score)
    for owner in record.owners:
        assert owner in summary.text
    company = browser.find_element(By.ID, f"company-{record.id}")
    assert str(account.companies.scoring(record.company or "")) in company.text
    charts = browser.find_elements(By.CSS_SELECTOR, f"#visits-{record.id} svg.chart")
    assert len(charts) == 2
    browser.save_screenshot(str(screenshots / "card.png"))


def test_a_soft_deleted_contact_leaves_the_list_after_the_next_0200_S3_4(
    browser: Any,
    dashboard_url: str,
    dashboard_emulator: Emulator[FrozenClock],
    screenshots: Path,
) -> None:
    """Ola is listed as deleted; the "Advance to the next 02:00" button moves the clock
    to the purge and the list, shown again, no longer has her (S3.1, S3.4)."""
    account = dashboard_emulator.account(DEMO_ACCOUNT)
    _open(browser, f"{dashboard_url}/accounts/{DEMO_ACCOUNT}/contacts")
    assert "ola@example.com" in _list_emails(browser)
    row = browser.find_element(By.CSS_SELECTOR, 'tr[data-email="ola@example.com"]')
    assert "deleted" in row.text
    browser.save_screenshot(str(screenshots / "list-before-0200.png"))
    _click_and_wait(browser, By.ID, "advance-0200")
    emails = _list_emails(browser)
    assert "ola@example.com" not in emails
    assert emails == [r.email for r in account.all_contacts()]
    assert browser.current_url.endswith(f"/accounts/{DEMO_ACCOUNT}/contacts")
    local = dashboard_emulator.clock.now().astimezone(account.timezone)
    assert (local.hour, local.minute) == (2, 0)
    assert browser.find_element(By.ID, "clock-now").text == local.strftime("%Y-%m-%d %H:%M:%S")
    assert account.find("ola@example.com") is None
    browser.save_screenshot(str(screenshots / "list-after-0200.png"))


def test_the_call_log_shows_bodies_with_every_secret_masked(
    browser: Any,
    dashboard_url: str,
    dashboard_emulator: Emulator[FrozenClock],
    screenshots: Path,
) -> None:
    """Each logged call's request and answer show; ``sha`` reads ``***``, the
    ``apiKey`` (no secret: every request carries it in clear) shows as sent, and the
    account's API secret appears nowhere on the page."""
    account = dashboard_emulator.account(DEMO_ACCOUNT)
    _open(browser, f"{dashboard_url}/calls")
    requests = [
        json.loads(pre.text) for pre in browser.find_elements(By.CSS_SELECTOR, "pre.request")
    ]
    assert len(requests) == len(dashboard_emulator.calls)
    assert [r["contact"]["email"] for r in requests if "contact" in r] == [
        "anna@example.com",
        "jan@example.com",
        "ola@example.com",
    ][::-1]
    for request in requests:
        assert request["sha"] == "***"
        assert request["apiKey"] not in ("", "***")
    assert account.api_secret not in browser.page_source
    answers = browser.find_elements(By.CSS_SELECTOR, "pre.response")
    assert all(json.loads(a.text)["success"] is True for a in answers)
    browser.save_screenshot(str(screenshots / "calls.png"))


def test_the_list_filters_by_tag_status_and_scoring(
    browser: Any, dashboard_url: str, dashboard_emulator: Emulator[FrozenClock]
) -> None:
    """The filter form narrows the list as the query says."""
    _open(browser, f"{dashboard_url}/accounts/{DEMO_ACCOUNT}/contacts?tag=VIP")
    assert _list_emails(browser) == ["anna@example.com"]
    _open(browser, f"{dashboard_url}/accounts/{DEMO_ACCOUNT}/contacts?min_score=10&max_score=20")
    assert _list_emails(browser) == ["jan@example.com"]
    _open(browser, f"{dashboard_url}/accounts/{DEMO_ACCOUNT}/contacts?deleted=live&status=opt-in")
    assert _list_emails(browser) == ["anna@example.com"]


def test_the_screenshots_command_writes_the_docs_images(
    chromium: tuple[str, str], tmp_path: Path
) -> None:
    """``python -m salesmanago_emulator.dashboard.screenshots DIR`` (docs/emulator/dashboard.md)."""
    assert screenshots_main([str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["dashboard-calls.png", "dashboard-card.png", "dashboard-list.png"]
    for path in tmp_path.iterdir():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_form_posted_from_another_page_is_refused_in_the_browser(
    browser: Any, dashboard_url: str, dashboard_emulator: Emulator[FrozenClock]
) -> None:
    """A page of another origin (here a ``data:`` page, origin ``null``) posting the reset
    form, even with the right token, gets 403 and the state stays (grade D)."""
    before = dashboard_emulator.export_state()
    form = (
        f'<form method="post" action="{dashboard_url}/actions/reset">'
        f'<input name="csrf" value="{TOKEN}"><button id="go">go</button></form>'
    )
    browser.get("data:text/html," + quote(form))
    _click_and_wait(browser, By.ID, "go")
    assert "must come from the dashboard's own origin" in browser.find_element(By.ID, "error").text
    assert dashboard_emulator.export_state() == before
