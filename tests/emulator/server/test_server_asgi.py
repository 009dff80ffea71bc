"""Issue 15: the emulator as an ASGI application (``salesmanago_emulator.asgi``), importable
for any ASGI server and for ``httpx.ASGITransport``; the dashboard in every app; the door's rules
when no uvicorn protocol stands in front of it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from server_helpers import CLIENT_ID, OWNER, SECRET, signed
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from salesmanago_emulator import Emulator
from salesmanago_emulator._httpdoor import HostPolicy, is_json_type, same_origin
from salesmanago_emulator._secrets import masked as mask_secrets
from salesmanago_emulator.asgi import DASHBOARD_PREFIX, Door, create_app
from salesmanago_emulator.delivery import Deliverer
from salesmanago_emulator.faults import InjectedTransportError
from salesmanago_emulator.statefile import StateFile


async def test_the_app_under_httpx_asgi_transport(emu: Emulator) -> None:
    app = create_app(emu)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        answer = await http.post(
            "/api/contact/upsert", json=signed(contact={"email": "asgi@example.com"})
        )
        assert (answer.status_code, answer.json()["success"]) == (200, True)
        accounts = await http.get("/_emulator/accounts")
        assert accounts.json()["accounts"][0]["contacts"] == 1
        refused = await http.post("/_emulator/reset", content=b"{}")  # no JSON content type
        assert refused.status_code == 415
    assert emu.account(CLIENT_ID).has_contact("asgi@example.com")


async def test_a_test_host_name_needs_allowed_hosts(emu: Emulator) -> None:
    """httpx's and Starlette's test clients send ``Host: testserver``: a name to allow."""
    for hosts, status in (((), 403), (("testserver",), 200), (("*",), 200)):
        transport = httpx.ASGITransport(app=create_app(emu, allowed_hosts=hosts))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            assert (await http.get("/_emulator/clock")).status_code == status


async def test_an_injected_drop_raises_out_of_the_app_without_the_extension(
    emu: Emulator,
) -> None:
    emu.faults.add("connect_error", path="/api/contact/upsert", times=1)
    transport = httpx.ASGITransport(app=create_app(emu))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        with pytest.raises(InjectedTransportError):
            await http.post("/api/contact/upsert", json=signed(contact={"email": "d@x.pl"}))


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost")


async def test_extra_routes_are_served_behind_the_door(emu: Emulator) -> None:
    async def hello(request: Request) -> PlainTextResponse:
        door = request.app.state.door
        assert isinstance(door, Door)
        return PlainTextResponse(f"{len(door.emulator.accounts)} account")

    app = create_app(emu, extra_routes=[Route("/_emulator/hello", hello)])
    async with _client(app) as client:
        assert (await client.get("/_emulator/hello")).text == "1 account"  # before the control API
        assert (await client.get("/_emulator/clock")).json()["success"] is True
        refused = await client.get("/_emulator/hello", headers={"Host": "evil.example"})
        assert refused.status_code == 403


async def test_every_app_serves_the_dashboard(emu: Emulator) -> None:
    """Issue 15: the dashboard is part of every app ``create_app`` builds (``serve``,
    ``EmulatorServer``, any ASGI server), behind the same door."""
    async with _client(create_app(emu)) as client:
        page = await client.get(f"{DASHBOARD_PREFIX}/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert CLIENT_ID in page.text
        refused = await client.get(f"{DASHBOARD_PREFIX}/", headers={"Host": "evil.example"})
        assert refused.status_code == 403  # DNS rebinding: the page is never read


async def test_without_jinja2_the_dashboard_names_the_install(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "salesmanago_emulator.dashboard", None)
    async with _client(create_app(emu)) as client:
        page = await client.get(f"{DASHBOARD_PREFIX}/calls")
        api = await client.post("/api/contact/upsert", json=signed(contact={"email": "j@x.pl"}))
    assert page.status_code == 501
    assert "pip install 'salesmanago-py[server]'" in page.json()["message"][0]
    assert api.json()["success"] is True  # only the pages need Jinja2


async def test_with_a_control_token_the_dashboard_asks_for_it(emu: Emulator) -> None:
    """Decision (issue 15): a server with a control token shows its pages only to a
    browser that opened ``?token=<token>`` once (an HttpOnly, SameSite=Strict cookie
    keeps it) or to a request carrying ``Authorization: Bearer``."""
    async with _client(create_app(emu, control_token="tok-123")) as client:
        bare = await client.get(f"{DASHBOARD_PREFIX}/")
        assert bare.status_code == 401
        assert "?token=<token>" in bare.json()["message"][0]
        wrong = await client.get(f"{DASHBOARD_PREFIX}/calls?token=nope")
        assert wrong.status_code == 401
        assert "set-cookie" not in wrong.headers
        opened = await client.get(f"{DASHBOARD_PREFIX}/calls?token=tok-123&path=x")
        assert opened.status_code == 303
        assert opened.headers["location"] == f"{DASHBOARD_PREFIX}/calls?path=x"
        cookie = opened.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert f"Path={DASHBOARD_PREFIX}" in cookie
        assert (await client.get(f"{DASHBOARD_PREFIX}/calls")).status_code == 200
    async with _client(create_app(emu, control_token="tok-123")) as other:
        bearer = {"Authorization": "Bearer tok-123"}
        assert (await other.get(f"{DASHBOARD_PREFIX}/", headers=bearer)).status_code == 200


async def test_a_dashboard_action_is_saved_to_the_state_file(emu: Emulator, tmp_path: Path) -> None:
    """The page's actions change state like control writes do: ``--state`` is saved
    before the answer (the ``on_change`` the app passes)."""
    state = StateFile(tmp_path / "state.json", emu)
    app = create_app(emu, state_file=state, dashboard_token="form-token")
    async with _client(app) as client:
        answer = await client.post(
            f"{DASHBOARD_PREFIX}/actions/reset",
            data={"csrf": "form-token", "next": f"{DASHBOARD_PREFIX}/"},
            headers={"Origin": "http://localhost"},
        )
    assert answer.status_code == 303
    assert emu.accounts == []
    assert json.loads((tmp_path / "state.json").read_text())["accounts"] == []


async def test_the_lifespan_starts_and_closes_the_deliverer(emu: Emulator) -> None:
    calls: list[str] = []

    class Recorder:
        def start_background(self, *, interval: float) -> None:
            calls.append(f"start {interval}")

        def close(self) -> None:
            calls.append("close")

    app = create_app(emu, deliverer=cast(Deliverer, Recorder()))
    async with app.router.lifespan_context(app), _client(app) as client:
        assert calls == ["start 0.2"]
        assert (await client.get("/_emulator/clock")).status_code == 200
    assert calls == ["start 0.2", "close"]


async def _call(app: Any, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> tuple[int, Any]:
    """One request through the raw ASGI interface, as any server would send it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/contact/upsert",
        "raw_path": b"/api/contact/upsert",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 5000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], json.loads(sent[1]["body"])


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ([(b"content-length", "²".encode())], 400),
        ([(b"content-length", "\u0662".encode())], 400),
        ([(b"content-length", b"99999999999")], 413),
        ([(b"transfer-encoding", b"chunked")], 411),
        ([(b"x-big", b"v" * 40_000)], 431),
    ],
)
async def test_the_door_refuses_bad_framing_under_any_server(
    emu: Emulator, headers: list[tuple[bytes, bytes]], status: int
) -> None:
    """No h11 in front (another ASGI server): the app's own checks answer with the envelope."""
    answer_status, envelope = await _call(create_app(emu), headers, b"{}")
    assert answer_status == status
    assert envelope["success"] is False
    assert emu.calls == []  # refused before the router


