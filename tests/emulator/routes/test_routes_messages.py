"""E-mail and SMS routes (protocol §8.6; S11.1, S11.2) through raw JSON in process."""

from __future__ import annotations

import json
from datetime import timedelta

from exports_helpers import _file
from messages_helpers import (
    DELETED,
    EXPECTED,
    HTML,
    INVALID,
    MIXED,
    OPTED_OUT,
    UNKNOWN,
    VALID,
    addressees,
    area_state,
    arrange_mixed,
    statuses,
)
from routes_helpers import A_OWNER, A_SECOND, NOW_MS, URL, Api, full, sha

from salesmanago_emulator import Account, FrozenClock
from salesmanago_emulator.state._card import ContactWrite


def _send_mixed(api: Api, account: Account) -> str:
    email_id = arrange_mixed(account, A_OWNER)
    answer = api.ok(
        "email/sendEmail",
        owner=None,
        user=A_OWNER,
        emailId=email_id,
        contacts=addressees(*MIXED),
        html=HTML,
        subject="Hello",
        campaign="Spring",
    )
    return str(answer["conversationId"])


def test_s11_2_send_email_to_a_mixed_list_gives_each_card_its_status(
    api: Api, account_a: Account
) -> None:
    """sendEmail to valid, opted-out, invalid, soft-deleted and unknown: SENT, OO, IE, FP
    on each card (the unknown address is skipped, no card made); the live cards show
    it in ``emailMessages``."""
    conversation_id = _send_mixed(api, account_a)
    assert len(conversation_id) == 36
    assert statuses(account_a) == {email: [status] for email, status in EXPECTED.items()}
    assert account_a.has_contact(UNKNOWN) is None
    assert account_a.messages.conversation(conversation_id).skipped == (UNKNOWN,)
    for email in (VALID, OPTED_OUT, INVALID):
        (message,) = full(api, email)["emailMessages"]
        assert message["status"] == EXPECTED[email]
        assert message["conversationId"] == conversation_id
        assert message["subject"] == "Hello"
        assert message["campaign"] == "Spring"
        assert message["sendDate"] == NOW_MS
        assert message["sentBy"] == "API"


def test_s11_1_conversation_statistics_export_holds_each_recipients_status(
    api: Api, account_a: Account
) -> None:
    """conversationStatistics -> requestId -> job/status -> the file: per recipient."""
    conversation_id = _send_mixed(api, account_a)
    request_id = api.ok("email/conversationStatistics", conversationId=conversation_id)["requestId"]
    document = _file(api, request_id)
    assert {line["email"]: line["status"] for line in document["messages"]} == EXPECTED
    assert document["skipped"] == [UNKNOWN]
    assert document["statistics"]["delivered"] == 1
    assert document["statistics"]["statuses"] == {"SENT": 1, "OO": 1, "IE": 1, "FP": 1}


def test_message_statistics_export_covers_every_send_of_the_message(
    api: Api, account_a: Account
) -> None:
    """messageStatistics of an emailId: one entry per send of it."""
    conversation_id = _send_mixed(api, account_a)
    email_id = account_a.messages.conversation(conversation_id).email_id
    request_id = api.ok("email/messageStatistics", emailId=email_id)["requestId"]
    document = _file(api, request_id)
    assert [c["conversationId"] for c in document["conversations"]] == [conversation_id]


def test_send_email_html_without_opt_out_link_is_refused_and_changes_nothing(
    api: Api, account_a: Account
) -> None:
    """§8.6: ``html`` must contain ``$opt-out$``; the refusal names the field."""
    email_id = arrange_mixed(account_a, A_OWNER)
    before = area_state(account_a)
    messages = api.fail(
        "email/sendEmail", emailId=email_id, contacts=addressees(VALID), html="<p>Hi</p>"
    )
    assert messages == [
        "Field 'html' must contain the $opt-out$ link (an unsubscribe link is required)"
    ]
    assert area_state(account_a) == before


