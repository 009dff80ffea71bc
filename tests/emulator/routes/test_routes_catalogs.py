"""API v3 product catalogs over HTTP (protocol §9), raw JSON through both doors.

Every test taking ``v3`` runs twice: through the in-process transport and through a
real :class:`EmulatorServer` on a loopback socket, with the same assertions. The
``API-KEY`` header names the account; answers use real HTTP statuses and
``{"problems": [{"reasonCode", "message": "field|text"}]}``. Decisions:
docs/emulator/decisions.md, "API v3 product catalogs".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from routes_helpers import A_ID, B_ID

from salesmanago_emulator import Emulator, EmulatorServer, RouteInfo, routes
from salesmanago_emulator.cli import main
from salesmanago_emulator.state import Account
from salesmanago_emulator.state.catalogs import SystemDetails

V3_URL = "https://api.salesmanago.com"
KEY_A, KEY_B = "key-of-a", "key-of-b"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
UNAUTHENTICATED = {"problems": [{"reasonCode": 10, "message": "API-KEY|invalid API key"}]}
NOT_JSON = {"messages": ["Specified json is not valid"], "reasonCode": 14}
DEFAULT = object()


class V3:
    """Sends raw v3 requests with account A's key (or ``key=`` another, ``None``: none)."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    @staticmethod
    def _headers(key: object) -> dict[str, str]:
        key = KEY_A if key is DEFAULT else key
        return {} if key is None else {"API-KEY": str(key)}

    def get(self, path: str, *, key: object = DEFAULT) -> tuple[int, Any]:
        """``GET /v3/<path>``: the status and the decoded answer."""
        response = self.http.get(f"/v3/{path}", headers=self._headers(key))
        return response.status_code, response.json()

    def post(self, path: str, body: object, *, key: object = DEFAULT) -> tuple[int, Any]:
        """``POST /v3/<path>`` with ``body`` (raw bytes, or JSON); status and answer."""
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **self._headers(key)}
        response = self.http.post(f"/v3/{path}", content=content, headers=headers)
        return response.status_code, response.json()

    def ok(self, path: str, body: object, *, key: object = DEFAULT) -> dict[str, Any]:
        """POST and expect HTTP 200 with a UUID ``requestId``; the answer."""
        status, answer = self.post(path, body, key=key)
        assert status == 200, answer
        assert UUID.fullmatch(answer["requestId"]), answer
        return dict(answer)

    def catalog(self, name: str = "Shop", **fields: object) -> str:
        """Create a catalog of account A; its id."""
        body = {"catalogName": name, "currency": "PLN", "setAsDefault": True, **fields}
        return str(self.ok("product/catalogUpsert", body)["catalogId"])


@pytest.fixture(params=["transport", "server"])
def http(request: pytest.FixtureRequest, emu: Emulator) -> Iterator[httpx.Client]:
    """A plain httpx client on the in-process transport, or on a real server."""
    emu.account(A_ID).catalogs.create_key(KEY_A)
    emu.account(B_ID).catalogs.create_key(KEY_B)
    if request.param == "transport":
        with httpx.Client(transport=emu.transport(), base_url=V3_URL) as client:
            yield client
    else:
        with EmulatorServer(emu) as server, httpx.Client(base_url=server.url) as client:
            yield client


@pytest.fixture
def v3(http: httpx.Client) -> V3:
    """Raw v3 requests as account A."""
    return V3(http)


def _everything(account: Account) -> Any:
    area = account.catalogs
    return area.keys, area.catalogs(), [area.products(c.catalog_id) for c in area.catalogs()]


