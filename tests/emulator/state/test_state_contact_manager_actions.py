"""Each Contact Manager action (S15.3, seed 004 A-P) with its exact rule, in the state layer.

Every test runs the action through ``account.contact_manager.run`` on a selection and checks
both the card and the run's report (applied, or skipped with the reason), so each fails when
its rule is broken.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from state_helpers import OWNER

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import FunnelNotFound, InvalidField, RuleNotFound
from salesmanago_emulator.state import Account, ContactWrite
from salesmanago_emulator.state._contact_manager_actions import (
    MONITORING_LIMIT,
    SKIP_CONTACT_DELETED,
    SKIP_EXPORT_LIMIT,
    SKIP_LAST_OWNER,
    SKIP_MAIN_OWNER,
    SKIP_NO_DETAIL,
    SKIP_NOT_IN_FUNNEL,
    SKIP_NOT_INVALID,
    SKIP_NOT_MONITORED,
    SKIP_NOT_OWNER,
    SKIP_READ_ONLY_OWNER,
    SKIP_UNCHANGED,
)
from salesmanago_emulator.state.contact_manager import (
    Action,
    AddNote,
    AddOwner,
    AddTags,
    AddTagsFromDetails,
    AddToFunnelStage,
    ChangeState,
    DeleteContacts,
    DetectGender,
    EmailOptOut,
    EmailStatus,
    GenerateCoupon,
    MarkInvalid,
    MonitoringUrls,
    PhoneStatusChange,
    RemoveDetail,
    RemoveFromFunnel,
    RemoveOwner,
    RemoveTags,
    RestorePreviousStatus,
    Run,
    RunRule,
    RunWorkflow,
    Selection,
    SetDetail,
    SetScoring,
    Tags,
)
from salesmanago_emulator.state.funnels import StageSpec
from salesmanago_emulator.state.rules import SKIP_MAX_FIRE_TIMES, SKIP_MIN_FIRE_INTERVAL

ALL = Selection()

OTHER_USER = "second@shop.pl"  # the account fixture's second user
THIRD_USER = "third@shop.pl"  # and its third


def put(account: Account, email: str, **fields: Any) -> str:
    """Upsert a card as OWNER; its id."""
    return account.contacts.upsert(ContactWrite(email=email, **fields), OWNER).id


def run(account: Account, *actions: Action, selection: Selection = ALL, **kw: Any) -> Run:
    """Run ``actions`` on ``selection``."""
    return account.contact_manager.run(selection, actions, **kw)


def outcome(done: Run, email: str, index: int = 0) -> str | None:
    """``None`` if action ``index`` applied to ``email``, else its skip reason."""
    item = done.report(email).outcomes[index]
    assert item.applied is (item.reason is None)
    return item.reason


# --- A. e-mail status: opt-out only -------------------------------------------------------


def test_a_email_opt_out_with_manage_history_s10_2(account: Account) -> None:
    put(account, "in@x.pl", force_opt_in=True)
    put(account, "out@x.pl")
    done = run(account, EmailOptOut())
    assert account.find("in@x.pl").opted_out  # type: ignore[union-attr]
    last = account.find("in@x.pl").opt_history[-1]  # type: ignore[union-attr]
    assert (last.channel, last.status, last.source) == ("EMAIL", "OPT_OUT", "MANAGE")
    assert outcome(done, "in@x.pl") is None
    assert outcome(done, "out@x.pl") == SKIP_UNCHANGED


def test_a_there_is_no_email_opt_in_action() -> None:
    """Seed 004 A: the Contact Manager cannot opt contacts in; no class does it."""
    from salesmanago_emulator.state import contact_manager

    names = [n for n in contact_manager.__all__ if "optin" in n.lower().replace("_", "")]
    assert names == []
    with pytest.raises(TypeError):
        EmailOptOut(status="OPT_IN")  # type: ignore[call-arg]


# --- B. invalid ---------------------------------------------------------------------------


def test_b_mark_invalid_then_restore_the_previous_status(account: Account) -> None:
    put(account, "in@x.pl", force_opt_in=True)
    put(account, "out@x.pl")
    marked = run(account, MarkInvalid())
    assert account.find("in@x.pl").invalid  # type: ignore[union-attr]
    assert account.find("out@x.pl").invalid  # type: ignore[union-attr]
    assert outcome(marked, "in@x.pl") is None
    again = run(account, MarkInvalid())
    assert outcome(again, "in@x.pl") == SKIP_UNCHANGED
    restored = run(account, RestorePreviousStatus())
    assert outcome(restored, "in@x.pl") is None
    assert not account.find("in@x.pl").opted_out  # type: ignore[union-attr]
    assert account.find("out@x.pl").opted_out  # type: ignore[union-attr]
    assert not account.find("out@x.pl").invalid  # type: ignore[union-attr]
    assert outcome(run(account, RestorePreviousStatus()), "in@x.pl") == SKIP_NOT_INVALID


# --- C. mobile status ---------------------------------------------------------------------


@pytest.mark.parametrize("status", ["OPT_IN", "OPT_OUT"])
def test_c_mobile_status_both_ways_with_manage_source(account: Account, status: str) -> None:
    put(account, "a@x.pl", force_phone_opt_in=status == "OPT_OUT")
    done = run(account, PhoneStatusChange(status=status))
    record = account.find("a@x.pl")
    assert record is not None
    assert record.opted_out_phone is (status == "OPT_OUT")
    last = record.opt_history[-1]
    assert (last.channel, last.status, last.source) == ("PHONE", status, "MANAGE")
    assert outcome(done, "a@x.pl") is None
    assert outcome(run(account, PhoneStatusChange(status=status)), "a@x.pl") == SKIP_UNCHANGED


# --- D. tags, incl. from a detail with a prefix (S5.2) ------------------------------------


def test_d_add_and_remove_tags_s5_1(account: Account) -> None:
    put(account, "a@x.pl", tags=("OLD",))
    done = run(account, AddTags(tags=("nowy tag",)), RemoveTags(tags=("old",)))
    assert set(account.find("a@x.pl").tags) == {"NOWY_TAG"}  # type: ignore[union-attr]
    assert [outcome(done, "a@x.pl", i) for i in (0, 1)] == [None, None]
    again = run(account, AddTags(tags=("NOWY_TAG",)), RemoveTags(tags=("OLD",)))
    assert [outcome(again, "a@x.pl", i) for i in (0, 1)] == [SKIP_UNCHANGED, SKIP_UNCHANGED]


def test_d_tag_scoring_s4_2(account: Account) -> None:
    put(account, "a@x.pl")
    run(account, AddTags(tags=("VIP",), tag_scoring=True))
    run(account, AddTags(tags=("VIP",), tag_scoring=True))
    assert account.find("a@x.pl").tags["VIP"].score == 2  # type: ignore[union-attr]


def test_d_tags_from_details_with_a_prefix_s5_2(account: Account) -> None:
    put(account, "jan@x.pl", properties={"rozmiar_buta": "43", "kolor": "red"})
    put(account, "none@x.pl")
    action = AddTagsFromDetails(prefix="ROZMIARBUTA_", details=("rozmiar_buta", "kolor"))
    done = run(account, action)
    assert set(account.find("jan@x.pl").tags) == {"ROZMIARBUTA_43", "ROZMIARBUTA_RED"}  # type: ignore[union-attr]
    assert outcome(done, "jan@x.pl") is None
    assert outcome(done, "none@x.pl") == SKIP_NO_DETAIL


# --- E. one standard detail ---------------------------------------------------------------


def test_e_set_and_remove_one_standard_detail(account: Account) -> None:
    put(account, "a@x.pl", properties={"size": "40"})
    put(account, "b@x.pl")
    done = run(account, SetDetail(name="size", value="43"))
    assert account.find("b@x.pl").properties == {"size": "43"}  # type: ignore[union-attr]
    assert outcome(run(account, SetDetail(name="size", value="43")), "a@x.pl") == SKIP_UNCHANGED
    assert outcome(done, "a@x.pl") is None
    removed = run(account, RemoveDetail(name="size"), RemoveDetail(name="size"))
    assert account.find("a@x.pl").properties == {}  # type: ignore[union-attr]
    assert [outcome(removed, "a@x.pl", i) for i in (0, 1)] == [None, SKIP_NO_DETAIL]


# --- F. scoring (company sums follow, S4.4) -----------------------------------------------


def test_f_set_scoring_and_the_company_sum_follows_s4_4(account: Account) -> None:
    put(account, "a@x.pl", company="Acme")
    put(account, "b@x.pl", company="Acme")
    put(account, "c@x.pl", company="Other")
    done = run(account, SetScoring(points=7), selection=Selection(include=(Tags(tags=("X",)),)))
    assert done.selected == 0
    account.tags.manage("a@x.pl", ["X"], [])
    account.tags.manage("b@x.pl", ["X"], [])
    run(account, SetScoring(points=7), selection=Selection(include=(Tags(tags=("X",)),)))
    assert account.find("a@x.pl").score == 7  # type: ignore[union-attr]
    assert account.companies.scoring("acme") == 14
    assert account.companies.scoring("Other") == 0
    assert outcome(run(account, SetScoring(points=7)), "a@x.pl") == SKIP_UNCHANGED


# --- G. owners (S1.4, S1.5) ---------------------------------------------------------------


def test_g_add_owner_with_level(account: Account) -> None:
    put(account, "a@x.pl")
    done = run(account, AddOwner(owner=OTHER_USER, level="READ_ONLY"))
    assert account.find("a@x.pl").owners[OTHER_USER] == "READ_ONLY"  # type: ignore[union-attr]
    assert outcome(done, "a@x.pl") is None
    assert outcome(run(account, AddOwner(owner=OWNER)), "a@x.pl") == SKIP_MAIN_OWNER


def test_g_remove_owner_only_while_more_than_one_s1_5(account: Account) -> None:
    put(account, "alone@x.pl")
    put(account, "two@x.pl")
    account.users.add_owner("two@x.pl", OTHER_USER)
    done = run(account, RemoveOwner(owner=OWNER))
    assert outcome(done, "alone@x.pl") == SKIP_LAST_OWNER
    assert account.find("alone@x.pl").owners == {OWNER: "MAIN"}  # type: ignore[union-attr]
    assert outcome(done, "two@x.pl") is None
    assert account.find("two@x.pl").owners == {OTHER_USER: "MAIN"}  # type: ignore[union-attr]
    assert outcome(run(account, RemoveOwner(owner=THIRD_USER)), "two@x.pl") == SKIP_NOT_OWNER


def test_g_an_owner_who_is_no_user_refuses_the_run(account: Account) -> None:
    put(account, "a@x.pl")
    with pytest.raises(InvalidField) as err:
        run(account, SetScoring(points=1), AddOwner(owner="nobody@x.pl"))
    assert err.value.field == "actions[1].owner"
    assert account.find("a@x.pl").score == 0  # type: ignore[union-attr]
    assert account.contact_manager.runs() == []


# --- H. state -----------------------------------------------------------------------------


def test_h_change_state_to_one_of_the_three(account: Account) -> None:
    put(account, "a@x.pl")
    done = run(account, ChangeState(state="CUSTOMER"))
    assert account.find("a@x.pl").state == "CUSTOMER"  # type: ignore[union-attr]
    assert outcome(done, "a@x.pl") is None
    with pytest.raises(InvalidField) as err:
        ChangeState(state="OTHER")
    assert err.value.field == "state"


# --- I. funnel stage ----------------------------------------------------------------------


def test_i_add_to_a_stage_and_remove_from_a_stage_or_the_funnel_s12_1(account: Account) -> None:
    put(account, "a@x.pl")
    put(account, "b@x.pl")
    account.funnels.add("Sales", [StageSpec("Lead"), StageSpec("Offer")])
    done = run(account, AddToFunnelStage(funnel="Sales", stage="Lead"))
    assert account.funnels.count("Sales", "Lead") == 2
    assert outcome(done, "a@x.pl") is None
    again = run(account, AddToFunnelStage(funnel="Sales", stage="Lead"))
    assert outcome(again, "a@x.pl") == SKIP_UNCHANGED
    only_offer = run(account, RemoveFromFunnel(funnel="Sales", stage="Offer"))
    assert outcome(only_offer, "a@x.pl") == SKIP_NOT_IN_FUNNEL
    assert account.funnels.count("Sales") == 2
    whole = run(account, RemoveFromFunnel(funnel="Sales"))
    assert outcome(whole, "b@x.pl") is None
    assert account.funnels.count("Sales") == 0


def test_i_an_unknown_funnel_or_stage_refuses_the_run(account: Account) -> None:
    put(account, "a@x.pl")
    account.funnels.add("Sales", [StageSpec("Lead")])
    with pytest.raises(FunnelNotFound):
        run(account, AddToFunnelStage(funnel="Nope", stage="Lead"))
    with pytest.raises(InvalidField) as err:
        run(account, AddToFunnelStage(funnel="Sales", stage="Nope"))
    assert err.value.field == "actions[0].stage"


# --- J. coupons ---------------------------------------------------------------------------


def test_j_generate_a_coupon_per_contact(account: Account, clock: FrozenClock) -> None:
    put(account, "a@x.pl")
    put(account, "b@x.pl")
    done = run(account, GenerateCoupon(name="WINTER", length=8, valid_days=10))
    coupons = [account.coupons.of(account.find(e))[0] for e in ("a@x.pl", "b@x.pl")]  # type: ignore[arg-type]
    assert [len(c.value) for c in coupons] == [8, 8]
    assert coupons[0].value != coupons[1].value
    assert coupons[0].valid == clock.now() + timedelta(days=10)
    assert outcome(done, "a@x.pl") is None
    with pytest.raises(InvalidField) as err:
        run(account, GenerateCoupon(name="WINTER", length=3))
    assert err.value.field == "actions[0].length"


# --- K. rules (S14.1) ---------------------------------------------------------------------


def test_k_run_rule_checks_conditions_and_its_limits_s14_1(
    account: Account, clock: FrozenClock
) -> None:
    put(account, "a@x.pl", force_opt_in=True)
    put(account, "b@x.pl")
    rule = account.rules.insert(name="R", owner=OWNER, max_fire_times=2, min_fire_interval=1).id
    meeting = Selection(include=(EmailStatus(status="OPT_IN"),))
    first = run(account, RunRule(rule_id=rule, check_conditions=True, meeting=meeting))
    assert outcome(first, "a@x.pl") is None
    assert outcome(first, "b@x.pl") == "CONDITIONS_NOT_MET"
    assert outcome(run(account, RunRule(rule_id=rule)), "a@x.pl") == SKIP_MIN_FIRE_INTERVAL
    clock.advance(timedelta(days=1))
    assert outcome(run(account, RunRule(rule_id=rule)), "a@x.pl") is None
    clock.advance(timedelta(days=1))
    assert outcome(run(account, RunRule(rule_id=rule)), "a@x.pl") == SKIP_MAX_FIRE_TIMES
    assert len(account.rules.rule_runs("a@x.pl")) == 2


def test_k_an_unknown_rule_and_a_check_without_meeting_are_refused(account: Account) -> None:
    put(account, "a@x.pl")
    with pytest.raises(RuleNotFound):
        run(account, RunRule(rule_id="nope"))
    with pytest.raises(InvalidField) as err:
        RunRule(rule_id="r", check_conditions=True)
    assert err.value.field == "meeting"


# --- L. workflows (S14.2) -----------------------------------------------------------------


def test_l_run_workflow_ignores_its_limits_s14_2(account: Account) -> None:
    put(account, "a@x.pl")
    workflow = account.rules.add_workflow("W", max_fire_times=1, min_fire_interval=30).id
    for _ in range(3):
        assert outcome(run(account, RunWorkflow(workflow_id=workflow)), "a@x.pl") is None
    assert len(account.rules.workflow_runs("a@x.pl")) == 3


# --- M. monitoring URLs (S15.4) -----------------------------------------------------------


def test_m_monitoring_urls_as_csv(account: Account) -> None:
    a = put(account, "a@x.pl")
    put(account, "b@x.pl")
    account.contacts.stop_monitoring("b@x.pl")
    done = run(account, MonitoringUrls(url="https://shop.pl/promo?x=1", private=True))
    assert done.exports == (
        f"email,contactId,url\r\na@x.pl,{a},https://shop.pl/promo?x=1&smclient={a}\r\n",
    )
    assert outcome(done, "b@x.pl") == SKIP_NOT_MONITORED
    with pytest.raises(InvalidField) as err:
        MonitoringUrls(url="shop.pl")
    assert err.value.field == "url"


def test_m_at_most_10_000_links_per_export(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit is 10 000 (seed 004 M); lowered here to 3 so the test stays small."""
    from salesmanago_emulator.state import _contact_manager_actions as actions

    assert MONITORING_LIMIT == 10_000
    for i in range(4):
        put(account, f"u{i}@x.pl")
    monkeypatch.setattr(actions, "MONITORING_LIMIT", 3)
    done = run(account, MonitoringUrls(url="https://shop.pl/"))
    assert done.exports[0].count("\r\n") == 4  # the header and 3 links
    assert [outcome(done, f"u{i}@x.pl") for i in range(4)] == [None, None, None, SKIP_EXPORT_LIMIT]


