"""Companies and their summed scoring on the emulator (semantics S4, S17.1).

The platform has no company endpoint: companies come from the contacts'
``company`` field (written through the SDK or raw JSON) and are read from the
state (``account.companies.company(name)``), and through the SDK's ``scoring`` helpers,
which read ``contact/basic``.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from routes_helpers import A_ID, A_OWNER, NOW, Api

from salesmanago import AsyncSalesManago, ContactUpsert, SalesManago
from salesmanago_emulator import Account, Emulator, FrozenClock, routes
from salesmanago_emulator.errors import CompanyNotFound, ContactNotFound, InvalidField
from salesmanago_emulator.state._card import ContactWrite
from salesmanago_emulator.state.companies import company_key
from salesmanago_emulator.state.funnels import StageSpec, Target


def person(account: Account, email: str, company: str | None, score: int = 0) -> str:
    """Upsert a contact with ``company`` and set its score; returns its id."""
    record = account.contacts.upsert(ContactWrite(email=email, company=company), A_OWNER)
    if score:
        account.scoring.set(record.id, score)
    return record.id


def emails(account: Account, name: str) -> list[str]:
    return [r.email for r in account.companies.company(name).persons]


# --- membership and names -----------------------------------------------------------------


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


# --- scoring (S4.1, S4.4) -------------------------------------------------------------------


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
    account_a: Account, clock: FrozenClock
) -> None:
    contact_id = person(account_a, "a@x.example.com", "Acme", score=3)
    clock.advance(timedelta(minutes=1))
    assert account_a.scoring.set(contact_id, 3).modified_on == NOW
    assert account_a.scoring.add(contact_id, 0).modified_on == NOW
    assert account_a.scoring.add(contact_id, 2).modified_on == NOW + timedelta(minutes=1)


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
    account_a: Account, clock: FrozenClock
) -> None:
    """Known (scoring 0, no persons, same spelling) until the purge; then not found (S3.4)."""
    person(account_a, "a@x.example.com", "ACME", score=10)
    account_a.contacts.delete("a@x.example.com")
    view = account_a.companies.company("acme")
    assert (view.name, view.scoring, view.persons) == ("ACME", 0, ())
    account_a.contacts.restore("a@x.example.com")
    assert account_a.companies.company("acme").name == "ACME"
    account_a.contacts.delete("a@x.example.com")
    clock.advance(timedelta(hours=16))  # past 02:00 Warsaw
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


# --- through the wire -----------------------------------------------------------------------


def test_s4_4_raw_json_writes_drive_the_company(api: Api, account_a: Account) -> None:
    """Raw ``contact/upsert`` / ``update`` / ``delete`` move the company's persons and sum."""
    a = api.upsert("a@x.example.com", contact={"company": "Acme Sp. z o.o."})
    api.upsert("b@x.example.com", contact={"company": "ACME SP. Z O.O. "})
    account_a.scoring.set(a, 7)
    assert account_a.companies.company("acme sp. z o.o.").scoring == 7
    assert emails(account_a, "Acme Sp. z o.o.") == ["a@x.example.com", "b@x.example.com"]
    api.ok("contact/update", email="a@x.example.com", contact={"company": "Beta"})
    assert account_a.companies.company("acme sp. z o.o.").scoring == 0
    assert account_a.companies.company("beta").scoring == 7
    api.ok("contact/delete", email="a@x.example.com")
    assert account_a.companies.company("beta").scoring == 0
    basic = api.ok("contact/basic", email=["a@x.example.com"])["contacts"][0]
    assert (basic["company"], basic["score"], basic["deleted"]) == ("Beta", 7, True)


def test_s4_platform_has_no_company_endpoint(api: Api) -> None:
    """Protocol §13.17: no public company endpoint, so the emulator serves none (HTTP 404)."""
    assert not [r for r in routes() if "compan" in r.path.lower()]
    assert api.send("company/get", api.body(company="Acme")).status_code == 404