def test_send_refusals_name_the_field(api: Api, account_a: Account) -> None:
    """Unknown emailId, no contacts, a bad addressee type: refused, nothing sent."""
    email_id = arrange_mixed(account_a, A_OWNER)
    before = area_state(account_a)
    assert (
        "Field 'emailId' names no e-mail message"
        in api.fail("email/sendEmail", emailId="nope", contacts=addressees(VALID))[0]
    )
    assert api.fail("email/sendEmail", emailId=email_id, contacts=[]) == [
        "Field 'contacts' must not be empty"
    ]
    bad = [{"addresseeType": "FAX", "value": "1"}]
    assert (
        "Field 'contacts[0].addresseeType' must be one of"
        in api.fail("email/sendEmail", emailId=email_id, contacts=bad)[0]
    )
    assert api.fail("email/send", emailId=email_id, contacts=[{}]) == [
        "Field 'contacts[0]' must hold exactly one of email, contactId"
    ]
    assert area_state(account_a) == before


def test_older_email_send_with_user_and_a_future_date_waits_then_goes_out(
    api: Api, account_a: Account, clock: FrozenClock
) -> None:
    """email/send (PX's live shape, ``user`` instead of ``owner``): a future ``date``
    without ``immediate`` stays WFS until the clock passes it; ``immediate`` sends now."""
    email_id = arrange_mixed(account_a, A_OWNER)
    later = clock.now() + timedelta(hours=2)
    queued = api.ok(
        "email/send",
        owner=None,
        user=A_OWNER,
        emailId=email_id,
        contacts=[{"email": VALID}],
        date=later.isoformat(),
    )["conversationId"]
    now = api.ok(
        "email/send",
        emailId=email_id,
        contacts=[{"email": VALID}],
        date=later.isoformat(),
        immediate=True,
    )["conversationId"]
    assert [m["status"] for m in full(api, VALID)["emailMessages"]] == ["WFS", "SENT"]
    clock.advance(timedelta(hours=3))
    card = full(api, VALID)["emailMessages"]
    assert [m["status"] for m in card] == ["SENT", "SENT"]
    assert [m["conversationId"] for m in card] == [queued, now]
    assert card[0]["sendDate"] == int(later.timestamp() * 1000)


def test_s11_2_a_contact_opting_out_while_queued_ends_oo(
    api: Api, account_a: Account, clock: FrozenClock
) -> None:
    """S11.1 ``OO``: the status changed to opt-out between queueing and sending."""
    email_id = arrange_mixed(account_a, A_OWNER)
    later = clock.now() + timedelta(days=1)
    api.ok("email/sendEmail", emailId=email_id, contacts=addressees(VALID), date=later.isoformat())
    account_a.optin.opt_out(VALID)
    clock.advance(timedelta(days=2))
    assert statuses(account_a)[VALID] == ["OO"]


def test_exclude_contacts_and_tags(api: Api, account_a: Account) -> None:
    """A TAG addressee reaches every live card tagged; ``excludeContacts`` are left out."""
    email_id = arrange_mixed(account_a, A_OWNER)
    for email in ("t1@example.com", "t2@example.com"):
        account_a.contacts.upsert(
            ContactWrite(email=email, tags=("VIP",), force_opt_in=True), A_OWNER
        )
    conversation = api.ok(
        "email/sendEmail",
        emailId=email_id,
        contacts=[{"addresseeType": "TAG", "value": "vip"}],
        excludeContacts=addressees("t2@example.com"),
    )["conversationId"]
    records = account_a.messages.records(conversation)
    assert [m.address for m in records] == ["t1@example.com"]
    assert not account_a.messages.conversation(conversation).direct


