"""E-mail addresses that are ASCII only after case folding are refused (protocol §3.4, §14).

``"\\u212a"`` (KELVIN SIGN) lower-cases to the ASCII ``k``: folded first and checked
after, ``\\u212aate@shop.pl`` would pass as ``kate@shop.pl`` and name that card. The
rule sits in :func:`validate_email`, so every write refuses it, and a lookup by such
an address names nobody.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import OWNER
from salesmanago_emulator.errors import InvalidField
from salesmanago_emulator.state import Account, normalize_email, validate_email
from salesmanago_emulator.state._card import ContactWrite

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
