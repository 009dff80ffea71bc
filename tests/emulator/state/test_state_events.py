"""An event added after an upsert, checked before either is applied (``integration/upsert``,
protocol §6, §14): ``check_upsert`` and ``check_add(after=...)`` refuse exactly what
applying the upsert and then the add would refuse, and change nothing."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import OTHER_USER, OWNER, THIRD_USER
from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import ContactNotFound, EmulatorError, ReadOnlyOwner
from salesmanago_emulator.snapshot import dump_state
from salesmanago_emulator.state import Account, ContactWrite
from salesmanago_emulator.state.events import EventWrite

USERS = (OWNER, OTHER_USER, THIRD_USER)
EMAILS = ("a@shop.pl", "b@shop.pl", "c@shop.pl")
ELSEWHERE = ("new@shop.pl", "moved@shop.pl")
NOW = datetime(2026, 1, 15, 10, 0, tzinfo=timezone.utc)
EVENT = EventWrite(event_type="PURCHASE", date=NOW)


def _state(account: Account) -> str:
    return json.dumps(dump_state([account], account.clock), sort_keys=True)


def _account(cards: dict[str, tuple[str, str, bool]]) -> Account:
    """Cards by e-mail: (``live`` or ``deleted``, main owner, THIRD_USER read-only)."""
    account = Account("c1", "s1", list(USERS), clock=FrozenClock(NOW))
    for email, (kind, main, read_only) in cards.items():
        account.contacts.upsert(ContactWrite(email=email), main)
        if read_only and main != THIRD_USER:
            account.users.add_owner(email, THIRD_USER, "READ_ONLY")
        if kind == "deleted":
            account.contacts.delete(email)
    return account


def _outcome(action: object) -> list[str] | None:
    try:
        action()  # type: ignore[operator]
    except EmulatorError as error:
        return error.messages
    return None


_CARDS = st.dictionaries(
    st.sampled_from(EMAILS),
    st.tuples(st.sampled_from(("live", "deleted")), st.sampled_from(USERS), st.booleans()),
)
_ADDRESSES = st.sampled_from(EMAILS + ELSEWHERE)


@settings(max_examples=400, deadline=None)
@given(
    cards=_CARDS,
    email=_ADDRESSES,
    new_email=st.none() | _ADDRESSES,
    contact_owner=st.sampled_from(USERS),
    event_owner=st.sampled_from(USERS),
    event_key=st.tuples(st.sampled_from(("email", "contact_id")), _ADDRESSES),
)
def test_protocol_14_checking_both_parts_predicts_applying_them(
    cards: dict[str, tuple[str, str, bool]],
    email: str,
    new_email: str | None,
    contact_owner: str,
    event_owner: str,
    event_key: tuple[str, str],
) -> None:
    """For any cards and any pair of parts: the checks change nothing, and the event
    part's check refuses (with the same texts) exactly when adding the event after
    applying the upsert is refused."""
    account = _account(cards)
    write = ContactWrite(email=email, new_email=new_email)
    kind, key = event_key
    record = account.store.by_email.get(key)
    target = {"email": key} if kind == "email" else {"contact_id": record.id if record else key}
    before = _state(account)

    planned_or_error: object
    try:
        planned_or_error = account.contacts.check_upsert(write, contact_owner)
    except EmulatorError as error:
        planned_or_error = error
    if isinstance(planned_or_error, EmulatorError):
        assert _state(account) == before
        with pytest.raises(type(planned_or_error)):
            account.contacts.upsert(write, contact_owner)
        return
    predicted = _outcome(
        lambda: account.events.check_add(EVENT, event_owner, after=planned_or_error, **target)
    )
    assert _state(account) == before

    account.contacts.upsert(write, contact_owner)
    assert _outcome(lambda: account.events.add(EVENT, event_owner, **target)) == predicted


def test_protocol_14_event_for_a_card_the_upsert_restores_passes(account: Account) -> None:
    """A soft-deleted card named by id: refused alone, accepted after an upsert that
    restores it."""
    card = account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.contacts.delete("a@shop.pl")
    with pytest.raises(ContactNotFound):
        account.events.check_add(EVENT, OWNER, contact_id=card.id)
    planned = account.contacts.check_upsert(ContactWrite(email="a@shop.pl"), OWNER)
    assert (planned.record, planned.email, planned.owner) == (card, "a@shop.pl", OWNER)
    account.events.check_add(EVENT, OWNER, contact_id=card.id, after=planned)


def test_protocol_14_event_by_a_read_only_owner_is_refused_before_the_upsert(
    account: Account,
) -> None:
    account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.users.add_owner("a@shop.pl", THIRD_USER, "READ_ONLY")
    planned = account.contacts.check_upsert(ContactWrite(email="a@shop.pl", name="A"), OWNER)
    with pytest.raises(ReadOnlyOwner):
        account.events.check_add(EVENT, THIRD_USER, email="a@shop.pl", after=planned)
    assert account.find("a@shop.pl").name is None  # type: ignore[union-attr]


def test_protocol_14_event_for_the_address_the_upsert_frees_creates_a_card(
    account: Account,
) -> None:
    """The upsert moves its card away (``newEmail``): the old address is free, so the
    event creates a new card there, even for a read-only owner of the moved card."""
    account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.users.add_owner("a@shop.pl", THIRD_USER, "READ_ONLY")
    with pytest.raises(ReadOnlyOwner):
        account.events.check_add(EVENT, THIRD_USER, email="a@shop.pl")
    write = ContactWrite(email="a@shop.pl", new_email="moved@shop.pl")
    planned = account.contacts.check_upsert(write, OWNER)
    account.events.check_add(EVENT, THIRD_USER, email="a@shop.pl", after=planned)
    moved = account.contacts.upsert(write, OWNER)
    account.events.add(EVENT, THIRD_USER, email="a@shop.pl")
    fresh = account.find("a@shop.pl")
    assert fresh is not None
    assert fresh.id != moved.id
    assert fresh.main_owner == THIRD_USER
