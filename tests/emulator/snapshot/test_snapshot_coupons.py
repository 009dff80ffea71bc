"""Snapshot of the coupons area (S8): values unique in the account, used or not."""

from __future__ import annotations

from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, NOW, OWNERS, area, assert_refused, exported, fresh, imported

from salesmanago_emulator.errors import CouponAlreadyExists
from salesmanago_emulator.state import ContactWrite


def test_coupons_round_trip_used_or_not_and_keep_their_values_taken() -> None:
    data = exported()
    manual, generated = area(data, "coupons")
    assert (manual["value"], manual["usedOn"] is not None) == ("ABCDE1", True)
    assert (len(generated["value"]), generated["usedOn"]) == (40, None)
    account = imported(data).account(CLIENT_ID)
    assert account.coupons.get("ABCDE1").used  # type: ignore[union-attr]
    assert account.coupons.get(generated["value"]).name == "GEN"  # type: ignore[union-attr]
    with pytest.raises(CouponAlreadyExists):  # the value is taken in the account
        account.coupons.add("full@example.com", "X", coupon="ABCDE1")


def test_an_import_replaces_the_coupons_there_were() -> None:
    target = fresh()
    account = target.account(CLIENT_ID)
    account.contacts.upsert(ContactWrite(email="a@example.com"), OWNERS[0])
    account.coupons.add("a@example.com", "A", coupon="SNAP1", valid=NOW)
    saved = target.export_state()
    account.coupons.add("a@example.com", "C", coupon="LATER")
    target.import_state(saved)
    assert target.account(CLIENT_ID).coupons.get("LATER") is None
    assert target.account(CLIENT_ID).coupons.get("SNAP1") is not None


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda c: c.update(value="ABC"), "value", "must be at least 5 characters long (got 3)"),
        (lambda c: c.update(value="     "), "value", "must not be empty"),
        (lambda c: c.update(value="x" * 33), "value", "longer than 32 characters: must be"),
        (lambda c: c.update(value="X" * 65), "value", "must be at most 64 characters long"),
        (lambda c: c.update(name="n" * 65), "name", "must be at most 64 characters long (got 65)"),
        (lambda c: c.update(name=" "), "name", "must not be empty"),
        (lambda c: c.update(valid="2027-01-16"), "valid", "must be a timezone-aware instant"),
        (lambda c: c.update(usedOn=True), "usedOn", "must be a string (got true)"),
        (lambda c: c.update(contactId="zz"), "contactId", "names no card of the account"),
    ],
)
def test_bad_coupon_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(
        lambda d: change(area(d, "coupons")[0]), f"accounts[0].coupons[0].{path}", problem
    )


def test_coupon_values_are_unique_in_the_account() -> None:
    assert_refused(
        lambda d: area(d, "coupons")[1].update(value="ABCDE1"),
        "accounts[0].coupons[1].value",
        "repeats 'ABCDE1' (already at accounts[0].coupons[0].value)",
    )
