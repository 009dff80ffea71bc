"""E-mail and phone marketing status, invalid marking, consents, history (S2.6, S2.7, S10)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from state_helpers import EMAIL, OWNER, upsert

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import ContactNotFound, InvalidField
from salesmanago_emulator.state import (
    Account,
    Confirmation,
    ConsentDetail,
    ConsentState,
    ContactObserver,
    ContactRecord,
    DoubleOptIn,
    OptChange,
)
from salesmanago_emulator.state.optin import CONFIRMATION_VALIDITY


def history(record: ContactRecord) -> list[tuple[str, str, str]]:
    return [(c.channel, c.status, c.source) for c in record.opt_history]


def test_s2_6_new_contact_opted_out_of_email_and_phone_no_history(account: Account) -> None:
    record = upsert(account)
    assert record.opted_out
    assert record.opted_out_phone
    assert record.opt_history == ()
    assert upsert(account, "b@example.com", force_opt_out=True).opt_history == ()


def test_s2_6_s10_2_forced_opt_in_at_creation_is_recorded(
    account: Account, clock: FrozenClock
) -> None:
    record = upsert(account, force_opt_in=True, force_phone_opt_in=True)
    assert not record.opted_out
    assert not record.opted_out_phone
    assert record.opt_history == (
        OptChange(at=clock.now(), channel="EMAIL", status="OPT_IN", source="FROM_INIT"),
        OptChange(at=clock.now(), channel="PHONE", status="OPT_IN", source="FROM_INIT"),
    )


def test_s10_2_later_forced_flags_recorded_only_when_status_changes(account: Account) -> None:
    record = upsert(account, force_opt_in=True)
    upsert(account, force_opt_in=True)
    upsert(account, force_opt_out=True)
    upsert(account, force_opt_out=True)
    upsert(account, force_phone_opt_out=True)
    assert history(record) == [("EMAIL", "OPT_IN", "FROM_INIT"), ("EMAIL", "OPT_OUT", "FROM_INIT")]


def test_s2_6_force_opt_in_with_force_opt_out_is_refused(account: Account) -> None:
    with pytest.raises(InvalidField, match="'forceOptIn' cannot be true together with forceOpt"):
        upsert(account, force_opt_in=True, force_opt_out=True)
    with pytest.raises(InvalidField, match="'forcePhoneOptIn'"):
        upsert(account, force_phone_opt_in=True, force_phone_opt_out=True)
    assert account.count() == 0


def test_s10_2_opt_in_out_with_sources(account: Account) -> None:
    record = upsert(account)
    account.optin.opt_in(EMAIL)
    account.optin.opt_in(EMAIL)  # no change, no entry
    account.optin.opt_out(record.id, source="MESSAGE")
    account.optin.opt_in(EMAIL, source="ONE_MESSAGE")
    account.optin.opt_out(EMAIL, source="FEEDBACK_COMPL")
    account.optin.opt_in(EMAIL, source="MANAGE")
    assert history(record) == [
        ("EMAIL", "OPT_IN", "FROM_INIT"),
        ("EMAIL", "OPT_OUT", "MESSAGE"),
        ("EMAIL", "OPT_IN", "ONE_MESSAGE"),
        ("EMAIL", "OPT_OUT", "FEEDBACK_COMPL"),
        ("EMAIL", "OPT_IN", "MANAGE"),
    ]
    with pytest.raises(InvalidField, match="'source' must be one of FROM_INIT"):
        account.optin.opt_in(EMAIL, source="SMS")
    with pytest.raises(ContactNotFound):
        account.optin.opt_out("nobody@example.com")


def test_s2_7_phone_status_independent_of_email(account: Account) -> None:
    record = upsert(account, force_opt_in=True)
    account.optin.phone_opt_in(EMAIL)
    assert not record.opted_out_phone
    assert not record.opted_out
    account.optin.phone_opt_out(EMAIL)
    assert record.opted_out_phone
    assert not record.opted_out
    assert history(record)[1:] == [
        ("PHONE", "OPT_IN", "FROM_INIT"),
        ("PHONE", "OPT_OUT", "FROM_INIT"),
    ]


@pytest.mark.parametrize("opted_in", [True, False])
def test_s2_6_restore_previous_status_returns_exact_opt_status(
    account: Account, opted_in: bool
) -> None:
    record = upsert(account, force_opt_in=opted_in)
    before = record.opt_history
    account.optin.mark_invalid(EMAIL)
    assert record.invalid
    assert record.status_before_invalid is (not opted_in)
    account.optin.mark_invalid(EMAIL)  # marking twice keeps the first remembered status
    account.optin.restore_previous_status(EMAIL)
    assert not record.invalid
    assert record.opted_out is (not opted_in)
    assert record.status_before_invalid is None
    assert record.opt_history == before
    account.optin.restore_previous_status(EMAIL)  # not invalid: nothing changes
    assert record.opted_out is (not opted_in)


def test_s2_6_opt_out_while_invalid_is_kept_after_restore(account: Account) -> None:
    record = upsert(account, force_opt_in=True)
    account.optin.mark_invalid(EMAIL)
    account.optin.opt_out(EMAIL, source="MESSAGE")
    account.optin.restore_previous_status(EMAIL)
    assert record.opted_out
    assert history(record)[-1] == ("EMAIL", "OPT_OUT", "MESSAGE")


def test_s10_1_consent_must_exist_in_account(account: Account) -> None:
    with pytest.raises(InvalidField) as info:
        upsert(account, consent_details=[ConsentDetail(name="newsletter", accept=True)])
    assert info.value.field == "consentDetails[0].consentName"
    assert info.value.messages == [
        "Field 'consentDetails[0].consentName' names no consent of this account"
    ]
    assert account.count() == 0


def test_s10_1_s2_6_accepted_consent_confirms_and_opts_in(
    account: Account, clock: FrozenClock
) -> None:
    assert account.optin.add_consent(" Newsletter ") == "Newsletter"
    assert account.optin.add_consent("NEWSLETTER") == "Newsletter"
    account.optin.add_consent("Profiling")
    assert account.optin.consents() == ["Newsletter", "Profiling"]
    agreed = datetime(2026, 1, 10, 12, tzinfo=timezone.utc)
    record = upsert(
        account,
        consent_details=[
            ConsentDetail(
                name="newsletter",
                accept=True,
                agreement_date=agreed,
                ip="1.2.3.4",
                description_id=7,
            ),
            ConsentDetail(name="profiling", accept=False),
        ],
    )
    assert record.consents["Newsletter"] == ConsentState(
        status="CONFIRMED", date=agreed, ip="1.2.3.4", description_id=7
    )
    assert record.consents["Profiling"].status == "UNCONFIRMED"
    assert not record.opted_out
    assert history(record) == [("EMAIL", "OPT_IN", "FROM_INIT")]
    clock.advance(timedelta(days=1))
    upsert(account, consent_details=[ConsentDetail(name="Newsletter", accept=False, opt_out=True)])
    assert record.consents["Newsletter"] == ConsentState(status="WITHDRAWN", date=clock.now())
    assert record.opted_out
    assert history(record)[-1] == ("EMAIL", "OPT_OUT", "FROM_INIT")


def test_s10_1_consent_accept_and_opt_out_together_is_refused(account: Account) -> None:
    account.optin.add_consent("Newsletter")
    with pytest.raises(InvalidField, match=r"consentDetails\[0\]\.optOut"):
        upsert(
            account, consent_details=[ConsentDetail(name="Newsletter", accept=True, opt_out=True)]
        )
    with pytest.raises(InvalidField, match=r"consentDetails\[0\]\.agreementDate"):
        upsert(
            account,
            consent_details=[
                ConsentDetail(name="Newsletter", accept=True, agreement_date=datetime(2026, 1, 1))
            ],
        )


def test_s2_6_consent_withdrawal_beats_forced_opt_in(account: Account) -> None:
    account.optin.add_consent("Newsletter")
    record = upsert(
        account,
        force_opt_in=True,
        consent_details=[ConsentDetail(name="Newsletter", accept=False, opt_out=True)],
    )
    assert record.opted_out
    assert record.opt_history == ()


# --- consents with texts, consent forms (S10.1, protocol §7) -----------------------------


def test_s10_1_consent_text_is_kept_and_read_with_the_consent(account: Account) -> None:
    """S10.1: a consent has a text; registering it again keeps the first spelling."""
    assert account.optin.add_consent("Newsletter") == "Newsletter"
    assert account.optin.consent_text("Newsletter") is None
    assert account.optin.add_consent("NEWSLETTER", "Weekly news") == "Newsletter"
    assert account.optin.consent_text("Newsletter") == "Weekly news"
    with pytest.raises(InvalidField, match="'text' must be a string"):
        account.optin.add_consent("Other", 3)  # type: ignore[arg-type]
    assert account.optin.consents() == ["Newsletter"]


def test_s10_1_consent_forms_get_ids_from_one_or_their_own(account: Account) -> None:
    """Protocol §7 consent/form/data: forms with an int id; a taken id is refused."""
    assert account.optin.add_consent_form("Footer") == 1
    assert account.optin.add_consent_form(" Checkout ", 7) == 7
    assert account.optin.add_consent_form("Popup") == 8
    with pytest.raises(InvalidField, match="'intId' is taken by consent form 'Checkout'"):
        account.optin.add_consent_form("Again", 7)
    with pytest.raises(InvalidField, match="'intId' must be at least 1"):
        account.optin.add_consent_form("Zero", 0)
    with pytest.raises(InvalidField, match="'name' must not be empty"):
        account.optin.add_consent_form(" ")
    assert account.optin.consent_forms() == [(1, "Footer"), (7, "Checkout"), (8, "Popup")]


def test_s10_1_set_up_takes_names_and_objects_and_names_a_bad_item(account: Account) -> None:
    account.optin.set_up(
        ["Newsletter", {"name": "Partners", "text": "I agree"}],
        ["Footer", {"name": "Checkout", "int_id": 5}],
    )
    assert account.optin.consents() == ["Newsletter", "Partners"]
    assert account.optin.consent_text("Partners") == "I agree"
    assert account.optin.consent_forms() == [(1, "Footer"), (5, "Checkout")]
    with pytest.raises(InvalidField, match=r"'consents\[0\].name' must not be empty"):
        account.optin.set_up([" "])
    with pytest.raises(InvalidField, match=r"'consents\[0\].txt' must be a name or an object"):
        account.optin.set_up([{"name": "A", "txt": "x"}])
    with pytest.raises(InvalidField, match=r"'consent_forms\[0\].intId' is taken"):
        account.optin.set_up((), [{"name": "Again", "int_id": 5}])


def test_s10_1_consent_changes_reach_observers_only_when_they_change(account: Account) -> None:
    """Seam for the timeline: consent_changed fires when a consent's state changes."""
    seen: list[tuple[str, str]] = []

    class Watcher(ContactObserver):
        def consent_changed(self, record: ContactRecord, name: str, state: ConsentState) -> None:
            seen.append((name, state.status))

    account.add_observer(Watcher())
    account.optin.add_consent("Newsletter")
    when = datetime(2026, 1, 14, tzinfo=timezone.utc)
    upsert(account, consent_details=[ConsentDetail("newsletter", True, when)])
    upsert(account, consent_details=[ConsentDetail("newsletter", True, when)])
    upsert(account, consent_details=[ConsentDetail("Newsletter", False, when, opt_out=True)])
    assert seen == [("Newsletter", "CONFIRMED"), ("Newsletter", "WITHDRAWN")]


