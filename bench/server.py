"""Server mode on Starlette + uvicorn (issue 15): what the emulator's app costs per call,
and whether 64 concurrent clients are served no slower than by the old server.

Every server runs in its own **subprocess** (no GIL shared with the clients), and the
clients are raw HTTP/1.1 over keep-alive loopback sockets sending pre-built signed
``contact/upsert`` bodies, each to a new e-mail: the client costs next to nothing, so the
figures are the servers'.

* ``server_upsert`` -- per-call wall time of the SDK's ``contacts.upsert`` (sync client,
  one call after another, each a create) against ``serve`` (the emulator's app on
  uvicorn: door, router, upsert) over the same calls against a minimal ASGI app on the
  same uvicorn set-up (``salesmanago_emulator._uvicorn``: same protocol, same options)
  that reads the body and answers a constant envelope. Best of alternating rounds.
  Target <= 1.25. The detail also gives the same ratio for the raw client (no SDK: the
  server's whole cost over the constant app's, the emulator's upsert included).
* ``server_concurrent`` -- wall time of 64 concurrent clients (64 connections, one event
  loop) sending the same upserts to ``serve`` over the time to the old ``http.server``
  server (``bench._old_server``, a thread per connection). Target <= 1.0 (no slower).

``python -m bench.server const`` serves the constant app (the first line printed is
``serving on <url>``).
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import time
from typing import TYPE_CHECKING

from salesmanago import ContactUpsert, SalesManago
from salesmanago._auth import compute_sha

from ._timing import Result, spawn
from .contacts import CLIENT_ID, OWNER, SECRET

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

UPSERT_TARGET = 1.25
CONCURRENT_TARGET = 1.0
CLIENTS = 64
_ACCOUNT = f"{CLIENT_ID}:{SECRET}:{OWNER}"
_CONSTANT = (
    b'{"success":true,"message":[],"contactId":"00000000-0000-0000-0000-000000000001",'
    b'"externalId":null}'
)


def _body(email: str) -> bytes:
    api_key = "bench-key"
    sha = compute_sha(api_key, CLIENT_ID, SECRET)
    body = {
        "clientId": CLIENT_ID,
        "apiKey": api_key,
        "requestTime": 1_768_471_200_000,
        "sha": sha,
        "owner": OWNER,
        "contact": {"email": email, "name": "Bench"},
        "tags": ["BENCH"],
    }
    return json.dumps(body).encode()


def _request(host: str, email: str) -> bytes:
    body = _body(email)
    head = (
        f"POST /api/contact/upsert HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _read_answer(sock: socket.socket, buffer: bytearray) -> None:
    """Read one answer (headers and a Content-Length body) off ``sock``."""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
    while len(rest) < length:
        rest += sock.recv(65536)
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"the server answered {head[:40]!r}")
    buffer[:] = rest[length:]


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def per_call(url: str, emails: list[str]) -> float:
    """Seconds per upsert, one keep-alive connection, one call after another."""
    host, port = _address(url)
    requests = [_request(f"{host}:{port}", email) for email in emails]
    buffer = bytearray()
    with socket.create_connection((host, port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        start = time.perf_counter()
        for data in requests:
            sock.sendall(data)
            _read_answer(sock, buffer)
        return (time.perf_counter() - start) / len(requests)


async def _concurrent(url: str, plans: list[list[str]]) -> float:
    host, port = _address(url)

    async def client(plan: list[str]) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for email in plan:
                writer.write(_request(f"{host}:{port}", email))
                head = await reader.readuntil(b"\r\n\r\n")
                if not head.startswith(b"HTTP/1.1 200"):
                    raise RuntimeError(f"the server answered {head[:40]!r}")
                length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
                await reader.readexactly(length)
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client(plan) for plan in plans))
    return time.perf_counter() - start


def concurrent(url: str, prefix: str, per_client: int) -> float:
    """Seconds for ``CLIENTS`` connections each sending ``per_client`` upserts at once."""
    plans = [[f"{prefix}-{c}-{i}@example.com" for i in range(per_client)] for c in range(CLIENTS)]
    return asyncio.run(_concurrent(url, plans))


def per_call_sdk(url: str, emails: list[str]) -> float:
    """Seconds per ``contacts.upsert`` of the sync SDK, one call after another."""
    with SalesManago(
        client_id=CLIENT_ID, api_secret=SECRET, owner=OWNER, endpoint=url, max_retries=0
    ) as sm:
        sm.contacts.upsert(ContactUpsert(email=f"first-{emails[0]}"))  # connect first
        start = time.perf_counter()
        for email in emails:
            sm.contacts.upsert(ContactUpsert(email=email, name="Bench", tags=["BENCH"]))
        return (time.perf_counter() - start) / len(emails)


def server_upsert(calls: int, rounds: int = 5) -> Result:
    """The emulator's app over the constant app on the same uvicorn, per SDK call."""
    best = dict.fromkeys(("sdk", "sdk_const", "raw", "raw_const"), float("inf"))
    with (
        spawn("-m", "salesmanago_emulator", "serve", "--port", "0", "--account", _ACCOUNT) as emu,
        spawn("-m", "bench.server", "const") as const,
    ):
        for url in (emu, const):
            per_call(url, [f"warm{i}@example.com" for i in range(200)])
            per_call_sdk(url, [f"warm-sdk{i}@example.com" for i in range(100)])
        for r in range(rounds):
            emails = [f"up{r}-{i}@example.com" for i in range(calls)]
            raw = [f"raw{r}-{i}@example.com" for i in range(calls)]
            best["sdk"] = min(best["sdk"], per_call_sdk(emu, emails))
            best["sdk_const"] = min(best["sdk_const"], per_call_sdk(const, emails))
            best["raw"] = min(best["raw"], per_call(emu, raw))
            best["raw_const"] = min(best["raw_const"], per_call(const, raw))
    us = {name: seconds * 1e6 for name, seconds in best.items()}
    return Result(
        "server_upsert",
        best["sdk"] / best["sdk_const"],
        UPSERT_TARGET,
        True,
        f"SDK upsert {us['sdk']:.0f} us per call on serve vs {us['sdk_const']:.0f} us on a "
        f"constant ASGI app, same uvicorn (best of {rounds} x {calls} creates); raw client "
        f"{us['raw']:.0f} vs {us['raw_const']:.0f} us ({best['raw'] / best['raw_const']:.2f}x)",
    )


