"""The emulator's fault injection itself (salesmanago_emulator.faults), seen at the wire.

Raw httpx requests through the emulator's transport show exactly what each fault
does: the exception or status, the headers, what reached the state, and what the
call log records. Configuration through Python and the pytest marker (through the
control API: ``tests/emulator/control/test_control_faults.py``).
"""

from __future__ import annotations

import json
import time
from typing import Any

import anyio
import httpx
import pytest
from reliability_helpers import API_SECRET, CLIENT_ID, KNOWN, NEW, OWNER

from salesmanago import InternalServerError, SalesManago
from salesmanago._auth import compute_sha
from salesmanago_emulator import (
    FAULT_KINDS,
    CallRecord,
    Emulator,
    FaultInjector,
)

INSERT = "/api/contact/insert"
UPSERT = "/api/contact/upsert"
HAS = "/api/contact/hasContact"
TAGS_V2 = "/api/v2/contact/tags"
URL = "http://salesmanago.emulator"


def body(client_id: str = CLIENT_ID, secret: str = API_SECRET, **fields: Any) -> bytes:
    """A signed request body for ``client_id``."""
    return json.dumps(
        {
            "clientId": client_id,
            "apiKey": "k",
            "sha": compute_sha("k", client_id, secret),
            "requestTime": 1_768_471_200_000,
            "owner": OWNER,
            **fields,
        }
    ).encode()


def post(
    emulator: Emulator,
    path: str,
    email: str = NEW,
    client_id: str = CLIENT_ID,
    secret: str = API_SECRET,
) -> httpx.Response:
    """POST a contact write (or lookup) of ``email`` through the emulator's transport."""
    with httpx.Client(transport=emulator.transport()) as http:
        fields: dict[str, Any] = {"contact": {"email": email}, "email": email}
        return http.post(URL + path, content=body(client_id, secret, **fields))


def last(emulator: Emulator) -> CallRecord:
    """The newest call-log record."""
    return emulator.calls[-1]


# what each kind does ---------------------------------------------------------------


def test_connect_error_reaches_nothing_and_is_logged(emulator: Emulator) -> None:
    """``connect_error``: httpx.ConnectError, no state change; the log keeps the attempt
    with status 0, the fault, and the body with its sha masked."""
    emulator.faults.add("connect_error", path=INSERT, times=1)

    with pytest.raises(httpx.ConnectError, match="before the request reached"):
        post(emulator, INSERT)

    assert emulator.account(CLIENT_ID).find(NEW) is None
    record = last(emulator)
    assert (record.path, record.status, record.fault) == (INSERT, 0, "connect error")
    assert record.request is not None
    assert record.request["sha"] == "***"
    assert post(emulator, INSERT).json()["success"] is True  # spent after one request


def test_read_timeout_before_write_applies_nothing(emulator: Emulator) -> None:
    """``read_timeout``: httpx.ReadTimeout and nothing applied."""
    emulator.faults.add("read_timeout", path=INSERT)

    with pytest.raises(httpx.ReadTimeout):
        post(emulator, INSERT)

    assert emulator.account(CLIENT_ID).find(NEW) is None
    assert (last(emulator).status, last(emulator).fault) == (0, "read timeout")


def test_read_timeout_after_write_applies_then_raises(emulator: Emulator) -> None:
    """``read_timeout`` with ``after_write``: the insert is applied, then the answer is
    lost; the log keeps the answer the client never saw."""
    emulator.faults.add("read_timeout", path=INSERT, after_write=True)

    with pytest.raises(httpx.ReadTimeout, match="after the request was applied"):
        post(emulator, INSERT)

    assert emulator.account(CLIENT_ID).find(NEW) is not None
    record = last(emulator)
    assert (record.status, record.success, record.fault) == (200, True, "read timeout after write")


@pytest.mark.parametrize("status", [500, 502, 503])
def test_http_error_answers_the_status_without_applying(emulator: Emulator, status: int) -> None:
    """``http_error``: the status and a failure envelope naming the injected fault."""
    emulator.faults.add("http_error", status=status, path=INSERT)

    response = post(emulator, INSERT)

    assert response.status_code == status
    assert response.json() == {
        "success": False,
        "message": [f"HTTP {status} (injected fault)"],
    }
    assert emulator.account(CLIENT_ID).find(NEW) is None
    assert (last(emulator).status, last(emulator).fault) == (status, f"HTTP {status}")


