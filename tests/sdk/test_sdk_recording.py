"""Recording a client's calls (``record=``, :class:`salesmanago.CallRecorder`): one JSON
line per answered request, secrets masked exactly as the emulator's call log masks them.
Sync and async; the file is what ``salesmanago-emulator replay`` reads."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesmanago import AsyncSalesManago, CallRecorder, ContactUpsert, NotFoundError, SalesManago
from salesmanago._recording import ANSWER_SECRETS, MASK, REQUEST_SECRETS, mask_request
from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator import _secrets as emulator_secrets

NOW = datetime(2026, 2, 3, 10, 0, tzinfo=timezone.utc)
SECRET = "recording-secret-never-written"
PASSWORD = "recording-password-never-written"
OWNER = "owner@example.com"


@pytest.fixture
def emu() -> Emulator[FrozenClock]:
    emulator = Emulator(clock=FrozenClock(NOW))
    emulator.add_account(
        client_id="rec", api_secret=SECRET, users=[OWNER], passwords={OWNER: PASSWORD}
    )
    return emulator


async def _done(result: Any) -> Any:
    return await result if asyncio.iscoroutine(result) else result


def _session(client: SalesManago | AsyncSalesManago) -> None:
    """Three calls (two answered with success, one refused) on either client."""

    async def run() -> None:
        await _done(client.contacts.upsert(ContactUpsert(email="a@example.com", tags=["VIP"])))
        await _done(client.contacts.list(["a@example.com"]))
        with pytest.raises(NotFoundError):
            await _done(client.contacts.delete("nobody@example.com"))
        await _done(client.close())

    asyncio.run(run())


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.parametrize("make", [Emulator.client, Emulator.async_client])
def test_record_writes_one_line_per_call_masked_like_the_call_log(
    emu: Emulator[FrozenClock], make: Callable[..., Any], tmp_path: Path
) -> None:
    """``record=PATH``: each line has method, path, the request (sha masked), the status
    and the answer; request and answer equal the emulator's call log record."""
    path = tmp_path / "calls.jsonl"
    client = make(emu, record=path)
    _session(client)
    lines = _lines(path.read_text(encoding="utf-8"))
    assert [(x["method"], x["path"], x["status"]) for x in lines] == [
        ("POST", "/api/contact/upsert", 200),
        ("POST", "/api/contact/list", 200),
        ("POST", "/api/contact/delete", 200),
    ]
    assert lines[0]["request"]["sha"] == MASK
    assert lines[2]["response"] == {
        "success": False,
        "message": ["Contact not found: nobody@example.com"],
    }
    for line, record in zip(lines, emu.calls, strict=True):
        assert line["request"] == json.loads(json.dumps(record.request))
        assert line["response"] == json.loads(json.dumps(record.response, default=str))
        assert datetime.fromisoformat(line["at"].replace("Z", "+00:00")).tzinfo is not None
    assert SECRET not in path.read_text(encoding="utf-8")


def test_the_mask_rules_are_the_emulators() -> None:
    """The SDK and the emulator mask the same keys with the same text (one rule, two
    spellings: the SDK never imports the emulator)."""
    assert MASK == emulator_secrets.MASK
    assert REQUEST_SECRETS == emulator_secrets.SECRET_KEYS
    assert ANSWER_SECRETS == emulator_secrets.ANSWER_SECRET_KEYS


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["a", "contact", "sha", "SHA", "apiSecret", "Password", "API-KEY", "x"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=15,
)


@given(st.dictionaries(st.text(max_size=3) | st.sampled_from(["sha", "token"]), _JSON))
def test_the_sdk_masks_any_request_as_the_emulator_shows_it(body: dict[str, object]) -> None:
    """One rule, two spellings: any JSON request body, recorded by the SDK, reads as the
    emulator's call log shows it (every secret key at any depth, case ignored)."""
    assert mask_request(body) == emulator_secrets.masked(body)


def test_login_chain_password_token_and_sha_are_masked(emu: Emulator[FrozenClock]) -> None:
    """Protocol §2.3: the password sent, the token and the sha answered are masked in the
    recording exactly as in the emulator's call log (a recorder on a plain httpx client)."""
    stream = io.StringIO()
    recorder = CallRecorder(stream)
    with httpx.Client(transport=emu.transport(), event_hooks=recorder.hooks()) as http:
        token = http.post(
            "https://app2.salesmanago.pl/api/authorization/token",
            json={"username": OWNER, "password": PASSWORD},
        ).json()["token"]
        http.post(
            "https://app2.salesmanago.pl/api/account/integration",
            json={"token": token, "apiKey": "k"},
        )
    text = stream.getvalue()
    for secret in (PASSWORD, token, SECRET):
        assert secret not in text
    first, second = _lines(text)
    assert first["request"] == {"username": OWNER, "password": MASK}
    assert first["response"]["token"] == MASK
    assert second["request"] == {"token": MASK, "apiKey": "k"}
    assert second["response"]["sha1"] == MASK
    assert [first["request"], second["request"]] == [dict(c.request or {}) for c in emu.calls]
    assert recorder.lines == 2


def test_attach_records_a_client_made_without_record_and_its_clones(
    emu: Emulator[FrozenClock],
) -> None:
    """``CallRecorder.attach`` (e.g. after ``from_login``): the client and its
    ``with_options`` clones (same pool) are recorded from then on."""
    stream = io.StringIO()
    with emu.client() as sm:
        sm.contacts.has_contact("a@example.com")  # before: not recorded
        CallRecorder(stream).attach(sm)
        sm.with_options(timeout=5).contacts.has_contact("b@example.com")
    (line,) = _lines(stream.getvalue())
    assert line["request"]["email"] == "b@example.com"


def test_a_request_without_an_answer_is_not_recorded(emu: Emulator[FrozenClock]) -> None:
    """A dropped connection leaves no line (nothing to compare); the retry's answer does."""
    stream = io.StringIO()
    emu.faults.add("connect_error", times=1)
    with emu.client(record=stream, max_retries=1, sleep=lambda s: None) as sm:
        sm.contacts.has_contact("a@example.com")
    assert len(emu.calls) == 2
    assert [line["status"] for line in _lines(stream.getvalue())] == [200]


def test_lines_are_appended_and_flushed_with_a_fixed_clock(
    emu: Emulator[FrozenClock], tmp_path: Path
) -> None:
    """A path is appended to (a second session adds lines); ``now`` sets each line's time;
    an answer that is no JSON is recorded as ``null``."""
    path = tmp_path / "calls.jsonl"
    recorder = CallRecorder(path, now=lambda: NOW)
    for _ in range(2):
        with emu.client(record=recorder) as sm:
            sm.contacts.has_contact("a@example.com")
    with httpx.Client(transport=emu.transport(), event_hooks=recorder.hooks()) as http:
        http.get("https://app2.salesmanago.pl/api/job/file/nothing")
    lines = _lines(path.read_text(encoding="utf-8"))
    assert [line["at"] for line in lines] == ["2026-02-03T10:00:00.000Z"] * 3
    assert lines[2]["method"] == "GET"
    assert recorder.lines == 3


@given(st.dictionaries(st.text(max_size=3) | st.sampled_from(["sha", "token"]), _JSON))
def test_the_call_log_masks_in_place_as_the_copying_mask_does(body: dict[str, object]) -> None:
    """The call log masks a freshly decoded body where it stands; the result is the
    one rule's (`masked`), at any depth."""
    fresh = json.loads(json.dumps(body))
    assert emulator_secrets.mask_in_place(fresh) == emulator_secrets.masked(body)
