"""The account's users as a card's owners (S1.4, S1.5): main owner, co-owners, read-only
owners, removal."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from state_helpers import EMAIL, OTHER_USER, OWNER, upsert

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import (
    TOKEN_REFRESH_FAILED,
    USER_NOT_AUTHENTICATED,
    AuthenticationFailed,
    Conflict,
    InvalidField,
    ReadOnlyOwner,
)
from salesmanago_emulator.state import Account, ContactWrite
from salesmanago_emulator.state.users import MAX_PASSWORD, TOKEN_LIFETIME, check_password

SECOND = "second@shop.pl"
THIRD = "third@shop.pl"


def test_s1_4_api_contact_gets_request_owner_as_main_owner(account: Account) -> None:
    record = upsert(account, owner=" SECOND@shop.pl ")
    assert record.main_owner == SECOND
    assert record.owners == {SECOND: "MAIN"}
    assert account.is_owner(record, "Second@Shop.pl")
    assert not account.is_owner(record, OWNER)


def test_s1_4_upsert_by_another_user_keeps_owners(account: Account) -> None:
    record = upsert(account)
    upsert(account, owner=SECOND)
    assert record.owners == {OWNER: "MAIN"}


def test_s1_4_set_main_owner_old_main_stays_co_owner(account: Account) -> None:
    record = upsert(account)
    account.users.set_main_owner(EMAIL, SECOND)
    assert record.main_owner == SECOND
    assert dict(record.owners) == {SECOND: "MAIN", OWNER: "CO_OWNER"}
    account.users.set_main_owner(EMAIL, OWNER)
    assert dict(record.owners) == {OWNER: "MAIN", SECOND: "CO_OWNER"}
    with pytest.raises(InvalidField, match="'newOwner' must be a user of the account"):
        account.users.set_main_owner(EMAIL, "stranger@example.com")


def test_s1_4_add_owner_levels(account: Account) -> None:
    record = upsert(account)
    account.users.add_owner(EMAIL, SECOND, "READ_ONLY")
    account.users.add_owner(EMAIL, THIRD)
    assert dict(record.owners) == {OWNER: "MAIN", SECOND: "READ_ONLY", THIRD: "CO_OWNER"}
    account.users.add_owner(EMAIL, SECOND, "CO_OWNER")
    assert record.owners[SECOND] == "CO_OWNER"
    with pytest.raises(Conflict, match="is the main owner"):
        account.users.add_owner(EMAIL, OWNER, "READ_ONLY")
    with pytest.raises(InvalidField, match="'level' must be one of"):
        account.users.add_owner(EMAIL, SECOND, "BOSS")
    with pytest.raises(InvalidField, match="'owner' must be a user"):
        account.users.add_owner(EMAIL, "stranger@example.com")
    account.users.add_owner(EMAIL, THIRD, "MAIN")
    assert record.main_owner == THIRD
    assert record.owners[OWNER] == "CO_OWNER"


def test_s1_4_read_only_owner_may_not_write_or_delete(account: Account) -> None:
    record = upsert(account)
    account.users.add_owner(EMAIL, SECOND, "READ_ONLY")
    with pytest.raises(ReadOnlyOwner, match=re.escape("Owner second@shop.pl has read-only access")):
        account.contacts.upsert(ContactWrite(email=EMAIL, name="X"), SECOND)
    with pytest.raises(ReadOnlyOwner):
        account.contacts.update(EMAIL, ContactWrite(name="X"), SECOND)
    with pytest.raises(ReadOnlyOwner):
        account.contacts.delete(EMAIL, owner=SECOND)
    assert record.name is None
    assert not record.deleted
    account.contacts.delete(EMAIL, owner=OWNER)
    assert record.deleted


def test_s1_5_last_owner_cannot_be_removed(account: Account) -> None:
    record = upsert(account)
    with pytest.raises(Conflict, match="has only one owner"):
        account.users.remove_owner(EMAIL, OWNER)
    with pytest.raises(Conflict, match="is not an owner"):
        account.users.remove_owner(EMAIL, SECOND)
    account.users.add_owner(EMAIL, SECOND)
    account.users.remove_owner(EMAIL, SECOND)
    assert record.owners == {OWNER: "MAIN"}


def test_s1_5_removing_main_owner_promotes_first_co_owner(account: Account) -> None:
    record = upsert(account)
    account.users.add_owner(EMAIL, SECOND, "READ_ONLY")
    account.users.add_owner(EMAIL, THIRD, "CO_OWNER")
    account.users.remove_owner(EMAIL, OWNER)
    assert dict(record.owners) == {THIRD: "MAIN", SECOND: "READ_ONLY"}
    account.users.remove_owner(EMAIL, THIRD)  # no co-owner left: the read-only one is promoted
    assert dict(record.owners) == {SECOND: "MAIN"}


# --- logins (protocol §2.3, §3.3): passwords, tokens valid 24 h on the emulator's clock ---

PASSWORD = "correct-horse-battery"


def test_s2_3_login_with_the_password_issues_a_token_valid_24_hours(
    account: Account, clock: FrozenClock
) -> None:
    """A user with a password logs in (e-mail in any case) and gets a token valid for
    24 h from now on the emulator's clock."""
    assert account.users.set_password(" Owner@Shop.pl ", PASSWORD) == OWNER
    assert account.users.has_password(OWNER)
    token = account.users.login("OWNER@shop.pl", PASSWORD)
    assert token.user == OWNER
    assert token.valid_to == clock.now() + TOKEN_LIFETIME == clock.now() + timedelta(hours=24)
    assert len(token.value) == 40
    assert int(token.value, 16) >= 0
    assert account.users.token(token.value) == token
    assert account.users.login(OWNER, PASSWORD).value != token.value  # a new one each time


