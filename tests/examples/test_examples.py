"""Every runnable script under ``examples/`` runs on the embedded emulator and says what it did.

Each example is run as the README tells users to run it (``python
examples/<name>.py``) in a child process with every ``SALESMANAGO_*``
variable removed, so it takes the emulator path; it must exit 0 and print.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))


def _offline_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SALESMANAGO_")}


def test_examples_are_found() -> None:
    """The quick start is among the examples (guards against an empty parametrisation)."""
    assert "quickstart.py" in {p.name for p in SCRIPTS}


@functools.cache
def _done(name: str) -> subprocess.CompletedProcess[str]:
    """``python examples/<name>`` offline, run once per session (the tests below read
    the same output as the one that checks every script)."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        env=_offline_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_runs_on_the_emulator(script: Path) -> None:
    """The script exits 0 on the emulator, prints its steps, and writes nothing to stderr."""
    done = _done(script.name)
    assert done.returncode == 0, done.stderr
    assert "emulator" in done.stdout
    assert len(done.stdout.splitlines()) >= 5
    assert done.stderr == ""


def _run(name: str) -> str:
    done = _done(name)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_erp_example_shows_a_persons_and_a_companys_mailings() -> None:
    """Issue 13, item 4 (S17.1, S13.2): the preview lists the person's mailings with
    their status and the company's mailings of all its persons (S11.2: OO held back)."""
    out = _run("erp_plugin_export.py")
    assert "  mailings      1\n" in out
    assert "'Invitation: warehouse automation webinar'  SENT, opened 2026-11-20" in out
    assert "  mailings      2 to 2 person(s)\n" in out
    assert "ewa.nowak@kowalski-logistics.example.com: " in out
    assert "  OO\n" in out
    assert "2 mailings" in out  # the emulator's company view agrees


def test_shop_example_asks_for_double_opt_in_and_handles_a_bounce() -> None:
    """Issue 13, item 4 (S10, S17.2, S2.6): pending until confirmed, the opt-in callback,
    the newsletter's statuses per recipient, a hard bounce flagged in the shop."""
    out = _run("shop_sync.py")
    assert "Piotr opted out until he confirms: True; 'Confirm your e-mail address' (SENT)" in out
    assert "confirmed     -> Piotr opted in: True" in out
    assert "OPT_IN piotr.wrona@example.com (source MESSAGE) applied" in out
    assert "  marek.zielinski@example.com OO\n" in out
    assert "bounces       -> flagged in the shop: ['piotr.wrona@example.com']" in out


def test_crm_bulk_opt_out_example_reaches_the_crm_through_its_callback() -> None:
    """Issue 14 (S15, S10.3): the marketer's Contact Manager run opts out the promo list but
    its customer; each opt-out reaches the CRM's callback (source MANAGE, key checked)."""
    out = _run("crm_bulk_opt_out.py")
    assert "recount       -> 2 contacts would be touched" in out
    assert "anna@example.com: emailOptOut, addTags" in out
    assert "ewa@example.com: emailOptOut, addTags" in out
    assert "jan@example.com" not in out.split("crm sync")[1]  # the customer is left alone
    assert "callbacks     -> 2 OPT_OUT delivered to the CRM" in out
    assert "mailing stopped for anna@example.com, ewa@example.com\n" in out
    assert "callback sources ['MANAGE'], refused []" in out
