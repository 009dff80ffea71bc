"""E-mail and SMS messages: templates, sends and a record per recipient (protocol §8.6; S11).

The account keeps **sending e-mail accounts** (one default, made on first need),
**templates** (``email/addTemplate``, ``upsertTemplate``) and **e-mail messages**
(``email/addEmail``: name, subject, content, sending account). A **send**
(``email/send``, ``sendEmail``, ``sendWithAttachment``, ``sms/send``) is a
[`Conversation`][salesmanago_emulator.state.messages.Conversation] with a ``conversationId``; every
recipient it reaches gets a [`MessageRecord`][salesmanago_emulator.state.messages.MessageRecord] on
its card (extension ``messages``), with a status:

- ``SENT`` — delivered (S11.1 lists no status for a delivered message; the
  emulator names it ``SENT``);
- ``WFS`` — queued: a send dated in the future (not ``immediate``) waits, and goes
  out when the account's clock passes its date (run by ``tick`` before any
  operation, as the purge is); its outcome is decided then, from the card as it
  is then (S11.1: ``OO`` is "changed to opt-out between queueing and sending");
- ``OO`` — the card is opted out of the channel (e-mail, or SMS for ``sms/send``);
  ``IE`` — the address is invalid (an e-mail marked invalid; for SMS: no phone);
  ``FP`` — the card is soft-deleted: it receives no messages until it is purged
  (protocol §6, SUP-DEL). None of these three is ever delivered (S11.2);
- ``SF`` / ``HF`` / ``UF`` — a delivered message bounced softly, hard, or because
  the address does not exist (simulated,
  [`MessagesArea.bounce`][salesmanago_emulator.state.messages.MessagesArea.bounce]; a hard bounce
  marks the card invalid through the opt-in area);
- ``C`` — a queued send cancelled
  ([`MessagesArea.cancel`][salesmanago_emulator.state.messages.MessagesArea.cancel]).

``PF``, ``TE``, ``TR`` and ``LF`` (product, template and connection failures)
belong to machinery the emulator does not model: a record never takes them.
`TRANSITIONS` lists every change a record can make. An addressee naming no
card at all (an unknown e-mail or id) is skipped: no card is created, the
conversation lists it in ``skipped``. Opens, clicks and spam complaints are
simulated (the platform learns them from the recipient, never through the API).

A record goes with its card: soft-deleting keeps it, the purge or a permanent
delete drops it from every list.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import ClassVar, Final

import attrs

from ..errors import (
    RULE_BEFORE_SENT,
    RULE_BOUNCE_KIND,
    RULE_ID_TAKEN,
    RULE_NO_CONVERSATION,
    RULE_NO_EMAIL_ACCOUNT,
    RULE_NO_EMAIL_MESSAGE,
    RULE_NO_MESSAGE,
    RULE_NO_TEMPLATE,
    RULE_NOT_EMPTY,
    RULE_OPT_OUT_LINK,
    RULE_STRING,
    TEXT_MESSAGE_STATE,
    Conflict,
    ContactNotFound,
    InvalidField,
    LimitExceeded,
)
from ._addressees import Target, checked
from ._card import Confirmation, ContactRecord
from ._core import AccountArea, AccountCore
from ._normalize import check_text, normalize_tags, validate_email
from .funnels import funnel_key
from .optin import OptInArea
from .users import UsersArea

__all__ = [
    "BOUNCES",
    "CHANNELS",
    "CONFIRMATION_NAME",
    "CONFIRMATION_SUBJECT",
    "DEFAULT_GATEWAY",
    "MAX_SMS_TAGS",
    "OPT_OUT_LINK",
    "SENT",
    "SENT_BY",
    "STATUSES",
    "TRANSITIONS",
    "Click",
    "Conversation",
    "EmailAccount",
    "EmailMessage",
    "MessageRecord",
    "MessagesArea",
    "Target",
    "Template",
    "messages_of",
]

CHANNELS: Final = ("EMAIL", "SMS")
"""The channels of a message."""
STATUSES: Final = ("FP", "IE", "OO", "PF", "TE", "TR", "SF", "LF", "HF", "UF", "C", "WFS")
"""The statuses of S11.1 (seed 003 §4)."""
SENT: Final = "SENT"
"""The status of a delivered message (S11.1 names none; grade D)."""
TRANSITIONS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "WFS": frozenset({SENT, "OO", "IE", "FP", "C"}),
        SENT: frozenset({"SF", "HF", "UF"}),
    }
)
"""Every status change a record can make; any other status is final."""
BOUNCES: Final[Mapping[str, str]] = MappingProxyType({"soft": "SF", "hard": "HF", "unknown": "UF"})
"""A simulated bounce's kind -> the status it gives."""
SENT_BY: Final = ("API", "SYSTEM")
"""How a message was sent (S11.1): through the API, or by the platform itself (a double
opt-in confirmation)."""
OPT_OUT_LINK: Final = "$opt-out$"
"""The placeholder ``email/sendEmail``'s ``html`` must contain (protocol §8.6)."""
MAX_SMS_TAGS: Final = 10
"""Most ``tag`` recipients of one ``sms/send`` (protocol §3.4)."""
DEFAULT_GATEWAY: Final = "DEFAULT"
"""The SMS gateway of a send naming none."""
DEFAULT_SENDER: Final = "noreply@example.com"
CONFIRMATION_NAME: Final = "Double opt-in confirmation"
"""The name of the system message a double opt-in confirmation sends (grade D)."""
CONFIRMATION_SUBJECT: Final = "Confirm your e-mail address"
"""Its subject when the request named none (``lang`` only; grade D)."""
"""The address of the account's default sending e-mail account (grade D)."""
_KEY: Final = "messages"


