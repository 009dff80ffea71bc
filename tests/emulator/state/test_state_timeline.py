"""The card's timeline of system events (seed 003 §14 [1], [12]): each change is
recorded where it happens, with the injected clock's time and its details; entries
follow the card (S3.1-S3.3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from state_helpers import EMAIL, OTHER_USER, OWNER, THIRD_USER, upsert

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import ContactNotFound, InvalidField
from salesmanago_emulator.state import Account, ConsentDetail, DoubleOptIn
from salesmanago_emulator.state.funnels import StageSpec, Target
from salesmanago_emulator.state.optin import CONFIRMATION_VALIDITY
from salesmanago_emulator.state.timeline import KINDS, TimelineEntry, check_entry


def _kinds(account: Account, key: str = EMAIL) -> list[str]:
    return [entry.kind for entry in account.timeline.of(key)]


def _details(entry: TimelineEntry) -> dict[str, str]:
    return dict(entry.details)


def test_seed003_14_created_deleted_restored_in_order(account: Account, clock: FrozenClock) -> None:
    record = upsert(account)
    clock.advance(timedelta(minutes=5))
    account.contacts.delete(EMAIL)
    clock.advance(timedelta(minutes=5))
    upsert(account, force_opt_in=True)  # restores the card (S3.2) and opts it in
    entries = account.timeline.of(record.id)
    assert [e.kind for e in entries] == [
        "CONTACT_CREATED",
        "CONTACT_DELETED",
        "CONTACT_RESTORED",
        "EMAIL_OPTED_IN",
    ]
    assert _details(entries[0]) == {"owner": OWNER}
    assert entries[0].at == record.created_on
    assert entries[1].at == entries[0].at + timedelta(minutes=5)
    assert entries[2].at == entries[3].at == clock.now()
    assert _details(entries[3]) == {"source": "FROM_INIT"}


def test_seed003_14_created_entry_comes_first_even_with_an_opt_in_on_creation(
    account: Account,
) -> None:
    upsert(account, force_opt_in=True, force_phone_opt_in=True)
    assert _kinds(account) == ["CONTACT_CREATED", "EMAIL_OPTED_IN", "PHONE_OPTED_IN"]


def test_seed003_14_owner_assigned_and_removed(account: Account) -> None:
    upsert(account)
    account.users.add_owner(EMAIL, OTHER_USER, "READ_ONLY")
    account.users.add_owner(EMAIL, OTHER_USER, "CO_OWNER")
    account.users.set_main_owner(EMAIL, THIRD_USER)
    account.users.remove_owner(EMAIL, OTHER_USER)
    entries = account.timeline.of(EMAIL)[1:]
    assert [(e.kind, _details(e)) for e in entries] == [
        ("OWNER_ASSIGNED", {"owner": OTHER_USER, "level": "READ_ONLY"}),
        (
            "OWNER_ASSIGNED",
            {"owner": OTHER_USER, "level": "CO_OWNER", "previousLevel": "READ_ONLY"},
        ),
        ("OWNER_ASSIGNED", {"owner": THIRD_USER, "level": "MAIN"}),
        ("OWNER_ASSIGNED", {"owner": OWNER, "level": "CO_OWNER", "previousLevel": "MAIN"}),
        ("OWNER_REMOVED", {"owner": OTHER_USER, "level": "CO_OWNER"}),
    ]
    # the creation still names the user who created the card
    assert _details(account.timeline.of(EMAIL)[0]) == {"owner": OWNER}


def test_s1_5_removing_the_main_owner_promotes_an_heir_on_the_timeline(account: Account) -> None:
    upsert(account)
    account.users.add_owner(EMAIL, OTHER_USER, "CO_OWNER")
    account.users.remove_owner(EMAIL, OWNER)
    entries = account.timeline.of(EMAIL)
    assert [(e.kind, _details(e)) for e in entries[2:]] == [
        ("OWNER_REMOVED", {"owner": OWNER, "level": "MAIN"}),
        ("OWNER_ASSIGNED", {"owner": OTHER_USER, "level": "MAIN", "previousLevel": "CO_OWNER"}),
    ]
    assert _details(entries[0]) == {"owner": OWNER}


def test_s10_2_opt_in_out_with_source_and_invalid_marks(account: Account) -> None:
    upsert(account)
    account.optin.opt_in(EMAIL)
    account.optin.opt_in(EMAIL)  # no change: nothing recorded
    account.optin.mark_invalid(EMAIL)
    account.optin.restore_previous_status(EMAIL)
    account.optin.opt_out(EMAIL, "MESSAGE")
    account.optin.phone_opt_in(EMAIL, "MANAGE")
    entries = account.timeline.of(EMAIL)[1:]
    assert [(e.kind, _details(e)) for e in entries] == [
        ("EMAIL_OPTED_IN", {"source": "FROM_INIT"}),
        ("MARKED_INVALID", {}),
        ("INVALID_UNMARKED", {}),
        ("EMAIL_OPTED_OUT", {"source": "MESSAGE"}),
        ("PHONE_OPTED_IN", {"source": "MANAGE"}),
    ]


def test_seed003_12_note_coupon_and_funnel_stages(account: Account, clock: FrozenClock) -> None:
    upsert(account)
    note = account.notes.add(EMAIL, "Called", owner=OWNER, private=True)
    coupon = account.coupons.add(EMAIL, "Welcome", coupon="HELLO-2026")
    account.funnels.add("Sales", [StageSpec("Lead"), StageSpec("Offer")])
    target = [Target("EMAIL", EMAIL)]
    account.funnels.add_contacts("Sales", "Lead", target)
    clock.advance(timedelta(hours=1))
    account.funnels.add_contacts("Sales", "Offer", target)
    account.funnels.add_contacts("Sales", "Offer", target)  # already there: nothing
    account.funnels.remove_contact("Sales", EMAIL)
    entries = account.timeline.of(EMAIL)[1:]
    assert [(e.kind, _details(e)) for e in entries] == [
        ("NOTE_ADDED", {"noteId": note.id, "author": OWNER, "private": "true"}),
        ("COUPON_GIVEN", {"coupon": coupon.value, "name": "Welcome"}),
        ("FUNNEL_STAGE_CHANGED", {"funnel": "Sales", "stage": "Lead"}),
        ("FUNNEL_STAGE_CHANGED", {"funnel": "Sales", "stage": "Offer", "previousStage": "Lead"}),
        ("FUNNEL_STAGE_CHANGED", {"funnel": "Sales", "previousStage": "Offer"}),
    ]
    assert entries[3].at == clock.now()


def test_timeline_filters_kinds_and_refuses_unknown_ones(account: Account) -> None:
    upsert(account, force_opt_in=True)
    assert [e.kind for e in account.timeline.of(EMAIL, ["EMAIL_OPTED_IN"])] == ["EMAIL_OPTED_IN"]
    with pytest.raises(InvalidField) as err:
        account.timeline.of(EMAIL, ["VISIT"])
    assert err.value.field == "kinds"


def test_s3_1_soft_deleted_card_answers_and_purge_drops_the_timeline(
    account: Account, clock: FrozenClock
) -> None:
    record = upsert(account)
    account.contacts.delete(EMAIL)
    assert _kinds(account, record.id) == ["CONTACT_CREATED", "CONTACT_DELETED"]
    clock.advance(timedelta(days=1))  # past 02:00: the purge (S3.4)
    with pytest.raises(ContactNotFound):
        account.timeline.of(record.id)
    fresh = upsert(account)  # a new, unrelated card (S3.2)
    assert _kinds(account, fresh.id) == ["CONTACT_CREATED"]


def test_s3_3_permanent_delete_takes_the_timeline_with_the_card(account: Account) -> None:
    upsert(account, force_opt_in=True)
    account.contacts.delete(EMAIL, permanently=True)
    assert _kinds(account, upsert(account).id) == ["CONTACT_CREATED"]


def test_a_card_created_by_an_event_or_a_coupon_has_its_creation(account: Account) -> None:
    account.coupons.add("new@example.com", "Welcome", length=8, owner=OTHER_USER)
    entries = account.timeline.of("new@example.com")
    assert (entries[0].kind, _details(entries[0])) == ("CONTACT_CREATED", {"owner": OTHER_USER})
    assert [e.kind for e in entries] == ["CONTACT_CREATED", "COUPON_GIVEN"]


def test_check_entry_names_the_bad_part() -> None:
    assert check_entry("OWNER_REMOVED", {"owner": "a@b.pl", "level": "MAIN"}) == (
        "OWNER_REMOVED",
        (("owner", "a@b.pl"), ("level", "MAIN")),
    )
    for kind, details, field in (
        ("VISIT", {}, "kind"),
        ("OWNER_REMOVED", {"owner": "a@b.pl"}, "level"),
        ("OWNER_REMOVED", {"owner": "a@b.pl", "level": "BOSS"}, "level"),
        ("CONTACT_DELETED", {"owner": "a@b.pl"}, "owner"),
        ("COUPON_GIVEN", {"coupon": "", "name": "x"}, "coupon"),
        ("COUPON_GIVEN", {"coupon": 5, "name": "x"}, "coupon"),
    ):
        with pytest.raises(InvalidField) as err:
            check_entry(kind, details)
        assert err.value.field == field
    assert set(KINDS) >= {"CONTACT_CREATED", "NOTE_ADDED", "FUNNEL_STAGE_CHANGED"}


def test_s10_1_consents_given_and_withdrawn_are_on_the_timeline(
    account: Account, clock: FrozenClock
) -> None:
    """A consent given, given again later (a new agreement date: a change) and withdrawn;
    a write that leaves it as it is records nothing."""
    account.optin.add_consent("Newsletter")
    upsert(account, consent_details=[ConsentDetail(name="Newsletter", accept=True)])
    given_at = clock.now()
    upsert(account, name="Jan")  # the consent untouched
    clock.advance(timedelta(hours=1))
    upsert(account, consent_details=[ConsentDetail(name="Newsletter", accept=True)])
    again_at = clock.now()
    clock.advance(timedelta(hours=1))
    upsert(account, consent_details=[ConsentDetail(name="Newsletter", accept=False, opt_out=True)])

    entries = account.timeline.of(EMAIL, kinds=["CONSENT_CHANGED"])
    assert [(e.at, _details(e)) for e in entries] == [
        (given_at, {"consent": "Newsletter", "status": "CONFIRMED"}),
        (again_at, {"consent": "Newsletter", "status": "CONFIRMED"}),
        (clock.now(), {"consent": "Newsletter", "status": "WITHDRAWN"}),
    ]


def test_s10_double_opt_in_requested_confirmed_and_expired_are_on_the_timeline(
    account: Account, clock: FrozenClock
) -> None:
    upsert(account, double_opt_in=DoubleOptIn(lang="PL"))
    requested_at = clock.now()
    clock.advance(timedelta(hours=2))
    second = account.optin.send_confirmation(EMAIL, DoubleOptIn(lang="PL"))
    account.optin.confirm(second.request_id)
    confirmed_at = clock.now()
    clock.advance(timedelta(days=30))  # the first one runs out, noticed later

    entries = account.timeline.of(EMAIL, kinds=["DOUBLE_OPT_IN", "EMAIL_OPTED_IN"])
    shown = [(e.kind, e.at, _details(e)) for e in entries]
    assert shown == [
        ("DOUBLE_OPT_IN", requested_at, {"requestId": "900000001", "status": "PENDING"}),
        ("DOUBLE_OPT_IN", confirmed_at, {"requestId": "900000002", "status": "PENDING"}),
        ("EMAIL_OPTED_IN", confirmed_at, {"source": "MESSAGE"}),
        ("DOUBLE_OPT_IN", confirmed_at, {"requestId": "900000002", "status": "CONFIRMED"}),
        (
            "DOUBLE_OPT_IN",
            requested_at + CONFIRMATION_VALIDITY,  # when it ran out, not when noticed
            {"requestId": "900000001", "status": "EXPIRED"},
        ),
    ]
