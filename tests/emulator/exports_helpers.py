"""Helpers of the export tests of several layers (protocol §6, §13.18): raw JSON as an
account (``routes_helpers.Api``), and the SDK's client of account A."""

from __future__ import annotations

from typing import Any

from routes_helpers import URL, Api

from salesmanago import ContactUpsert, SalesManago

EXPORT = "contact/paginatedContactList/export"
DATA = "contact/export/data"
STATUS = "job/status"


def _seed(api: Api, *emails: str, **fields: Any) -> list[str]:
    """Upsert a contact for each of ``emails``; their ids."""
    return [api.upsert(email, **fields) for email in emails]


def _file(api: Api, request_id: str) -> Any:
    """Poll the job once (it must be done) and GET its file."""
    status = api.ok(STATUS, requestId=request_id)
    assert status["message"] == []
    url = status["fileUrl"]
    assert url.startswith("/api/job/file/")
    response = api.http.get(URL + url)
    assert response.status_code == 200, response.text
    return response.json()


def _sdk_seed(sm: SalesManago) -> None:
    """Four contacts tagged VIP through the SDK; bob@example.com then soft-deleted."""
    for email in ("ann@example.com", "bob@example.com", "cat@example.com", "dan@example.com"):
        sm.contacts.upsert(ContactUpsert(email=email, tags=("VIP",)))
    sm.contacts.delete("bob@example.com")
