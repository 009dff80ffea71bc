"""The route table (ALL_ROUTES, routes/__init__.py) as routes() lists it: sorted, complete,
described, owner rules."""

from __future__ import annotations

from salesmanago_emulator import RouteInfo, routes


def test_routes_table_is_generated_and_complete() -> None:
    table = routes()
    assert all(isinstance(info, RouteInfo) for info in table)
    paths = [info.path for info in table]
    assert paths == sorted(paths)
    assert {
        "/api/contact/insert",
        "/api/contact/batchupsert",
        "/api/contact/paginatedModifiedContacts",
        "/api/contact/tags",
        "/api/v2/contact/tags",
        "/api/user/listByClient",
    } <= set(paths)
    owner_free = {info.path for info in table if not info.owner_required}
    assert {
        "/api/contact/optin",
        "/api/contact/optout",
        "/api/contact/phoneoptin",
        "/api/contact/phoneoptout",
    } <= owner_free
    assert "/api/contact/upsert" not in owner_free
    assert all(info.description and "``" not in info.description for info in table)