def test_http_error_after_write_applies_then_answers_the_status(emulator: Emulator) -> None:
    """``http_error`` with ``after_write``: applied, then a 500 replaces the answer."""
    emulator.faults.add("http_error", status=500, path=INSERT, after_write=True)

    assert post(emulator, INSERT).status_code == 500

    assert emulator.account(CLIENT_ID).find(NEW) is not None
    assert last(emulator).fault == "HTTP 500 after write"


@pytest.mark.parametrize(
    ("retry_after", "header"), [(3, "3"), (1.5, "1.5"), (0, "0"), (None, None)]
)
def test_rate_limit_sends_429_with_retry_after(
    emulator: Emulator, retry_after: float | None, header: str | None
) -> None:
    """``rate_limit``: HTTP 429, ``Retry-After`` in seconds (none for ``None``), nothing applied."""
    emulator.faults.add("rate_limit", retry_after=retry_after, path=INSERT)

    response = post(emulator, INSERT)

    assert response.status_code == 429
    assert response.headers.get("Retry-After") == header
    assert emulator.account(CLIENT_ID).find(NEW) is None


def test_latency_waits_through_the_injectable_sleeps(emulator: Emulator) -> None:
    """``latency`` waits through ``faults.sleep`` (sync) and ``faults.async_sleep`` (async);
    the defaults are the real ``time.sleep`` and ``anyio.sleep``."""
    assert FaultInjector().sleep is time.sleep
    assert FaultInjector().async_sleep is anyio.sleep
    waits: list[tuple[str, float]] = []
    emulator.faults.sleep = lambda s: waits.append(("sync", s))

    async def async_sleep(seconds: float) -> None:
        waits.append(("async", seconds))

    emulator.faults.async_sleep = async_sleep
    emulator.faults.add("latency", seconds=1.5, path=HAS)
    emulator.faults.add("latency", seconds=0.5)

    assert post(emulator, HAS, KNOWN).json()["success"] is True

    async def async_post() -> None:
        async with httpx.AsyncClient(transport=emulator.transport()) as http:
            await http.post(URL + HAS, content=body(email=KNOWN))

    anyio.run(async_post)
    assert waits == [("sync", 2.0), ("async", 2.0)]
    assert last(emulator).fault == "latency 1.5s; latency 0.5s"


# which requests, how often ----------------------------------------------------------


def test_times_spends_the_rule(emulator: Emulator) -> None:
    """A rule with ``times=2`` hits two matching requests, then stays listed but spent."""
    rule = emulator.faults.add("http_error", path=HAS, times=2)

    statuses = [post(emulator, HAS, KNOWN).status_code for _ in range(4)]

    assert statuses == [503, 503, 200, 200]
    assert (rule.hits, rule.spent) == (2, True)
    assert emulator.faults.rules == [rule]


def _pattern(seed: int, probability: float = 0.3, times: int | None = None) -> list[int]:
    emu = Emulator()
    emu.add_account(client_id=CLIENT_ID, api_secret=API_SECRET, users=[OWNER])
    emu.faults.add("http_error", path=HAS, probability=probability, seed=seed, times=times)
    return [post(emu, HAS, KNOWN).status_code for _ in range(40)]


def test_probability_is_deterministic_for_a_seed() -> None:
    """The same seed gives the same faults in the same order; another seed others."""
    first = _pattern(seed=42)
    assert first == _pattern(seed=42)
    assert first != _pattern(seed=43)
    assert 0 < first.count(503) < 40


def test_a_lost_draw_does_not_use_up_times() -> None:
    """With a probability and ``times=3``: exactly three faults, however many draws."""
    assert _pattern(seed=1, probability=0.5, times=3).count(503) == 3


