"""The dashboard's routes through the ASGI app (no socket): read-only pages, and form
actions that run only from the dashboard's own origin with its token (grade D,
decisions.md "Dashboard writes: a form with the page's token, from the same origin").
A refused action changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from dashboard_helpers import TOKEN
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import ASGIApp

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.dashboard import DEFAULT_BASE, dashboard_routes, form_refusal
from salesmanago_emulator.dashboard._demo import DEMO_ACCOUNT
from salesmanago_emulator.dashboard._guard import FORM_TYPE, safe_next

ORIGIN = "http://localhost"
FORM = {"content-type": FORM_TYPE, "origin": ORIGIN}


def _client(app: ASGIApp) -> httpx.AsyncClient:
    """An httpx client calling ``app`` in process at ``http://localhost`` (no redirects)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ORIGIN)


@pytest.fixture
async def client(dashboard_app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(dashboard_app) as test_client:
        yield test_client


async def _post(
    client: httpx.AsyncClient, action: str, headers: dict[str, str] | None = None, **fields: str
) -> Any:
    data = {"csrf": TOKEN, "next": f"{DEFAULT_BASE}/controls", **fields}
    return await client.post(f"{DEFAULT_BASE}/actions/{action}", data=data, headers=headers or FORM)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/accounts/{DEMO_ACCOUNT}/contacts",
        "/accounts/demo-shop/contacts/anna@example.com",
        "/calls",
        "/controls",
    ],
)
async def test_every_page_answers_html_with_no_script_allowed(
    client: httpx.AsyncClient, path: str
) -> None:
    answer = await client.get(DEFAULT_BASE + path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert "form-action 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in answer.text


async def test_links_follow_the_mount_point(dashboard_emulator: Emulator[FrozenClock]) -> None:
    app = Starlette(routes=[Mount("/elsewhere", routes=dashboard_routes(dashboard_emulator))])
    async with _client(app) as other:
        page = (await other.get(f"/elsewhere/accounts/{DEMO_ACCOUNT}/contacts")).text
    assert 'href="/elsewhere/calls"' in page
    assert 'action="/elsewhere/actions/clock-next-0200"' in page


async def test_unknown_contact_and_account_answer_404_pages(client: httpx.AsyncClient) -> None:
    answer = await client.get(f"{DEFAULT_BASE}/accounts/{DEMO_ACCOUNT}/contacts/ghost@example.com")
    assert answer.status_code == 404
    assert "ghost@example.com" in answer.text
    assert (await client.get(f"{DEFAULT_BASE}/accounts/nobody/contacts")).status_code == 404


async def test_an_action_from_the_page_runs_and_redirects_back(
    client: httpx.AsyncClient, dashboard_emulator: Emulator[FrozenClock]
) -> None:
    before = dashboard_emulator.clock.now()
    answer = await _post(client, "clock-advance", hours="2")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{DEFAULT_BASE}/controls"
    assert (dashboard_emulator.clock.now() - before).total_seconds() == 7200


async def test_next_0200_is_the_accounts_purge_instant(
    client: httpx.AsyncClient, dashboard_emulator: Emulator[FrozenClock]
) -> None:
    """S3.4: 02:00 in the account's zone (Warsaw: 01:00 UTC in winter), the next one."""
    assert (await _post(client, "clock-next-0200", client_id=DEMO_ACCOUNT)).status_code == 303
    assert dashboard_emulator.clock.now() == datetime(2026, 1, 16, 1, 0, tzinfo=timezone.utc)


def _state(emulator: Emulator[FrozenClock]) -> tuple[Any, ...]:
    return (emulator.export_state(), len(emulator.calls), emulator.clock.now())


@pytest.mark.parametrize(
    ("headers", "fields", "reason"),
    [
        ({"content-type": FORM_TYPE, "origin": "http://evil.example"}, {}, "own origin"),
        ({"content-type": FORM_TYPE, "origin": "null"}, {}, "own origin"),
        ({"content-type": FORM_TYPE}, {}, "own origin"),
        ({"content-type": FORM_TYPE, "origin": ORIGIN}, {"csrf": "guess"}, "token"),
        ({"content-type": "text/plain", "origin": ORIGIN}, {}, "takes a form"),
    ],
)
async def test_a_forged_action_is_refused_and_changes_nothing(
    client: httpx.AsyncClient,
    dashboard_emulator: Emulator[FrozenClock],
    headers: dict[str, str],
    fields: dict[str, str],
    reason: str,
) -> None:
    before = _state(dashboard_emulator)
    answer = await _post(client, "reset", headers, **fields)
    assert answer.status_code == 403
    assert reason in answer.text
    assert _state(dashboard_emulator) == before


async def test_a_json_body_is_no_form(
    client: httpx.AsyncClient, dashboard_emulator: Emulator[FrozenClock]
) -> None:
    before = _state(dashboard_emulator)
    answer = await client.post(
        f"{DEFAULT_BASE}/actions/reset",
        json={"csrf": TOKEN},
        headers={"origin": ORIGIN},
    )
    assert answer.status_code == 403
    assert _state(dashboard_emulator) == before


async def test_a_refused_control_operation_shows_why(client: httpx.AsyncClient) -> None:
    """A bad field is the control operation's 400, shown on the page."""
    answer = await _post(client, "clock-advance", hours="soon")
    assert answer.status_code == 400
    assert "hours: &#39;soon&#39; is not a number" in answer.text


async def test_the_system_clock_cannot_be_moved_from_the_page() -> None:
    emulator: Emulator[Any] = Emulator()
    app = Starlette(routes=[Mount(DEFAULT_BASE, routes=dashboard_routes(emulator, token=TOKEN))])
    async with _client(app) as system:
        page = (await system.get(f"{DEFAULT_BASE}/controls")).text
        assert "clock-next-0200" not in page
        answer = await _post(system, "clock-advance", hours="1")
    assert answer.status_code == 409


async def test_unknown_action_is_404(client: httpx.AsyncClient) -> None:
    assert (await _post(client, "drop-tables")).status_code == 404


async def test_on_change_runs_after_an_action_only(
    dashboard_emulator: Emulator[FrozenClock],
) -> None:
    saved: list[int] = []
    routes = dashboard_routes(dashboard_emulator, token=TOKEN, on_change=lambda: saved.append(1))
    async with _client(Starlette(routes=[Mount(DEFAULT_BASE, routes=routes)])) as c:
        await _post(c, "calls-clear", {"content-type": FORM_TYPE, "origin": "http://evil.example"})
        assert saved == []
        assert (await _post(c, "calls-clear")).status_code == 303
    assert saved == [1]
    assert dashboard_emulator.calls == []


async def test_reset_from_the_page_drops_the_accounts(
    client: httpx.AsyncClient, dashboard_emulator: Emulator[FrozenClock]
) -> None:
    assert (await _post(client, "reset")).status_code == 303
    assert dashboard_emulator.accounts == []
    assert "No account yet." in (await client.get(f"{DEFAULT_BASE}/")).text


# --- the guard and the redirect, as functions -------------------------------------


def test_the_referer_stands_in_for_a_missing_origin() -> None:
    headers = {"content-type": FORM_TYPE, "referer": ORIGIN + "/_emulator/ui/controls"}
    assert form_refusal(headers, ORIGIN, {"csrf": "t"}, "t") is None
    headers["referer"] = "http://evil.example/x"
    refusal = form_refusal(headers, ORIGIN, {"csrf": "t"}, "t")
    assert refusal is not None
    assert "the dashboard's own origin" in refusal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/_emulator/ui/calls", "/_emulator/ui/calls"),
        ("//evil.example/_emulator/ui/", "/_emulator/ui/"),
        ("http://evil.example/_emulator/ui/x", "/_emulator/ui/"),
        ("/_emulator/uix", "/_emulator/ui/"),
        ("/_emulator/ui/\\evil", "/_emulator/ui/"),
        ("", "/_emulator/ui/"),
    ],
)
def test_after_an_action_the_page_goes_back_only_inside_the_dashboard(
    value: str, expected: str
) -> None:
    assert safe_next(value, "/_emulator/ui") == expected


async def test_a_filtered_list_comes_back_filtered_after_an_action(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get(f"{DEFAULT_BASE}/accounts/{DEMO_ACCOUNT}/contacts?tag=VIP")).text
    back = f"{DEFAULT_BASE}/accounts/{DEMO_ACCOUNT}/contacts?tag=VIP"
    assert f'name="next" value="{back}"' in page
    answer = await client.post(
        f"{DEFAULT_BASE}/actions/clock-advance",
        data={"csrf": TOKEN, "next": back, "hours": "1"},
        headers=FORM,
    )
    assert answer.headers["location"] == back
