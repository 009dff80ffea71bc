"""Sales funnels in the state layer (S12, S13): actions with no endpoint, typed refusals,
reset, and counts that always equal a recomputation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from funnels_helpers import _two_in_lead, count, make_funnel
from hypothesis import given, settings
from hypothesis import strategies as st
from routes_helpers import A_OWNER, NOW, Api

from salesmanago_emulator import Account, FrozenClock
from salesmanago_emulator.errors import (
    Conflict,
    ContactNotFound,
    FunnelNotFound,
    InvalidField,
    StageNotFound,
)
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.funnels import StageSpec, Target


def test_s12_1_remove_contact_from_a_stage_or_the_funnel(account_a: Account, api: Api) -> None:
    """S12.1: removal from one stage or the whole funnel (no endpoint: protocol §8.3)."""
    _two_in_lead(api)
    funnels = account_a.funnels
    assert funnels.remove_contact("Sales", "ann@example.com", stage="Offer") is False
    assert funnels.remove_contact("Sales", "ann@example.com", stage="Lead") is True
    assert funnels.remove_contact("Sales", "bob@example.com") is True
    assert funnels.remove_contact("Sales", "bob@example.com") is False
    assert funnels.count("Sales") == 0
    with pytest.raises(ContactNotFound):
        funnels.remove_contact("Sales", "ghost@example.com")


def test_s12_1_state_refusals_are_typed(account_a: Account) -> None:
    funnels = account_a.funnels
    with pytest.raises(InvalidField) as info:
        funnels.add("Sales", [StageSpec("Lead")], pot_value=Decimal("NaN"))
    assert info.value.field == "potValue"
    funnels.add("Sales", [StageSpec("Lead"), StageSpec("Offer")])
    with pytest.raises(FunnelNotFound):
        funnels.count("Nope")
    with pytest.raises(StageNotFound):
        funnels.delete("Sales", "Nope")
    with pytest.raises(InvalidField) as info:
        funnels.add_contacts("Sales", "Lead", [Target("SMS", "x")])
    assert info.value.field == "contacts[0].addresseeType"
    funnels.delete("Sales", "Offer")
    with pytest.raises(Conflict):
        funnels.delete("Sales", "Lead")


def test_s12_1_addressee_value_must_be_of_its_type(account_a: Account) -> None:
    """EMAIL holding a contact id, or CONTACT_ID holding an e-mail, names nobody."""
    record = account_a.contacts.upsert(ContactWrite(email="ann@example.com"), A_OWNER)
    funnels = account_a.funnels
    funnels.add("Sales", [StageSpec("Lead")])
    for target in (Target("EMAIL", record.id), Target("CONTACT_ID", "ann@example.com")):
        with pytest.raises(ContactNotFound):
            funnels.add_contacts("Sales", "Lead", [target])
    assert funnels.add_contacts("Sales", "Lead", [Target("CONTACT_ID", record.id.upper())]) == {
        record.id: True
    }
    assert account_a.find_live_by("EMAIL", " ANN@example.com") is record
    assert account_a.find_live_by("EMAIL", record.id) is None
    assert account_a.find_live_by("CONTACT_ID", "ann@example.com") is None
    with pytest.raises(ValueError, match="kind"):
        account_a.find_live_by("TAG", "vip")
    account_a.contacts.delete("ann@example.com")
    assert account_a.find_live_by("EMAIL", "ann@example.com") is None  # soft-deleted: nobody


def test_area_account_reset_forgets_funnels(api: Api, emu: object, account_a: Account) -> None:
    _two_in_lead(api)
    account_a.reset()
    assert account_a.funnels.names() == []
    make_funnel(api)
    assert count(api) == 0


PEOPLE = [f"p{i}@example.com" for i in range(4)]
STAGE_NAMES = ["Lead", "Offer", "Won"]


funnel_op = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 3), st.sampled_from(STAGE_NAMES)),
    st.tuples(st.just("remove"), st.integers(0, 3), st.sampled_from([None, *STAGE_NAMES])),
    st.tuples(st.just("delete"), st.integers(0, 3), st.none()),
    st.tuples(st.just("restore"), st.integers(0, 3), st.none()),
    st.tuples(st.just("forget"), st.integers(0, 3), st.none()),
    st.tuples(st.just("purge"), st.just(0), st.none()),
    st.tuples(st.just("drop_stage"), st.just(0), st.sampled_from(STAGE_NAMES)),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(funnel_op, max_size=30))
def test_s12_1_property_counts_equal_recomputation(ops: list[tuple[str, int, str | None]]) -> None:
    """S12.1 / S3.1: after any adds, moves, removals, stage deletions, soft deletes, restores
    and purges, every count equals the live cards' places, and every place has a stage."""
    clock = FrozenClock(NOW)
    account = Account("c1", "s", [A_OWNER], clock=clock)
    funnels = account.funnels
    funnels.add("Sales", [StageSpec(s) for s in STAGE_NAMES])
    for email in PEOPLE:
        account.contacts.upsert(ContactWrite(email=email), A_OWNER)
    for kind, index, arg in ops:
        email = PEOPLE[index]
        try:
            if kind == "add":
                funnels.add_contacts("Sales", str(arg), [Target("EMAIL", email)])
            elif kind == "remove":
                funnels.remove_contact("Sales", email, stage=arg)
            elif kind == "delete":
                account.contacts.delete(email)
            elif kind == "restore":
                account.contacts.upsert(ContactWrite(email=email), A_OWNER)
            elif kind == "forget":
                account.contacts.forget(email)
            elif kind == "purge":
                clock.advance(timedelta(days=1))
            else:
                funnels.delete("Sales", str(arg))
        except (ContactNotFound, StageNotFound, Conflict):
            pass
    stages = funnels.get("Sales").stages
    live = [r for r in account.all_contacts() if not r.deleted]
    at = [p.stage for r in live for p in funnels.of_contact(r)]
    assert funnels.count("Sales") == len(at)
    for stage in stages:
        assert funnels.count("Sales", stage) == at.count(stage)
    assert all(p.stage in stages for r in account.all_contacts() for p in funnels.of_contact(r))