PRODUCT: dict[str, Any] = {
    "productId": "p-1",
    "name": "Linen shirt",
    "mainCategory": "Shirts",
    "categoryExternalId": "c-7",
    "categories": ["Tops", "Summer"],
    "description": "A shirt.",
    "productUrl": "https://shop.example.com/p-1",
    "mainImageUrl": "https://img.example.com/p-1.jpg",
    "imageUrls": ["https://img.example.com/p-1b.jpg"],
    "available": False,
    "active": True,
    "quantity": 3,
    "price": 10.00,
    "discountPrice": 8.5,
    "unitPrice": 2,
    "systemDetails": {
        "brand": "Acme",
        "manufacturer": "Acme Ltd",
        "popularity": 7,
        "gender": 4,
        "season": "summer",
        "color": "blue",
        "bestseller": True,
        "newProduct": False,
    },
    "customDetails": {"detail1": "linen", "detail2": "short", "detail3": None},
}


# --- the door: authentication, paths, methods, bodies ---------------------------------


@pytest.mark.parametrize("key", [None, "", "nope", KEY_A.upper()])
def test_protocol_9_auth_a_missing_empty_or_unknown_key_is_401_code_10(
    v3: V3, emu: Emulator, key: str | None
) -> None:
    assert v3.get("product/catalogList", key=key) == (401, UNAUTHENTICATED)
    body = {"catalogName": "Shop", "currency": "PLN"}
    assert v3.post("product/catalogUpsert", body, key=key) == (401, UNAUTHENTICATED)
    assert emu.account(A_ID).catalogs.catalogs() == []


def test_protocol_9_auth_is_checked_before_the_body(v3: V3) -> None:
    assert v3.post("product/upsert", b"{not json", key=None) == (401, UNAUTHENTICATED)


def test_protocol_9_a_key_two_accounts_hold_authenticates_neither(v3: V3, emu: Emulator) -> None:
    emu.account(B_ID).catalogs.create_key(KEY_A)  # the Python API cannot see other accounts
    assert v3.get("product/catalogList") == (401, UNAUTHENTICATED)


def test_s1_2_a_key_reaches_its_own_account_only(v3: V3, emu: Emulator) -> None:
    catalog_a = v3.catalog("Shop A")
    body = {"catalogName": "Shop B", "currency": "EUR", "setAsDefault": False}
    v3.ok("product/catalogUpsert", body, key=KEY_B)
    status, listed = v3.get("product/catalogList", key=KEY_B)
    assert status == 200
    assert [c["catalogName"] for c in listed["catalogs"]] == ["Shop B"]
    status, answer = v3.post(
        "product/upsert", {"catalogId": catalog_a, "products": [PRODUCT]}, key=KEY_B
    )
    assert status == 404
    assert answer["problems"][0]["reasonCode"] == 16
    assert emu.account(A_ID).catalogs.products(catalog_a) == []


def test_protocol_9_unknown_v3_path_is_404_and_a_wrong_method_405(http: httpx.Client) -> None:
    response = http.post("/v3/product/nothing", content=b"{}", headers={"API-KEY": KEY_A})
    assert response.status_code == 404
    assert response.json() == {
        "messages": ["Path /v3/product/nothing is not implemented by the emulator"]
    }
    response = http.post("/v3/product/catalogList", headers={"API-KEY": KEY_A})
    assert (response.status_code, response.headers["allow"]) == (405, "GET")
    assert response.json() == {
        "messages": ["Method POST is not allowed: /v3/product/catalogList takes GET"]
    }
    response = http.get("/v3/product/upsert")  # no key: the method is checked first
    assert (response.status_code, response.headers["allow"]) == (405, "POST")


@pytest.mark.parametrize(
    "raw", [b"{not json", b"", b"[1]", b'"text"', b"\xff\xfe", b'{"a": 1E+100000}', b"{" * 5000]
)
def test_protocol_9_a_body_that_is_no_json_object_is_400_code_14(v3: V3, raw: bytes) -> None:
    assert v3.post("product/catalogUpsert", raw) == (400, NOT_JSON)


def test_protocol_9_a_prefix_before_v3_is_ignored(http: httpx.Client) -> None:
    response = http.get("/proxy/v3/product/catalogList", headers={"API-KEY": KEY_A})
    assert (response.status_code, response.json()) == (200, {"catalogs": []})