# --- values ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class EmailAccount:
    """A sending e-mail account: its id (``emailAccountId``), address and name."""

    id: str
    address: str
    name: str


@attrs.frozen(kw_only=True)
class Template:
    """An e-mail template (``email/addTemplate``, ``upsertTemplate``)."""

    id: str
    name: str
    content: str
    shared: bool
    created_on: datetime
    modified_on: datetime


@attrs.frozen(kw_only=True)
class EmailMessage:
    """An e-mail message (``email/addEmail``; ``standardMessages[]`` of ``email/messages``)."""

    id: str
    name: str
    subject: str
    html: str | None
    campaign: str | None
    shared: bool
    dynamic: bool
    email_account_id: str
    template_id: str | None
    user: str
    created_on: datetime
    modified_on: datetime


@attrs.frozen(kw_only=True)
class Conversation:
    """One send: its ``conversationId`` and what it sent, to whom.

    ``direct``: every recipient was named by e-mail or id (no tag): the conversations
    ``massDirectConversationList`` lists. ``skipped``: addressees naming no card.
    ``message_ids``: the records it made, in recipient order.
    """

    id: str
    channel: str
    user: str
    name: str
    subject: str | None
    sender: str
    email_id: str | None
    campaign: str | None
    html: str | None
    text: str | None
    attachment: str | None
    created_on: datetime
    send_at: datetime
    direct: bool
    sent_by: str
    skipped: tuple[str, ...]
    message_ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class Click:
    """A click in a message: when, and the link (``None``: not given)."""

    at: datetime
    url: str | None


@attrs.frozen(kw_only=True)
class MessageRecord:
    """One message to one card (S11.1): what, from whom, when, how, its status and the
    recipient's opens and clicks."""

    id: str
    conversation_id: str
    contact_id: str
    address: str
    channel: str
    name: str
    subject: str | None
    sender: str
    sent_by: str
    campaign: str | None
    created_on: datetime
    send_at: datetime
    sent_on: datetime | None
    status: str
    opens: tuple[datetime, ...] = ()
    clicks: tuple[Click, ...] = ()

    @property
    def opened_on(self) -> datetime | None:
        """The first open, or ``None``."""
        return self.opens[0] if self.opens else None

    @property
    def clicked_on(self) -> datetime | None:
        """The first click, or ``None``."""
        return self.clicks[0].at if self.clicks else None


def messages_of(record: ContactRecord) -> list[MessageRecord]:
    """Every message of a card, oldest first (both channels)."""
    held = record.extension(_KEY)
    return list(held) if isinstance(held, list) else []