@pytest.mark.parametrize(
    ("email", "password"),
    [
        (OWNER, "Correct-horse-battery"),  # passwords compare exactly
        (OWNER, ""),
        (OTHER_USER, PASSWORD),  # a user with no password cannot log in
        ("nobody@shop.pl", PASSWORD),
    ],
)
def test_s2_3_a_wrong_login_is_user_not_authenticated(
    account: Account, email: str, password: str
) -> None:
    account.users.set_password(OWNER, PASSWORD)
    with pytest.raises(AuthenticationFailed) as caught:
        account.users.login(email, password)
    assert caught.value.messages == [USER_NOT_AUTHENTICATED]
    assert account.users.tokens() == []


def test_token_expires_24_hours_after_issue_on_the_emulator_clock(
    account: Account, clock: FrozenClock
) -> None:
    """Valid until 24 h after the issue, that instant excluded; an expired token is gone."""
    account.users.set_password(OWNER, PASSWORD)
    token = account.users.login(OWNER, PASSWORD)
    clock.advance(TOKEN_LIFETIME - timedelta(microseconds=1))
    assert account.users.token(token.value) == token
    assert account.users.tokens() == [token]
    clock.advance(timedelta(microseconds=1))
    assert account.users.token(token.value) is None
    assert account.users.tokens() == []
    assert account.users.token("") is None


def test_a_new_password_ends_the_users_tokens(account: Account) -> None:
    account.users.set_password(OWNER, PASSWORD)
    account.users.set_password(OTHER_USER, PASSWORD)
    mine = account.users.login(OWNER, PASSWORD)
    theirs = account.users.login(OTHER_USER, PASSWORD)
    account.users.set_password(OWNER, "another-password-42")
    assert account.users.token(mine.value) is None
    assert account.users.token(theirs.value) == theirs
    assert not account.users.authenticates(OWNER, PASSWORD)
    assert account.users.authenticates(OWNER, "another-password-42")


