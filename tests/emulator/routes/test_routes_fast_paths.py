"""The door's fast paths (issue 17), each pinned to the general path it stands for.

The transport hands over its answers already read (httpx's chunked read of a body
already in hand cost half a routed upsert's instructions); a client sees the same
response as one read the ordinary way, sync and async.

The reference, `_Unread`, passes every request to the same emulator transport and
hands the client a fresh *unread* copy of the answer (status, headers, body), which
httpx then reads through its streaming machinery as it reads a network answer.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from routes_helpers import A_ID, A_OWNER, A_SECOND, A_SECRET, NOW_MS, URL, new_emulator, sha

from salesmanago_emulator import Emulator
from salesmanago_emulator._jsoncodec import encode_json
from salesmanago_emulator.errors import INVALID_OWNER, AuthenticationFailed
from salesmanago_emulator.routes._base import acting_owner
from salesmanago_emulator.state._normalize import normalize_email
from salesmanago_emulator.transport import EmulatorTransport


def _signed(**fields: Any) -> bytes:
    body = {
        "clientId": A_ID,
        "apiKey": "k",
        "requestTime": NOW_MS,
        "sha": sha("k", A_ID, A_SECRET),
        "owner": A_OWNER,
    }
    return json.dumps({**body, **fields}).encode()


# (method, path, body): a success, a refusal, each HTTP error of the edge, a fault's header
REQUESTS: list[tuple[str, str, bytes]] = [
    ("POST", "/api/contact/upsert", _signed(contact={"email": "jan@example.com"})),
    ("POST", "/api/contact/upsert", _signed(contact={"email": "jan@example.com"})),
    ("POST", "/api/contact/upsert", _signed(sha="0" * 40)),
    ("POST", "/api/contact/upsert", b"{not json"),
    ("POST", "/api/contact/upsert", b"[]"),
    ("POST", "/api/no/such/path", _signed()),
    ("GET", "/api/contact/upsert", b""),
    ("POST", "/api/contact/hasContact", _signed(email="jan@example.com")),
    ("POST", "/api/user/listByClient", _signed()),
]


def _copy_unread(response: httpx.Response) -> httpx.Response:
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        stream=httpx.ByteStream(response.content),
        request=response.request,
    )


class _Unread(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """The emulator's answers handed over unread, for httpx to read as usual."""

    def __init__(self, inner: EmulatorTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _copy_unread(self._inner.handle_request(request))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return _copy_unread(await self._inner.handle_async_request(request))


def _seen(response: httpx.Response) -> dict[str, Any]:
    """Everything public a client sees of a response it got from ``send``."""
    assert isinstance(response.elapsed, timedelta)
    assert response.elapsed >= timedelta(0)
    return {
        "status": response.status_code,
        "headers": response.headers.multi_items(),
        "content": response.content,
        "text": response.text,
        "encoding": response.encoding,
        "closed": response.is_closed,
        "consumed": response.is_stream_consumed,
        "downloaded": response.num_bytes_downloaded,
        "chunks": list(response.iter_bytes()),
        "lines": list(response.iter_lines()),
        "request": (response.request.method, str(response.request.url)),
    }


def _errors(fault_rules: Emulator) -> None:
    fault_rules.faults.add("rate_limit", path="/api/contact/hasContact", retry_after=7)


def test_sync_answer_is_the_answer_read_the_ordinary_way(emu: Emulator) -> None:
    """Every kind of answer (200, refusal, 400, 404, 405, a fault's Retry-After header)
    looks the same to an ``httpx.Client`` as the same answer read through httpx's stream."""
    _errors(emu)
    fast = httpx.Client(transport=emu.transport())
    usual = httpx.Client(transport=_Unread(emu.transport()))
    for method, path, content in REQUESTS:
        ours = fast.request(method, URL + path, content=content)
        theirs = usual.request(method, URL + path, content=content)
        assert _seen(ours) == _seen(theirs), path


async def test_async_answer_is_the_answer_read_the_ordinary_way(emu: Emulator) -> None:
    """The same for an ``httpx.AsyncClient`` (the async twin builds the answer the same way)."""
    _errors(emu)
    async with (
        httpx.AsyncClient(transport=emu.transport()) as fast,
        httpx.AsyncClient(transport=_Unread(emu.transport())) as usual,
    ):
        for method, path, content in REQUESTS:
            ours = await fast.request(method, URL + path, content=content)
            theirs = await usual.request(method, URL + path, content=content)
            assert _seen(ours) == _seen(theirs), path
            assert [chunk async for chunk in ours.aiter_bytes()] == [ours.content]


def test_streamed_request_gets_the_body_whole(emu: Emulator) -> None:
    """A client that asks for a stream still reads the body (``iter_bytes``, ``read``);
    like ``httpx.MockTransport``'s answers it arrives consumed, so ``iter_raw`` refuses."""
    with (
        httpx.Client(transport=emu.transport()) as http,
        http.stream("POST", URL + "/api/user/listByClient", content=_signed()) as response,
    ):
        assert b"".join(response.iter_bytes()) == response.read()
        assert json.loads(response.read())["users"] == [A_OWNER, "second@a.example.com"]
        with pytest.raises(httpx.StreamConsumed):
            list(response.iter_raw())


def test_elapsed_counts_injected_latency(emu: Emulator) -> None:
    """``response.elapsed`` is measured from the request's arrival, so an injected
    latency shows in it (the faults feature's delays stay visible to the client)."""
    emu.faults.add("latency", path="/api/user/listByClient", seconds=0.05)
    with httpx.Client(transport=emu.transport()) as http:
        slow = http.post(URL + "/api/user/listByClient", content=_signed())
    assert slow.status_code == 200
    assert slow.elapsed >= timedelta(seconds=0.05)


# --- the cache of verified signatures (S1.3, protocol §2.2) -------------------------------

LIST_USERS = "/api/user/listByClient"


def _users_answer(http: httpx.Client, body: bytes) -> dict[str, Any]:
    answer: dict[str, Any] = http.post(URL + LIST_USERS, content=body).json()
    return answer


def _signed_with(secret: str) -> bytes:
    return _signed(sha=sha("k", A_ID, secret))


def test_s1_3_a_changed_secret_refuses_a_signature_verified_before(emu: Emulator) -> None:
    """A (clientId, apiKey, sha) triple verified once is remembered only while the account's
    secret is the one it was checked against: a new secret refuses it at once, the new
    signature passes, and the old one passes again once the old secret is back."""
    account = emu.account(A_ID)
    with httpx.Client(transport=emu.transport()) as http:
        assert _users_answer(http, _signed_with(A_SECRET))["success"] is True  # now cached
        account.api_secret = "another-secret"
        refused = _users_answer(http, _signed_with(A_SECRET))
        assert refused == {"success": False, "message": ["Not authenticated"]}
        assert _users_answer(http, _signed_with("another-secret"))["success"] is True
        account.api_secret = "".join(["secret-", "a"])  # equal to A_SECRET, a new string
        assert _users_answer(http, _signed_with(A_SECRET))["success"] is True
        assert _users_answer(http, _signed_with("another-secret"))["success"] is False


def test_s1_3_a_snapshot_import_with_another_secret_refuses_the_old_signature(
    emu: Emulator,
) -> None:
    """Importing a state whose account has another secret: the signature verified before
    the import is refused, one made with the imported secret passes."""
    with httpx.Client(transport=emu.transport()) as http:
        assert _users_answer(http, _signed_with(A_SECRET))["success"] is True
        state = emu.export_state()
        [entry] = [a for a in state["accounts"] if a["clientId"] == A_ID]
        entry["apiSecret"] = "imported-secret"
        emu.import_state(state)
        assert _users_answer(http, _signed_with(A_SECRET))["message"] == ["Not authenticated"]
        assert _users_answer(http, _signed_with("imported-secret"))["success"] is True


def test_s1_3_an_account_added_again_with_another_secret_refuses_the_old_signature(
    emu: Emulator,
) -> None:
    """After a reset the same client id added with another secret: the old triple fails."""
    with httpx.Client(transport=emu.transport()) as http:
        assert _users_answer(http, _signed_with(A_SECRET))["success"] is True
        emu.reset()
        emu.add_account(client_id=A_ID, api_secret="fresh-secret", users=[A_OWNER])
        assert _users_answer(http, _signed_with(A_SECRET))["message"] == ["Not authenticated"]
        assert _users_answer(http, _signed_with("fresh-secret"))["success"] is True


# --- the owner a request acts as (protocol §11.2) ----------------------------------------


@given(
    value=st.one_of(
        st.none(),
        st.integers(),
        st.lists(st.text(max_size=3), max_size=2),
        st.sampled_from([A_OWNER, A_SECOND, "nobody@a.example.com", "", "  "]).flatmap(
            lambda user: st.tuples(
                st.sampled_from(["", " ", "\t"]), st.booleans(), st.sampled_from(["", " "])
            ).map(lambda t: t[0] + (user.upper() if t[1] else user) + t[2])
        ),
        st.text(max_size=8),
    )
)
def test_protocol_11_2_acting_owner_is_the_users_rule(value: object) -> None:
    """`acting_owner` answers what `UsersArea.acting` (the one rule) answers for any
    string that is not blank; ``None`` for an absent or blank owner; anything else is
    ``invalid owner``."""
    account = new_emulator().account(A_ID)
    if value is None or (isinstance(value, str) and not value.strip()):
        assert acting_owner(account, value) is None
        return
    if isinstance(value, str) and normalize_email(value) in (A_OWNER, A_SECOND):
        assert acting_owner(account, value) == normalize_email(value)
        return
    with pytest.raises(AuthenticationFailed) as refused:
        acting_owner(account, value)
    assert list(refused.value.messages) == [INVALID_OWNER]


# --- the success envelope -----------------------------------------------------------------


def test_a_handler_setting_success_takes_the_envelopes_places(emu: Emulator) -> None:
    """A partly applied batch answers ``success: false`` itself: its envelope has the
    handler's ``success`` and ``message`` in the envelope's places."""
    body = _signed(contacts=[{"email": "ok@example.com"}, {"email": "not an e-mail"}])
    with httpx.Client(transport=emu.transport()) as http:
        answer = http.post(URL + "/api/contact/batchupsert", content=body)
    assert answer.status_code == 200
    assert list(answer.json())[:2] == ["success", "message"]
    assert answer.json()["success"] is False
    assert answer.content == encode_json(emu.calls[-1].response).encode()
