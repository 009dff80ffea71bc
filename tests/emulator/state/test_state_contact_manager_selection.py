"""The Contact Manager's criteria (S15.1) in the state layer: each criterion picks exactly the
live cards it describes, include and exclude combine, indexes answer as the plain loop would,
and bad criteria are refused naming their field."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from state_helpers import OWNER

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import InvalidField
from salesmanago_emulator.state import Account, ContactWrite
from salesmanago_emulator.state._card import ConsentDetail, DictionaryProperty
from salesmanago_emulator.state.contact_manager import (
    Company,
    Consent,
    CreatedBetween,
    Criterion,
    DetailContains,
    DetailDateRange,
    DetailEquals,
    DetailNumberRange,
    EmailStatus,
    InFunnel,
    Invalid,
    ModifiedBetween,
    Owner,
    PhoneStatus,
    ScoringRange,
    Selection,
    State,
    Tags,
)
from salesmanago_emulator.state.funnels import StageSpec

OTHER_USER = "second@shop.pl"  # the account fixture's second user


def put(account: Account, email: str, **fields: object) -> str:
    """Upsert a card as OWNER; its id."""
    return account.contacts.upsert(ContactWrite(email=email, **fields), OWNER).id  # type: ignore[arg-type]


def picked(account: Account, *include: Criterion, exclude: tuple[Criterion, ...] = ()) -> set[str]:
    """The e-mails the selection picks."""
    selection = Selection(include=include, exclude=exclude)
    return {r.email for r in account.contact_manager.select(selection)}


def test_tags_any_and_all_s15_1(account: Account) -> None:
    put(account, "a@x.pl", tags=("VIP", "NEW"))
    put(account, "b@x.pl", tags=("VIP",))
    put(account, "c@x.pl", tags=("NEW",))
    put(account, "d@x.pl")
    assert picked(account, Tags(tags=("vip", "new"))) == {"a@x.pl", "b@x.pl", "c@x.pl"}
    assert picked(account, Tags(tags=("VIP", "NEW"), match="all")) == {"a@x.pl"}
    assert picked(account, Tags(tags=("NOBODY",))) == set()
    assert picked(account, Tags(tags=("VIP", "NOBODY"), match="all")) == set()


def test_standard_detail_equals_contains_ranges_s15_1(account: Account) -> None:
    put(account, "a@x.pl", properties={"size": "43", "city": "Kraków", "born": "1990-05-01"})
    put(account, "b@x.pl", properties={"size": "38", "city": "Warszawa", "born": "2001-01-01"})
    put(account, "c@x.pl", properties={"size": "big"})
    assert picked(account, DetailEquals(name="size", value="43")) == {"a@x.pl"}
    assert picked(account, DetailContains(name="city", text="KRAK")) == {"a@x.pl"}
    assert picked(account, DetailNumberRange(name="size", minimum=Decimal(40))) == {"a@x.pl"}
    assert picked(account, DetailNumberRange(name="size", maximum=Decimal(40))) == {"b@x.pl"}
    assert picked(account, DetailDateRange(name="born", end=date(1999, 12, 31))) == {"a@x.pl"}
    assert picked(account, DetailDateRange(name="born", start=date(2000, 1, 1))) == {"b@x.pl"}


def test_dictionary_details_s15_1(account: Account) -> None:
    number = DictionaryProperty("points", "NUMBER", "12.5")
    put(account, "a@x.pl", dictionary_properties=(number,))
    put(account, "b@x.pl", properties={"points": "12.5"})  # a standard detail: not a dictionary one
    criterion = DetailNumberRange(name="points", minimum=Decimal(10), dictionary=True)
    assert picked(account, criterion) == {"a@x.pl"}
    assert picked(account, DetailEquals(name="points", value="12.5", dictionary=True)) == {"a@x.pl"}
    assert picked(account, DetailEquals(name="points", value="12.5")) == {"b@x.pl"}


def test_state_statuses_invalid_scoring_s15_1(account: Account) -> None:
    put(account, "a@x.pl", state="CUSTOMER", force_opt_in=True)
    put(account, "b@x.pl", force_phone_opt_in=True)
    account.optin.mark_invalid("b@x.pl")
    account.scoring.set("a@x.pl", 20)
    assert picked(account, State(states=("customer",))) == {"a@x.pl"}
    assert picked(account, EmailStatus(status="OPT_IN")) == {"a@x.pl"}
    assert picked(account, PhoneStatus(status="OPT_IN")) == {"b@x.pl"}
    assert picked(account, Invalid()) == {"b@x.pl"}
    assert picked(account, Invalid(invalid=False)) == {"a@x.pl"}
    assert picked(account, ScoringRange(minimum=10, maximum=20)) == {"a@x.pl"}
    assert picked(account, ScoringRange(maximum=0)) == {"b@x.pl"}


def test_owner_and_level_s1_4(account: Account) -> None:
    put(account, "a@x.pl")
    put(account, "b@x.pl")
    account.users.add_owner("b@x.pl", OTHER_USER, "READ_ONLY")
    assert picked(account, Owner(owner=OTHER_USER)) == {"b@x.pl"}
    assert picked(account, Owner(owner=OTHER_USER, level="CO_OWNER")) == set()
    assert picked(account, Owner(owner=OWNER.upper(), level="MAIN")) == {"a@x.pl", "b@x.pl"}


def test_created_and_modified_ranges_use_the_time_indexes(
    account: Account, clock: FrozenClock
) -> None:
    start = clock.now()
    put(account, "a@x.pl")
    clock.advance(timedelta(hours=1))
    put(account, "b@x.pl")
    clock.advance(timedelta(hours=1))
    account.scoring.set("a@x.pl", 3)  # modified now
    hour = timedelta(minutes=59)
    assert picked(account, CreatedBetween(start=start, end=start + hour)) == {"a@x.pl"}
    assert picked(account, ModifiedBetween(start=clock.now(), end=clock.now())) == {"a@x.pl"}
    both = (CreatedBetween(start=start, end=clock.now()), Tags(tags=("X",)))
    account.tags.manage("b@x.pl", ["X"], [])
    assert picked(account, *both) == {"b@x.pl"}


def test_funnel_and_stage_s12_1(account: Account) -> None:
    a, b = put(account, "a@x.pl"), put(account, "b@x.pl")
    put(account, "c@x.pl")
    account.funnels.add("Sales", [StageSpec("Lead"), StageSpec("Won deal")])
    from salesmanago_emulator.state._addressees import Target

    account.funnels.add_contacts("Sales", "Lead", [Target("CONTACT_ID", a)])
    account.funnels.add_contacts("Sales", "Won deal", [Target("CONTACT_ID", b)])
    assert picked(account, InFunnel(funnel="sales")) == {"a@x.pl", "b@x.pl"}
    assert picked(account, InFunnel(funnel="Sales", stage="won DEAL")) == {"b@x.pl"}
    with pytest.raises(InvalidField) as err:
        picked(account, InFunnel(funnel="Nope"))
    assert err.value.field == "include[0].funnel"


def test_consent_and_company_s10_1_s4_3(account: Account) -> None:
    account.optin.add_consent("Newsletter")
    consent = ConsentDetail("Newsletter", True, datetime(2026, 1, 1, tzinfo=timezone.utc))
    put(account, "a@x.pl", consent_details=(consent,), company=" Acme ")
    put(account, "b@x.pl", company="Other")
    assert picked(account, Consent(name="newsletter", status="CONFIRMED")) == {"a@x.pl"}
    assert picked(account, Consent(name="Newsletter", status="WITHDRAWN")) == set()
    assert picked(account, Company(name="ACME")) == {"a@x.pl"}


def test_include_and_exclude_combine(account: Account) -> None:
    put(account, "a@x.pl", tags=("VIP",))
    put(account, "b@x.pl", tags=("VIP", "BLOCKED"))
    put(account, "c@x.pl", tags=("VIP",), state="PARTNER")
    exclude = (Tags(tags=("BLOCKED",)), State(states=("PARTNER",)))
    assert picked(account, Tags(tags=("VIP",)), exclude=exclude) == {"a@x.pl"}


def test_soft_deleted_cards_are_never_selected_s3_1(account: Account) -> None:
    put(account, "a@x.pl", tags=("VIP",))
    put(account, "b@x.pl", tags=("VIP",))
    account.contacts.delete("b@x.pl")
    assert picked(account) == {"a@x.pl"}
    assert picked(account, Tags(tags=("VIP",))) == {"a@x.pl"}
    assert account.contact_manager.recount(Selection()) == 1


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Tags(tags=()), "tags"),
        (lambda: Tags(tags=("A",), match="some"), "match"),
        (lambda: State(states=("NOBODY",)), "states[0]"),
        (lambda: ScoringRange(), "minimum"),
        (lambda: ScoringRange(minimum=5, maximum=1), "maximum"),
        (lambda: ScoringRange(minimum=1.5), "minimum"),
        (lambda: DetailEquals(name=" ", value="x"), "name"),
        (lambda: DetailNumberRange(name="n"), "minimum"),
        (lambda: CreatedBetween(start=datetime(2026, 1, 1), end=datetime(2026, 1, 2)), "start"),
        (lambda: EmailStatus(status="maybe"), "status"),
        (lambda: Owner(owner="x@x.pl", level="BOSS"), "level"),
        (lambda: Consent(name="n", status="YES"), "status"),
    ],
)
def test_bad_criteria_are_refused_naming_the_field(build: object, field: str) -> None:
    with pytest.raises(InvalidField) as err:
        build()  # type: ignore[operator]
    assert err.value.field == field


def test_an_owner_who_is_no_user_is_refused(account: Account) -> None:
    with pytest.raises(InvalidField) as err:
        account.contact_manager.recount(Selection(exclude=(Owner(owner="stranger@x.pl"),)))
    assert err.value.field == "exclude[0].owner"


@settings(max_examples=30, deadline=None)
@given(
    cards=st.lists(
        st.tuples(
            st.sets(st.sampled_from(["A", "B", "C"])),
            st.integers(-3, 3),
            st.sampled_from(["PROSPECT", "CUSTOMER"]),
            st.booleans(),
        ),
        max_size=12,
    ),
    tags=st.sets(st.sampled_from(["A", "B", "C"]), min_size=1),
    match=st.sampled_from(["any", "all"]),
    low=st.integers(-3, 3),
)
def test_selection_equals_a_plain_loop_over_the_cards(
    cards: list[tuple[set[str], int, str, bool]], tags: set[str], match: str, low: int
) -> None:
    """Property: the narrowing passes (and the tag-count shortcut) pick what a plain loop
    testing the same criteria on every live card picks."""
    clock = FrozenClock(datetime(2026, 1, 15, tzinfo=timezone.utc))
    account = Account("c", "s", [OWNER], clock=clock)
    for index, (card_tags, score, state, deleted) in enumerate(cards):
        email = f"u{index}@x.pl"
        put(account, email, tags=tuple(card_tags), state=state)
        account.scoring.set(email, score)
        if deleted:
            account.contacts.delete(email)
    include = (Tags(tags=tuple(tags), match=match), ScoringRange(minimum=low))
    exclude = (State(states=("CUSTOMER",)),)
    wanted = {
        f"u{i}@x.pl"
        for i, (card_tags, score, state, deleted) in enumerate(cards)
        if not deleted
        and (tags <= card_tags if match == "all" else bool(tags & card_tags))
        and score >= low
        and state != "CUSTOMER"
    }
    assert picked(account, *include, exclude=exclude) == wanted
