"""Scoring in the state layer (S4.1): set and add, integers only, on live cards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from companies_helpers import person
from routes_helpers import NOW
from state_helpers import EMAIL, upsert

from salesmanago_emulator import Account, FrozenClock
from salesmanago_emulator.errors import ContactNotFound, InvalidField


def test_s4_1_set_score_and_add_score_follow_s4(account_a: Account) -> None:
    """S4.1: set to a value, or changed by points (negative too); only integers."""
    contact_id = person(account_a, "a@x.example.com", "Acme")
    assert account_a.scoring.set(contact_id, 40).score == 40
    assert account_a.scoring.add("a@x.example.com", -15).score == 25
    assert account_a.companies.company("acme").scoring == 25
    for bad in (True, 1.5, "3"):
        with pytest.raises(InvalidField) as info:
            account_a.scoring.set(contact_id, bad)  # type: ignore[arg-type]
        assert info.value.field == "score"
        with pytest.raises(InvalidField):
            account_a.scoring.add(contact_id, bad)  # type: ignore[arg-type]
    assert account_a.companies.company("acme").scoring == 25
    account_a.contacts.delete(contact_id)
    with pytest.raises(ContactNotFound):
        account_a.scoring.set(contact_id, 1)
    with pytest.raises(ContactNotFound):
        account_a.scoring.add(contact_id, 1)


def test_s4_1_score_change_moves_modified_on_only_when_it_changes(
    account_a: Account, emu_clock: FrozenClock
) -> None:
    contact_id = person(account_a, "a@x.example.com", "Acme", score=3)
    emu_clock.advance(timedelta(minutes=1))
    assert account_a.scoring.set(contact_id, 3).modified_on == NOW
    assert account_a.scoring.add(contact_id, 0).modified_on == NOW
    assert account_a.scoring.add(contact_id, 2).modified_on == NOW + timedelta(minutes=1)


def test_s4_1_set_and_add_scoring(account: Account) -> None:
    record = upsert(account)
    account.scoring.set(EMAIL, 10)
    account.scoring.add(EMAIL, 5)
    account.scoring.add(EMAIL, -20)
    assert record.score == -5
    with pytest.raises(InvalidField, match="'score' must be an integer"):
        account.scoring.set(EMAIL, True)
    with pytest.raises(InvalidField):
        account.scoring.add(EMAIL, 1.5)  # type: ignore[arg-type]
