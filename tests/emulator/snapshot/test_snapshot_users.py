"""Snapshot of the users area: the account's users, valid e-mails in stored form, each once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from snapshot_helpers import (
    CLIENT_ID,
    NOW,
    OWNERS,
    area,
    assert_refused,
    exported,
    fresh,
    imported,
    through_json,
)

from salesmanago_emulator.clock import utc_iso


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


# --- Snapshot of the users area with logins (protocol §2.3): a user with a password is an

PASSWORD = "the-owners-password"


def test_s2_3_passwords_and_live_tokens_round_trip() -> None:
    emu = fresh()
    users = emu.account(CLIENT_ID).users
    users.set_password(OWNERS[0], PASSWORD)
    users.set_password(OWNERS[2], "the-third-password")
    old = users.login(OWNERS[0], PASSWORD)
    emu.clock.advance(timedelta(hours=23))
    new = users.login(OWNERS[0], PASSWORD)
    emu.clock.advance(timedelta(hours=2))  # the first token has expired
    data = through_json(emu.export_state())
    assert area(data, "users") == [
        {
            "email": OWNERS[0],
            "password": PASSWORD,
            "tokens": [{"token": new.value, "validTo": utc_iso(NOW + timedelta(hours=47))}],
        },
        OWNERS[1],
        {"email": OWNERS[2], "password": "the-third-password"},
    ]
    target = imported(data)
    assert target.export_state() == emu.export_state()
    restored = target.account(CLIENT_ID).users
    assert restored.authenticates(OWNERS[0], PASSWORD)
    assert not restored.has_password(OWNERS[1])
    assert restored.token(old.value) is None
    with httpx.Client(transport=target.transport()) as http:
        answer = http.post(
            "http://emulator/api/account/integration", json={"token": new.value, "apiKey": "k"}
        ).json()
    assert answer["shortId"] == CLIENT_ID


def test_users_without_passwords_stay_plain_emails() -> None:
    """Exports made before logins existed read, and write, exactly as before."""
    data = through_json(fresh().export_state())
    assert area(data, "users") == OWNERS
    assert imported(data).export_state() == fresh().export_state()


def _login(**fields: Any) -> Any:
    """A mutation: the first user becomes a login object (with ``fields`` over the default)."""

    def mutate(data: dict[str, Any]) -> None:
        user = {"email": OWNERS[0], "password": PASSWORD, **fields}
        area(data, "users")[0] = {k: v for k, v in user.items() if v is not None}

    return mutate


_TOKEN = {"token": "t" * 40, "validTo": "2026-01-16T10:00:00+00:00"}


@pytest.mark.parametrize(
    ("mutate", "path", "problem"),
    [
        (_login(password=""), "users[0].password", "must not be empty"),
        (_login(password=12), "users[0].password", "must be a string"),
        (_login(password="x" * 257), "users[0].password", "must be at most 256 characters"),
        (_login(pin="1234"), "users[0].pin", "is not a key of a user"),
        (_login(email="Owner@example.com"), "users[0].email", "must be written"),
        (_login(email="nobody"), "users[0].email", "must be a valid e-mail address"),
        (_login(tokens={"token": "t"}), "users[0].tokens", "must be a list"),
        (_login(tokens=[{**_TOKEN, "validTo": "soon"}]), "users[0].tokens[0].validTo", "must be"),
        (_login(tokens=[{**_TOKEN, "token": " "}]), "users[0].tokens[0].token", "must not be"),
        (_login(tokens=[_TOKEN, _TOKEN]), "users[0].tokens[1].token", "repeats"),
        (_login(tokens=[{"token": "t"}]), "users[0].tokens[0].validTo", "is required"),
        (_login(tokens=[{**_TOKEN, "user": "x"}]), "users[0].tokens[0].user", "is not a key"),
    ],
)
def test_a_bad_login_is_refused_by_path(mutate: Any, path: str, problem: str) -> None:
    assert_refused(mutate, f"accounts[0].{path}", problem)


def test_a_password_object_without_password_is_refused() -> None:
    def mutate(data: dict[str, Any]) -> None:
        area(data, "users")[0] = {"email": OWNERS[0]}

    assert_refused(mutate, "accounts[0].users[0].password", "is required")


def test_a_login_repeating_another_users_email_is_refused() -> None:
    def mutate(data: dict[str, Any]) -> None:
        area(data, "users")[1] = {"email": OWNERS[0], "password": PASSWORD}

    assert_refused(mutate, "accounts[0].users[1].email", "repeats 'owner@example.com'")