def test_host_policy() -> None:
    policy = HostPolicy(["Emulator.Test"])
    assert policy.allows(None)
    for host in (
        "localhost",
        "LOCALHOST:80",
        "127.0.0.1:1",
        "127.1.2.3",
        "[::1]:8",
        "emulator.test",
    ):
        assert policy.allows(host), host
    for host in ("evil.example", "127.0.0.1.evil.example", "localhost.evil", "[::2]:8", ""):
        assert not policy.allows(host), host
    assert HostPolicy(["*"]).allows("anything.example")


def test_origin_and_content_type_rules() -> None:
    assert same_origin("http://127.0.0.1:8765", "127.0.0.1:8765")
    assert not same_origin("http://127.0.0.1:8766", "127.0.0.1:8765")
    assert not same_origin("https://127.0.0.1:8765", "127.0.0.1:8765")
    assert not same_origin("null", "127.0.0.1:8765")
    assert is_json_type("application/json; charset=utf-8")
    assert is_json_type("application/merge-patch+json")
    assert not is_json_type("text/plain")
    assert not is_json_type(None)


def test_mask_secrets_at_any_depth_leaves_the_input(emu: Emulator) -> None:
    account = emu.account(CLIENT_ID)
    account.users.set_password(OWNER, "pass-word-1")
    account.callbacks.register("OPT_OUT", "http://127.0.0.1:9/x", secret="cb-secret")
    exported = emu.export_state()
    masked = mask_secrets(exported)
    text = json.dumps(masked)
    for secret in (SECRET, "pass-word-1", "cb-secret"):
        assert secret not in text
        assert secret in json.dumps(exported)  # the input is left as it was
    assert masked["accounts"][0]["apiSecret"] == "***"
