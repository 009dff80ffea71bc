"""The messages area in a snapshot: sending accounts, templates, e-mail messages, sends
and every card's message records (S11; protocol §8.6).

``"messages": {"emailAccounts": [...], "templates": [...], "emails": [...],
"conversations": [...], "records": [...]}``. Records name their card
(``contactId``) and their send (``conversationId``); a queued one (``WFS``) is
queued again when loaded. Values are checked as the wire checks them: e-mail
addresses, non-blank texts, statuses and channels from the area's lists, senders
users of the account, an ``html`` with its ``$opt-out$`` link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

from ..clock import utc_iso
from ..errors import RULE_NAMES_NO, RULE_OPT_OUT_LINK
from ..state.account import Account
from ..state.messages import (
    CHANNELS,
    OPT_OUT_LINK,
    SENT,
    SENT_BY,
    STATUSES,
    Click,
    Conversation,
    EmailAccount,
    EmailMessage,
    MessageRecord,
    Template,
)
from ._reader import Fields, Unique, Value
from .contacts import card
from .users import user

__all__ = ["dump", "dump_conversation", "dump_record", "load"]

_KEYS: Final = ("emailAccounts", "templates", "emails", "conversations", "records")
_ACCOUNT_KEYS: Final = ("id", "address", "name")
_TEMPLATE_KEYS: Final = ("id", "name", "content", "shared", "createdOn", "modifiedOn")
_EMAIL_KEYS: Final = (
    "id",
    "name",
    "subject",
    "html",
    "campaign",
    "shared",
    "dynamic",
    "emailAccountId",
    "templateId",
    "user",
    "createdOn",
    "modifiedOn",
)
_CONVERSATION_KEYS: Final = (
    "id",
    "channel",
    "user",
    "name",
    "subject",
    "sender",
    "emailId",
    "campaign",
    "html",
    "text",
    "attachment",
    "createdOn",
    "sendAt",
    "direct",
    "sentBy",
    "skipped",
    "messageIds",
)
_RECORD_KEYS: Final = (
    "id",
    "conversationId",
    "contactId",
    "address",
    "channel",
    "name",
    "subject",
    "sender",
    "sentBy",
    "campaign",
    "createdOn",
    "sendAt",
    "sentOn",
    "status",
    "opens",
    "clicks",
)
_CLICK_KEYS: Final = ("at", "url")
_STATUSES: Final = (*STATUSES, SENT)


def _iso(when: Any) -> str | None:
    return None if when is None else utc_iso(when)


def dump_conversation(conversation: Conversation) -> dict[str, Any]:
    """One send as the snapshot (and the control API) shows it."""
    c = conversation
    return {
        "id": c.id,
        "channel": c.channel,
        "user": c.user,
        "name": c.name,
        "subject": c.subject,
        "sender": c.sender,
        "emailId": c.email_id,
        "campaign": c.campaign,
        "html": c.html,
        "text": c.text,
        "attachment": c.attachment,
        "createdOn": utc_iso(c.created_on),
        "sendAt": utc_iso(c.send_at),
        "direct": c.direct,
        "sentBy": c.sent_by,
        "skipped": list(c.skipped),
        "messageIds": list(c.message_ids),
    }


def dump_record(message: MessageRecord) -> dict[str, Any]:
    """One message record as the snapshot (and the control API) shows it."""
    m = message
    return {
        "id": m.id,
        "conversationId": m.conversation_id,
        "contactId": m.contact_id,
        "address": m.address,
        "channel": m.channel,
        "name": m.name,
        "subject": m.subject,
        "sender": m.sender,
        "sentBy": m.sent_by,
        "campaign": m.campaign,
        "createdOn": utc_iso(m.created_on),
        "sendAt": utc_iso(m.send_at),
        "sentOn": _iso(m.sent_on),
        "status": m.status,
        "opens": [utc_iso(at) for at in m.opens],
        "clicks": [{"at": utc_iso(c.at), "url": c.url} for c in m.clicks],
    }


def dump(account: Account) -> dict[str, Any]:
    """The area's data: accounts, templates, messages, sends, then records card by card."""
    area = account.messages
    return {
        "emailAccounts": [
            {"id": a.id, "address": a.address, "name": a.name} for a in area.email_accounts()
        ],
        "templates": [
            {
                "id": t.id,
                "name": t.name,
                "content": t.content,
                "shared": t.shared,
                "createdOn": utc_iso(t.created_on),
                "modifiedOn": utc_iso(t.modified_on),
            }
            for t in area.templates()
        ],
        "emails": [
            {
                "id": e.id,
                "name": e.name,
                "subject": e.subject,
                "html": e.html,
                "campaign": e.campaign,
                "shared": e.shared,
                "dynamic": e.dynamic,
                "emailAccountId": e.email_account_id,
                "templateId": e.template_id,
                "user": e.user,
                "createdOn": utc_iso(e.created_on),
                "modifiedOn": utc_iso(e.modified_on),
            }
            for e in area.emails()
        ],
        "conversations": [dump_conversation(c) for c in area.conversations()],
        "records": [dump_record(m) for record in account.all_contacts() for m in area.of(record)],
    }


# --- load ------------------------------------------------------------------------------


def _text(value: Value) -> str:
    return value.text(blank=False)


def _html(value: Value) -> str:
    text = value.text(blank=False)
    if OPT_OUT_LINK not in text:
        value.refuse(RULE_OPT_OUT_LINK)
    return text


