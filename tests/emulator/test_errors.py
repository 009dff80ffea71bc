"""Domain errors and their texts (errors.py; architecture: emulator wire texts)."""

from __future__ import annotations

from salesmanago_emulator import errors


def test_s1_3_auth_texts_are_the_platform_texts() -> None:
    assert errors.NOT_AUTHENTICATED == "Not authenticated"
    assert errors.API_KEY_NOT_SPECIFIED == "Api key not specified"
    assert errors.OWNER_NOT_SPECIFIED == "Not authenticated, not owner specified"
    assert errors.INVALID_OWNER == "Not authenticated, invalid owner"
    err = errors.AuthenticationFailed(errors.INVALID_OWNER)
    assert err.messages == ["Not authenticated, invalid owner"]
    assert err.values is None


def test_s2_2_error_texts_follow_the_architecture_table() -> None:
    assert str(errors.ContactNotFound("a@b.pl")) == "Contact not found: a@b.pl"
    assert str(errors.ContactAlreadyExists("a@b.pl")) == "Contact with email a@b.pl already exists"
    invalid = errors.InvalidField("contact.email", "must be a valid e-mail address")
    assert invalid.messages == ["Field 'contact.email' must be a valid e-mail address"]
    assert invalid.values == {"field": "contact.email"}
    limit = errors.LimitExceeded("upsertDetails", 1000)
    assert isinstance(limit, errors.InvalidField)
    assert limit.messages == ["Field 'upsertDetails' must hold at most 1000 items"]
    several = errors.EmulatorError(["one", "two"])
    assert str(several) == "one; two"
    assert isinstance(errors.ReadOnlyOwner("a@b.pl", "c@d.pl"), errors.Conflict)


def test_edge_errors_are_not_domain_errors() -> None:
    assert not issubclass(errors.NotImplementedByEmulator, errors.EmulatorError)
    assert not issubclass(errors.MalformedRequest, errors.EmulatorError)
    assert errors.NotImplementedByEmulator("/api/x").path == "/api/x"
    assert errors.MalformedRequest("bad json").message == "bad json"


def test_invalid_field_under_names_the_item_and_keeps_the_class() -> None:
    """A batch item's error is named under its list entry; its class and extras stay."""
    plain = errors.InvalidField("contact.email", "must be an e-mail address")
    plain = plain.under("upsertDetails[3].")
    assert type(plain) is errors.InvalidField
    assert plain.field == "upsertDetails[3].contact.email"
    assert plain.messages == ["Field 'upsertDetails[3].contact.email' must be an e-mail address"]
    assert plain.values == {"field": "upsertDetails[3].contact.email"}
    limit = errors.LimitExceeded("tags", 5)
    named = limit.under("upsertDetails[0].")
    assert type(named) is errors.LimitExceeded
    assert named.limit == 5
    assert str(named) == "Field 'upsertDetails[0].tags' must hold at most 5 items"
    assert limit.field == "tags"  # the original is unchanged