def test_sms_send_statuses_follow_phone_and_mobile_opt_in(api: Api, account_a: Account) -> None:
    """sms/send: a card with a phone and mobile opt-in gets SENT, one without a phone IE,
    one opted out of mobile OO; ``smsMessages`` shows them."""
    account_a.contacts.upsert(
        ContactWrite(email="p1@example.com", phone="+48600100200", force_phone_opt_in=True),
        A_OWNER,
    )
    account_a.contacts.upsert(ContactWrite(email="p2@example.com"), A_OWNER)
    account_a.contacts.upsert(ContactWrite(email="p3@example.com", phone="+48600"), A_OWNER)
    answer = api.ok(
        "sms/send",
        owner=None,
        user=A_OWNER,
        text="Sale!",
        gateway="GW1",
        name="Promo",
        contacts=[
            {"email": "p1@example.com"},
            {"email": "p2@example.com"},
            {"email": "p3@example.com"},
        ],
    )
    assert answer["conversationId"]
    (sms,) = full(api, "p1@example.com")["smsMessages"]
    assert (sms["status"], sms["sender"], sms["name"], sms["phone"]) == (
        "SENT",
        "GW1",
        "Promo",
        "+48600100200",
    )
    assert full(api, "p2@example.com")["smsMessages"][0]["status"] == "IE"
    assert full(api, "p3@example.com")["smsMessages"][0]["status"] == "OO"
    assert full(api, "p1@example.com")["emailMessages"] == []


def test_sms_send_takes_at_most_ten_tags(api: Api) -> None:
    """Protocol §3.4: up to 10 ``tag`` recipients."""
    tags = [{"tag": f"T{i}"} for i in range(11)]
    assert api.fail("sms/send", text="x", contacts=tags) == [
        "Field 'contacts' must hold at most 10 items"
    ]


def test_templates_and_messages(api: Api, account_a: Account) -> None:
    """addTemplate / upsertTemplate -> templateId (an upsert by name keeps it); addEmail
    -> emailId; email/messages lists standardMessages with §8.6's fields."""
    first = api.ok("email/addTemplate", emailContent="<p>v1</p>", name="Main")["templateId"]
    again = api.ok("email/upsertTemplate", name="main", emailContent="<p>v2</p>")["templateId"]
    assert again == first
    assert [t.content for t in account_a.messages.templates()] == ["<p>v2</p>"]
    email_id = api.ok(
        "email/addEmail",
        owner=None,
        user=A_OWNER,
        subject="Welcome",
        campaign="Onboarding",
        templateId=first,
        contentBoxMap={"box1": "<p>hi $opt-out$</p>"},
    )["emailId"]
    (item,) = api.ok("email/messages")["standardMessages"]
    assert item["id"] == email_id
    assert (item["name"], item["subject"], item["campaign"]) == ("Welcome", "Welcome", "Onboarding")
    assert item["createdOn"] == NOW_MS
    assert item["emailAccountId"] == account_a.messages.default_email_account().id
    assert len(item["userAccountId"]) == 36
    assert (
        "Field 'templateId' names no e-mail template"
        in api.fail("email/addEmail", subject="x", templateId="nope")[0]
    )


def test_mass_conversation_lists(api: Api, account_a: Account, clock: FrozenClock) -> None:
    """massConversationList: the e-mail sends in from..to; the direct list leaves out a
    send addressed by tag."""
    email_id = arrange_mixed(account_a, A_OWNER)
    direct = api.ok("email/sendEmail", emailId=email_id, contacts=addressees(VALID))
    tagged = api.ok(
        "email/sendEmail", emailId=email_id, contacts=[{"addresseeType": "TAG", "value": "X"}]
    )
    window = {"from": NOW_MS - 1000, "to": NOW_MS + 1000}
    assert api.ok("email/massConversationList", **window)["conversationList"] == [
        direct["conversationId"],
        tagged["conversationId"],
    ]
    assert api.ok("email/massDirectConversationList", **window)["conversationList"] == [
        direct["conversationId"]
    ]
    assert api.ok("email/massConversationList", **{"from": 0, "to": 1000})["conversationList"] == []