# --- N. notes -----------------------------------------------------------------------------


def test_n_add_a_private_note_by_the_runs_user(account: Account) -> None:
    put(account, "a@x.pl")
    account.users.add_owner("a@x.pl", OTHER_USER)
    done = run(account, AddNote(text="Called", private=True), user=OTHER_USER)
    record = account.find("a@x.pl")
    assert record is not None
    [note] = account.notes.of(record)
    assert (note.text, note.private, note.author) == ("Called", True, OTHER_USER)
    assert account.notes.visible_to(record, OWNER) == []
    assert outcome(done, "a@x.pl") is None


def test_n_a_note_over_1024_characters_is_refused() -> None:
    AddNote(text="x" * 1024)
    with pytest.raises(InvalidField) as err:
        AddNote(text="x" * 1025)
    assert err.value.field == "text"


# --- O. gender detection (S15.5) ----------------------------------------------------------


def _gender(account: Account, name: str, order: int) -> set[str]:
    put(account, "a@x.pl", name=name)
    account.name_order = order
    action = DetectGender(
        country="PL", female_tag="kobieta", male_tag="mezczyzna", unknown_tag="?x"
    )
    run(account, action)
    return set(account.find("a@x.pl").tags)  # type: ignore[union-attr]


def test_o_gender_first_name_first(account: Account) -> None:
    assert _gender(account, "Anna Kowalska", 1) == {"KOBIETA"}