# --- double opt-in (protocol §5.2, §7; grade D choices on the decisions page) -------------


def _watch_confirmations(account: Account) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []

    class Watcher(ContactObserver):
        def confirmation_changed(self, record: ContactRecord, confirmation: Confirmation) -> None:
            seen.append((record.email, confirmation.status))

    account.add_observer(Watcher())
    return seen


def test_s10_2_double_opt_in_round_trip(account: Account, clock: FrozenClock) -> None:
    """Upsert with double opt-in -> pending -> confirm -> opted in with a history entry
    (source MESSAGE) and the confirmation's tag."""
    seen = _watch_confirmations(account)
    record = upsert(account, double_opt_in=DoubleOptIn(lang="PL"))
    assert record.opted_out
    (pending,) = account.optin.confirmations(EMAIL)
    assert (pending.status, pending.origin, pending.request_id) == (
        "PENDING",
        "UPSERT",
        "900000001",
    )
    assert pending.expires_at == clock.now() + CONFIRMATION_VALIDITY
    clock.advance(timedelta(hours=1))
    sent = account.optin.send_confirmation(EMAIL, DoubleOptIn(lang="PL", tag="double opt in"))
    assert sent.options.tag == "DOUBLE_OPT_IN"
    done = account.optin.confirm(sent.request_id)
    assert (done.status, done.resolved_at) == ("CONFIRMED", clock.now())
    assert not record.opted_out
    assert "DOUBLE_OPT_IN" in record.tags
    assert record.opt_history[-1] == OptChange(
        at=clock.now(), channel="EMAIL", status="OPT_IN", source="MESSAGE"
    )
    assert record.modified_on == clock.now()
    assert account.optin.confirmations(status="PENDING") == [pending]
    assert seen == [(EMAIL, "PENDING"), (EMAIL, "PENDING"), (EMAIL, "CONFIRMED")]
    history = record.opt_history
    assert account.optin.confirm(pending.request_id).status == "CONFIRMED"
    assert record.opt_history == history  # opted in already: no second entry