def test_paths_match_exactly_or_by_glob(emulator: Emulator) -> None:
    """``/api/contact/*`` is a prefix (glob); a plain path matches only itself."""
    prefix = emulator.faults.add("http_error", status=502, path="/api/contact/*")
    exact = emulator.faults.add("http_error", status=500, path=TAGS_V2)

    assert post(emulator, HAS, KNOWN).status_code == 502
    assert post(emulator, UPSERT).status_code == 502
    assert post(emulator, TAGS_V2).status_code == 500
    assert post(emulator, "/api/v2/contact/tagsX").status_code == 404
    assert (prefix.hits, exact.hits) == (2, 1)


def test_client_id_rule_hits_only_that_account(emulator: Emulator) -> None:
    """A rule naming a client id leaves the other accounts' requests alone."""
    emulator.add_account(client_id="other", api_secret="other-secret-9a7b", users=[OWNER])
    emulator.faults.add("http_error", client_id="other")

    assert post(emulator, HAS, KNOWN).status_code == 200
    assert (
        post(emulator, HAS, KNOWN, client_id="other", secret="other-secret-9a7b").status_code == 503
    )


def test_first_deciding_rule_wins_and_the_others_keep_their_times(emulator: Emulator) -> None:
    """Rules are tried in order; after one decides, later ones are not used up."""
    first = emulator.faults.add("http_error", status=500, path=HAS, times=1)
    second = emulator.faults.add("http_error", status=502, times=1)

    assert [post(emulator, HAS, KNOWN).status_code for _ in range(3)] == [500, 502, 200]
    assert (first.hits, second.hits) == (1, 1)


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "explode"},
        {"kind": "http_error", "status": 200},
        {"kind": "http_error", "status": 429},
        {"kind": "rate_limit", "status": 503},
        {"kind": "rate_limit", "retry_after": -1},
        {"kind": "connect_error", "after_write": True},
        {"kind": "latency"},
        {"kind": "latency", "seconds": -1},
        {"kind": "http_error", "seconds": 1},
        {"kind": "http_error", "times": 0},
        {"kind": "http_error", "probability": 0},
        {"kind": "http_error", "probability": 1.5},
        {"kind": "http_error", "path": "api/contact/upsert"},
        {"kind": "http_error", "client_id": ""},
    ],
)
def test_bad_rules_are_refused(emulator: Emulator, spec: dict[str, Any]) -> None:
    """A rule that makes no sense is a ValueError, and nothing is added."""
    with pytest.raises(ValueError, match=r"\w"):
        emulator.faults.add(**spec)
    with pytest.raises(ValueError, match="fault 1"):
        emulator.faults.add_all([{"kind": "connect_error"}, spec])
    assert emulator.faults.rules == []


def test_every_kind_is_documented() -> None:
    """The kinds the module documents are the ones it accepts."""
    assert FAULT_KINDS == ("latency", "http_error", "rate_limit", "connect_error", "read_timeout")


def test_clear_and_reset_drop_the_rules(emulator: Emulator) -> None:
    """``faults.clear()`` and ``Emulator.reset()`` both leave no rule."""
    emulator.faults.add("http_error")
    emulator.faults.clear()
    assert post(emulator, HAS, KNOWN).status_code == 200
    emulator.faults.add("http_error")
    emulator.reset()
    assert emulator.faults.rules == []


# configuration: the marker ---------------------------------------------------------


@pytest.mark.salesmanago(faults=[{"kind": "http_error", "status": 502, "times": 1}])
def test_marker_adds_faults(salesmanago_client: SalesManago) -> None:
    """``@pytest.mark.salesmanago(faults=[...])`` adds rules to the fixture's emulator."""
    with pytest.raises(InternalServerError):
        salesmanago_client.contacts.has_contact("a@example.com")
    assert salesmanago_client.contacts.has_contact("a@example.com") is None


def test_marker_refuses_a_bad_fault(pytester: pytest.Pytester) -> None:
    """A bad marker rule is a usage error naming it, not a silent no-op."""
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.salesmanago(faults=[{"kind": "explode"}])
        def test_x(salesmanago_emulator):
            pass
        """
    )
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:hypothesispytest")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*faults=...*fault 0*unknown fault kind*"])