def server_concurrent(per_client: int, rounds: int = 3) -> Result:
    """64 concurrent clients: the new server over the old http.server one."""
    new = old = float("inf")
    with (
        spawn("-m", "salesmanago_emulator", "serve", "--port", "0", "--account", _ACCOUNT) as url,
        spawn("-m", "bench._old_server", _ACCOUNT) as old_url,
    ):
        concurrent(url, "warm", 5)
        concurrent(old_url, "warm", 5)
        for r in range(rounds):
            new = min(new, concurrent(url, f"c{r}", per_client))
            old = min(old, concurrent(old_url, f"c{r}", per_client))
    calls = CLIENTS * per_client
    return Result(
        "server_concurrent",
        new / old,
        CONCURRENT_TARGET,
        True,
        f"{CLIENTS} clients x {per_client} upserts: {calls / new:.0f}/s on Starlette + uvicorn "
        f"vs {calls / old:.0f}/s on the old http.server server (best of {rounds})",
    )


def run(*, quick: bool, only: set[str]) -> list[Result]:
    """The server-mode benchmarks (``--only server`` runs both)."""
    results = []
    if not only or only & {"server", "server_upsert"}:
        results.append(server_upsert(300 if quick else 1000))
    if not only or only & {"server", "server_concurrent"}:
        results.append(server_concurrent(20 if quick else 60))
    return results


async def _constant_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The minimal ASGI app: reads the request's body, answers a constant envelope."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            kind = message["type"].rsplit(".", 1)[1]
            await send({"type": f"lifespan.{kind}.complete"})
            if kind == "shutdown":
                return
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(_CONSTANT))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": _CONSTANT})


def _serve_constant() -> None:
    from salesmanago_emulator._uvicorn import UvicornThread, bind

    serving = UvicornThread(_constant_app, bind("127.0.0.1", 0), max_connections=1000)
    serving.start()
    print(f"serving on http://127.0.0.1:{serving.sock.getsockname()[1]}", flush=True)
    serving.thread.join()


if __name__ == "__main__":
    if sys.argv[1:] == ["const"]:
        _serve_constant()
    else:
        for result in run(quick="--quick" in sys.argv, only=set()):
            print(f"{result.name}: {result.ratio:.3f} (target {result.target}): {result.detail}")
