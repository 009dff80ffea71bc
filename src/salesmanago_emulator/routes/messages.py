"""E-mail and SMS (protocol §8.6; S11): templates, messages, sends, conversation lists,
statistics exports, and the card's ``emailMessages`` / ``smsMessages``.

Every route takes the sending user as ``owner`` or as ``user`` (protocol §13.4: the
e-mail, SMS and statistics methods send ``user``). A send answers its
``conversationId``; its recipients' records are on their cards at once (queued
ones ``WFS`` until their date). ``email/sendWithAttachment`` is the one
``multipart/form-data`` path: the router reads its JSON part named ``data`` as
the body and hands the ``attachment`` file part over as ``attachment:
{filename, contentType, size}``; a plain JSON body is read too (no attachment).

The statistics exports answer a ``requestId`` polled with ``job/status`` (the
exports area's jobs); the file is rendered at the request: per conversation
the counts by status, opens and clicks, the skipped addressees, and one line per
recipient (`conversation_document`; grade D, the format is undocumented).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from .._jsoncodec import encode_json
from ..errors import RULE_ADDRESSEE_KEY, InvalidField
from ..state._card import ContactRecord
from ..state.messages import (
    SENT,
    Conversation,
    EmailMessage,
    MessageRecord,
    Target,
)
from ._base import RequestContext, RouteTable
from ._keys import date_range
from ._parse import (
    Body,
    item_prefix,
    opt_bool,
    opt_date,
    opt_list,
    opt_object,
    opt_str,
    opt_str_map,
    req_list,
    req_str,
    to_ms,
)

if TYPE_CHECKING:
    from ..state.account import Account

__all__ = [
    "card_emails",
    "card_sms",
    "conversation_document",
    "email_message",
    "table",
]

table: Final = RouteTable("messages")
"""The e-mail and SMS routes."""

_DELIVERED: Final = frozenset({SENT, "SF", "HF", "UF"})
"""Statuses of a message that went out (a bounce comes after the delivery)."""


def _user_account_id(user: str) -> str:
    """A stable UUID for a user (``userAccountId``; the emulator's users have no id)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "mailto:" + user))


# --- templates and messages ----------------------------------------------------------


def _html(body: Body) -> str | None:
    html = opt_str(body, "html")
    if html is not None:
        return html
    boxes = opt_str_map(body, "contentBoxMap")
    return "\n".join(boxes.values()) if boxes else None


@table.route("/api/email/addEmail", accepts_user=True)
def add_email(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Create an e-mail message (``subject``, ``name``, ``html`` / ``contentBoxMap``, ...)."""
    message = ctx.account.messages.add_email(
        req_str(body, "subject"),
        user=ctx.owner,
        name=opt_str(body, "name"),
        html=_html(body),
        campaign=opt_str(body, "campaign"),
        shared=bool(opt_bool(body, "shared")),
        dynamic=bool(opt_bool(body, "dynamic")),
        email_account_id=opt_str(body, "emailAccountId"),
        template_id=opt_str(body, "templateId"),
    )
    return {"emailId": message.id}


@table.route("/api/email/addTemplate", accepts_user=True)
def add_template(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Create an e-mail template from ``emailContent`` (``name`` optional)."""
    template = ctx.account.messages.add_template(
        req_str(body, "emailContent"),
        name=opt_str(body, "name"),
        shared=bool(opt_bool(body, "shared")),
    )
    return {"templateId": template.id}


@table.route("/api/email/upsertTemplate", accepts_user=True)
def upsert_template(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Create or update (by ``name``) an e-mail template; its ``templateId`` stays."""
    template = ctx.account.messages.upsert_template(
        req_str(body, "name"),
        req_str(body, "emailContent"),
        shared=bool(opt_bool(body, "shared")),
    )
    return {"templateId": template.id}


def email_message(message: EmailMessage) -> dict[str, Any]:
    """One ``standardMessages[]`` item (protocol §8.6)."""
    return {
        "id": message.id,
        "name": message.name,
        "subject": message.subject,
        "createdOn": to_ms(message.created_on),
        "modifiedOn": to_ms(message.modified_on),
        "shared": message.shared,
        "emailAccountId": message.email_account_id,
        "userAccountId": _user_account_id(message.user),
        "campaign": message.campaign,
        "dynamic": message.dynamic,
        "notVisibleOnList": False,
    }


@table.route("/api/email/messages", accepts_user=True)
def messages(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """The account's e-mail messages as ``standardMessages``, oldest first."""
    return {"standardMessages": [email_message(m) for m in ctx.account.messages.emails()]}


# --- sends -------------------------------------------------------------------------


def _addressees(body: Body, key: str) -> list[Target]:
    targets = []
    for index, item in enumerate(opt_list(body, key) or []):
        where = item_prefix("", key, index)
        targets.append(Target(req_str(item, "addresseeType", where), req_str(item, "value", where)))
    return targets


_RECIPIENT_KEYS: Final = {"email": "EMAIL", "contactId": "CONTACT_ID", "tag": "TAG"}


def _recipients(body: Body, keys: tuple[str, ...]) -> list[Target]:
    """``contacts: [{email} | {contactId} | {tag}]``: exactly one of ``keys`` per item."""
    targets = []
    for index, item in enumerate(req_list(body, "contacts")):
        where = item_prefix("", "contacts", index)
        given = [key for key in keys if opt_str(item, key, where) is not None]
        if len(given) != 1:
            raise InvalidField(where.rstrip("."), RULE_ADDRESSEE_KEY.format(keys=", ".join(keys)))
        targets.append(Target(_RECIPIENT_KEYS[given[0]], req_str(item, given[0], where)))
    return targets


def _sent(conversation: Conversation) -> dict[str, Any]:
    return {"conversationId": conversation.id}


@table.route("/api/email/send", accepts_user=True)
def send(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Send e-mail ``emailId`` to ``contacts: [{email}]`` at ``date`` or ``immediate``."""
    conversation = ctx.account.messages.send_email(
        ctx.owner,
        _recipients(body, ("email", "contactId")),
        email_id=req_str(body, "emailId"),
        date=opt_date(body, "date"),
        immediate=bool(opt_bool(body, "immediate")),
    )
    return _sent(conversation)


def _send_email(ctx: RequestContext, body: Body, attachment: str | None) -> dict[str, Any]:
    conversation = ctx.account.messages.send_email(
        ctx.owner,
        _addressees(body, "contacts"),
        email_id=req_str(body, "emailId"),
        subject=opt_str(body, "subject"),
        html=opt_str(body, "html"),
        campaign=opt_str(body, "campaign"),
        date=opt_date(body, "date"),
        immediate=bool(opt_bool(body, "immediate")),
        exclude=_addressees(body, "excludeContacts"),
        attachment=attachment,
    )
    return _sent(conversation)


@table.route("/api/email/sendEmail", accepts_user=True)
def send_email(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Send e-mail ``emailId`` to Addressee ``contacts`` minus ``excludeContacts`` (S11)."""
    return _send_email(ctx, body, None)


@table.route("/api/email/sendWithAttachment", accepts_user=True)
def send_with_attachment(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """As ``sendEmail``, with an ``attachment`` file part (``multipart/form-data``)."""
    attachment = opt_object(body, "attachment")
    name = opt_str(attachment, "filename", "attachment.") if attachment is not None else None
    return _send_email(ctx, body, name)


@table.route("/api/sms/send", accepts_user=True)
def sms_send(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Send an SMS of ``text`` to ``contacts: [{email} | {contactId} | {tag}]`` (S11)."""
    conversation = ctx.account.messages.send_sms(
        ctx.owner,
        _recipients(body, ("email", "contactId", "tag")),
        text=req_str(body, "text"),
        gateway=opt_str(body, "gateway"),
        name=opt_str(body, "name"),
        date=opt_date(body, "date"),
    )
    return _sent(conversation)


@table.route("/api/email/massConversationList", accepts_user=True)
def mass_conversation_list(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """The e-mail conversations sent in ``from``..``to``, as ``conversationList``."""
    start, end = date_range(body)
    found = ctx.account.messages.conversations(channel="EMAIL", start=start, end=end)
    return {"conversationList": [c.id for c in found]}


@table.route("/api/email/massDirectConversationList", accepts_user=True)
def mass_direct_conversation_list(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """The e-mail conversations in ``from``..``to`` whose recipients were named one by one."""
    start, end = date_range(body)
    found = ctx.account.messages.conversations(channel="EMAIL", start=start, end=end, direct=True)
    return {"conversationList": [c.id for c in found]}


# --- statistics exports ----------------------------------------------------------------


def _line(account: Account, message: MessageRecord) -> dict[str, Any]:
    return {
        "messageId": message.id,
        "contactId": message.contact_id,
        "email": account.store.by_id[message.contact_id].email,
        "address": message.address,
        "status": message.status,
        "sendDate": to_ms(message.sent_on),
        "openedDate": to_ms(message.opened_on),
        "clickedDate": to_ms(message.clicked_on),
        "opens": len(message.opens),
        "clicks": len(message.clicks),
    }


def conversation_document(account: Account, conversation: Conversation) -> dict[str, Any]:
    """One conversation's statistics: counts by status, opens, clicks, and each recipient."""
    records = account.messages.records(conversation.id)
    return {
        "conversationId": conversation.id,
        "name": conversation.name,
        "channel": conversation.channel,
        "createdOn": to_ms(conversation.created_on),
        "sendDate": to_ms(conversation.send_at),
        "statistics": {
            "recipients": len(records),
            "delivered": sum(1 for m in records if m.status in _DELIVERED),
            "opened": sum(1 for m in records if m.opens),
            "clicked": sum(1 for m in records if m.clicks),
            "statuses": dict(Counter(m.status for m in records)),
        },
        "skipped": list(conversation.skipped),
        "messages": [_line(account, m) for m in records],
    }


@table.route("/api/email/conversationStatistics", accepts_user=True)
def conversation_statistics(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Start an export of one conversation's per-recipient statistics; ``requestId``."""
    account = ctx.account
    conversation = account.messages.conversation(req_str(body, "conversationId"))
    document = conversation_document(account, conversation)
    job = account.exports.start("CONVERSATION_STATISTICS", encode_json(document))
    return {"requestId": job.request_id}


def _window(body: Body) -> tuple[datetime | None, datetime | None]:
    if body.get("from") is None and body.get("to") is None:
        return None, None
    return date_range(body)


@table.route("/api/email/messageStatistics", accepts_user=True)
def message_statistics(ctx: RequestContext, body: Body) -> dict[str, Any]:
    """Start an export of the statistics of every send of e-mail ``emailId`` (``from``..``to``)."""
    account = ctx.account
    message = account.messages.email(req_str(body, "emailId"))
    start, end = _window(body)
    sends = [
        c
        for c in account.messages.conversations(channel="EMAIL", start=start, end=end)
        if c.email_id == message.id
    ]
    document = {
        "emailId": message.id,
        "conversations": [conversation_document(account, c) for c in sends],
    }
    job = account.exports.start("MESSAGE_STATISTICS", encode_json(document))
    return {"requestId": job.request_id}


# --- the card's lists ----------------------------------------------------------------


def card_emails(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """``emailMessages``: the card's e-mails, oldest first, with status, opens and clicks
    (S11.1; grade D shape)."""
    return [
        {
            "id": m.id,
            "conversationId": m.conversation_id,
            "name": m.name,
            "subject": m.subject,
            "emailAccount": m.sender,
            "sentBy": m.sent_by,
            "campaign": m.campaign,
            "createdOn": to_ms(m.created_on),
            "sendDate": to_ms(m.sent_on or m.send_at),
            "status": m.status,
            "openedDate": to_ms(m.opened_on),
            "clickedDate": to_ms(m.clicked_on),
        }
        for m in account.messages.of(record, "EMAIL")
    ]


def card_sms(account: Account, record: ContactRecord) -> list[dict[str, Any]]:
    """``smsMessages``: the card's SMS, oldest first: date, name, sender, status (seed 003 §4)."""
    return [
        {
            "id": m.id,
            "conversationId": m.conversation_id,
            "name": m.name,
            "sender": m.sender,
            "phone": m.address,
            "createdOn": to_ms(m.created_on),
            "sendDate": to_ms(m.sent_on or m.send_at),
            "status": m.status,
        }
        for m in account.messages.of(record, "SMS")
    ]
