"""Messages (S11; protocol §8.6), sync and async: the requests against canned replies,
then the issue's first "Done when" line end to end on the emulator: a send to a mixed
list gives each recipient its status, on its card and in the statistics export."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import respx
from messages_helpers import (
    DELETED,
    EXPECTED,
    HTML,
    INVALID,
    MIXED,
    OPTED_OUT,
    UNKNOWN,
    VALID,
    arrange_mixed,
)
from routes_helpers import A_OWNER, A_SECOND, NOW
from sdk_helpers import body, envelope, ok

from salesmanago import (
    Addressee,
    ArgumentTypeError,
    AsyncSalesManago,
    Attachment,
    ConversationStatistics,
    MessageStatus,
    RequestFailedError,
    SalesManago,
    ValidationError,
)
from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator.state._card import ContactWrite

OWNER = "owner@shop.example.com"
SEND_EMAIL = "/api/email/sendEmail"


# --- the requests (canned replies) --------------------------------------------------


def test_send_email_sends_user_addressees_and_exclusions(api, platform) -> None:
    """§8.6 sendEmail: ``user`` (and ``owner``), Addressee contacts, exclusions, html."""
    route = platform.post(SEND_EMAIL).mock(return_value=envelope(ok(conversationId="c-1")))
    when = datetime(2026, 2, 1, tzinfo=timezone.utc)
    answer = api(
        "messages.send_email",
        "e-1",
        ["a@example.com", Addressee.tag("VIP")],
        exclude=["b@example.com"],
        subject="Hi",
        campaign="Spring",
        html="<a href='$opt-out$'>x</a>",
        date=when,
    )
    assert answer == "c-1"
    assert body(route) == {
        "owner": OWNER,
        "user": OWNER,
        "emailId": "e-1",
        "contacts": [
            {"addresseeType": "EMAIL", "value": "a@example.com"},
            {"addresseeType": "TAG", "value": "VIP"},
        ],
        "excludeContacts": [{"addresseeType": "EMAIL", "value": "b@example.com"}],
        "subject": "Hi",
        "campaign": "Spring",
        "html": "<a href='$opt-out$'>x</a>",
        "date": 1769904000000,
    }


def test_html_without_opt_out_link_is_refused_client_side(api, platform) -> None:
    """§8.6: ``html`` must contain ``$opt-out$``: nothing is sent."""
    with pytest.raises(ValidationError) as info:
        api("messages.send_email", "e-1", ["a@example.com"], html="<p>x</p>")
    assert info.value.field == "html"
    assert "$opt-out$" in info.value.rule
    with pytest.raises(ValidationError, match="excludeContacts"):
        api("messages.send_email", "e-1", ["a@example.com"], exclude=["not an e-mail"])
    with pytest.raises(ArgumentTypeError) as wrong:  # stays a TypeError, named in its list
        api("messages.send_email", "e-1", ["a@example.com"], exclude=[5])
    assert wrong.value.field == "excludeContacts[0]"
    assert not platform.calls


def test_sms_recipients_and_the_ten_tag_limit(api, platform) -> None:
    """sms/send: ``{email} | {contactId} | {tag}`` recipients; at most 10 tags (§3.4)."""
    route = platform.post("/api/sms/send").mock(return_value=envelope(ok(conversationId="s")))
    api(
        "messages.send_sms",
        "Sale",
        ["a@example.com", Addressee.contact_id("id-1"), Addressee.tag("VIP")],
        gateway="GW",
    )
    assert body(route)["contacts"] == [
        {"email": "a@example.com"},
        {"contactId": "id-1"},
        {"tag": "VIP"},
    ]
    with pytest.raises(ValidationError, match="at most 10 tags"):
        api("messages.send_sms", "x", [Addressee.tag(f"T{i}") for i in range(11)])


def test_send_with_attachment_is_a_multipart_form(api, platform) -> None:
    """§1: the JSON body in the part ``data``, the file in the part ``attachment``."""
    route = platform.post("/api/email/sendWithAttachment").mock(
        return_value=envelope(ok(conversationId="c-2"))
    )
    file = Attachment(filename="offer.pdf", content=b"%PDF", content_type="application/pdf")
    assert api("messages.send_with_attachment", "e-1", ["a@example.com"], file) == "c-2"
    request = route.calls.last.request
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    content = request.read()
    assert b'name="attachment"; filename="offer.pdf"' in content
    assert b'"emailId":"e-1"' in content.replace(b" ", b"")
    assert "offer.pdf" in repr(file)
    assert "%PDF" not in repr(file)


def test_statistics_job_reads_the_file(api, platform) -> None:
    """conversationStatistics -> requestId -> job/status -> the file, read typed."""
    platform.post("/api/email/conversationStatistics").mock(return_value=envelope(ok(requestId=7)))
    platform.post("/api/job/status").mock(
        return_value=envelope(ok(fileUrl="https://files.example/7.json"))
    )
    document = {
        "conversationId": "c-1",
        "statistics": {"recipients": 1, "delivered": 1, "statuses": {"SENT": 1}},
        "skipped": [],
        "messages": [{"email": "a@example.com", "status": "SENT", "sendDate": 1768471200000}],
    }
    with respx.mock(assert_all_called=False) as files:
        files.get("https://files.example/7.json").respond(json=document)
        stats = api("messages.conversation_statistics", "c-1", poll_interval=0.01)
    assert isinstance(stats, ConversationStatistics)
    assert stats.statuses == {"SENT": 1}
    assert stats.status_of("A@example.com") == MessageStatus.SENT
    assert stats.messages[0].send_date == NOW


# --- end to end on the emulator -------------------------------------------------------


def _check_done_when(stats: ConversationStatistics, account: Account) -> None:
    assert {line.email: line.status for line in stats.messages} == EXPECTED
    assert stats.skipped == (UNKNOWN,)
    assert stats.delivered == 1
    assert account.has_contact(UNKNOWN) is None


def test_done_when_mixed_list_sync(sm: SalesManago, account_a: Account) -> None:
    """Sync client: each recipient's status on its card and in the statistics export."""
    email_id = arrange_mixed(account_a, A_OWNER)
    conversation_id = sm.messages.send_email(email_id, list(MIXED), html=HTML, campaign="Spring")
    for contact in sm.contacts.list([VALID, OPTED_OUT, INVALID], any_owner=True):
        (message,) = contact.email_messages
        assert message.status == EXPECTED[contact.email]
        assert (message.conversation_id, message.campaign) == (conversation_id, "Spring")
        assert message.send_date == NOW
    assert [m.status for m in account_a.messages.of(account_a.find(DELETED))] == ["FP"]
    _check_done_when(sm.messages.conversation_statistics(conversation_id), account_a)
    assert [s.conversation_id for s in sm.messages.message_statistics(email_id)] == [
        conversation_id
    ]
    assert sm.messages.conversations(NOW - timedelta(minutes=1), NOW) == [conversation_id]


