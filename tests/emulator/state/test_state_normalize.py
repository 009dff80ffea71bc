"""E-mail (S2.1, protocol §3.4) and tag (S5.1) normalisation, with property tests."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from state_helpers import OWNER

from salesmanago_emulator.errors import InvalidField
from salesmanago_emulator.state import Account, normalize_email, normalize_tags, validate_email
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state._normalize import _ADDRESS_RE

ALLOWED_TAG = re.compile(r"[A-Z0-9_.\-]+")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("żółty kot!", ["ZOLTY_KOT_"]),
        ("Łódź", ["LODZ"]),
        ("a,b", ["A", "B"]),
        (" vip , Vip ", ["VIP"]),
        ("Äpfel", ["APFEL"]),
        ("Straße", ["STRASSE"]),
        ("Ørsted Æble Œuvre Þór Đak", ["ORSTED_AEBLE_OEUVRE_THOR_DAK"]),
        ("a#b$c&d*e\"f'g", ["A_B_C_D_E_F_G"]),
        ("tag-1.x_y", ["TAG-1.X_Y"]),
        ("a,,b", ["A", "B"]),
        ("😀", ["_"]),
    ],
)
def test_s5_1_tag_normalisation(raw: str, expected: list[str]) -> None:
    assert normalize_tags([raw], "tags") == expected


def test_s5_1_tags_deduplicated_in_first_order_and_interned() -> None:
    tags = normalize_tags(["b", "a", "B", "c,a"], "tags")
    assert tags == ["B", "A", "C"]
    again = normalize_tags(["b"], "tags")
    assert again[0] is tags[0]


@pytest.mark.parametrize("raw", ["", "   ", ",", " , "])
def test_s5_1_value_yielding_no_tag_is_refused(raw: str) -> None:
    with pytest.raises(InvalidField) as info:
        normalize_tags(["ok", raw], "tags")
    assert info.value.field == "tags[1]"
    assert info.value.messages == ["Field 'tags[1]' must not be empty"]


def test_s5_1_tag_longer_than_255_is_refused_not_truncated() -> None:
    assert normalize_tags(["x" * 255], "tags") == ["X" * 255]
    with pytest.raises(InvalidField, match=r"tags\[0\]' must be at most 255"):
        normalize_tags(["x" * 256], "tags")


@given(st.lists(st.text(max_size=40), max_size=5))
def test_s5_1_property_normalised_tags_are_fixed_points(values: list[str]) -> None:
    try:
        tags = normalize_tags(values, "tags")
    except InvalidField:
        return
    for tag in tags:
        assert ALLOWED_TAG.fullmatch(tag)
        assert normalize_tags([tag], "tags") == [tag]
    assert len(set(tags)) == len(tags)


@pytest.mark.parametrize(
    "raw",
    [
        "a@b.pl",
        "  Jan.Kowalski+promo@Example.COM ",
        "o'brien@mail.example.co.uk",
        "x_y-z@sub-domain.example.org",
        ("a" * 64) + "@example.com",
    ],
)
def test_s2_1_valid_emails_are_normalised(raw: str) -> None:
    assert validate_email(raw, "contact.email") == raw.strip().lower()


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        (None, "must be a string"),
        (42, "must be a string"),
        ("   ", "must not be empty"),
        ("plainaddress", "must be a valid e-mail address"),
        ("a@@b.pl", "must be a valid e-mail address"),
        ("a@b@c.pl", "must be a valid e-mail address"),
        (".a@b.pl", "must be a valid e-mail address"),
        ("a..b@b.pl", "must be a valid e-mail address"),
        ("a.@b.pl", "must be a valid e-mail address"),
        ("a b@b.pl", "must be a valid e-mail address"),
        ("a@localhost", "must be a valid e-mail address"),
        ("a@-b.pl", "must be a valid e-mail address"),
        ("a@b-.pl", "must be a valid e-mail address"),
        ("a@b.p", "must be a valid e-mail address"),
        ("a@b.p1", "must be a valid e-mail address"),
        ("a@b..pl", "must be a valid e-mail address"),
        ("ż@b.pl", "must be a valid e-mail address"),
        (("a" * 65) + "@example.com", "must have at most 64 characters before '@' (got 65)"),
    ],
)
def test_protocol_3_4_invalid_emails_name_field_and_rule(raw: object, rule: str) -> None:
    with pytest.raises(InvalidField) as info:
        validate_email(raw, "upsertDetails[2].contact.email")
    assert info.value.field == "upsertDetails[2].contact.email"
    assert info.value.messages[0].startswith("Field 'upsertDetails[2].contact.email' ")
    assert rule in info.value.rule


def test_protocol_3_4_email_over_254_characters_is_refused() -> None:
    email = "a@" + ("b" * 62 + ".") * 4 + "pl"
    assert len(email) == 256
    with pytest.raises(InvalidField, match="must be at most 254 characters long"):
        validate_email(email, "contact.email")


_ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"
_atoms = st.text(alphabet=_ATEXT, min_size=1, max_size=10)
_locals = st.lists(_atoms, min_size=1, max_size=4).map(".".join).filter(lambda s: len(s) <= 64)
_labels = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?", fullmatch=True)
_tlds = st.from_regex(r"[A-Za-z]{2,6}", fullmatch=True)
_domains = st.builds(
    lambda labels, tld: ".".join([*labels, tld]), st.lists(_labels, min_size=1, max_size=3), _tlds
)
_emails = st.builds(lambda local, domain: f"{local}@{domain}", _locals, _domains)


@given(_emails, st.sampled_from(["", " ", "\t", "  \n"]), st.booleans())
def test_s2_1_property_email_normalisation_ignores_case_and_space(
    email: str, pad: str, upper: bool
) -> None:
    variant = pad + (email.upper() if upper else email) + pad
    normalised = validate_email(variant, "contact.email")
    assert normalised == validate_email(email, "contact.email")
    assert normalised == normalize_email(email)
    assert validate_email(normalised, "contact.email") == normalised
    assert normalised == normalised.strip().lower()


# --- E-mail addresses that are ASCII only after case folding are refused (protocol §3.4, §14)

KELVIN = "\u212a"
FOLDING = [f"{KELVIN}ate@shop.pl", f"kate@{KELVIN}.shop.pl", f"ka{KELVIN}e@shop.pl"]


@pytest.mark.parametrize("address", FOLDING)
def test_protocol_3_4_kelvin_sign_is_refused_not_folded(address: str) -> None:
    with pytest.raises(InvalidField) as caught:
        validate_email(address, "contact.email")
    assert str(caught.value) == "Field 'contact.email' must be a valid e-mail address"


def test_protocol_3_4_ascii_upper_case_still_folds() -> None:
    """Only ASCII is folded, as before: ``Kate@Shop.PL`` is ``kate@shop.pl``."""
    assert validate_email(" Kate@Shop.PL ", "email") == "kate@shop.pl"


@given(st.one_of(st.just(KELVIN), st.characters(min_codepoint=128)))
def test_property_no_non_ascii_character_folds_into_an_address(char: str) -> None:
    """Any non-ASCII character inside an address makes it invalid, and normalising
    never turns it into an ASCII address."""
    with pytest.raises(InvalidField):
        validate_email(f"a{char}b@shop.pl", "email")
    assert not normalize_email(f"a{char}b@shop.pl").isascii()


def test_kelvin_address_is_refused_by_every_write_and_names_no_card(account: Account) -> None:
    """Upsert and insert refuse it; an existing ``kate@`` card is not found through it."""
    kate = account.contacts.upsert(ContactWrite(email="kate@shop.pl"), OWNER)
    for write in (account.contacts.upsert, account.contacts.insert):
        with pytest.raises(InvalidField, match=r"contact\.email"):
            write(ContactWrite(email=FOLDING[0]), OWNER)
    assert account.find(FOLDING[0]) is None
    assert account.has_contact(FOLDING[0]) is None
    assert account.find("KATE@shop.pl") is kate
    assert account.count() == 1


# The address pattern as protocol §3.4 reads, with plain (backtracking) quantifiers: the
# one-match _ADDRESS_RE of the write path must accept exactly the same texts.
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}+(?:\.{_ATOM}+)*@(?:{_LABEL}\.)+[a-z]{{2,63}}", re.ASCII)
# Texts made of the characters that decide the rule (atoms, ".", "@", "-", digits, a
# letter, a character no part takes), with long runs to reach the 63-character label limit.
_ADDRESS_PIECES = st.lists(
    st.sampled_from(["a", "z", "0", "-", ".", "@", "!", "_", " ", "A", "é", "a" * 61, "b" * 63]),
    max_size=12,
).map("".join)


@given(_ADDRESS_PIECES)
def test_protocol_3_4_property_fast_address_pattern_equals_the_plain_one(text: str) -> None:
    """protocol §3.4: the one-match check of validate_email (each label one run between
    lookarounds) accepts a text exactly when the plain pattern of the rule does."""
    assert (_ADDRESS_RE.fullmatch(text) is None) == (_PLAIN_ADDRESS.fullmatch(text) is None)


@pytest.mark.parametrize(
    "text",
    [
        "a@b.co",
        "a.b@c-d.e.fg",
        "a..b@c.de",
        ".a@c.de",
        "a.@c.de",
        "a@-c.de",
        "a@c-.de",
        "a@c.d",
        "a@c.de1",
        "a@c..de",
        "a@" + "c" * 63 + ".de",
        "a@" + "c" * 64 + ".de",
        "a@c.d-e",
        "a@1.de",
        "a@c",
    ],
)
def test_protocol_3_4_fast_address_pattern_equals_the_plain_one_at_the_edges(text: str) -> None:
    """The edges of the rule (dots in the local part, hyphens at a label's ends, the label
    limit of 63, the top-level domain's letters) decided alike by both patterns."""
    assert (_ADDRESS_RE.fullmatch(text) is None) == (_PLAIN_ADDRESS.fullmatch(text) is None)
