"""Control operations of the users area: ``users/password``, and the passwords
``accounts/create`` takes (protocol §2.3: what the login chain checks)."""

from __future__ import annotations

from typing import Any

import pytest
from control_helpers import ok, refused
from routes_helpers import A_ID, A_OWNER, A_SECOND, B_ID, B_OWNER
from server_helpers import request

from salesmanago_emulator import Emulator, EmulatorServer, FrozenClock
from salesmanago_emulator.control import ControlError

PASSWORD = "a-control-password"


def login(server: EmulatorServer, user: str, password: str) -> dict[str, Any]:
    """``system/authorise`` over HTTP; the envelope."""
    status, envelope = request(
        server.url, "/api/system/authorise", {"userName": user, "password": password}
    )
    assert status == 200
    return envelope


def test_users_password_sets_a_login_password(server: EmulatorServer) -> None:
    """Over HTTP: the answer names the user (never the password); the user logs in."""
    assert login(server, A_SECOND, PASSWORD)["success"] is False
    envelope = ok(server, "users/password", {"email": "Second@A.example.com", "password": PASSWORD})
    assert envelope == {"success": True, "message": [], "user": A_SECOND}
    assert login(server, A_SECOND, PASSWORD)["clientId"] == A_ID
    ok(server, "users/password", {"clientId": B_ID, "email": B_OWNER, "password": PASSWORD})
    assert login(server, B_OWNER, PASSWORD)["clientId"] == B_ID


def test_users_password_ends_the_users_tokens(emu: Emulator[FrozenClock]) -> None:
    emu.control("users/password", {"email": A_OWNER, "password": PASSWORD})
    token = emu.account(A_ID).users.login(A_OWNER, PASSWORD)
    emu.control("users/password", {"email": A_OWNER, "password": "the-next-password"})
    assert emu.account(A_ID).users.token(token.value) is None


@pytest.mark.parametrize(
    ("body", "status", "text"),
    [
        (
            {"email": B_OWNER, "password": PASSWORD},
            404,
            f"No user {B_OWNER} in the account '{A_ID}'",
        ),
        (
            {"clientId": "nope", "email": A_OWNER, "password": PASSWORD},
            404,
            "no emulator account with client_id 'nope'",
        ),
        ({"email": A_OWNER}, 400, "Field 'password' is required"),
        ({"email": A_OWNER, "password": "  "}, 400, "Field 'password' must not be empty"),
        ({"email": A_OWNER, "password": 12345678}, 400, "Field 'password' must be a string"),
        ({"password": PASSWORD}, 400, "Field 'email' is required"),
    ],
)
def test_users_password_refusals_change_nothing(
    server: EmulatorServer, emu: Emulator[FrozenClock], body: dict[str, Any], status: int, text: str
) -> None:
    ok(server, "users/password", {"email": A_OWNER, "password": PASSWORD})
    got_status, message = refused(server, "users/password", body)
    assert got_status == status
    assert message.startswith(text), message
    assert emu.account(A_ID).users.authenticates(A_OWNER, PASSWORD)


def test_users_password_is_a_write(server: EmulatorServer) -> None:
    status, _ = refused(server, "users/password", method="GET")
    assert status == 405


def test_accounts_create_takes_passwords(server: EmulatorServer) -> None:
    body = {
        "clientId": "c3",
        "apiSecret": "secret-c3",
        "users": ["me@c3.example.com", "you@c3.example.com"],
        "passwords": {"me@c3.example.com": PASSWORD},
    }
    account = ok(server, "accounts/create", body)["account"]
    assert "passwords" not in account
    assert PASSWORD not in str(account)
    assert login(server, "me@c3.example.com", PASSWORD)["clientId"] == "c3"
    assert login(server, "you@c3.example.com", PASSWORD)["success"] is False


@pytest.mark.parametrize(
    ("passwords", "text"),
    [
        (["me@c3.example.com"], "Field 'passwords' must be an object of user e-mail to password"),
        ({"me@c3.example.com": 5}, "Field 'passwords' must be an object of user e-mail to"),
        ({"nobody@c3.example.com": PASSWORD}, "passwords['nobody@c3.example.com']: Field 'email'"),
        ({"me@c3.example.com": ""}, "passwords['me@c3.example.com']: Field 'password' must not"),
    ],
)
def test_accounts_create_refuses_bad_passwords_and_creates_nothing(
    emu: Emulator[FrozenClock], passwords: object, text: str
) -> None:
    body = {"clientId": "c3", "apiSecret": "s", "users": ["me@c3.example.com"]}
    with pytest.raises(ControlError) as caught:
        emu.control("accounts/create", {**body, "passwords": passwords})
    assert caught.value.status == 400
    assert caught.value.messages[0].startswith(text), caught.value.messages
    assert [a.client_id for a in emu.accounts] == [A_ID, B_ID]


def test_add_account_takes_passwords_of_its_users() -> None:
    """``Emulator.add_account(passwords=...)``: keys are users in any case; a bad entry is
    a ValueError and no account is added."""
    emu = Emulator()
    account = emu.add_account(
        client_id="c", api_secret="s", users=["me@example.com"], passwords={"ME@example.com": "pw"}
    )
    assert account.users.authenticates("me@example.com", "pw")
    with pytest.raises(ValueError, match="must be a user of the account"):
        emu.add_account(
            client_id="d", api_secret="s", users=["me@example.com"], passwords={"x@y.pl": "pw"}
        )
    assert [a.client_id for a in emu.accounts] == ["c"]
