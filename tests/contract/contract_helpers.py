"""The contract layer: one set of test bodies, run against the emulator always and against
the live platform when your credentials are set (the fixtures: conftest.py).

Every test takes ``platform`` (a :class:`Platform`), parametrised over the target
(``emulator``, ``live``) and the client (``sync``, ``async``); the bodies are ``async``
and ``await platform.call("contacts.upsert", ...)`` runs on either client.

The live target runs only when all of these are set (else it is skipped with a one-line
reason): ``SALESMANAGO_CLIENT_ID``, ``SALESMANAGO_API_SECRET``, ``SALESMANAGO_OWNER``
(the variables the SDK reads; ``SALESMANAGO_ENDPOINT`` too, when your account is not on
the default server) and ``SALESMANAGO_TEST_DOMAIN``, the e-mail domain of the test
contacts. Live safety:

* every contact a test writes has a unique address under ``SALESMANAGO_TEST_DOMAIN``
  (:meth:`Platform.email`), so no real customer is ever touched;
* at teardown each contact the test made is deleted permanently and each funnel it
  made is deleted; nothing else is ever deleted (the ledger holds only what
  :meth:`Platform.email` and :meth:`Platform.funnel_name` handed out);
* tests of time-dependent rules (the 02:00 purge) carry
  ``@pytest.mark.emulator_only(reason)``: the live run skips them with the reason.

``SALESMANAGO_CONTRACT_RECORD=FILE`` records the live run's calls (``record=``), ready
for ``salesmanago-emulator replay FILE``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Final

import httpx

sys.path.insert(0, str(Path(__file__).parents[1] / "sdk"))

from sdk_helpers import call

from salesmanago import (
    AsyncSalesManago,
    NotFoundError,
    SalesManago,
    SalesManagoError,
)
from salesmanago._auth import compute_sha, random_api_key
from salesmanago_emulator import Emulator, FrozenClock

LIVE_VARIABLES: Final = (
    "SALESMANAGO_CLIENT_ID",
    "SALESMANAGO_API_SECRET",
    "SALESMANAGO_OWNER",
    "SALESMANAGO_TEST_DOMAIN",
)
"""What the live target needs (``SALESMANAGO_ENDPOINT`` is optional, as for the SDK)."""
RECORD_VARIABLE: Final = "SALESMANAGO_CONTRACT_RECORD"
EMULATOR_DOMAIN: Final = "contract.example.com"
EMULATOR_NOW: Final = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
EMULATOR_ACCOUNT: Final = {
    "client_id": "contract-client",
    "api_secret": "contract-secret-never-printed",
    "users": ["owner@contract.example.com"],
}
#: Tags the tests put on their own contacts (fixed names: tags stay in an account's list).
TAG: Final = "SM_CONTRACT"


def live_skip_reason(environ: Mapping[str, str]) -> str | None:
    """Why the live target cannot run here (one line), or ``None`` when it can."""
    missing = [name for name in LIVE_VARIABLES if not environ.get(name, "").strip()]
    if not missing:
        return None
    return f"live platform: set {', '.join(missing)} to run the contract tests on your account"


class Platform:
    """What a contract test body gets: a client of one target, and a ledger of what the
    test created there (cleaned up at teardown).

    Attributes:
        target: ``"emulator"`` or ``"live"``.
        mode: ``"sync"`` or ``"async"``.
        client: the SDK client.
        emulator: the emulator (``None`` live): only ``emulator_only`` tests use it.
        domain: the e-mail domain of the test's contacts.
    """

    def __init__(
        self,
        target: str,
        mode: str,
        client: SalesManago | AsyncSalesManago,
        domain: str,
        raw_settings: Mapping[str, str],
        emulator: Emulator[FrozenClock] | None = None,
    ) -> None:
        self.target = target
        self.mode = mode
        self.client = client
        self.domain = domain
        self.emulator = emulator
        self._raw = raw_settings
        self.contacts: list[str] = []
        self.funnels: list[str] = []

    @property
    def live(self) -> bool:
        """True against the live platform."""
        return self.target == "live"

    @property
    def owner(self) -> str:
        """The user the client's calls run as."""
        return self.client.owner

    def email(self, label: str) -> str:
        """A new, unique address under the test domain; the contact is deleted at teardown."""
        address = f"smct-{label}-{uuid.uuid4().hex[:12]}@{self.domain}"
        self.contacts.append(address)
        return address

    def unknown_email(self) -> str:
        """An address under the test domain that no test creates (for "not found")."""
        return f"smct-nobody-{uuid.uuid4().hex[:12]}@{self.domain}"

    def funnel_name(self, label: str) -> str:
        """A new, unique funnel name; the funnel is deleted at teardown."""
        name = f"SMCT {label} {uuid.uuid4().hex[:10]}"
        self.funnels.append(name)
        return name

    async def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """``client.<resource>.<method>(...)`` on either client: awaited when async, an
        iterator collected into a list."""
        return await call(self.client, name, *args, **kwargs)

    def raw(self, path: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """POST ``fields`` signed (protocol §2) to ``path`` as a non-SDK client would: for
        what the SDK refuses before sending (a field the platform must judge). Returns
        the decoded answer."""
        api_key = random_api_key()
        client_id, secret = self._raw["client_id"], self._raw["api_secret"]
        body = {
            "clientId": client_id,
            "apiKey": api_key,
            "requestTime": int(time.time() * 1000),
            "sha": compute_sha(api_key, client_id, secret),
            "owner": self.owner,
            **fields,
        }
        transport = self.emulator.transport() if self.emulator is not None else None
        with httpx.Client(transport=transport, timeout=30) as http:
            answer = http.post(self.client.base_url + path, json=body)
        decoded: dict[str, Any] = answer.json()
        return decoded

    async def cleanup(self) -> None:
        """Delete what this test created, and only that."""
        for funnel in self.funnels:
            with contextlib.suppress(SalesManagoError):  # never made, or deleted by the test
                await self.call("funnels.delete", funnel)
        for address in self.contacts:
            assert address.endswith("@" + self.domain)  # the ledger holds only ours
            with contextlib.suppress(NotFoundError):  # never made, or deleted by the test
                await self.call("contacts.delete", address, permanently=True)


async def _no_wait(seconds: float) -> None:
    """The emulator's exports are ready at once: nothing to wait for."""


def emulator_platform(mode: str) -> Platform:
    """A platform on a fresh emulator (frozen clock, one account)."""
    emulator = Emulator(clock=FrozenClock(EMULATOR_NOW))
    emulator.add_account(**EMULATOR_ACCOUNT)
    client: SalesManago | AsyncSalesManago
    if mode == "sync":
        client = emulator.client(sleep=lambda seconds: None)
    else:
        client = emulator.async_client(sleep=_no_wait)
    raw = {k: str(EMULATOR_ACCOUNT[k]) for k in ("client_id", "api_secret")}
    return Platform("emulator", mode, client, EMULATOR_DOMAIN, raw, emulator)


def live_platform(mode: str) -> Platform:
    """A platform on your account, from the ``SALESMANAGO_*`` variables."""
    record = os.environ.get(RECORD_VARIABLE) or None
    client: SalesManago | AsyncSalesManago
    client = SalesManago(record=record) if mode == "sync" else AsyncSalesManago(record=record)
    raw = {
        "client_id": os.environ["SALESMANAGO_CLIENT_ID"],
        "api_secret": os.environ["SALESMANAGO_API_SECRET"],
    }
    return Platform("live", mode, client, os.environ["SALESMANAGO_TEST_DOMAIN"].strip(), raw)