# --- catalogs -------------------------------------------------------------------------


def test_protocol_9_catalog_upsert_list_and_delete(v3: V3, emu: Emulator) -> None:
    first = v3.ok(
        "product/catalogUpsert",
        {"catalogName": " Shop ", "currency": "PLN", "setAsDefault": True, "location": "s-1"},
    )
    assert UUID.fullmatch(first["catalogId"])
    second = v3.ok("product/catalogUpsert", {"catalogName": "Outlet", "currency": "EUR"})
    assert first["requestId"] != second["requestId"]
    assert v3.get("product/catalogList") == (
        200,
        {
            "catalogs": [
                {
                    "catalogId": first["catalogId"],
                    "catalogName": "Shop",
                    "setAsDefault": True,
                    "currency": "PLN",
                    "location": "s-1",
                },
                {
                    "catalogId": second["catalogId"],
                    "catalogName": "Outlet",
                    "setAsDefault": False,
                    "currency": "EUR",
                    "location": None,
                },
            ]
        },
    )
    v3.ok("product/upsert", {"catalogId": first["catalogId"], "products": [PRODUCT]})
    deleted = v3.ok("product/catalogDelete", {"catalogId": first["catalogId"]})
    assert deleted["catalogId"] == first["catalogId"]
    _, listed = v3.get("product/catalogList")
    assert [c["catalogId"] for c in listed["catalogs"]] == [second["catalogId"]]
    status, answer = v3.post("product/catalogDelete", {"catalogId": first["catalogId"]})
    assert status == 404
    assert answer == {
        "problems": [
            {
                "reasonCode": 16,
                "message": f"catalogId|names no catalog of this account (got {first['catalogId']})",
            }
        ]
    }
    assert len(emu.account(A_ID).catalogs.catalogs()) == 1


def test_protocol_9_catalog_update_by_id_and_its_refusals(v3: V3, emu: Emulator) -> None:
    shop = v3.catalog()
    outlet = v3.catalog("Outlet", setAsDefault=False)
    answer = v3.ok(
        "product/catalogUpsert", {"catalogId": outlet, "catalogName": "Outlet", "currency": "USD"}
    )
    assert answer["catalogId"] == outlet
    before = _everything(emu.account(A_ID))
    cases = [
        (
            {"catalogName": None, "currency": 5, "location": [], "setAsDefault": "true"},
            400,
            [
                (17, "catalogName|must not be null"),
                (14, "currency|must be a string"),
                (14, "location|must be a string"),
                (14, "setAsDefault|must be a boolean"),
            ],
        ),
        ({"currency": "PLN"}, 400, [(13, "catalogName|is required")]),
        (
            {"catalogName": "SHOP", "currency": "EURO"},
            400,
            [
                (18, "currency|must be an ISO 4217 currency code such as PLN or EUR (got 'EURO')"),
            ],
        ),
        (
            {"catalogId": outlet, "catalogName": "shop", "currency": "PLN"},
            400,
            [(15, f"catalogName|is already the name of catalog {shop}")],
        ),
        (
            {"catalogId": "missing", "catalogName": "X", "currency": "PLN"},
            404,
            [(16, "catalogId|names no catalog of this account (got missing)")],
        ),
    ]
    for body, status, problems in cases:
        answer_status, answer = v3.post("product/catalogUpsert", body)
        assert answer_status == status, body
        assert [(p["reasonCode"], p["message"]) for p in answer["problems"]] == problems
    assert v3.post("product/catalogDelete", {})[1]["problems"] == [
        {"reasonCode": 13, "message": "catalogId|is required"}
    ]
    assert _everything(emu.account(A_ID)) == before


# --- products -------------------------------------------------------------------------