async def test_done_when_mixed_list_async(asm: AsyncSalesManago, account_a: Account) -> None:
    """Async client: the same statuses, cards and export."""
    email_id = arrange_mixed(account_a, A_OWNER)
    conversation_id = await asm.messages.send_email(email_id, list(MIXED), html=HTML)
    contacts = await asm.contacts.list([VALID, OPTED_OUT, INVALID], any_owner=True)
    assert {c.email: c.email_messages[0].status for c in contacts} == {
        e: EXPECTED[e] for e in (VALID, OPTED_OUT, INVALID)
    }
    _check_done_when(await asm.messages.conversation_statistics(conversation_id), account_a)


def test_templates_messages_sms_and_attachment_sync(
    sm: SalesManago, account_a: Account, emu: Emulator[FrozenClock]
) -> None:
    """The other calls end to end: template upsert keeps its id, addEmail / list, the
    older send, an SMS, a send with a file; a scheduled send waits for the clock."""
    template = sm.messages.add_template("<p>a</p>", name="Main")
    assert sm.messages.upsert_template("Main", "<p>b</p>") == template
    email_id = sm.messages.add_email("Welcome", template_id=template, html="$opt-out$")
    (listed,) = sm.messages.list()
    assert (listed.email_id, listed.name, listed.created_on) == (email_id, "Welcome", NOW)
    arrange_mixed(account_a, A_OWNER)
    sm.messages.send(email_id, [VALID], date=NOW + timedelta(hours=1))
    sm.messages.send_with_attachment(
        email_id, [VALID], Attachment(filename="a.txt", content=b"x"), immediate=True
    )
    account_a.contacts.upsert(
        ContactWrite(email=VALID, phone="+48600100200", force_phone_opt_in=True), A_OWNER
    )
    sm.messages.send_sms("Hi", [VALID], name="Promo")
    (contact,) = sm.contacts.list([VALID])
    assert [m.status for m in contact.email_messages] == ["WFS", "SENT"]
    assert [(m.status, m.name) for m in contact.sms_messages] == [("SENT", "Promo")]
    emu.clock.advance(timedelta(hours=2))
    (contact,) = sm.contacts.list([VALID])
    assert [m.status for m in contact.email_messages] == ["SENT", "SENT"]
    assert account_a.messages.conversations()[1].attachment == "a.txt"


# --- S1.6: a read-only owner may not send -----------------------------------------------

READ_ONLY_TEXT = f"Owner {A_SECOND} has read-only access to contact {VALID}"


def test_s1_6_a_read_only_owner_sending_gets_the_platforms_refusal_sync(
    emu: Emulator[FrozenClock], account_a: Account
) -> None:
    email_id = arrange_mixed(account_a, A_OWNER)
    account_a.users.add_owner(VALID, A_SECOND, "READ_ONLY")
    with emu.client(owner=A_SECOND) as sm:
        with pytest.raises(RequestFailedError) as caught:
            sm.messages.send_email(email_id, [VALID], html=HTML)
        assert caught.value.messages == (READ_ONLY_TEXT,)
        with pytest.raises(RequestFailedError):
            sm.messages.send_sms("Hi", [VALID])
    assert [m for r in account_a.all_contacts() for m in account_a.messages.of(r)] == []


async def test_s1_6_a_read_only_owner_sending_gets_the_platforms_refusal_async(
    emu: Emulator[FrozenClock], account_a: Account
) -> None:
    email_id = arrange_mixed(account_a, A_OWNER)
    account_a.users.add_owner(VALID, A_SECOND, "READ_ONLY")
    async with emu.async_client(owner=A_SECOND) as asm:
        with pytest.raises(RequestFailedError) as caught:
            await asm.messages.send_email(email_id, [VALID], html=HTML)
    assert caught.value.messages == (READ_ONLY_TEXT,)
    assert [m for r in account_a.all_contacts() for m in account_a.messages.of(r)] == []
