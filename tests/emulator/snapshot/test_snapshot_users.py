"""Snapshot of the users area: the account's users, valid e-mails in stored form, each once."""

from __future__ import annotations

from typing import Any

import pytest
from snapshot_helpers import CLIENT_ID, OWNERS, area, assert_refused, exported, imported


def test_users_round_trip_in_order() -> None:
    data = exported()
    assert area(data, "users") == OWNERS
    account = imported(data).account(CLIENT_ID)
    assert list(account.users) == OWNERS
    assert account.users.is_user("SECOND@example.com")


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda u: u.append("not-an-email"), "users[3]", "must be a valid e-mail address"),
        (lambda u: u.append("w1@@x.example.com"), "users[3]", "must be a valid e-mail address"),
        (lambda u: u.append("New@Example.com"), "users[3]", "must be written 'new@example.com'"),
        (lambda u: u.append(OWNERS[0]), "users[3]", "repeats 'owner@example.com'"),
        (lambda u: u.append(None), "users[3]", "must be a string (got null)"),
        (lambda u: u.clear(), "users", "must name at least one user"),
    ],
)
def test_bad_user_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "users")), f"accounts[0].{path}", problem)


def test_a_card_owned_by_no_user_is_refused() -> None:
    assert_refused(
        lambda d: area(d, "users").remove(OWNERS[2]),
        "accounts[0].contacts[0].owners[1].email",
        "must be a user of the account (got third@example.com)",
    )
