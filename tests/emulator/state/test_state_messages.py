"""Messages in the state layer (S11.1, S11.2; protocol §8.6): statuses per recipient,
scheduled sends, the recipient's simulated actions, and where the mailings show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from messages_helpers import (
    DELETED,
    EXPECTED,
    INVALID,
    MIXED,
    OPTED_OUT,
    UNKNOWN,
    VALID,
    area_state,
    arrange_mixed,
    statuses,
)
from routes_helpers import A_OWNER, A_SECOND, NOW, new_emulator

from salesmanago_emulator import Account, FrozenClock
from salesmanago_emulator.errors import (
    AuthenticationFailed,
    Conflict,
    ContactNotFound,
    InvalidField,
    LimitExceeded,
    ReadOnlyOwner,
)
from salesmanago_emulator.state._card import ContactWrite, DoubleOptIn
from salesmanago_emulator.state.messages import (
    CONFIRMATION_NAME,
    CONFIRMATION_SUBJECT,
    SENT,
    STATUSES,
    TRANSITIONS,
    MessageRecord,
    Target,
)


def _send(account: Account, *emails: str, **options: object) -> str:
    email_id = account.messages.emails()[0].id
    targets = [Target("EMAIL", e) for e in emails]
    return account.messages.send_email(A_OWNER, targets, email_id=email_id, **options).id  # type: ignore[arg-type]


def _one(account: Account, email: str) -> MessageRecord:
    record = account.find(email)
    assert record is not None
    (message,) = account.messages.of(record)
    return message


def test_s11_2_mixed_list_statuses(account_a: Account) -> None:
    """S11.2: opted-out -> OO, invalid -> IE, soft-deleted -> FP, none delivered; the
    valid card -> SENT; an address of no card is skipped (no card is made)."""
    arrange_mixed(account_a, A_OWNER)
    conversation_id = _send(account_a, *MIXED)
    assert statuses(account_a) == {e: [s] for e, s in EXPECTED.items()}
    conversation = account_a.messages.conversation(conversation_id)
    assert conversation.skipped == (UNKNOWN,)
    assert conversation.direct
    assert account_a.find(UNKNOWN) is None
    sent = _one(account_a, VALID)
    assert (sent.sent_on, sent.send_at, sent.sender, sent.sent_by) == (
        NOW,
        NOW,
        "noreply@example.com",
        "API",
    )


def test_s11_1_statuses_and_transitions_are_the_documented_ones() -> None:
    """S11.1: the twelve statuses; only WFS and SENT change, to the listed ones."""
    assert STATUSES == ("FP", "IE", "OO", "PF", "TE", "TR", "SF", "LF", "HF", "UF", "C", "WFS")
    assert TRANSITIONS["WFS"] == {SENT, "OO", "IE", "FP", "C"}
    assert TRANSITIONS[SENT] == {"SF", "HF", "UF"}


def test_refused_sends_change_nothing(account_a: Account) -> None:
    """A refusal (user, emailId, html, contacts, kinds) leaves the area as it was."""
    email_id = arrange_mixed(account_a, A_OWNER)
    before = area_state(account_a)
    send = account_a.messages.send_email
    valid = [Target("EMAIL", VALID)]
    with pytest.raises(AuthenticationFailed):
        send("stranger@example.com", valid, email_id=email_id)
    with pytest.raises(InvalidField, match="'emailId'"):
        send(A_OWNER, valid, email_id="nope")
    with pytest.raises(InvalidField, match=r"'html' must contain the \$opt-out\$"):
        send(A_OWNER, valid, email_id=email_id, html="<p>no link</p>")
    with pytest.raises(InvalidField, match="'contacts' must not be empty"):
        send(A_OWNER, [], email_id=email_id)
    with pytest.raises(InvalidField, match=r"'contacts\[1\]\.addresseeType'"):
        send(A_OWNER, [*valid, Target("FAX", "1")], email_id=email_id)
    with pytest.raises(InvalidField, match=r"'excludeContacts\[0\]\.value'"):
        send(A_OWNER, valid, email_id=email_id, exclude=[Target("EMAIL", " ")])
    assert area_state(account_a) == before


def test_scheduled_send_waits_then_goes_out_at_its_date(
    account_a: Account, emu_clock: FrozenClock
) -> None:
    """A future date queues (WFS) until the clock passes it; the tick before any read
    sends it, dated at its own date; the card's status is read then (S11.1 OO)."""
    arrange_mixed(account_a, A_OWNER)
    later = NOW + timedelta(hours=5)
    conversation_id = _send(account_a, VALID, OPTED_OUT, date=later)
    assert statuses(account_a)[VALID] == ["WFS"]
    account_a.optin.opt_in(OPTED_OUT)
    account_a.optin.opt_out(VALID)
    emu_clock.advance(timedelta(hours=4, minutes=59))
    assert statuses(account_a)[VALID] == ["WFS"]
    emu_clock.advance(timedelta(minutes=2))
    assert [(m.address, m.status) for m in account_a.messages.records(conversation_id)] == [
        (VALID, "OO"),
        (OPTED_OUT, SENT),
    ]
    assert _one(account_a, OPTED_OUT).sent_on == later