def test_s17_1_sdk_company_scoring_matches_the_state(sm: SalesManago, account_a: Account) -> None:
    """S17.1 / S17.3: the SDK's summed scoring over ``contact/basic`` equals the emulator's."""
    people = {
        "a@x.example.com": ("Acme", 12),
        "b@x.example.com": (" acme", 30),
        "c@x.example.com": ("Beta", 99),
    }
    for email, (company, score) in people.items():
        result = sm.contacts.upsert(ContactUpsert(email=email, company=company))
        account_a.scoring.set(result.contact_id, score)
    sm.contacts.delete("b@x.example.com")
    everyone = [*people, "ghost@x.example.com"]
    assert (
        sm.scoring.company_scoring(everyone, company="ACME")
        == account_a.companies.company("acme").scoring
        == 12
    )
    assert [c.email for c in sm.scoring.coworkers("a@x.example.com", among=everyone)] == []


async def test_s4_3_async_sdk_coworkers_match_the_state(
    asm: AsyncSalesManago, account_a: Account
) -> None:
    for email in ("me@x.example.com", "ann@x.example.com", "eve@x.example.com"):
        company = "Other" if email.startswith("eve") else "Acme"
        await asm.contacts.upsert(ContactUpsert(email=email, company=company))
    found = await asm.scoring.coworkers(
        "me@x.example.com", among=["ann@x.example.com", "eve@x.example.com"]
    )
    expected = [r.email for r in account_a.companies.coworkers("me@x.example.com")]
    assert [c.email for c in found] == expected == ["ann@x.example.com"]


# --- reset and snapshot ---------------------------------------------------------------------


def test_area_reset_forgets_the_companies(account_a: Account) -> None:
    """(The state export: ``tests/emulator/snapshot/test_snapshot_companies.py``.)"""
    person(account_a, "a@x.example.com", "ACME", score=4)
    account_a.companies.reset()
    assert account_a.companies.names() == []
    person(account_a, "b@x.example.com", "Beta", score=1)
    account_a.reset()
    assert account_a.companies.names() == []


# --- property: incremental scoring equals a recomputation -----------------------------------

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


def test_area_emulator_export_import_rebuilds_companies(emu: Emulator) -> None:
    """After ``import_state`` the companies (names, sums, persons) are as before."""
    account = emu.account(A_ID)
    person(account, "a@x.example.com", "ACME", score=4)
    person(account, "b@x.example.com", "acme", score=6)
    person(account, "c@x.example.com", "acme", score=9)
    account.contacts.delete("c@x.example.com")
    emu.import_state(json.loads(json.dumps(emu.export_state())))
    account = emu.account(A_ID)
    view = account.companies.company("Acme")
    assert (view.name, view.scoring) == ("ACME", 10)
    assert [r.email for r in view.persons] == ["a@x.example.com", "b@x.example.com"]
    account.contacts.restore("c@x.example.com")
    assert account.companies.company("acme").scoring == 19


def test_s4_5_export_import_keeps_the_order_persons_joined(emu: Emulator) -> None:
    """S4.5: persons are listed in the order they joined the company (not contact
    order), through export_state / import_state; old state without ``joinOrder``
    still loads (contact order)."""
    account = emu.account(A_ID)
    person(account, "a@x.example.com", "ACME")
    person(account, "b@x.example.com", "ACME")
    person(account, "c@x.example.com", "ACME")
    account.contacts.upsert(ContactWrite(email="a@x.example.com", company="Beta"), A_OWNER)
    account.contacts.upsert(ContactWrite(email="a@x.example.com", company="acme"), A_OWNER)
    account.contacts.delete("b@x.example.com")
    account.contacts.restore("b@x.example.com")
    order = ["c@x.example.com", "a@x.example.com", "b@x.example.com"]
    assert [r.email for r in account.companies.company("acme").persons] == order
    data = json.loads(json.dumps(emu.export_state()))
    emu.import_state(data)
    assert [r.email for r in emu.account(A_ID).companies.company("acme").persons] == order
    for item in data["accounts"]:
        item["companies"].pop("joinOrder", None)
    emu.import_state(data)
    assert [r.email for r in emu.account(A_ID).companies.company("acme").persons] == sorted(order)