def _outcome(record: ContactRecord, channel: str) -> str:
    """The status a send to ``record`` ends in now (S11.2)."""
    if record.deleted:
        return "FP"
    if channel == "SMS":
        if not record.phone:
            return "IE"
        return "OO" if record.opted_out_phone else SENT
    if record.invalid:
        return "IE"
    return "OO" if record.opted_out else SENT


def _opt_text(value: object, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(field, RULE_STRING)
    return value.strip() or None


# --- the area ------------------------------------------------------------------------


class MessagesArea(AccountArea):
    """The account's e-mail messages, templates, sends and message records (S11)."""

    key: ClassVar[str] = _KEY

    def __init__(self, account: AccountCore, *, users: UsersArea, optin: OptInArea) -> None:
        """No messages; ``users`` checks senders, ``optin`` applies hard bounces and
        complaints."""
        super().__init__(account)
        self._users = users
        self._optin = optin
        self._email_accounts: dict[str, EmailAccount] = {}
        self._templates: dict[str, Template] = {}
        self._emails: dict[str, EmailMessage] = {}
        self._conversations: dict[str, Conversation] = {}
        self._where: dict[str, str] = {}  # message id -> contact id
        self._pending: list[tuple[datetime, int, str]] = []  # (send_at, seq, conversation)
        self._seq = 0
        account.add_due_work(self._run_due)

    # --- sending accounts, templates, messages --------------------------------------

    def default_email_account(self) -> EmailAccount:
        """The account's first sending e-mail account (made on first need)."""
        if not self._email_accounts:
            self.add_email_account(DEFAULT_SENDER, "Default")
        return next(iter(self._email_accounts.values()))

    def add_email_account(self, address: str, name: str | None = None) -> EmailAccount:
        """Add a sending e-mail account (``address`` a valid e-mail; ``name`` default the
        address); returns it with its new ``emailAccountId``."""
        self.account.tick()
        email = validate_email(address, "address")
        found = EmailAccount(
            id=self.account.new_id(), address=email, name=_opt_text(name, "name") or email
        )
        self._email_accounts[found.id] = found
        return found

    def email_accounts(self) -> list[EmailAccount]:
        """The sending e-mail accounts, oldest first."""
        return list(self._email_accounts.values())

    def _email_account(self, account_id: str | None) -> EmailAccount:
        if account_id is None:
            return self.default_email_account()
        found = self._email_accounts.get(account_id.strip().lower())
        if found is None:
            raise InvalidField("emailAccountId", RULE_NO_EMAIL_ACCOUNT.format(value=account_id))
        return found

    def add_template(
        self, content: str, *, name: str | None = None, shared: bool = False
    ) -> Template:
        """A new template of ``content`` (not blank); its name default ``Template <n>``."""
        now = self.account.tick()
        text = check_text(content, "emailContent")
        spelled = _opt_text(name, "name") or f"Template {len(self._templates) + 1}"
        template = Template(
            id=self.account.new_id(),
            name=spelled,
            content=text,
            shared=bool(shared),
            created_on=now,
            modified_on=now,
        )
        self._templates[template.id] = template
        return template

    def upsert_template(self, name: str, content: str, *, shared: bool = False) -> Template:
        """The template named ``name`` (trimmed, any case) with new ``content``, or a new one;
        an update keeps its id (``templateId``)."""
        spelled = check_text(name, "name").strip()
        text = check_text(content, "emailContent")
        now = self.account.tick()
        for template in self._templates.values():
            if funnel_key(template.name) == funnel_key(spelled):
                changed = attrs.evolve(template, content=text, shared=bool(shared), modified_on=now)
                self._templates[template.id] = changed
                return changed
        return self.add_template(text, name=spelled, shared=shared)

    def templates(self) -> list[Template]:
        """The templates, oldest first."""
        self.account.tick()
        return list(self._templates.values())

    def add_email(
        self,
        subject: str,
        *,
        user: str,
        name: str | None = None,
        html: str | None = None,
        campaign: str | None = None,
        shared: bool = False,
        dynamic: bool = False,
        email_account_id: str | None = None,
        template_id: str | None = None,
        email_id: str | None = None,
    ) -> EmailMessage:
        """A new e-mail message (``email/addEmail``); ``emailId`` its id.

        ``subject`` is required; ``name`` defaults to it; ``email_account_id`` must
        name a sending account (default: the account's first), ``template_id`` a
        template; ``email_id`` fixes the new id (one taken -> InvalidField).
        """
        now = self.account.tick()
        author = self._users.acting(user)
        title = check_text(subject, "subject").strip()
        if template_id is not None and template_id.strip().lower() not in self._templates:
            raise InvalidField("templateId", RULE_NO_TEMPLATE.format(value=template_id))
        sender = self._email_account(email_account_id)
        new_id = self._new_email_id(email_id)
        message = EmailMessage(
            id=new_id,
            name=_opt_text(name, "name") or title,
            subject=title,
            html=_opt_text(html, "html"),
            campaign=_opt_text(campaign, "campaign"),
            shared=bool(shared),
            dynamic=bool(dynamic),
            email_account_id=sender.id,
            template_id=None if template_id is None else template_id.strip().lower(),
            user=author,
            created_on=now,
            modified_on=now,
        )
        self._emails[message.id] = message
        return message

    def _new_email_id(self, email_id: str | None) -> str:
        if email_id is None:
            return self.account.new_id()
        wanted = check_text(email_id, "emailId").strip().lower()
        if wanted in self._emails:
            raise InvalidField("emailId", RULE_ID_TAKEN.format(what="e-mail", value=email_id))
        return wanted

    def create_email(
        self, *, name: str | None = None, subject: str | None = None, email_id: str | None = None
    ) -> EmailMessage:
        """An e-mail message to send in tests (control ``email/templates/create``): by the
        account's first user, from its default sending account; ``subject`` default
        ``name``, both default ``Message <n>``; an existing ``email_id`` is updated."""
        if email_id is not None and email_id.strip().lower() in self._emails:
            now = self.account.tick()
            found = self._emails[email_id.strip().lower()]
            changed = attrs.evolve(
                found,
                name=_opt_text(name, "name") or found.name,
                subject=_opt_text(subject, "subject") or found.subject,
                modified_on=now,
            )
            self._emails[found.id] = changed
            return changed
        title = _opt_text(subject, "subject") or _opt_text(name, "name")
        title = title or f"Message {len(self._emails) + 1}"
        return self.add_email(
            title, user=self._users[0], name=name, email_id=email_id, dynamic=False
        )

    def email(self, email_id: str) -> EmailMessage:
        """The e-mail message ``email_id``; InvalidField ``emailId`` if there is none."""
        found = self._emails.get(email_id.strip().lower()) if isinstance(email_id, str) else None
        if found is None:
            raise InvalidField("emailId", RULE_NO_EMAIL_MESSAGE.format(value=email_id))
        return found

    def emails(self) -> list[EmailMessage]:
        """The e-mail messages, oldest first (``email/messages``)."""
        self.account.tick()
        return list(self._emails.values())

    # --- sends ---------------------------------------------------------------------

    def _named(
        self, targets: Sequence[Target], field: str
    ) -> tuple[dict[str, ContactRecord], list[str], bool]:
        """The cards ``targets`` name (soft-deleted ones included), the values naming no
        card, and whether no tag was used. Bad kinds or blank values -> InvalidField."""
        found: dict[str, ContactRecord] = {}
        skipped: list[str] = []
        tags: list[str] = []
        for index, target in enumerate(targets):
            where = f"{field}[{index}]."
            kind, value = checked(target, where)
            if kind == "TAG":
                tags.extend(normalize_tags([value], where + "value"))
                continue
            record = self.account.find_by(kind, value)
            if record is None:
                skipped.append(value)
            else:
                found.setdefault(record.id, record)
        for record in self.account.live_tagged(tags):
            found.setdefault(record.id, record)
        return found, skipped, not tags

    def send_email(
        self,
        user: str,
        recipients: Sequence[Target],
        *,
        email_id: str,
        subject: str | None = None,
        html: str | None = None,
        campaign: str | None = None,
        date: datetime | None = None,
        immediate: bool = False,
        exclude: Sequence[Target] = (),
        attachment: str | None = None,
    ) -> Conversation:
        """Send e-mail message ``email_id`` to ``recipients`` minus ``exclude`` (S11).

        Refusals, before anything changes: AuthenticationFailed (``user`` no user);
        InvalidField ``emailId`` (no such message), ``html`` (without
        `OPT_OUT_LINK`), ``contacts`` (empty) or an addressee's kind or value;
        ReadOnlyOwner when ``user`` owns a recipient (named or by tag, not excluded)
        read-only (S1.6: the whole send is refused).
        ``subject`` and ``html`` override the message's; a ``date`` after now (without
        ``immediate``) queues the send (``WFS``) until the clock passes it.
        """
        sender_user = self._users.acting(user)
        message = self.email(email_id)
        body = _opt_text(html, "html")
        if body is not None and OPT_OUT_LINK not in body:
            raise InvalidField("html", RULE_OPT_OUT_LINK)
        if isinstance(recipients, str) or not recipients:
            raise InvalidField("contacts", RULE_NOT_EMPTY)
        cards, skipped, direct = self._named(recipients, "contacts")
        excluded, _, _ = self._named(exclude, "excludeContacts")
        sender = self._email_accounts.get(message.email_account_id)
        addressed = [r for key, r in cards.items() if key not in excluded]
        self._check_may_send(sender_user, addressed)
        return self._send(
            "EMAIL",
            addressed,
            user=sender_user,
            name=message.name,
            subject=_opt_text(subject, "subject") or message.subject,
            sender=sender.address if sender is not None else DEFAULT_SENDER,
            email_id=message.id,
            campaign=_opt_text(campaign, "campaign") or message.campaign,
            html=body,
            text=None,
            attachment=attachment,
            date=date,
            immediate=immediate,
            direct=direct,
            skipped=skipped,
        )

    def send_sms(
        self,
        user: str,
        recipients: Sequence[Target],
        *,
        text: str,
        gateway: str | None = None,
        name: str | None = None,
        date: datetime | None = None,
    ) -> Conversation:
        """Send an SMS of ``text`` to ``recipients`` (e-mail, id or tag; at most 10 tags).

        A card without a phone ends ``IE``, one opted out of mobile marketing ``OO``
        (S2.7, S11.2). Refusals as
        [`send_email`][salesmanago_emulator.state.messages.MessagesArea.send_email]'s, plus
        InvalidField ``text``.
        """
        sender_user = self._users.acting(user)
        body = check_text(text, "text")
        if isinstance(recipients, str) or not recipients:
            raise InvalidField("contacts", RULE_NOT_EMPTY)
        if sum(1 for t in recipients if str(t.kind).strip().upper() == "TAG") > MAX_SMS_TAGS:
            raise LimitExceeded("contacts", MAX_SMS_TAGS)
        cards, skipped, direct = self._named(recipients, "contacts")
        self._check_may_send(sender_user, cards.values())
        return self._send(
            "SMS",
            list(cards.values()),
            user=sender_user,
            name=_opt_text(name, "name") or "SMS",
            subject=None,
            sender=_opt_text(gateway, "gateway") or DEFAULT_GATEWAY,
            email_id=None,
            campaign=None,
            html=None,
            text=body,
            attachment=None,
            date=date,
            immediate=False,
            direct=direct,
            skipped=skipped,
        )

    def _check_may_send(self, user: str, cards: Iterable[ContactRecord]) -> None:
        """ReadOnlyOwner naming the first of ``cards`` that ``user`` owns read-only (S1.6)."""
        for record in cards:
            self.account.check_may_write(record, user)

    def _send(
        self,
        channel: str,
        cards: Sequence[ContactRecord],
        *,
        user: str,
        name: str,
        subject: str | None,
        sender: str,
        email_id: str | None,
        campaign: str | None,
        html: str | None,
        text: str | None,
        attachment: str | None,
        date: datetime | None,
        immediate: bool,
        direct: bool,
        skipped: Sequence[str],
        sent_by: str = "API",
    ) -> Conversation:
        now = self.account.tick()
        send_at = date if date is not None and not immediate and date > now else now
        queued = send_at > now
        conversation_id = self.account.new_id()
        ids: list[str] = []
        for record in cards:
            message = MessageRecord(
                id=self.account.new_id(),
                conversation_id=conversation_id,
                contact_id=record.id,
                address=(record.phone or "") if channel == "SMS" else record.email,
                channel=channel,
                name=name,
                subject=subject,
                sender=sender,
                sent_by=sent_by,
                campaign=campaign,
                created_on=now,
                send_at=send_at,
                sent_on=None if queued else now,
                status="WFS" if queued else _outcome(record, channel),
            )
            self._put(record, message)
            ids.append(message.id)
        conversation = Conversation(
            id=conversation_id,
            channel=channel,
            user=user,
            name=name,
            subject=subject,
            sender=sender,
            email_id=email_id,
            campaign=campaign,
            html=html,
            text=text,
            attachment=attachment,
            created_on=now,
            send_at=send_at,
            direct=direct,
            sent_by=sent_by,
            skipped=tuple(skipped),
            message_ids=tuple(ids),
        )
        self._conversations[conversation_id] = conversation
        if queued:
            self._queue(conversation)
        return conversation

    def confirmation_changed(self, record: ContactRecord, confirmation: Confirmation) -> None:
        """A double opt-in confirmation requested (S10, protocol §7): the platform's
        confirmation e-mail, a system message on the card (its subject the one the
        request named, else `CONFIRMATION_SUBJECT`)."""
        if confirmation.status == "PENDING":
            subject = confirmation.options.subject or CONFIRMATION_SUBJECT
            self.record_system_message(
                record, name=CONFIRMATION_NAME, subject=subject, now=confirmation.requested_at
            )

    def record_system_message(
        self, record: ContactRecord, *, name: str, subject: str, now: datetime
    ) -> MessageRecord:
        """Record a message the platform itself sends to ``record`` at ``now`` (a double
        opt-in confirmation): transactional, so not held back by an opt-out; ``IE`` for
        an invalid address, ``FP`` for a soft-deleted card, else ``SENT``."""
        status = "FP" if record.deleted else ("IE" if record.invalid else SENT)
        sender = self.default_email_account()
        conversation_id = self.account.new_id()
        message = MessageRecord(
            id=self.account.new_id(),
            conversation_id=conversation_id,
            contact_id=record.id,
            address=record.email,
            channel="EMAIL",
            name=name,
            subject=subject,
            sender=sender.address,
            sent_by="SYSTEM",
            campaign=None,
            created_on=now,
            send_at=now,
            sent_on=now,
            status=status,
        )
        self._put(record, message)
        self._conversations[conversation_id] = Conversation(
            id=conversation_id,
            channel="EMAIL",
            user=self._users[0],
            name=name,
            subject=subject,
            sender=sender.address,
            email_id=None,
            campaign=None,
            html=None,
            text=None,
            attachment=None,
            created_on=now,
            send_at=now,
            direct=True,
            sent_by="SYSTEM",
            skipped=(),
            message_ids=(message.id,),
        )
        return message

    def _put(self, record: ContactRecord, message: MessageRecord) -> None:
        held = record.extension(_KEY)
        if not isinstance(held, list):
            held = []
            record.set_extension(_KEY, held)
        held.append(message)
        self._where[message.id] = record.id

    def _replace(self, message: MessageRecord) -> MessageRecord:
        record = self.account.store.by_id[self._where[message.id]]
        held = record.extension(_KEY)
        assert isinstance(held, list)
        for index, old in enumerate(held):
            if old.id == message.id:
                held[index] = message
        return message

    # --- the queue -----------------------------------------------------------------

    def _queue(self, conversation: Conversation) -> None:
        self._seq += 1
        heapq.heappush(self._pending, (conversation.send_at, self._seq, conversation.id))
        self.account.schedule_due(conversation.send_at)

    def _run_due(self, now: datetime) -> datetime | None:
        """Send every queued conversation due at ``now``, oldest date first, each at its
        own date; the next pending date (called by the account's ``tick``)."""
        pending = self._pending
        while pending and pending[0][0] <= now:
            _, _, conversation_id = heapq.heappop(pending)
            self._deliver(self._conversations[conversation_id])
        return pending[0][0] if pending else None

    def _deliver(self, conversation: Conversation) -> None:
        for message in self._records(conversation):
            if message.status != "WFS":
                continue
            record = self.account.store.by_id[message.contact_id]
            status = _outcome(record, message.channel)
            self._replace(attrs.evolve(message, status=status, sent_on=conversation.send_at))

    def cancel(self, conversation_id: str) -> int:
        """Cancel a queued send: its ``WFS`` records become ``C``; how many did."""
        conversation = self.conversation(conversation_id)
        count = 0
        for message in self._records(conversation):
            if message.status == "WFS":
                self._replace(attrs.evolve(message, status="C"))
                count += 1
        return count

    # --- reads ---------------------------------------------------------------------

    def conversation(self, conversation_id: str) -> Conversation:
        """The send ``conversation_id``; InvalidField ``conversationId`` if there is none."""
        self.account.tick()
        key = conversation_id.strip().lower() if isinstance(conversation_id, str) else ""
        found = self._conversations.get(key)
        if found is None:
            raise InvalidField("conversationId", RULE_NO_CONVERSATION.format(value=conversation_id))
        return found

    def conversations(
        self,
        *,
        channel: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        direct: bool | None = None,
    ) -> list[Conversation]:
        """The sends of ``channel`` created in ``[start, end]`` (either open), ``direct`` ones
        only when true, oldest first."""
        self.account.tick()
        return [
            c
            for c in self._conversations.values()
            if (channel is None or c.channel == channel)
            and (start is None or c.created_on >= start)
            and (end is None or c.created_on <= end)
            and (not direct or c.direct)
        ]

    def _records(self, conversation: Conversation) -> list[MessageRecord]:
        out = []
        by_id = self.account.store.by_id
        for message_id in conversation.message_ids:
            contact_id = self._where.get(message_id)
            if contact_id is None:
                continue  # its card is gone
            for message in messages_of(by_id[contact_id]):
                if message.id == message_id:
                    out.append(message)
        return out

    def records(self, conversation_id: str) -> list[MessageRecord]:
        """The records of a send whose cards still exist, in recipient order."""
        return self._records(self.conversation(conversation_id))

    def of(self, record: ContactRecord, channel: str | None = None) -> list[MessageRecord]:
        """The messages of a card (of ``channel`` only, if given), oldest first."""
        self.account.tick()
        return [m for m in messages_of(record) if channel is None or m.channel == channel]

    def message(self, message_id: str) -> MessageRecord:
        """The record ``message_id``; InvalidField ``messageId`` if there is none."""
        self.account.tick()
        key = message_id.strip().lower() if isinstance(message_id, str) else ""
        contact_id = self._where.get(key)
        if contact_id is not None:
            for message in messages_of(self.account.store.by_id[contact_id]):
                if message.id == key:
                    return message
        raise InvalidField("messageId", RULE_NO_MESSAGE.format(value=message_id))

    def of_campaign(self, campaign: str) -> list[MessageRecord]:
        """The records of every send naming ``campaign`` (trimmed, any case), by send."""
        wanted = funnel_key(check_text(campaign, "campaign"))
        return [
            m
            for c in self.conversations()
            if c.campaign is not None and funnel_key(c.campaign) == wanted
            for m in self._records(c)
        ]

    def opens(self) -> list[tuple[str, datetime]]:
        """Every e-mail open as (contact id, instant), in time order (S16.2 histograms)."""
        self.account.tick()
        found = [
            (m.contact_id, at)
            for record in self.account.store.by_id.values()
            for m in messages_of(record)
            for at in m.opens
        ]
        return sorted(found, key=lambda pair: pair[1])

    def activity_times(self, record: ContactRecord) -> list[datetime]:
        """When the card's e-mails were opened, oldest message first (the histograms'
        ``EMAIL_OPENS`` source, S16.2)."""
        return [at for m in messages_of(record) for at in m.opens]

    # --- simulations (the recipient's side) -------------------------------------------

    def _sent(self, message_id: str, action: str) -> MessageRecord:
        message = self.message(message_id)
        if message.status != SENT:
            raise Conflict(
                TEXT_MESSAGE_STATE.format(
                    message_id=message.id, status=message.status, action=action
                )
            )
        return message

    def _at(self, message: MessageRecord, at: datetime | None) -> datetime:
        when = self.account.clock.now() if at is None else at
        if message.sent_on is not None and when < message.sent_on:
            raise InvalidField("date", RULE_BEFORE_SENT.format(sent=message.sent_on.isoformat()))
        return when

    def open(self, message_id: str, at: datetime | None = None) -> MessageRecord:
        """The recipient opens a delivered e-mail (at ``at``, default now)."""
        message = self._sent(message_id, "opened")
        when = self._at(message, at)
        return self._replace(attrs.evolve(message, opens=(*message.opens, when)))

    def click(
        self, message_id: str, url: str | None = None, at: datetime | None = None
    ) -> MessageRecord:
        """The recipient clicks a link of a delivered message (an open first if none)."""
        message = self._sent(message_id, "clicked")
        when = self._at(message, at)
        opens = message.opens or (when,)
        clicks = (*message.clicks, Click(at=when, url=_opt_text(url, "url")))
        return self._replace(attrs.evolve(message, opens=opens, clicks=clicks))

    def bounce(self, message_id: str, kind: str) -> MessageRecord:
        """A delivered e-mail bounces: ``soft`` (SF), ``hard`` (HF: the card is marked
        invalid, S2.6) or ``unknown`` (UF: no such address)."""
        status = BOUNCES.get(kind.strip().lower()) if isinstance(kind, str) else None
        if status is None:
            raise InvalidField("kind", RULE_BOUNCE_KIND.format(value=kind))
        message = self._sent(message_id, "bounced")
        record = self.account.store.by_id[message.contact_id]
        if status == "HF" and record.deleted:
            raise ContactNotFound(record.email)
        changed = self._replace(attrs.evolve(message, status=status))
        if status == "HF":
            self._optin.mark_invalid(record.id)
        return changed

    def complaint(self, message_id: str) -> MessageRecord:
        """The recipient marks a delivered e-mail as spam: the card is opted out with
        source ``FEEDBACK_COMPL`` (S10.2); the record keeps its status."""
        message = self._sent(message_id, "reported as spam")
        if message.channel != "EMAIL":
            raise Conflict(
                TEXT_MESSAGE_STATE.format(
                    message_id=message.id, status=message.channel, action="reported as spam"
                )
            )
        self._optin.opt_out(message.contact_id, "FEEDBACK_COMPL")
        return message

    # --- observers, reset, state import -----------------------------------------------

    def contact_removed(self, record: ContactRecord) -> None:
        """A purged or permanently deleted card's records go with it."""
        for message in messages_of(record):
            self._where.pop(message.id, None)

    def reset(self) -> None:
        """Forget every account, template, message, send and record (the cards' lists
        are dropped with the cards)."""
        for contact_id in set(self._where.values()):
            found = self.account.store.by_id.get(contact_id)
            if found is not None:
                found.set_extension(_KEY, None)
        self._email_accounts.clear()
        self._templates.clear()
        self._emails.clear()
        self._conversations.clear()
        self._where.clear()
        self._pending.clear()

    def restore_saved(
        self,
        accounts: Sequence[EmailAccount],
        templates: Sequence[Template],
        emails: Sequence[EmailMessage],
        conversations: Sequence[Conversation],
    ) -> None:
        """Put back what a state export saved, before the records (nothing is checked)."""
        self._email_accounts = {a.id: a for a in accounts}
        self._templates = {t.id: t for t in templates}
        self._emails = {e.id: e for e in emails}
        self._conversations = {c.id: c for c in conversations}

    def restore_record(self, record: ContactRecord, message: MessageRecord) -> None:
        """Put back one record of ``record`` after its others; a queued one's send is
        queued again (a state import: nothing is checked here)."""
        self._put(record, message)
        if message.status == "WFS":
            conversation = self._conversations[message.conversation_id]
            if not any(entry[2] == conversation.id for entry in self._pending):
                self._queue(conversation)