def test_immediate_ignores_the_date_and_cancel_ends_a_queued_send(
    account_a: Account, emu_clock: FrozenClock
) -> None:
    """``immediate`` sends now; cancel turns WFS into C, which stays C."""
    arrange_mixed(account_a, A_OWNER)
    later = NOW + timedelta(days=1)
    _send(account_a, VALID, date=later, immediate=True)
    queued = _send(account_a, VALID, date=later)
    assert account_a.messages.cancel(queued) == 1
    emu_clock.advance(timedelta(days=2))
    assert statuses(account_a)[VALID] == [SENT, "C"]


def test_soft_deleted_before_its_date_ends_fp_and_purge_drops_the_record(
    account_a: Account, emu_clock: FrozenClock
) -> None:
    """A card soft-deleted while queued gets FP; the purge takes its records away."""
    arrange_mixed(account_a, A_OWNER)
    conversation_id = _send(account_a, VALID, date=NOW + timedelta(hours=1))
    account_a.contacts.delete(VALID)
    emu_clock.advance(timedelta(hours=2))
    assert [m.status for m in account_a.messages.records(conversation_id)] == ["FP"]
    emu_clock.advance(timedelta(days=1))
    assert account_a.messages.records(conversation_id) == []


def test_open_click_and_the_opens_read(account_a: Account, emu_clock: FrozenClock) -> None:
    """Opens and clicks are kept with their instants; a click opens too; ``opens()``
    lists (contact id, instant) and ``activity_times`` a card's for the histograms
    (S16.2)."""
    arrange_mixed(account_a, A_OWNER)
    _send(account_a, VALID)
    message = _one(account_a, VALID)
    emu_clock.advance(timedelta(minutes=5))
    clicked = account_a.messages.click(message.id, "https://shop.example/x")
    assert clicked.opened_on == clicked.clicked_on == NOW + timedelta(minutes=5)
    opened = account_a.messages.open(message.id, NOW + timedelta(minutes=7))
    assert len(opened.opens) == 2
    assert account_a.messages.opens() == [
        (message.contact_id, NOW + timedelta(minutes=5)),
        (message.contact_id, NOW + timedelta(minutes=7)),
    ]
    record = account_a.find(VALID)
    assert record is not None
    assert account_a.messages.activity_times(record) == [
        NOW + timedelta(minutes=5),
        NOW + timedelta(minutes=7),
    ]
    with pytest.raises(InvalidField, match="'date' must not be before the message was sent"):
        account_a.messages.open(message.id, NOW - timedelta(days=1))


