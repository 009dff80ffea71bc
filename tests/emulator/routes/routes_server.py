"""Raw JSON through the in-process transport or a real :class:`EmulatorServer` socket.

``over(emu, wire)`` yields a :class:`WireApi` for account A (or the account named):
the same ``body``/``ok``/``fail``/``upsert`` as the in-process ``Api``, plus ``get``
(an export file's path). ``wire`` is ``"transport"`` (httpx on the emulator's
transport) or ``"server"`` (HTTP to ``127.0.0.1``); tests take both from
:data:`WIRES`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import httpx
from routes_helpers import A_ID, A_OWNER, A_SECRET, URL, Api

from salesmanago_emulator import Emulator, EmulatorServer

__all__ = ["WIRES", "WireApi", "over"]

WIRES: Final = ("transport", "server")
"""The two ways a raw request reaches the emulator."""


class WireApi(Api):
    """:class:`Api` posting to ``<base>/api/<path>``; ``get`` reads a path."""

    def __init__(
        self, http: httpx.Client, base: str, client_id: str, secret: str, owner: str
    ) -> None:
        super().__init__(http, client_id, secret, owner)
        self.base = base

    def send(self, path: str, body: Any) -> httpx.Response:
        """POST ``body`` (a dict, or raw bytes) to ``<base>/api/<path>``."""
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.http.post(
            f"{self.base}/api/{path}", content=content, headers={"Content-Type": "application/json"}
        )

    def get(self, path: str) -> httpx.Response:
        """GET ``path`` (from ``/api/`` on)."""
        return self.http.get(f"{self.base}{path}")


@contextmanager
def over(
    emu: Emulator[Any],
    wire: str,
    client_id: str = A_ID,
    secret: str = A_SECRET,
    owner: str = A_OWNER,
) -> Iterator[WireApi]:
    """A :class:`WireApi` for the account, through ``wire`` (one of :data:`WIRES`)."""
    if wire == "transport":
        with httpx.Client(transport=emu.transport()) as http:
            yield WireApi(http, URL, client_id, secret, owner)
        return
    with EmulatorServer(emu) as server, httpx.Client(timeout=10) as http:
        yield WireApi(http, server.url, client_id, secret, owner)
