"""Snapshot of the catalogs area (protocol §9): API v3 keys, catalogs and their products.

The shared populated scenario (``snapshot_helpers.populated``) holds no catalogs, so
that the version 1 reference export still matches it; this module builds its own.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, NOW, area, fresh, imported, through_json

from salesmanago_emulator import Emulator, FrozenClock
from salesmanago_emulator.errors import V3Refused
from salesmanago_emulator.snapshot import SnapshotError
from salesmanago_emulator.state.catalogs import ProductWrite, SystemDetails


def with_catalogs() -> Emulator[FrozenClock]:
    """One account with two keys, two catalogs (one the default) and products."""
    emu = fresh()
    catalogs = emu.account(CLIENT_ID).catalogs
    catalogs.create_key("key-1")
    catalogs.create_key("key-2")
    shop = catalogs.upsert_catalog(
        name="Shop", currency="PLN", location="shop-1", set_as_default=True
    )
    catalogs.upsert_catalog(name="Outlet", currency="EUR")
    emu.clock.advance(timedelta(minutes=1))
    catalogs.upsert_products(
        shop.catalog_id,
        [
            ProductWrite(
                product_id="p-1",
                name="n" * 300,  # stored trimmed to 255
                categories=("Tops",),
                product_url="https://shop.example.com/p-1",
                image_urls=("https://img.example.com/1.jpg",),
                available=False,
                quantity=3,
                price=Decimal("10.50"),
                discount_price=Decimal("0.10"),
                system_details=SystemDetails(gender=-1, bestseller=True),
                custom_details={"detail5": "x"},
            ),
            ProductWrite(product_id="p-2", name="Hat"),
        ],
    )
    return emu


def exported() -> dict[str, Any]:
    """The export of :func:`with_catalogs`, through JSON text."""
    return through_json(with_catalogs().export_state())


def refused(mutate: Callable[[dict[str, Any]], object], path: str, problem: str) -> None:
    """Importing the export changed by ``mutate`` is refused at ``path`` with ``problem``
    (its start), and the importing emulator is left unchanged."""
    data = copy.deepcopy(exported())
    mutate(area(data, "catalogs"))
    target = fresh()
    target.account(CLIENT_ID).catalogs.create_key("kept")
    before = target.export_state()
    with pytest.raises(SnapshotError) as caught:
        target.import_state(data)
    assert (caught.value.path, caught.value.problem[: len(problem)]) == (path, problem)
    assert target.export_state() == before


def test_protocol_9_catalogs_round_trip_identically_and_keep_working() -> None:
    data = exported()
    saved = area(data, "catalogs")
    assert saved["apiKeys"] == ["key-1", "key-2"]
    shop, outlet = saved["catalogs"]
    assert (shop["setAsDefault"], outlet["setAsDefault"], outlet["location"]) == (
        True,
        False,
        None,
    )
    first, second = shop["products"]
    assert (len(first["name"]), first["price"], first["discountPrice"]) == (255, "10.50", "0.10")
    assert first["systemDetails"]["gender"] == -1
    assert first["customDetails"] == {"detail5": "x"}
    assert (second["available"], second["systemDetails"], second["price"]) == (True, None, None)
    target = imported(data)
    assert target.export_state() == data
    catalogs = target.account(CLIENT_ID).catalogs
    assert catalogs.has_key("key-2")
    assert catalogs.default is not None
    assert catalogs.default.catalog_id == shop["catalogId"]
    assert catalogs.product(shop["catalogId"], "p-1").price == Decimal("10.50")
    with pytest.raises(V3Refused):  # names stay taken after the import
        catalogs.upsert_catalog(name="shop", currency="PLN")


def test_protocol_9_an_import_replaces_the_catalogs_there_were() -> None:
    target = fresh()
    catalogs = target.account(CLIENT_ID).catalogs
    catalogs.upsert_catalog(name="Before", currency="PLN")
    saved = target.export_state()
    catalogs.create_key("later")
    catalogs.upsert_catalog(name="Later", currency="PLN")
    target.import_state(saved)
    after = target.account(CLIENT_ID).catalogs
    assert [c.name for c in after.catalogs()] == ["Before"]
    assert after.keys == ()
    assert target.account(CLIENT_ID).clock.now() == NOW


def _product(change: dict[str, Any]) -> Callable[[dict[str, Any]], object]:
    return lambda catalogs: catalogs["catalogs"][0]["products"][0].update(change)


def _catalog(index: int, change: dict[str, Any]) -> Callable[[dict[str, Any]], object]:
    return lambda catalogs: catalogs["catalogs"][index].update(change)


def _same_id(catalogs: dict[str, Any]) -> None:
    catalogs["catalogs"][1]["catalogId"] = catalogs["catalogs"][0]["catalogId"]


AREA = "accounts[0].catalogs"
C0, C1 = f"{AREA}.catalogs[0]", f"{AREA}.catalogs[1]"
P0, P1 = f"{C0}.products[0]", f"{C0}.products[1]"
DETAIL = "is not a custom detail"


@pytest.mark.parametrize(
    ("mutate", "path", "problem"),
    [
        (lambda c: c["apiKeys"].append("key-1"), f"{AREA}.apiKeys[2]", "repeats"),
        (lambda c: c.update(other=[]), f"{AREA}.other", "is not a key of"),
        (_catalog(0, {"catalogName": " Shop"}), f"{C0}.catalogName", "must be written 'Shop'"),
        (_catalog(1, {"catalogName": "SHOP"}), f"{C1}.catalogName", "repeats 'shop'"),
        (_catalog(0, {"currency": "zł"}), f"{C0}.currency", "must be an ISO 4217"),
        (_catalog(0, {"location": ""}), f"{C0}.location", "must not be empty"),
        (_catalog(1, {"setAsDefault": True}), f"{C1}.setAsDefault", "cannot be true: the"),
        (_same_id, f"{C1}.catalogId", "repeats"),
        (_catalog(0, {"createdOn": "yesterday"}), f"{C0}.createdOn", "must be an ISO-8601"),
        (
            lambda c: c["catalogs"].extend([c["catalogs"][1]] * 100),
            f"{AREA}.catalogs",
            "must hold at most 100 items",
        ),
        (_product({"name": "n" * 256}), f"{P0}.name", "must be at most 255 characters long"),
        (_product({"description": "d" * 16_385}), f"{P0}.description", "must be at most 16384"),
        (_product({"productId": ""}), f"{P0}.productId", "must not be empty"),
        (_product({"productId": "p-2"}), f"{P1}.productId", "repeats"),
        (_product({"price": "1.234"}), f"{P0}.price", "must have at most 2 digits after"),
        (_product({"price": 10}), f"{P0}.price", "must be a string"),
        (_product({"quantity": -1}), f"{P0}.quantity", "must be 0 or more (got -1)"),
        (_product({"available": None}), f"{P0}.available", "must be a boolean"),
        (_product({"productUrl": "nowhere"}), f"{P0}.productUrl", "must be an http or https"),
        (_product({"systemDetails": {"size": 1}}), f"{P0}.systemDetails.size", "is not a key"),
        (_product({"systemDetails": {"gender": 5}}), f"{P0}.systemDetails.gender", "must be one"),
        (_product({"customDetails": {"detail9": "x"}}), f"{P0}.customDetails.detail9", DETAIL),
        (_product({"categories": "Tops"}), f"{P0}.categories", "must be a list"),
        (_product({"modifiedOn": None}), f"{P0}.modifiedOn", "is required"),
    ],
)
def test_protocol_9_a_bad_catalog_value_is_refused_by_path(
    mutate: Callable[[dict[str, Any]], object], path: str, problem: str
) -> None:
    refused(mutate, path, problem)