@pytest.mark.parametrize(("kind", "status"), [("soft", "SF"), ("HARD", "HF"), ("unknown", "UF")])
def test_bounces(account_a: Account, kind: str, status: str) -> None:
    """SF / HF / UF; only a hard bounce marks the card invalid (S2.6)."""
    arrange_mixed(account_a, A_OWNER)
    _send(account_a, VALID)
    bounced = account_a.messages.bounce(_one(account_a, VALID).id, kind)
    assert bounced.status == status
    record = account_a.find(VALID)
    assert record is not None
    assert record.invalid is (status == "HF")
    with pytest.raises(Conflict, match=f"is {status}: it cannot be opened"):
        account_a.messages.open(bounced.id)


def test_a_hard_bounce_then_sends_ie(account_a: Account) -> None:
    """After a hard bounce the card is invalid: the next send ends IE (S11.2)."""
    arrange_mixed(account_a, A_OWNER)
    _send(account_a, VALID)
    account_a.messages.bounce(_one(account_a, VALID).id, "hard")
    _send(account_a, VALID)
    assert statuses(account_a)[VALID] == ["HF", "IE"]


def test_s10_2_spam_complaint_opts_out_with_feedback_compl(account_a: Account) -> None:
    """A complaint opts the card out with source FEEDBACK_COMPL; the next send is OO."""
    arrange_mixed(account_a, A_OWNER)
    _send(account_a, VALID)
    account_a.messages.complaint(_one(account_a, VALID).id)
    record = account_a.find(VALID)
    assert record is not None
    assert record.opted_out
    assert record.opt_history[-1].source == "FEEDBACK_COMPL"
    _send(account_a, VALID)
    assert statuses(account_a)[VALID] == [SENT, "OO"]


def test_simulations_refuse_what_was_never_delivered(account_a: Account) -> None:
    """An OO / IE / FP record cannot be opened, bounced or complained about; a bad kind
    or id is named."""
    arrange_mixed(account_a, A_OWNER)
    _send(account_a, *MIXED)
    for email in (OPTED_OUT, INVALID, DELETED):
        message = _one(account_a, email)
        with pytest.raises(Conflict):
            account_a.messages.bounce(message.id, "soft")
        with pytest.raises(Conflict):
            account_a.messages.complaint(message.id)
    with pytest.raises(InvalidField, match="'kind' must be one of soft, hard, unknown"):
        account_a.messages.bounce(_one(account_a, VALID).id, "medium")
    with pytest.raises(InvalidField, match="'messageId' names no message record"):
        account_a.messages.click("nope")


def test_hard_bounce_of_a_deleted_card_is_refused_unchanged(account_a: Account) -> None:
    """The card must be live to be marked invalid; nothing changes otherwise."""
    arrange_mixed(account_a, A_OWNER)
    _send(account_a, VALID)
    message = _one(account_a, VALID)
    account_a.contacts.delete(VALID)
    with pytest.raises(ContactNotFound):
        account_a.messages.bounce(message.id, "hard")
    assert account_a.messages.message(message.id).status == SENT


def test_sms_statuses_and_tag_limit(account_a: Account) -> None:
    """SMS: no phone -> IE, mobile opted out -> OO, else SENT; at most 10 tags."""
    account_a.contacts.upsert(
        ContactWrite(email="p@example.com", phone="+48600", force_phone_opt_in=True), A_OWNER
    )
    account_a.contacts.upsert(ContactWrite(email="q@example.com"), A_OWNER)
    conversation = account_a.messages.send_sms(
        A_OWNER, [Target("EMAIL", "p@example.com"), Target("EMAIL", "q@example.com")], text="Hi"
    )
    assert [m.status for m in account_a.messages.records(conversation.id)] == [SENT, "IE"]
    with pytest.raises(LimitExceeded):
        account_a.messages.send_sms(A_OWNER, [Target("TAG", f"T{i}") for i in range(11)], text="x")
    with pytest.raises(InvalidField, match="'text' must not be empty"):
        account_a.messages.send_sms(A_OWNER, [Target("EMAIL", "p@example.com")], text=" ")


