"""Companies in the state layer (S4.3-S4.5): membership by the contacts' company field, the
summed scoring, campaigns; incremental sums always equal a recomputation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from companies_helpers import person
from hypothesis import given, settings
from hypothesis import strategies as st
from routes_helpers import A_OWNER, NOW

from salesmanago_emulator import Account, FrozenClock
from salesmanago_emulator.errors import CompanyNotFound, ContactNotFound, InvalidField
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.companies import company_key
from salesmanago_emulator.state.funnels import StageSpec, Target


def test_s4_3_names_match_trimmed_any_case_first_spelling_shown(account_a: Account) -> None:
    """S4.3: ``ACME ``, `` acme`` and ``Acme`` are one company, shown as first spelt."""
    person(account_a, "a@x.example.com", " ACME  ")
    person(account_a, "b@x.example.com", "acme")
    person(account_a, "c@x.example.com", "Acme")
    view = account_a.companies.company("  aCmE ")
    assert view.name == "ACME"
    assert [r.email for r in view.persons] == [
        "a@x.example.com",
        "b@x.example.com",
        "c@x.example.com",
    ]
    assert account_a.companies.names() == ["ACME"]


def test_s4_3_blank_company_is_no_company(account_a: Account) -> None:
    person(account_a, "a@x.example.com", "   ", score=5)
    person(account_a, "b@x.example.com", None, score=5)
    assert account_a.companies.names() == []
    assert company_key("  ") == ""


def test_s4_3_unknown_company_is_a_clear_error(account_a: Account) -> None:
    """Decision: a name no card gives -> CompanyNotFound (not an empty view)."""
    with pytest.raises(CompanyNotFound, match="Company not found: Ghost Ltd"):
        account_a.companies.company("Ghost Ltd")
    with pytest.raises(InvalidField) as info:
        account_a.companies.company("  ")
    assert info.value.field == "company"


def test_s4_3_coworkers_are_the_other_live_persons(account_a: Account) -> None:
    person(account_a, "me@x.example.com", "Acme")
    person(account_a, "ann@x.example.com", "acme")
    person(account_a, "bob@x.example.com", "ACME")
    person(account_a, "eve@x.example.com", "Other")
    person(account_a, "solo@x.example.com", None)
    account_a.contacts.delete("bob@x.example.com")
    assert [r.email for r in account_a.companies.coworkers("me@x.example.com")] == [
        "ann@x.example.com"
    ]
    assert account_a.companies.coworkers("solo@x.example.com") == []
    with pytest.raises(ContactNotFound):
        account_a.companies.coworkers("bob@x.example.com")


def test_s4_4_company_scoring_is_the_sum_of_its_persons(account_a: Account) -> None:
    person(account_a, "a@x.example.com", "Acme", score=10)
    person(account_a, "b@x.example.com", "acme ", score=-3)
    person(account_a, "c@x.example.com", "Other", score=100)
    assert account_a.companies.company("Acme").scoring == 7
    assert account_a.companies.scoring("other") == 100


def test_s4_4_soft_delete_and_restore(account_a: Account) -> None:
    """S4.4: soft-deleted persons do not count; a restore counts them again (S3.2)."""
    person(account_a, "a@x.example.com", "Acme", score=10)
    person(account_a, "b@x.example.com", "Acme", score=5)
    account_a.contacts.delete("a@x.example.com")
    view = account_a.companies.company("acme")
    assert (view.scoring, [r.email for r in view.persons]) == (5, ["b@x.example.com"])
    account_a.contacts.restore("a@x.example.com")
    assert account_a.companies.company("acme").scoring == 15


def test_s4_4_company_with_only_soft_deleted_persons_stays_known(
    account_a: Account, emu_clock: FrozenClock
) -> None:
    """Known (scoring 0, no persons, same spelling) until the purge; then not found (S3.4)."""
    person(account_a, "a@x.example.com", "ACME", score=10)
    account_a.contacts.delete("a@x.example.com")
    view = account_a.companies.company("acme")
    assert (view.name, view.scoring, view.persons) == ("ACME", 0, ())
    account_a.contacts.restore("a@x.example.com")
    assert account_a.companies.company("acme").name == "ACME"
    account_a.contacts.delete("a@x.example.com")
    emu_clock.advance(timedelta(hours=16))  # past 02:00 Warsaw
    with pytest.raises(CompanyNotFound):
        account_a.companies.company("acme")
    person(account_a, "b@x.example.com", "Acme")
    assert account_a.companies.company("ACME").name == "Acme"


def test_s4_4_restore_by_upsert_with_another_company_moves_the_person(account_a: Account) -> None:
    person(account_a, "a@x.example.com", "Acme", score=10)
    account_a.contacts.delete("a@x.example.com")
    account_a.contacts.upsert(ContactWrite(email="a@x.example.com", company="Beta"), A_OWNER)
    assert account_a.companies.company("beta").scoring == 10
    with pytest.raises(CompanyNotFound):
        account_a.companies.company("acme")


def test_s4_4_moving_and_clearing_the_company(account_a: Account) -> None:
    """S4.4: the sum follows a contact moved between companies, or left with none."""
    person(account_a, "a@x.example.com", "Acme", score=10)
    person(account_a, "b@x.example.com", "Acme", score=1)
    account_a.contacts.update("a@x.example.com", ContactWrite(company="Beta"), A_OWNER)
    assert (
        account_a.companies.company("acme").scoring,
        account_a.companies.company("beta").scoring,
    ) == (1, 10)
    account_a.contacts.update("a@x.example.com", ContactWrite(company=""), A_OWNER)
    with pytest.raises(CompanyNotFound):
        account_a.companies.company("beta")
    account_a.contacts.update("b@x.example.com", ContactWrite(company=" ACME "), A_OWNER)
    assert (
        account_a.companies.company("acme").name,
        account_a.companies.company("acme").scoring,
    ) == ("Acme", 1)


def test_s3_3_permanent_delete_and_forget_leave_the_company(account_a: Account) -> None:
    person(account_a, "a@x.example.com", "Acme", score=10)
    person(account_a, "b@x.example.com", "Acme", score=5)
    person(account_a, "c@x.example.com", "Acme", score=1)
    account_a.contacts.delete("a@x.example.com", permanently=True)
    account_a.contacts.forget("b@x.example.com")
    assert account_a.companies.company("acme").scoring == 1
    account_a.contacts.delete("c@x.example.com")
    account_a.contacts.forget("c@x.example.com")
    with pytest.raises(CompanyNotFound):
        account_a.companies.company("acme")


def test_s4_5_company_view_lists_its_persons_campaigns(account_a: Account) -> None:
    """S4.5 / S13.2: a company's campaigns are the funnels its live persons stand in."""
    person(account_a, "a@x.example.com", "Acme")
    person(account_a, "b@x.example.com", "Acme")
    person(account_a, "c@x.example.com", "Other")
    funnels = account_a.funnels
    for name in ("Spring", "Autumn", "Winter"):
        funnels.add(name, [StageSpec("Invited")])
    funnels.add_contacts("Autumn", "Invited", [Target("EMAIL", "b@x.example.com")])
    funnels.add_contacts("Spring", "Invited", [Target("EMAIL", "a@x.example.com")])
    funnels.add_contacts("Autumn", "Invited", [Target("EMAIL", "a@x.example.com")])
    funnels.add_contacts("Winter", "Invited", [Target("EMAIL", "c@x.example.com")])
    assert account_a.companies.company("acme").campaigns == ("Spring", "Autumn")
    account_a.contacts.delete("a@x.example.com")
    assert account_a.companies.company("acme").campaigns == ("Autumn",)