def _known(value: Value, ids: set[str], what: str) -> str:
    text = value.text(blank=False)
    if text not in ids:
        value.refuse(RULE_NAMES_NO.format(what=what, value=text))
    return text


_T = TypeVar("_T")


def _each(
    items: list[Value], shape: str, keys: tuple[str, ...], build: Callable[[Fields, Unique], _T]
) -> list[_T]:
    """``build(fields, ids)`` of every item, its keys checked; ids unique in the list."""
    ids = Unique()
    return [build(item.fields(shape, keys), ids) for item in items]


def _account(fields: Fields, ids: Unique) -> EmailAccount:
    return EmailAccount(
        id=fields.need("id").identifier(ids),
        address=fields.need("address").email(),
        name=_text(fields.need("name")),
    )


def _template(fields: Fields, ids: Unique) -> Template:
    return Template(
        id=fields.need("id").identifier(ids),
        name=_text(fields.need("name")),
        content=_text(fields.need("content")),
        shared=fields.need("shared").boolean(),
        created_on=fields.need("createdOn").instant(),
        modified_on=fields.need("modifiedOn").instant(),
    )


def _email(
    account: Account, senders: set[str], templates: set[str]
) -> Callable[[Fields, Unique], EmailMessage]:
    def build(fields: Fields, ids: Unique) -> EmailMessage:
        return EmailMessage(
            id=fields.need("id").identifier(ids),
            name=_text(fields.need("name")),
            subject=_text(fields.need("subject")),
            html=fields.get("html", _text),
            campaign=fields.get("campaign", _text),
            shared=fields.need("shared").boolean(),
            dynamic=fields.need("dynamic").boolean(),
            email_account_id=_known(
                fields.need("emailAccountId"), senders, "sending e-mail account"
            ),
            template_id=fields.get("templateId", lambda v: _known(v, templates, "template")),
            user=user(account, fields.need("user")),
            created_on=fields.need("createdOn").instant(),
            modified_on=fields.need("modifiedOn").instant(),
        )

    return build


def _conversation(account: Account, emails: set[str]) -> Callable[[Fields, Unique], Conversation]:
    return lambda fields, ids: Conversation(
        id=fields.need("id").identifier(ids),
        channel=fields.need("channel").one_of(CHANNELS),
        user=user(account, fields.need("user")),
        name=_text(fields.need("name")),
        subject=fields.get("subject", _text),
        sender=_text(fields.need("sender")),
        email_id=fields.get("emailId", lambda v: _known(v, emails, "e-mail message")),
        campaign=fields.get("campaign", _text),
        html=fields.get("html", _html),
        text=fields.get("text", _text),
        attachment=fields.get("attachment", _text),
        created_on=fields.need("createdOn").instant(),
        send_at=fields.need("sendAt").instant(),
        direct=fields.need("direct").boolean(),
        sent_by=fields.need("sentBy").one_of(SENT_BY),
        skipped=tuple(_text(v) for v in fields.items("skipped")),
        message_ids=tuple(_text(v) for v in fields.items("messageIds")),
    )


def _record(conversations: set[str], fields: Fields, ids: Unique) -> MessageRecord:
    return MessageRecord(
        id=fields.need("id").identifier(ids),
        conversation_id=_known(fields.need("conversationId"), conversations, "conversation"),
        contact_id=_text(fields.need("contactId")),
        address=fields.need("address").text(),
        channel=fields.need("channel").one_of(CHANNELS),
        name=_text(fields.need("name")),
        subject=fields.get("subject", _text),
        sender=_text(fields.need("sender")),
        sent_by=fields.need("sentBy").one_of(SENT_BY),
        campaign=fields.get("campaign", _text),
        created_on=fields.need("createdOn").instant(),
        send_at=fields.need("sendAt").instant(),
        sent_on=fields.get("sentOn", Value.instant),
        status=fields.need("status").one_of(_STATUSES),
        opens=tuple(v.instant() for v in fields.items("opens")),
        clicks=tuple(
            Click(at=c.need("at").instant(), url=c.get("url", _text))
            for c in (v.fields("a click", _CLICK_KEYS) for v in fields.items("clicks"))
        ),
    )


def load(account: Account, value: Value) -> None:
    """Put the area of ``value`` in ``account`` (after its cards and users)."""
    fields = value.fields("the messages area", _KEYS)
    senders = _each(
        fields.items("emailAccounts"), "a sending e-mail account", _ACCOUNT_KEYS, _account
    )
    templates = _each(fields.items("templates"), "a template", _TEMPLATE_KEYS, _template)
    build_email = _email(account, {a.id for a in senders}, {t.id for t in templates})
    emails = _each(fields.items("emails"), "an e-mail message", _EMAIL_KEYS, build_email)
    build_conversation = _conversation(account, {e.id for e in emails})
    conversations = _each(
        fields.items("conversations"), "a conversation", _CONVERSATION_KEYS, build_conversation
    )
    account.messages.restore_saved(senders, templates, emails, conversations)
    record_ids = Unique()
    known = {c.id for c in conversations}
    for item in fields.items("records"):
        record_fields = item.fields("a message record", _RECORD_KEYS)
        owner = card(account, record_fields.need("contactId"))
        account.messages.restore_record(owner, _record(known, record_fields, record_ids))