def test_double_opt_in_is_not_asked_of_a_card_opted_in_by_the_write(account: Account) -> None:
    upsert(account, force_opt_in=True, double_opt_in=DoubleOptIn())
    upsert(account, double_opt_in=DoubleOptIn(email_id="e-1"))
    assert account.optin.confirmations() == []


def test_double_opt_in_runs_out_on_the_clock(account: Account, clock: FrozenClock) -> None:
    """A pending confirmation expires CONFIRMATION_VALIDITY after it was asked (grade D)."""
    seen = _watch_confirmations(account)
    upsert(account, double_opt_in=DoubleOptIn())
    clock.advance(CONFIRMATION_VALIDITY - timedelta(seconds=1))
    assert [c.status for c in account.optin.confirmations()] == ["PENDING"]
    clock.advance(timedelta(seconds=1))
    (expired,) = account.optin.confirmations()
    assert (expired.status, expired.resolved_at) == ("EXPIRED", expired.expires_at)
    with pytest.raises(InvalidField, match="'requestId' names a confirmation that is EXPIRED"):
        account.optin.confirm(expired.request_id)
    assert account.find_live(EMAIL).opted_out
    assert seen == [(EMAIL, "PENDING"), (EMAIL, "EXPIRED")]


def test_double_opt_in_expire_now_and_confirm_by_contact(account: Account) -> None:
    upsert(account, double_opt_in=DoubleOptIn())
    upsert(account, "b@example.com", double_opt_in=DoubleOptIn())
    expired = account.optin.expire(contact=EMAIL)
    assert expired.status == "EXPIRED"
    with pytest.raises(InvalidField, match="'contact' names a contact with no pending confirm"):
        account.optin.confirm(contact=EMAIL)
    assert account.optin.confirm(contact="B@example.com").status == "CONFIRMED"
    assert account.find_live(EMAIL).opted_out
    assert not account.find_live("b@example.com").opted_out


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (DoubleOptIn(), "lang"),
        (DoubleOptIn(lang=" "), "lang"),
        (DoubleOptIn(template_id="t", subject="s"), "lang"),
        (DoubleOptIn(lang="PL", tag="A,B"), "tag"),
        (DoubleOptIn(lang="PL", tag=" "), "tag"),
        (DoubleOptIn(lang=1), "lang"),  # type: ignore[arg-type]
    ],
)
def test_send_confirmation_options_are_checked_and_change_nothing(
    account: Account, options: DoubleOptIn, field: str
) -> None:
    """Protocol §7: lang, or template + account + subject; one tag."""
    upsert(account)
    with pytest.raises(InvalidField, match=f"'{field}'"):
        account.optin.send_confirmation(EMAIL, options)
    assert account.optin.confirmations() == []


