"""Issue 15: the emulator as an ASGI application (``salesmanago_emulator.asgi``), importable
for any ASGI server and for ``httpx.ASGITransport``; the dashboard's seam; the door's rules
when no uvicorn protocol stands in front of it."""

from __future__ import annotations

import json
from typing import Any, cast

import httpx
import pytest
from server_helpers import CLIENT_ID, OWNER, SECRET, signed
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from salesmanago_emulator import Emulator, asgi
from salesmanago_emulator._httpdoor import HostPolicy, is_json_type, mask_secrets, same_origin
from salesmanago_emulator.asgi import DASHBOARD_PREFIX, Door, create_app
from salesmanago_emulator.delivery import Deliverer
from salesmanago_emulator.faults import InjectedTransportError


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


async def test_the_dashboard_seam_mounts_its_routes(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def page(request: Request) -> PlainTextResponse:
        return PlainTextResponse("dashboard")

    def routes(emulator: Emulator) -> list[Any]:
        assert emulator is emu
        return [Route("/", page), Route("/cards", page)]

    monkeypatch.setattr(asgi, "dashboard_routes", routes)
    async with _client(create_app(emu)) as client:
        assert (await client.get(f"{DASHBOARD_PREFIX}/cards")).text == "dashboard"
        assert (await client.get(f"{DASHBOARD_PREFIX}/")).text == "dashboard"
    assert asgi.dashboard_routes is routes
    monkeypatch.undo()
    assert asgi.dashboard_routes(emu) == []  # none until the dashboard is wired


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