def test_s2_3_refresh_token_needs_a_password_and_keeps_older_tokens(account: Account) -> None:
    """``authorization/refreshToken`` (D): a new token for the owner; the owner with no
    password is refused with the platform's text (protocol §3.3)."""
    with pytest.raises(AuthenticationFailed) as caught:
        account.users.refresh_token(OWNER)
    assert caught.value.messages == [TOKEN_REFRESH_FAILED]
    account.users.set_password(OWNER, PASSWORD)
    first = account.users.login(OWNER, PASSWORD)
    second = account.users.refresh_token("owner@SHOP.pl")
    assert second.value != first.value
    assert second.user == OWNER
    assert account.users.tokens() == [first, second]


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        (None, "must be a string"),
        (12345678, "must be a string"),
        ("", "must not be empty"),
        ("   \t", "must not be empty"),
        ("x" * (MAX_PASSWORD + 1), f"must be at most {MAX_PASSWORD} characters long (got 257)"),
    ],
)
def test_a_bad_password_is_refused_naming_the_field_and_nothing_changes(
    account: Account, password: object, rule: str
) -> None:
    account.users.set_password(OWNER, PASSWORD)
    token = account.users.login(OWNER, PASSWORD)
    with pytest.raises(InvalidField) as caught:
        account.users.set_password(OWNER, password)  # type: ignore[arg-type]
    assert str(caught.value) == f"Field 'password' {rule}"
    assert account.users.authenticates(OWNER, PASSWORD)
    assert account.users.token(token.value) == token


def test_a_password_for_someone_who_is_no_user_is_refused(account: Account) -> None:
    with pytest.raises(InvalidField, match="Field 'email' must be a user of the account"):
        account.users.set_password("nobody@shop.pl", PASSWORD)
    assert not account.users.has_password("nobody@shop.pl")


def test_reset_forgets_tokens_and_keeps_passwords(account: Account) -> None:
    """Passwords are credentials, like the users (they stay); tokens are sessions."""
    account.users.set_password(OWNER, PASSWORD)
    token = account.users.login(OWNER, PASSWORD)
    account.reset()
    assert account.users.token(token.value) is None
    assert account.users.authenticates(OWNER, PASSWORD)


def test_passwords_and_token_values_never_show_in_a_repr(account: Account) -> None:
    account.users.set_password(OWNER, PASSWORD)
    token = account.users.login(OWNER, PASSWORD)
    shown = " ".join(map(repr, (account, account.users, token, account.users.tokens())))
    assert PASSWORD not in shown
    assert token.value not in shown
    assert OWNER in repr(token)


def test_protocol_2_2_signature_test_vector(clock: FrozenClock) -> None:
    """The sha ``account/integration`` answers is the request signature: the protocol's
    test vector."""
    account = Account("your-client-id-123", "your-api-secret-123", [OWNER], clock=clock)
    assert account.signature("your-api-key-123") == "34e3fdc3b06a31900998225a26bad512e6942897"


# Marked at both ends: the suite's secret guard searches every log for every password
# set, and a bare generated one ("workflow") would turn up in other tests' logs.
_PASSWORDS = st.text(min_size=1, max_size=MAX_PASSWORD - 2).map(lambda text: f"«{text}»")


@given(password=_PASSWORDS, other=_PASSWORDS)
def test_property_a_password_logs_in_exactly_as_set(password: str, other: str) -> None:
    """Any acceptable password is kept exactly: it logs in, any other text does not."""
    account = Account(
        "c", "s", [OWNER], clock=FrozenClock(datetime(2026, 1, 15, tzinfo=timezone.utc))
    )
    assert check_password(password, "password") == password
    account.users.set_password(OWNER, password)
    assert account.users.login(OWNER, password).user == OWNER
    assert account.users.authenticates(OWNER, other) is (other == password)


def test_a_password_is_kept_exactly_white_space_and_all(account: Account) -> None:
    account.users.set_password(OWNER, "  padded password\t")
    assert account.users.authenticates(OWNER, "  padded password\t")
    assert not account.users.authenticates(OWNER, "padded password")