def test_send_confirmation_needs_a_live_contact_and_full_template(account: Account) -> None:
    with pytest.raises(ContactNotFound):
        account.optin.send_confirmation("nobody@example.com", DoubleOptIn(lang="EN"))
    upsert(account)
    full = DoubleOptIn(template_id="t-1", account_id="a-1", subject="Confirm")
    assert account.optin.send_confirmation(EMAIL, full).origin == "SEND_CONFIRMATION"
    account.contacts.delete(EMAIL)
    with pytest.raises(ContactNotFound):
        account.optin.confirm(contact=EMAIL)
    account.contacts.delete(EMAIL, permanently=True)
    assert account.optin.confirmations() == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "'requestId' is required"),
        ({"request_id": "123"}, "'requestId' names no confirmation of this account"),
        ({"request_id": "900000001", "contact": EMAIL}, "cannot be given together"),
    ],
)
def test_confirm_refusals_change_nothing(
    account: Account, kwargs: dict[str, str], match: str
) -> None:
    upsert(account, double_opt_in=DoubleOptIn())
    with pytest.raises(InvalidField, match=match):
        account.optin.confirm(**kwargs)
    assert [c.status for c in account.optin.confirmations()] == ["PENDING"]
    assert account.find_live(EMAIL).opted_out