def test_protocol_9_product_upsert_stores_every_field_exactly(v3: V3, emu: Emulator) -> None:
    shop = v3.catalog()
    second = {"productId": "p-2", "name": "Hat", "price": 0, "colour": "red"}  # unknown: ignored
    second["systemDetails"] = {"size": "L", "brand": None}
    answer = v3.ok("product/upsert", {"catalogId": shop, "products": [PRODUCT, second]})
    assert set(answer) == {"requestId", "productIds"}  # no warnings: no problems key
    assert answer["productIds"] == ["p-1", "p-2"]
    stored = emu.account(A_ID).catalogs.product(shop, "p-1")
    assert (stored.price, stored.discount_price, stored.unit_price) == (
        Decimal("10.0"),  # json.dumps wrote 10.0: kept exactly as sent
        Decimal("8.5"),
        Decimal("2"),
    )
    assert str(stored.price) == "10.0"
    assert (stored.available, stored.quantity, stored.categories) == (False, 3, ("Tops", "Summer"))
    assert stored.system_details is not None
    assert (stored.system_details.gender, stored.system_details.new_product) == (4, False)
    assert dict(stored.custom_details) == {"detail1": "linen", "detail2": "short"}
    hat = emu.account(A_ID).catalogs.product(shop, "p-2")
    assert (hat.available, hat.active, hat.price) == (True, True, 0)
    assert hat.system_details == SystemDetails()


def test_protocol_9_an_exact_price_keeps_its_digits(v3: V3, emu: Emulator) -> None:
    shop = v3.catalog()
    raw = f'{{"catalogId": "{shop}", "products": [{{"productId": "p", "name": "P", '
    raw += '"price": 10.00, "unitPrice": 0.10}]}'
    status, _ = v3.post("product/upsert", raw.encode())
    assert status == 200
    stored = emu.account(A_ID).catalogs.product(shop, "p")
    assert (str(stored.price), str(stored.unit_price)) == ("10.00", "0.10")


def test_protocol_9_code_12_is_a_warning_on_a_successful_upsert(v3: V3, emu: Emulator) -> None:
    shop = v3.catalog()
    long = {**PRODUCT, "name": "n" * 256, "description": "d" * 20_000}
    answer = v3.ok("product/upsert", {"catalogId": shop, "products": [long]})
    assert answer["productIds"] == ["p-1"]
    assert answer["problems"] == [
        {"reasonCode": 12, "message": "products[0].name|was trimmed to 255 characters (got 256)"},
        {
            "reasonCode": 12,
            "message": "products[0].description|was trimmed to 16384 characters (got 20000)",
        },
    ]
    stored = emu.account(A_ID).catalogs.product(shop, "p-1")
    assert (len(stored.name), len(stored.description or "")) == (255, 16_384)


def test_protocol_9_every_type_problem_of_the_products_is_listed(v3: V3, emu: Emulator) -> None:
    shop = v3.catalog()
    before = _everything(emu.account(A_ID))
    products = [
        {"productId": 7, "name": None, "categories": ["a", 1], "systemDetails": "x"},
        "not an object",
        {"productId": "p-3", "customDetails": {"detail1": 5}, "price": "10", "available": 1},
    ]
    status, answer = v3.post("product/upsert", {"catalogId": shop, "products": products})
    assert status == 400
    assert [(p["reasonCode"], p["message"]) for p in answer["problems"]] == [
        (14, "products[0].productId|must be a string"),
        (17, "products[0].name|must not be null"),
        (14, "products[0].categories[1]|must be a string"),
        (14, "products[0].systemDetails|must be an object"),
        (14, "products[1]|must be an object"),
        (13, "products[2].name|is required"),
        (14, "products[2].available|must be a boolean"),
        (14, "products[2].price|must be a finite number"),
        (14, "products[2].customDetails.detail1|must be a string"),
    ]
    assert _everything(emu.account(A_ID)) == before


