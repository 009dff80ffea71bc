"""E-mail and phone marketing status, invalid marking, consents, history (S2.6, S2.7, S10)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from state_helpers import EMAIL, upsert

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import ContactNotFound, InvalidField
from salesmanago_emulator.state import (
    Account,
    ConsentDetail,
    ConsentState,
    ContactRecord,
    OptChange,
)


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