def test_area_reset_forgets_the_companies(account_a: Account) -> None:
    """(The state export: ``tests/emulator/snapshot/test_snapshot_companies.py``.)"""
    person(account_a, "a@x.example.com", "ACME", score=4)
    account_a.companies.reset()
    assert account_a.companies.names() == []
    person(account_a, "b@x.example.com", "Beta", score=1)
    account_a.reset()
    assert account_a.companies.names() == []


EMAILS = [f"p{i}@x.example.com" for i in range(5)]
COMPANIES = [None, "", "Acme", " acme ", "ACME", "Beta", "beta  "]


operation = st.one_of(
    st.tuples(st.just("company"), st.integers(0, 4), st.sampled_from(COMPANIES)),
    st.tuples(st.just("set"), st.integers(0, 4), st.integers(-50, 50)),
    st.tuples(st.just("add"), st.integers(0, 4), st.integers(-50, 50)),
    st.tuples(st.just("delete"), st.integers(0, 4), st.just(0)),
    st.tuples(st.just("restore"), st.integers(0, 4), st.just(0)),
    st.tuples(st.just("forget"), st.integers(0, 4), st.just(0)),
    st.tuples(st.just("purge"), st.just(0), st.just(0)),
)


def _apply(account: Account, clock: FrozenClock, op: tuple[str, int, object]) -> None:
    kind, index, arg = op
    email = EMAILS[index]
    try:
        if kind == "company":
            account.contacts.upsert(ContactWrite(email=email, company=arg), A_OWNER)  # type: ignore[arg-type]
        elif kind == "set":
            account.scoring.set(email, arg)  # type: ignore[arg-type]
        elif kind == "add":
            account.scoring.add(email, arg)  # type: ignore[arg-type]
        elif kind == "delete":
            account.contacts.delete(email)
        elif kind == "restore":
            account.contacts.restore(email)
        elif kind == "forget":
            account.contacts.delete(email, permanently=True)
        else:
            clock.advance(timedelta(days=1))
            account.run_due_purge()
    except ContactNotFound:
        pass


@settings(max_examples=150, deadline=None)
@given(st.lists(operation, max_size=40))
def test_s4_4_property_incremental_scoring_equals_recomputation(
    ops: list[tuple[str, int, object]],
) -> None:
    """S4.4: after any sequence of score, company, delete, restore and purge changes, every
    company's scoring and persons equal a brute-force recomputation from the cards."""
    clock = FrozenClock(NOW)
    account = Account("c1", "s", [A_OWNER], clock=clock)
    for op in ops:
        _apply(account, clock, op)
    expected: dict[str, tuple[int, set[str]]] = {}
    named: set[str] = set()
    for record in account.all_contacts():
        key = company_key(record.company)
        if not key:
            continue
        named.add(key)
        if not record.deleted:
            total, ids = expected.get(key, (0, set()))
            expected[key] = (total + record.score, ids | {record.id})
    assert {company_key(n) for n in account.companies.names()} == named
    for key in named:
        view = account.companies.company(key)
        assert view.scoring == expected.get(key, (0, set()))[0]
        assert {r.id for r in view.persons} == expected.get(key, (0, set()))[1]
