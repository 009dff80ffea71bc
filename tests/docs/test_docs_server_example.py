"""The raw request of docs/emulator/server.md works as shown (issue 16): its sha is
the SHA-1 the page says, and its body, POSTed to a served emulator with the default
account, upserts the contact."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import httpx

from salesmanago_emulator import Emulator, EmulatorServer

PAGE = Path(__file__).resolve().parents[2] / "docs" / "emulator" / "server.md"
_CURL = re.compile(r"\$ curl -s http://127\.0\.0\.1:8765(/api/\S+) .*?-d '(\{.*?\})'", re.DOTALL)


def _example() -> tuple[str, dict[str, Any], str]:
    text = PAGE.read_text(encoding="utf-8")
    found = _CURL.search(text)
    assert found is not None, "the page's curl example is gone"
    path, body = found.groups()
    answer = text[text.index(body) + len(body) :].split("\n")[1]
    return path, json.loads(body), answer


def test_the_pages_sha_is_the_signature_of_the_default_account() -> None:
    _, body, _ = _example()
    signed = f"{body['apiKey']}{body['clientId']}emulator-secret".encode()
    assert body["sha"] == hashlib.sha1(signed).hexdigest()


def test_the_pages_raw_request_upserts_on_a_served_emulator(
    salesmanago_emulator: Emulator,
) -> None:
    path, body, shown = _example()
    with EmulatorServer(salesmanago_emulator) as server:
        response = httpx.post(server.url + path, json=body)
    assert response.status_code == 200
    answer = response.json()
    assert answer["success"] is True
    assert set(answer) == set(json.loads(shown.replace("…", "x")))
    card = salesmanago_emulator.account("emulator-client").find(body["contact"]["email"])
    assert card is not None
    assert card.id == answer["contactId"]