def test_company_and_campaign_list_their_mailings(account_a: Account) -> None:
    """S4.5, S13.2: a company view lists its live persons' mailings; a campaign the
    records of the sends naming it (any case)."""
    email_id = arrange_mixed(account_a, A_OWNER)
    for email in ("x@acme.example", "y@acme.example"):
        account_a.contacts.upsert(
            ContactWrite(email=email, company="ACME", force_opt_in=True), A_OWNER
        )
    targets = [Target("EMAIL", "x@acme.example"), Target("EMAIL", VALID)]
    account_a.messages.send_email(A_OWNER, targets, email_id=email_id, campaign="Spring")
    account_a.messages.send_email(A_OWNER, [Target("EMAIL", "y@acme.example")], email_id=email_id)
    mailings = account_a.companies.company("acme").mailings
    assert [m.address for m in mailings] == ["x@acme.example", "y@acme.example"]
    assert [m.address for m in account_a.messages.of_campaign(" spring ")] == [
        "x@acme.example",
        VALID,
    ]


def test_record_system_message_is_transactional(account_a: Account) -> None:
    """The seam for double opt-in: a system message to an opted-out card is SENT (not
    held back by the opt-out), recorded on the card with ``sentBy`` SYSTEM."""
    record = account_a.contacts.upsert(ContactWrite(email="new@example.com"), A_OWNER)
    message = account_a.messages.record_system_message(
        record, name="Double opt-in", subject="Confirm", now=NOW
    )
    assert (message.status, message.sent_by) == (SENT, "SYSTEM")
    assert account_a.messages.of(record) == [message]
    assert account_a.messages.conversation(message.conversation_id).sent_by == "SYSTEM"


def test_templates_messages_and_sending_accounts(account_a: Account) -> None:
    """Templates upsert by name; messages name a sending account and a template."""
    template = account_a.messages.add_template("<p>a</p>", name="Main")
    assert account_a.messages.upsert_template(" MAIN ", "<p>b</p>").id == template.id
    sender = account_a.messages.add_email_account("shop@example.com", "Shop")
    message = account_a.messages.add_email(
        "Hi", user=A_OWNER, email_account_id=sender.id, template_id=template.id
    )
    assert (message.name, message.email_account_id) == ("Hi", sender.id)
    with pytest.raises(InvalidField, match="'emailAccountId'"):
        account_a.messages.add_email("Hi", user=A_OWNER, email_account_id="nope")
    created = account_a.messages.create_email(email_id="fixed-id", name="N")
    assert created.id == "fixed-id"
    renamed = account_a.messages.create_email(email_id="fixed-id", subject="New subject")
    assert (renamed.name, renamed.subject) == ("N", "New subject")


def test_reset_forgets_everything(account_a: Account) -> None:
    """The account's reset empties the area."""
    arrange_mixed(account_a, A_OWNER)
    _send(account_a, VALID, date=NOW + timedelta(hours=1))
    account_a.reset()
    assert account_a.messages.emails() == []
    assert account_a.messages.conversations() == []