def test_protocol_9_rule_problems_are_listed_and_nothing_changes(v3: V3, emu: Emulator) -> None:
    shop = v3.catalog()
    v3.ok("product/upsert", {"catalogId": shop, "products": [PRODUCT]})
    before = _everything(emu.account(A_ID))
    products = [
        {**PRODUCT, "name": "changed"},  # fine alone, refused with the others
        {"productId": "x" * 65, "name": "X", "productUrl": "shop.example.com"},
        {"productId": "p-2", "name": "Y", "price": -1, "quantity": 2**31},
        {"productId": "p-2", "name": "Z", "systemDetails": {"gender": 9}},
    ]
    status, answer = v3.post("product/upsert", {"catalogId": shop, "products": products})
    assert status == 400
    assert [(p["reasonCode"], p["message"].split("|")[0]) for p in answer["problems"]] == [
        (11, "products[1].productId"),
        (18, "products[1].productUrl"),
        (11, "products[2].quantity"),
        (18, "products[2].price"),
        (18, "products[3].systemDetails.gender"),
        (15, "products[3].productId"),
    ]
    assert _everything(emu.account(A_ID)) == before


HUNDRED_AND_ONE = [{"productId": f"p{i}", "name": "P"} for i in range(101)]


@pytest.mark.parametrize(
    ("products", "problem"),
    [
        ([], (13, "products|must hold at least one item")),
        (HUNDRED_AND_ONE, (11, "products|must hold at most 100 items")),
        (None, (17, "products|must not be null")),
        ("p-1", (14, "products|must be a list of objects")),
    ],
)
def test_protocol_11_one_to_a_hundred_products_per_request(
    v3: V3, products: object, problem: tuple[int, str]
) -> None:
    shop = v3.catalog()
    status, answer = v3.post("product/upsert", {"catalogId": shop, "products": products})
    assert status == 400
    assert answer["problems"] == [{"reasonCode": problem[0], "message": problem[1]}]
    body = {"catalogId": shop, "products": HUNDRED_AND_ONE[:100]}
    assert len(v3.ok("product/upsert", body)["productIds"]) == 100


@pytest.mark.parametrize(
    "path", ["product/upsert", "product/updatePrice", "product/updateQuantity"]
)
def test_protocol_9_an_unknown_catalog_is_404_code_16(v3: V3, path: str) -> None:
    item = {"productId": "p-1", "name": "P", "price": 1, "quantity": 1}
    status, answer = v3.post(path, {"catalogId": "nope", "products": [item]})
    message = "catalogId|names no catalog of this account (got nope)"
    assert (status, answer) == (404, {"problems": [{"reasonCode": 16, "message": message}]})


def test_protocol_9_update_price_and_quantity(v3: V3, emu: Emulator) -> None:
    shop = v3.catalog()
    v3.ok("product/upsert", {"catalogId": shop, "products": [PRODUCT]})
    price = {"catalogId": shop, "products": [{"productId": "p-1", "price": 9.99}]}
    assert set(v3.ok("product/updatePrice", price)) == {"requestId"}
    quantity = {"catalogId": shop, "products": [{"productId": "p-1", "quantity": 0}]}
    assert set(v3.ok("product/updateQuantity", quantity)) == {"requestId"}
    stored = emu.account(A_ID).catalogs.product(shop, "p-1")
    prices = (stored.price, stored.discount_price, stored.quantity)
    assert prices == (Decimal("9.99"), Decimal("8.5"), 0)


UNKNOWN_P9 = "products[0].productId|names no product of catalog {shop} (got p-9)"


