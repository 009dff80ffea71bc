"""``--salesmanago-html=DIR`` (issue 15): a failing test that used the emulator fixture
leaves a self-contained page of the cards it touched and its calls; a passing test, or
one without the fixture, leaves nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = """
from salesmanago import ContactUpsert


def test_fails_after_an_upsert(salesmanago_client, salesmanago_emulator):
    salesmanago_client.contacts.upsert(ContactUpsert(email="seen@example.com", tags=("VIP",)))
    account = salesmanago_emulator.accounts[0]
    account.scoring.set("seen@example.com", 7)
    assert account.find("seen@example.com").score == 8, "wrong scoring"


def test_passes(salesmanago_client):
    salesmanago_client.contacts.upsert(ContactUpsert(email="fine@example.com"))


def test_fails_without_the_emulator():
    assert False
"""


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_shop=TESTS)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    return pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:hypothesispytest", *args)


def test_a_failing_test_leaves_the_page_of_its_cards(pytester: pytest.Pytester) -> None:
    out = pytester.path / "pages"
    result = _run(pytester, f"--salesmanago-html={out}")
    result.assert_outcomes(passed=1, failed=2)
    (page,) = out.iterdir()
    assert page.name == "test_shop.py_test_fails_after_an_upsert.html"
    html = page.read_text(encoding="utf-8")
    assert "seen@example.com" in html
    assert '<span class="score" title="scoring">7</span>' in html
    assert "wrong scoring" in html  # the failure itself
    assert "/api/contact/upsert" in html  # the test's calls
    assert "emulator-secret" not in html
    assert "<script" not in html
    assert 'href="http' not in html
    result.stdout.fnmatch_lines([f"*the emulator's state as a page: {page}*"])


def test_without_the_option_nothing_is_written(pytester: pytest.Pytester) -> None:
    result = _run(pytester)
    result.assert_outcomes(passed=1, failed=2)
    assert not list(Path(pytester.path).rglob("*.html"))
    assert "state as a page" not in result.stdout.str()


def test_the_option_is_listed_in_help(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest_inprocess("--help")
    assert result.ret == pytest.ExitCode.OK
    assert "--salesmanago-html=DIR" in result.stdout.str()


def test_without_jinja2_the_option_names_the_install(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)  # import jinja2 -> ImportError
    result = _run(pytester, "--salesmanago-html=out")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    expected = "--salesmanago-html needs Jinja2: pip install 'salesmanago-py[server]'"
    assert expected in result.stderr.str()