@settings(max_examples=25, deadline=None)
@given(
    opted_out=st.lists(st.booleans(), min_size=1, max_size=6),
    invalid=st.lists(st.booleans(), min_size=6, max_size=6),
    deleted=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_s11_2_property_no_opted_out_invalid_or_deleted_card_is_delivered(
    opted_out: list[bool], invalid: list[bool], deleted: list[bool]
) -> None:
    """Property (S11.2): whatever the mix, SENT iff live, valid and opted in."""
    emulator = new_emulator(FrozenClock(NOW))
    account = emulator.accounts[0]
    emails = [f"c{i}@example.com" for i in range(len(opted_out))]
    for i, email in enumerate(emails):
        account.contacts.upsert(ContactWrite(email=email, force_opt_in=not opted_out[i]), A_OWNER)
        if invalid[i]:
            account.optin.mark_invalid(email)
        if deleted[i]:
            account.contacts.delete(email)
    email_id = account.messages.create_email().id
    account.messages.send_email(A_OWNER, [Target("EMAIL", e) for e in emails], email_id=email_id)
    for i, email in enumerate(emails):
        delivered = statuses(account)[email] == [SENT]
        assert delivered is (not opted_out[i] and not invalid[i] and not deleted[i])


def test_s10_a_double_opt_in_confirmation_is_a_system_message_on_the_card(
    account_a: Account,
) -> None:
    """Each confirmation asked for (a write's useApiDoubleOptIn, sendConfirmation)
    sends the platform's confirmation e-mail: a SYSTEM message on the card, SENT to
    the opted-out address, its subject the one the request named."""
    record = account_a.contacts.upsert(
        ContactWrite(email="doi@example.com", double_opt_in=DoubleOptIn(lang="PL")), A_OWNER
    )
    account_a.optin.send_confirmation(
        "doi@example.com", DoubleOptIn(template_id="t1", account_id="a1", subject="Potwierdź")
    )
    messages = account_a.messages.of(record)
    assert [(m.name, m.subject, m.status, m.sent_by) for m in messages] == [
        (CONFIRMATION_NAME, CONFIRMATION_SUBJECT, SENT, "SYSTEM"),
        (CONFIRMATION_NAME, "Potwierdź", SENT, "SYSTEM"),
    ]
    account_a.optin.confirm(contact="doi@example.com")
    assert len(account_a.messages.of(record)) == 2  # confirming sends nothing more


def test_s16_2_e_mail_opens_count_in_the_cards_histograms(
    account_a: Account, emu_clock: FrozenClock
) -> None:
    arrange_mixed(account_a, A_OWNER)
    _send(account_a, VALID)
    message = _one(account_a, VALID)
    account_a.messages.open(message.id, NOW + timedelta(hours=3))
    account_a.messages.open(message.id, NOW + timedelta(days=1, hours=3))
    emu_clock.advance(timedelta(days=2))

    opens = account_a.activity.histograms(VALID, sources=["EMAIL_OPENS"])
    assert opens.total == sum(opens.weekly) == 2
    hour = (NOW + timedelta(hours=3)).astimezone(account_a.timezone).hour
    assert opens.hourly[hour] == 2
    assert account_a.activity.histograms(VALID).total == 2  # no visits, no events


# --- a read-only owner may not send to the contact (S1.6) -------------------------------


def test_s1_6_a_read_only_owner_may_not_send_e_mails_or_sms_to_the_contact(
    account_a: Account,
) -> None:
    """The whole send is refused (ReadOnlyOwner, the contact named), whether the card is
    named or reached by a tag; nothing is sent. Co-owners and other users may send, and
    an excluded card is not a recipient."""
    email_id = arrange_mixed(account_a, A_OWNER)
    account_a.tags.manage(VALID, ["NEWS"], [])
    account_a.users.add_owner(VALID, A_SECOND, "READ_ONLY")
    before = area_state(account_a)
    send = account_a.messages.send_email
    for targets in ([Target("EMAIL", VALID)], [Target("TAG", "NEWS")]):
        with pytest.raises(ReadOnlyOwner) as caught:
            send(A_SECOND, [Target("EMAIL", OPTED_OUT), *targets], email_id=email_id)
        assert str(caught.value) == f"Owner {A_SECOND} has read-only access to contact {VALID}"
        with pytest.raises(ReadOnlyOwner):
            account_a.messages.send_sms(A_SECOND, targets, text="Hi")
    assert area_state(account_a) == before
    # the same send by the main owner, or without the read-only card, goes out
    assert send(A_OWNER, [Target("EMAIL", VALID)], email_id=email_id).message_ids
    kept = send(
        A_SECOND, [Target("TAG", "NEWS")], email_id=email_id, exclude=[Target("EMAIL", VALID)]
    )
    assert kept.message_ids == ()
    account_a.users.add_owner(VALID, A_SECOND, "CO_OWNER")
    assert send(A_SECOND, [Target("EMAIL", VALID)], email_id=email_id).message_ids