def test_send_with_attachment_reads_a_multipart_form(api: Api, account_a: Account) -> None:
    """§1: sendWithAttachment as multipart/form-data: the JSON part ``data`` and the
    file part ``attachment``; the send keeps the file's name."""
    email_id = arrange_mixed(account_a, A_OWNER)
    body = api.body(emailId=email_id, contacts=addressees(VALID), html=HTML, immediate=True)
    response = api.http.post(
        f"{URL}/api/email/sendWithAttachment",
        files={
            "data": (None, json.dumps(body).encode(), "application/json"),
            "attachment": ("invoice.pdf", b"%PDF-1.4 ...", "application/pdf"),
        },
    )
    assert response.status_code == 200, response.text
    envelope = response.json()
    assert envelope["success"] is True, envelope
    conversation = account_a.messages.conversation(envelope["conversationId"])
    assert conversation.attachment == "invoice.pdf"
    assert statuses(account_a)[VALID] == ["SENT"]


def test_send_with_attachment_form_without_its_json_part_is_400(api: Api) -> None:
    """A form with no ``data`` part cannot be read: HTTP 400 naming the rule."""
    response = api.http.post(
        f"{URL}/api/email/sendWithAttachment",
        files={"attachment": ("a.txt", b"x", "text/plain")},
    )
    assert response.status_code == 400
    assert response.json()["message"] == [
        "A multipart/form-data body must hold a part named 'data' with the JSON request"
    ]


def test_send_with_attachment_as_plain_json_is_read_too(api: Api, account_a: Account) -> None:
    """The JSON fast path: no attachment."""
    email_id = arrange_mixed(account_a, A_OWNER)
    answer = api.ok("email/sendWithAttachment", emailId=email_id, contacts=addressees(VALID))
    assert account_a.messages.conversation(answer["conversationId"]).attachment is None


def test_email_routes_need_a_user(api: Api) -> None:
    """Neither ``owner`` nor ``user``: the router's owner rule (§11.2)."""
    body = api.body(owner=None)
    body.pop("owner")
    body["sha"] = sha(body["apiKey"], api.client_id, api.secret)
    envelope = api.send("email/messages", body).json()
    assert envelope["message"] == ["Not authenticated, not owner specified"]


def test_a_deleted_card_keeps_its_records_until_the_purge(
    api: Api, account_a: Account, clock: FrozenClock
) -> None:
    """Records go with the card: the purge drops them from the conversation too."""
    conversation_id = _send_mixed(api, account_a)
    assert DELETED in [m.address for m in account_a.messages.records(conversation_id)]
    clock.advance(timedelta(days=1))
    assert DELETED not in [m.address for m in account_a.messages.records(conversation_id)]
    assert len(account_a.messages.records(conversation_id)) == 3


def test_s1_6_a_read_only_owner_sending_is_refused_on_the_wire_and_nothing_is_sent(
    api: Api, account_a: Account
) -> None:
    """sendEmail, email/send and sms/send by a user owning a recipient read-only answer
    the platform's failure envelope naming the owner and the contact; nothing is sent.
    The same request by the main owner goes out."""
    email_id = arrange_mixed(account_a, A_OWNER)
    account_a.users.add_owner(VALID, A_SECOND, "READ_ONLY")
    before = area_state(account_a)
    text = [f"Owner {A_SECOND} has read-only access to contact {VALID}"]
    by_second = {"owner": None, "user": A_SECOND}
    assert (
        api.fail(
            "email/sendEmail",
            **by_second,
            emailId=email_id,
            contacts=addressees(OPTED_OUT, VALID),
            html=HTML,
        )
        == text
    )
    assert (
        api.fail("email/send", **by_second, emailId=email_id, contacts=[{"email": VALID}]) == text
    )
    assert api.fail("sms/send", **by_second, text="Hi", contacts=[{"email": VALID}]) == text
    assert area_state(account_a) == before
    sent = api.ok(
        "email/send", owner=None, user=A_OWNER, emailId=email_id, contacts=[{"email": VALID}]
    )
    assert sent["conversationId"]
