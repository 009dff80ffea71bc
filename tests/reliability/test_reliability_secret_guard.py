"""The suite-wide secret guard (tests/conftest.py) can fail: a tiny suite run in a
subprocess with the same conftest exits non-zero when a secret or a sha is logged or
lands in an emulator's call log, and names each leak without printing the secret."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

LEAKY_SUITE = """
import hashlib
import json
import logging

import httpx

from salesmanago import SalesManago
from salesmanago_emulator import Emulator


def test_secret_in_a_log_record():
    emu = Emulator()
    emu.add_account(client_id="c1", api_secret="leaky-secret-one", users=["o@example.com"])
    logging.getLogger("salesmanago").debug("connecting with %s", "leaky-secret-one")


def test_sha_in_a_log_record():
    sm = SalesManago(client_id="c2", api_secret="leaky-secret-two", owner="o@example.com",
                     endpoint="http://localhost", api_key="k")
    sm.close()
    sha = hashlib.sha1(b"k" + b"c2" + b"leaky-secret-two").hexdigest()
    logging.getLogger("httpx").info("signed %s", sha)


def test_secret_in_the_call_log():
    emu = Emulator()
    emu.add_account(client_id="c3", api_secret="leaky-secret-three", users=["o@example.com"])
    with httpx.Client(transport=emu.transport()) as http:
        http.post("http://e/api/contact/hasContact",
                  content=json.dumps({"clientId": "c3", "note": "leaky-secret-three"}))
"""

CLEAN_SUITE = """
import logging

from salesmanago import ContactUpsert
from salesmanago_emulator import Emulator


def test_a_run_with_retries_logs_no_secret():
    emu = Emulator()
    emu.add_account(client_id="c1", api_secret="clean-secret-one", users=["o@example.com"])
    emu.faults.add("http_error", status=503, times=1)
    with emu.client(max_retries=1, sleep=lambda s: None) as sm:
        sm.contacts.upsert(ContactUpsert(email="a@example.com"))
    logging.getLogger("salesmanago").debug("done for %s", "c1")
    assert len(emu.calls) == 2
"""


FAST = ("-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
INI = """
[pytest]
asyncio_default_fixture_loop_scope = function
"""


def _run(pytester: pytest.Pytester, suite: str) -> pytest.RunResult:
    pytester.makeconftest(ROOT_CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini(INI)
    pytester.makepyfile(test_tiny=suite)
    return pytester.runpytest_subprocess(*FAST)


def test_guard_fails_the_run_and_names_each_leak(pytester: pytest.Pytester) -> None:
    """Every test passes, yet the run fails: three leaks, each named, secrets masked."""
    result = _run(pytester, LEAKY_SUITE)

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=3)
    for line in (
        "*SECRET LEAK*",
        "log record salesmanago DEBUG: contains secret le…(16 chars)*with <SECRET>*",
        "log record httpx INFO: contains secret *(40 chars)*signed <SECRET>*",
        "emulator call log /api/contact/hasContact: contains secret le…(18 chars)*",
        "3 leak(s) in *",
    ):
        result.stdout.fnmatch_lines([line])
    output = result.stdout.str() + result.stderr.str()
    for secret in ("leaky-secret-one", "leaky-secret-two", "leaky-secret-three"):
        assert secret not in output


def test_guard_passes_a_clean_run(pytester: pytest.Pytester) -> None:
    """The same guard lets a run with requests, retries and DEBUG logs pass."""
    result = _run(pytester, CLEAN_SUITE)

    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1)
    assert "SECRET LEAK" not in result.stdout.str()


LEAKY_RECORDING = """
import io

import salesmanago._recording as recording
from salesmanago_emulator import Emulator


def test_a_recording_without_its_mask(monkeypatch):
    monkeypatch.setattr(recording, "REQUEST_SECRETS", ())
    emu = Emulator()
    emu.add_account(client_id="c4", api_secret="leaky-secret-four", users=["o@example.com"])
    with emu.client(record=io.StringIO()) as sm:
        sm.contacts.has_contact("a@example.com")
"""

CLEAN_RECORDING = """
import io

from salesmanago_emulator import Emulator


def test_a_recorded_run_writes_no_secret():
    emu = Emulator()
    emu.add_account(client_id="c5", api_secret="clean-secret-five", users=["o@example.com"])
    stream = io.StringIO()
    with emu.client(record=stream) as sm:
        sm.contacts.has_contact("a@example.com")
    assert '"sha":"***"' in stream.getvalue()
"""


def test_guard_reads_what_a_call_recorder_writes(pytester: pytest.Pytester) -> None:
    """A recorded line holding a sha fails the run (the recorder's mask turned off); the
    recorder as it is passes (``salesmanago.CallRecorder``, ``record=``)."""
    leaky = _run(pytester, LEAKY_RECORDING)
    assert leaky.ret == pytest.ExitCode.TESTS_FAILED
    leaky.stdout.fnmatch_lines(["recorded call /api/contact/hasContact: contains secret *"])
    assert "leaky-secret-four" not in leaky.stdout.str() + leaky.stderr.str()
    clean = _run(pytester, CLEAN_RECORDING)
    assert clean.ret == pytest.ExitCode.OK
    assert "SECRET LEAK" not in clean.stdout.str()