@pytest.mark.parametrize(
    ("path", "item", "status", "problems"),
    [
        ("product/updatePrice", {"productId": "p-9", "price": 1}, 404, [(16, UNKNOWN_P9)]),
        (
            "product/updatePrice",
            {"productId": "p-1"},
            400,
            [(13, "products[0].price|is required: give price, discountPrice or unitPrice")],
        ),
        (
            "product/updatePrice",
            {"productId": "p-1", "price": "1"},
            400,
            [(14, "products[0].price|must be a finite number")],
        ),
        (
            "product/updateQuantity",
            {"productId": "p-1"},
            400,
            [(13, "products[0].quantity|is required")],
        ),
        (
            "product/updateQuantity",
            {"productId": "p-1", "quantity": None},
            400,
            [(17, "products[0].quantity|must not be null")],
        ),
        (
            "product/updateQuantity",
            {"productId": "p-1", "quantity": 1.5},
            400,
            [(14, "products[0].quantity|must be an integer")],
        ),
        (
            "product/updateQuantity",
            {"productId": "p-9", "quantity": -1},
            400,
            [(16, UNKNOWN_P9), (18, "products[0].quantity|must be 0 or more (got -1)")],
        ),
    ],
)
def test_protocol_9_price_and_quantity_refusals(
    v3: V3, emu: Emulator, path: str, item: dict[str, Any], status: int, problems: list[Any]
) -> None:
    shop = v3.catalog()
    v3.ok("product/upsert", {"catalogId": shop, "products": [PRODUCT]})
    before = _everything(emu.account(A_ID))
    answer_status, answer = v3.post(path, {"catalogId": shop, "products": [item]})
    assert answer_status == status
    assert [(p["reasonCode"], p["message"]) for p in answer["problems"]] == [
        (code, text.format(shop=shop)) for code, text in problems
    ]
    assert _everything(emu.account(A_ID)) == before


# --- call log, faults, coverage -------------------------------------------------------


def test_protocol_9_call_log_masks_the_api_key(v3: V3, emu: Emulator) -> None:
    emu.clear_calls()
    v3.catalog()
    v3.get("product/catalogList", key=None)
    v3.post("product/catalogUpsert", {"catalogName": "", "currency": "PLN"})
    calls = emu.calls
    assert [(c.method, c.path, c.status, c.success, c.api_key) for c in calls] == [
        ("POST", "/v3/product/catalogUpsert", 200, True, "***"),
        ("GET", "/v3/product/catalogList", 401, False, None),
        ("POST", "/v3/product/catalogUpsert", 400, False, "***"),
    ]
    assert calls[0].request == {"catalogName": "Shop", "currency": "PLN", "setAsDefault": True}
    assert calls[1].request is None  # a GET's body is not read
    for call in calls:
        assert KEY_A not in repr(call) + repr(call.request) + repr(call.response)


def test_protocol_9_fault_rules_apply_to_v3_paths(v3: V3, emu: Emulator) -> None:
    emu.faults.add("http_error", status=503, path="/v3/product/*", client_id=A_ID)
    emu.faults.add("http_error", status=503, path="/v3/product/*", times=1)
    assert v3.get("product/catalogList")[0] == 503
    # a rule scoped to an account does not match: a v3 request names no clientId
    assert v3.get("product/catalogList") == (200, {"catalogs": []})


def test_protocol_9_routes_table_and_cli_list_the_v3_paths(
    capsys: pytest.CaptureFixture[str],
) -> None:
    v3_rows = [info for info in routes() if info.path.startswith("/v3/")]
    assert [(info.path, info.method) for info in v3_rows] == [
        ("/v3/product/catalogDelete", "POST"),
        ("/v3/product/catalogList", "GET"),
        ("/v3/product/catalogUpsert", "POST"),
        ("/v3/product/updatePrice", "POST"),
        ("/v3/product/updateQuantity", "POST"),
        ("/v3/product/upsert", "POST"),
    ]
    assert all(isinstance(info, RouteInfo) and info.area == "catalogs" for info in v3_rows)
    assert not any(info.owner_required for info in v3_rows)
    assert main(["routes"]) == 0
    listed = capsys.readouterr().out
    assert "/v3/product/upsert" in listed
    assert "(GET) List the account's catalogs" in listed


def test_protocol_9_an_unexpected_error_is_500_without_a_traceback(
    v3: V3, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(emu.account(A_ID).catalogs, "catalogs", broken)
    assert v3.get("product/catalogList") == (500, {"messages": ["Internal emulator error"]})
