"""Server mode: the emulator over real HTTP, for clients in any language.

```python
from salesmanago import SalesManago
from salesmanago_emulator import Emulator, EmulatorServer

emu = Emulator()
emu.add_account(client_id="c1", api_secret="s1", users=["owner@example.com"])
with EmulatorServer(emu) as server:            # 127.0.0.1, a free port
    sm = SalesManago(endpoint=server.url, client_id="c1", api_secret="s1",
                     owner="owner@example.com")
```

The server is the ASGI application of ``asgi``
([`create_app`][salesmanago_emulator.asgi.create_app], on Starlette) run by uvicorn in a
background thread: the same router the in-process transport uses
(authentication, envelopes, call log, fault rules) under ``/api/...``, the control
API (``salesmanago_emulator.control``) under ``/_emulator/...``, every answer
the platform's JSON envelope, with the door's limits and checks (``Host``, ``Origin``,
content type, the control token). Needs the ``server`` extra; this module imports
without it, and [`start`][salesmanago_emulator.EmulatorServer.start] says what to install.

Robustness: connections are served by one event loop (no thread per connection), at
most ``max_connections`` at once (one more is answered 503); an error while answering
one request is logged and answered with HTTP 500, never stopping the server. A body
over `MAX_BODY_BYTES` is refused with HTTP 413 from its ``Content-Length`` alone,
before any of it is read. A chunked body (no ``Content-Length``) is refused with 411.

With a `StateFile`, every request that may have changed state (an API call the router
dispatched, a control write) is saved before its answer is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from ._httpdoor import MAX_BODY_BYTES, exposure_warning

if TYPE_CHECKING:
    from types import TracebackType

    from starlette.routing import BaseRoute

    from ._emulator import Emulator
    from ._uvicorn import UvicornThread
    from .statefile import StateFile

__all__ = ["DEFAULT_MAX_CONNECTIONS", "MAX_BODY_BYTES", "SERVER_EXTRA", "EmulatorServer"]

DEFAULT_MAX_CONNECTIONS: Final = 1000
"""How many connections a server keeps open at once unless told otherwise."""
SERVER_EXTRA: Final = "pip install 'salesmanago-py[server]'"
"""The command that installs what server mode needs (Starlette, uvicorn)."""

_LOG: Final = logging.getLogger("salesmanago_emulator.server")


def missing_server_extra() -> str | None:
    """Which install command server mode needs, when Starlette or uvicorn is missing."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        return f"server mode needs {error.name or 'its dependencies'}: {SERVER_EXTRA}"
    return None


class EmulatorServer:
    """An HTTP server answering for ``emulator`` at
    [`url`][salesmanago_emulator.EmulatorServer.url].

    Binds ``host`` (default the loopback interface) and ``port`` (``0``: a free one, see
    [`port`][salesmanago_emulator.EmulatorServer.port] after
    [`start`][salesmanago_emulator.EmulatorServer.start]). ``state_file`` is saved after every
    change and once more by [`stop`][salesmanago_emulator.EmulatorServer.stop].
    ``control_token`` is required on every control request (``Authorization: Bearer``);
    ``allowed_hosts`` are host names accepted in ``Host`` besides the loopback ones and
    ``host``; ``max_connections`` caps open connections; ``extra_routes`` go to
    [`create_app`][salesmanago_emulator.asgi.create_app]. Use it as a context manager, or
    call [`start`][salesmanago_emulator.EmulatorServer.start] and
    [`stop`][salesmanago_emulator.EmulatorServer.stop].
    """

    def __init__(
        self,
        emulator: Emulator[Any],
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state_file: StateFile | None = None,
        max_body: int = MAX_BODY_BYTES,
        control_token: str | None = None,
        allowed_hosts: Iterable[str] = (),
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        extra_routes: Sequence[BaseRoute] = (),
    ) -> None:
        """A server for ``emulator``; nothing is bound before
        [`start`][salesmanago_emulator.EmulatorServer.start]."""
        self.emulator = emulator
        self.host = host
        self._port = port
        self.state_file = state_file
        self.max_body = max_body
        self.control_token = control_token
        self.allowed_hosts = (host, *allowed_hosts)
        self.max_connections = max_connections
        self.extra_routes = tuple(extra_routes)
        self._serving: UvicornThread | None = None

    @property
    def port(self) -> int:
        """The bound port (the requested one before
        [`start`][salesmanago_emulator.EmulatorServer.start])."""
        if self._serving is not None:
            return int(self._serving.sock.getsockname()[1])
        return self._port

    @property
    def url(self) -> str:
        """``http://host:port``: the SDK's ``endpoint``; the API is under ``/api/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._serving is not None and self._serving.alive

    def start(self) -> EmulatorServer:
        """Bind and serve in a background thread; returns ``self``. Starting twice is an
        error; ``OSError`` when the address cannot be bound, ``ImportError`` naming the
        install command without the ``server`` extra."""
        if self._serving is not None:
            raise RuntimeError("the server is already started")
        missing = missing_server_extra()
        if missing is not None:
            raise ImportError(missing)
        from ._uvicorn import UvicornThread, bind
        from .asgi import create_app

        warning = exposure_warning(self.host)
        if warning is not None:
            _LOG.warning("%s", warning)
        app = create_app(
            self.emulator,
            state_file=self.state_file,
            deliverer=self.emulator.deliverer(),
            control_token=self.control_token,
            allowed_hosts=self.allowed_hosts,
            max_body=self.max_body,
            extra_routes=self.extra_routes,
        )
        serving = UvicornThread(
            app, bind(self.host, self._port), max_connections=self.max_connections
        )
        serving.start()
        self._serving = serving
        return self

    def stop(self) -> None:
        """Stop serving, close every connection, and save the state file once more."""
        serving, self._serving = self._serving, None
        if serving is None:
            return
        serving.stop()
        if self.state_file is not None:
            self.state_file.save()

    def serve_forever(self) -> None:
        """Start (if needed) and block until [`stop`][salesmanago_emulator.EmulatorServer.stop] is
        called from another thread."""
        if self._serving is None:
            self.start()
        serving = self._serving
        if serving is not None:
            serving.thread.join()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<EmulatorServer {self.url} {state}>"
