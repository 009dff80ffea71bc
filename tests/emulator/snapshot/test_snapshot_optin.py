"""Snapshot of the opt-in area: the register of named consents (S10.1)."""

from __future__ import annotations

from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, area, assert_refused, exported, imported


def test_consents_round_trip_and_are_registered() -> None:
    data = exported()
    area(data, "optin")["consents"].append("Partners")
    account = imported(data).account(CLIENT_ID)
    assert account.optin.consents() == ["Newsletter", "Partners"]
    assert account.optin.consent_register == {"newsletter": "Newsletter", "partners": "Partners"}
    assert area(imported(data).export_state(), "optin") == area(data, "optin")


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda o: o["consents"].append(" "), "consents[1]", "must not be empty"),
        (lambda o: o["consents"].append("Spaced "), "consents[1]", "must be written 'Spaced'"),
        (lambda o: o["consents"].append("NEWSLETTER"), "consents[1]", "repeats 'newsletter'"),
        (lambda o: o["consents"].append(1), "consents[1]", "must be a string"),
        (lambda o: o.update(consents="Newsletter"), "consents", "must be a list"),
        (lambda o: o.update(statuses=[]), "statuses", "is not a key of the opt-in area"),
    ],
)
def test_bad_consent_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "optin")), f"accounts[0].optin.{path}", problem)