def test_s10_2_history_reads_one_channel_and_needs_a_card(account: Account) -> None:
    upsert(account, force_opt_in=True, force_phone_opt_in=True)
    assert [c.channel for c in account.optin.history(EMAIL)] == ["EMAIL", "PHONE"]
    assert [c.channel for c in account.optin.history(EMAIL, "PHONE")] == ["PHONE"]
    with pytest.raises(InvalidField, match="'channel' must be one of EMAIL, PHONE"):
        account.optin.history(EMAIL, "SMS")
    with pytest.raises(ContactNotFound):
        account.optin.history("nobody@example.com")


_STEPS = st.lists(
    st.tuples(
        st.sampled_from(["ask", "send", "confirm", "expire", "advance", "opt_out"]),
        st.sampled_from(["a@example.com", "b@example.com"]),
        st.integers(min_value=0, max_value=9 * 24),
    ),
    max_size=25,
)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(steps=_STEPS)
def test_property_confirmations_resolve_once_and_confirming_opts_in(
    steps: list[tuple[str, str, int]],
) -> None:
    """Whatever the order of requests, confirmations, expiries and clock moves: a
    confirmation is pending only before its time, is resolved once (not before it was
    asked, an expiry by the clock at expiresAt), and every confirmation that changed the
    status left one MESSAGE opt-in in the card's history."""
    clock = FrozenClock(datetime(2026, 1, 15, 10, tzinfo=timezone.utc))
    account = Account("c", "s", [OWNER], clock=clock)
    changed = 0
    for action, email, hours in steps:
        if action == "ask":
            upsert(account, email, double_opt_in=DoubleOptIn())
        elif action == "send" and account.has_contact(email):
            account.optin.send_confirmation(email, DoubleOptIn(lang="PL"))
        elif action == "advance":
            clock.advance(timedelta(hours=hours))
        elif action == "opt_out" and account.has_contact(email):
            account.optin.opt_out(email, source="MESSAGE")
        elif action in ("confirm", "expire") and account.has_contact(email):
            if not account.optin.confirmations(email, "PENDING"):
                continue
            opted_out = account.find_live(email).opted_out
            if action == "confirm":
                account.optin.confirm(contact=email)
                changed += opted_out
                assert not account.find_live(email).opted_out
            else:
                account.optin.expire(contact=email)
    now = clock.now()
    for confirmation in account.optin.confirmations():
        if confirmation.status == "PENDING":
            assert (confirmation.resolved_at, now < confirmation.expires_at) == (None, True)
        else:
            assert confirmation.resolved_at is not None
            assert confirmation.requested_at <= confirmation.resolved_at <= confirmation.expires_at
    entries = [
        c
        for record in account.all_contacts()
        for c in record.opt_history
        if (c.status, c.source) == ("OPT_IN", "MESSAGE")
    ]
    assert len(entries) == changed


def test_s10_2_the_contact_managers_status_changes_are_recorded_with_source_manage(
    account: Account,
) -> None:
    """Each status change the Contact Manager makes (e-mail opt-out, mobile opt-in and
    opt-out, restoring the status before "invalid") takes ``source="MANAGE"`` and the
    history records it (S10.2, S15.3); a source outside S10.2's changes nothing."""
    record = upsert(account, force_opt_in=True)
    account.optin.opt_out(EMAIL, source="MANAGE")
    account.optin.phone_opt_in(EMAIL, source="MANAGE")
    account.optin.phone_opt_out(EMAIL, source="MANAGE")
    account.optin.mark_invalid(EMAIL)
    account.optin.restore_previous_status(EMAIL)  # opted out before: no change, no entry
    assert history(record)[1:] == [
        ("EMAIL", "OPT_OUT", "MANAGE"),
        ("PHONE", "OPT_IN", "MANAGE"),
        ("PHONE", "OPT_OUT", "MANAGE"),
    ]
    before = list(record.opt_history)
    for change in (account.optin.phone_opt_in, account.optin.opt_in):
        with pytest.raises(InvalidField) as caught:
            change(EMAIL, source="CONTACT_MANAGER")
        assert caught.value.field == "source"
    assert (list(record.opt_history), record.opted_out, record.opted_out_phone) == (
        before,
        True,
        True,
    )