def test_o_gender_first_name_second(account: Account) -> None:
    assert _gender(account, "Kowalski Jan", 2) == {"MEZCZYZNA"}


def test_o_an_undetermined_name_gets_the_unknown_tag(account: Account) -> None:
    assert _gender(account, "Xqzt Vbnm", 1) == {"_X"}


def test_o_the_name_order_is_1_or_2_and_the_country_pl_hu_cz(account: Account) -> None:
    with pytest.raises(InvalidField) as err:
        account.name_order = 3
    assert err.value.field == "nameOrder"
    with pytest.raises(InvalidField) as err:
        DetectGender(country="DE", female_tag="F", male_tag="M", unknown_tag="U")
    assert err.value.field == "country"


# --- P. permanent delete ------------------------------------------------------------------


def test_p_delete_permanently_and_later_actions_skip(account: Account) -> None:
    put(account, "a@x.pl")
    done = run(account, DeleteContacts(), SetScoring(points=3))
    assert account.find("a@x.pl") is None  # gone at once: no soft delete, no purge wait
    assert [outcome(done, "a@x.pl", i) for i in (0, 1)] == [None, SKIP_CONTACT_DELETED]


# --- S1.6: a read-only owner may not act --------------------------------------------------


def test_a_run_by_a_read_only_owner_skips_the_card_s1_6(account: Account) -> None:
    put(account, "ro@x.pl")
    put(account, "co@x.pl")
    account.users.add_owner("ro@x.pl", OTHER_USER, "READ_ONLY")
    account.users.add_owner("co@x.pl", OTHER_USER, "CO_OWNER")
    done = run(account, SetScoring(points=5), user=OTHER_USER)
    assert outcome(done, "ro@x.pl") == SKIP_READ_ONLY_OWNER
    assert account.find("ro@x.pl").score == 0  # type: ignore[union-attr]
    assert outcome(done, "co@x.pl") is None
