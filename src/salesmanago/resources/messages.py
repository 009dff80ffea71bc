"""E-mail and SMS: messages, templates, sends, conversations and statistics exports
(protocol §8.6; semantics S11).

Every call names its sender: the client's owner goes as ``owner`` and as ``user`` (the
e-mail, SMS and statistics methods read ``user``, protocol §13.4). A send answers a
``conversationId``; the statistics exports are asynchronous jobs (``requestId`` ->
``job/status`` -> file), run by the job machinery of `salesmanago._jobs`. What
recipients do (opens, clicks, bounces, complaints) has no API: the emulator simulates it
in its Python and control API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from .. import _converter
from .._calls import Call, Endpoint, Envelope
from .._jobs import DEFAULT_DEADLINE, DEFAULT_POLL_INTERVAL, Job, check_timing, read_request_id
from .._options import RequestOptions, Unpack
from .._validation import check_aware, check_email, check_model
from ..errors import ValidationError
from ..models.common import Addressee, AddresseeType
from ..models.exports import ExportFile
from ..models.messages import (
    Attachment,
    ConversationStatistics,
    EmailMessage,
)
from ._base import AsyncAPIResource, SyncAPIResource
from ._keys import addressee_list

__all__ = ["AsyncMessages", "Messages"]

ADD_EMAIL: Final = Endpoint("/api/email/addEmail", idempotent=False, send_user=True)
ADD_TEMPLATE: Final = Endpoint("/api/email/addTemplate", idempotent=False, send_user=True)
UPSERT_TEMPLATE: Final = Endpoint("/api/email/upsertTemplate", idempotent=True, send_user=True)
LIST_MESSAGES: Final = Endpoint("/api/email/messages", idempotent=True, send_user=True)
# Not idempotent: a repeat sends the mailing twice.
SEND: Final = Endpoint("/api/email/send", idempotent=False, send_user=True)
SEND_EMAIL: Final = Endpoint("/api/email/sendEmail", idempotent=False, send_user=True)
SEND_WITH_ATTACHMENT: Final = Endpoint(
    "/api/email/sendWithAttachment", idempotent=False, send_user=True
)
SEND_SMS: Final = Endpoint("/api/sms/send", idempotent=False, send_user=True)
CONVERSATIONS: Final = Endpoint("/api/email/massConversationList", idempotent=True, send_user=True)
DIRECT_CONVERSATIONS: Final = Endpoint(
    "/api/email/massDirectConversationList", idempotent=True, send_user=True
)
CONVERSATION_STATISTICS: Final = Endpoint(
    "/api/email/conversationStatistics", idempotent=True, send_user=True
)
MESSAGE_STATISTICS: Final = Endpoint(
    "/api/email/messageStatistics", idempotent=True, send_user=True
)

#: The placeholder an ``html`` sent with ``sendEmail`` must contain (protocol §8.6).
OPT_OUT_LINK: Final = "$opt-out$"
#: Most ``tag`` recipients of one SMS send (protocol §3.4).
MAX_SMS_TAGS: Final = 10
_TYPES: Final = {
    AddresseeType.EMAIL: "EMAIL",
    AddresseeType.CONTACT_ID: "CONTACT_ID",
    AddresseeType.TAG: "TAG",
}
_SMS_KEYS: Final = {"EMAIL": "email", "CONTACT_ID": "contactId", "TAG": "tag"}
"""An addressee type -> the key ``sms/send`` names a recipient by."""


# request building ----------------------------------------------------------------


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(field, "must be a non-empty text")
    return value


def _put(body: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        body[key] = value


def _date(body: dict[str, Any], value: datetime | None) -> None:
    if value is not None:
        check_aware(value, "date")
        body["date"] = _converter.to_ms(value)


def _id_of(key: str) -> Callable[[Envelope], str]:
    """The reader of the non-empty string an answer holds under ``key``."""

    def parse(envelope: Envelope) -> str:
        value = envelope.get(key)
        if not isinstance(value, str) or not value:
            raise TypeError(f"{key}: expected a non-empty string")
        return value

    return parse


def add_email_call(
    subject: str,
    *,
    name: str | None,
    html: str | None,
    campaign: str | None,
    shared: bool,
    dynamic: bool,
    email_account_id: str | None,
    template_id: str | None,
) -> Call[str]:
    """Create an e-mail message; answers its ``emailId``."""
    body: dict[str, Any] = {"subject": _text(subject, "subject")}
    _put(body, "name", name)
    _put(body, "html", html)
    _put(body, "campaign", campaign)
    body["shared"] = bool(shared)
    body["dynamic"] = bool(dynamic)
    _put(body, "emailAccountId", email_account_id)
    _put(body, "templateId", template_id)
    return Call(ADD_EMAIL, body, _id_of("emailId"))


def template_call(content: str, name: str | None, shared: bool, *, upsert: bool) -> Call[str]:
    """Create (or, with ``upsert``, create or update by name) a template; ``templateId``."""
    body: dict[str, Any] = {"emailContent": _text(content, "emailContent"), "shared": shared}
    if upsert:
        body["name"] = _text(name, "name")
        return Call(UPSERT_TEMPLATE, body, _id_of("templateId"))
    _put(body, "name", name)
    return Call(ADD_TEMPLATE, body, _id_of("templateId"))


def _email_messages(envelope: Envelope) -> list[EmailMessage]:
    return _converter.structure(envelope.get("standardMessages") or [], list[EmailMessage])


def list_call() -> Call[list[EmailMessage]]:
    """The account's e-mail messages (``email/messages``)."""
    return Call(LIST_MESSAGES, {}, _email_messages)


def send_call(
    email_id: str, emails: Sequence[str], date: datetime | None, immediate: bool
) -> Call[str]:
    """The older ``email/send``: message ``email_id`` to ``emails``."""
    if isinstance(emails, str) or not emails:
        raise ValidationError("contacts", "must be a non-empty list of e-mails")
    body: dict[str, Any] = {
        "emailId": _text(email_id, "emailId"),
        "contacts": [{"email": check_email(e, f"contacts[{i}]")} for i, e in enumerate(emails)],
        "immediate": bool(immediate),
    }
    _date(body, date)
    return Call(SEND, body, _id_of("conversationId"))


def send_email_body(
    email_id: str,
    contacts: Sequence[str | Addressee],
    *,
    exclude: Sequence[str | Addressee],
    subject: str | None,
    campaign: str | None,
    html: str | None,
    date: datetime | None,
) -> dict[str, Any]:
    """The body of ``sendEmail`` / ``sendWithAttachment``, checked (``$opt-out$``)."""
    body: dict[str, Any] = {
        "emailId": _text(email_id, "emailId"),
        "contacts": addressee_list(contacts, _TYPES, "must be EMAIL, CONTACT_ID or TAG"),
    }
    if exclude:
        body["excludeContacts"] = addressee_list(
            exclude, _TYPES, "must be EMAIL, CONTACT_ID or TAG", "excludeContacts"
        )
    if html is not None:
        if OPT_OUT_LINK not in html:
            raise ValidationError("html", f"must contain the {OPT_OUT_LINK} unsubscribe link")
        body["html"] = html
    _put(body, "subject", subject)
    _put(body, "campaign", campaign)
    _date(body, date)
    return body


def send_email_call(body: dict[str, Any]) -> Call[str]:
    """``email/sendEmail`` with a checked body (`send_email_body`)."""
    return Call(SEND_EMAIL, body, _id_of("conversationId"))


def send_with_attachment_call(
    body: dict[str, Any], attachment: Attachment, immediate: bool
) -> Call[str]:
    """``email/sendWithAttachment`` as ``multipart/form-data``: the body and the file."""
    check_model(attachment, Attachment, "attachment")
    _text(attachment.filename, "attachment.filename")
    sent = {**body, "immediate": bool(immediate)}
    part = ("attachment", attachment.filename, bytes(attachment.content), attachment.content_type)
    return Call(SEND_WITH_ATTACHMENT, sent, _id_of("conversationId"), files=(part,))


def send_sms_call(
    text: str,
    contacts: Sequence[str | Addressee],
    gateway: str | None,
    name: str | None,
    date: datetime | None,
) -> Call[str]:
    """``sms/send``: ``text`` to e-mails or EMAIL / CONTACT_ID / TAG addressees."""
    listed = addressee_list(contacts, _TYPES, "must be EMAIL, CONTACT_ID or TAG")
    recipients = [{_SMS_KEYS[a["addresseeType"]]: a["value"]} for a in listed]
    if sum(1 for r in recipients if "tag" in r) > MAX_SMS_TAGS:
        raise ValidationError("contacts", f"must hold at most {MAX_SMS_TAGS} tags")
    body: dict[str, Any] = {"text": _text(text, "text"), "contacts": recipients}
    _put(body, "gateway", gateway)
    _put(body, "name", name)
    _date(body, date)
    return Call(SEND_SMS, body, _id_of("conversationId"))


def _conversation_list(envelope: Envelope) -> list[str]:
    items = envelope.get("conversationList") or []
    if not isinstance(items, list):
        raise TypeError("conversationList: expected a list")
    return [str(item) for item in items]


def conversations_call(start: datetime, end: datetime, direct: bool) -> Call[list[str]]:
    """The e-mail conversations of ``start``..``end`` (only direct ones with ``direct``)."""
    check_aware(start, "start")
    check_aware(end, "end")
    if end < start:
        raise ValidationError("end", "must not be before start")
    body = {"from": _converter.to_ms(start), "to": _converter.to_ms(end)}
    return Call(DIRECT_CONVERSATIONS if direct else CONVERSATIONS, body, _conversation_list)


def read_conversation(item: Mapping[str, Any]) -> ConversationStatistics:
    """One conversation of a statistics file (its counts nested under ``statistics``)."""
    counts = item.get("statistics") or {}
    if not isinstance(counts, Mapping):
        raise TypeError("statistics: expected an object")
    flat = {k: v for k, v in item.items() if k != "statistics"}
    return _converter.structure({**flat, **counts}, ConversationStatistics)


def _document(file: ExportFile) -> Mapping[str, Any]:
    document = file.json()
    if not isinstance(document, Mapping):
        raise TypeError("statistics file: expected a JSON object")
    return document


def _one_conversation(file: ExportFile) -> ConversationStatistics:
    return read_conversation(_document(file))


def _conversations(file: ExportFile) -> list[ConversationStatistics]:
    items = _document(file).get("conversations") or []
    if not isinstance(items, list):
        raise TypeError("conversations: expected a list")
    return [read_conversation(item) for item in items]


def conversation_statistics_job(
    conversation_id: str, deadline: float, poll_interval: float
) -> Job[ConversationStatistics]:
    """The ``conversationStatistics`` export of one send, read into its statistics."""
    check_timing(deadline, poll_interval)
    body = {"conversationId": _text(conversation_id, "conversationId")}
    start = Call(CONVERSATION_STATISTICS, body, read_request_id)
    return Job(start, _one_conversation, deadline=deadline, poll_interval=poll_interval)


def message_statistics_job(
    email_id: str,
    start: datetime | None,
    end: datetime | None,
    deadline: float,
    poll_interval: float,
) -> Job[list[ConversationStatistics]]:
    """The ``messageStatistics`` export of every send of ``email_id`` (in the window)."""
    check_timing(deadline, poll_interval)
    body: dict[str, Any] = {"emailId": _text(email_id, "emailId")}
    if (start is None) != (end is None):
        raise ValidationError("start", "give both start and end, or neither")
    if start is not None and end is not None:
        check_aware(start, "start")
        check_aware(end, "end")
        body["from"], body["to"] = _converter.to_ms(start), _converter.to_ms(end)
    call = Call(MESSAGE_STATISTICS, body, read_request_id)
    return Job(call, _conversations, deadline=deadline, poll_interval=poll_interval)


# resources -----------------------------------------------------------------------


class Messages(SyncAPIResource):
    """E-mail and SMS through the platform (protocol §8.6; semantics S11)."""

    def add_email(
        self,
        subject: str,
        *,
        name: str | None = None,
        html: str | None = None,
        campaign: str | None = None,
        shared: bool = False,
        dynamic: bool = False,
        email_account_id: str | None = None,
        template_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Create an e-mail message (name default: the subject); its ``emailId``."""
        return self._with(options)._execute(
            add_email_call(
                subject,
                name=name,
                html=html,
                campaign=campaign,
                shared=shared,
                dynamic=dynamic,
                email_account_id=email_account_id,
                template_id=template_id,
            )
        )

    def add_template(
        self,
        content: str,
        *,
        name: str | None = None,
        shared: bool = False,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Create an e-mail template; its ``templateId``."""
        return self._with(options)._execute(template_call(content, name, shared, upsert=False))

    def upsert_template(
        self, name: str, content: str, *, shared: bool = False, **options: Unpack[RequestOptions]
    ) -> str:
        """Create the template ``name`` or update its content; its (kept) ``templateId``."""
        return self._with(options)._execute(template_call(content, name, shared, upsert=True))

    def send(
        self,
        email_id: str,
        emails: Sequence[str],
        *,
        date: datetime | None = None,
        immediate: bool = False,
        **options: Unpack[RequestOptions],
    ) -> str:
        """The older ``email/send``: message ``email_id`` to ``emails`` at ``date`` (or
        ``immediate``); the ``conversationId``. Not retried once it may have landed."""
        return self._with(options)._execute(send_call(email_id, emails, date, immediate))

    def send_email(
        self,
        email_id: str,
        contacts: Sequence[str | Addressee],
        *,
        exclude: Sequence[str | Addressee] = (),
        subject: str | None = None,
        campaign: str | None = None,
        html: str | None = None,
        date: datetime | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Send message ``email_id`` to ``contacts`` (e-mails or EMAIL / CONTACT_ID / TAG
        addressees) minus ``exclude``; an ``html`` must hold ``$opt-out$``. A future
        ``date`` schedules it. The ``conversationId``."""
        body = send_email_body(
            email_id,
            contacts,
            exclude=exclude,
            subject=subject,
            campaign=campaign,
            html=html,
            date=date,
        )
        return self._with(options)._execute(send_email_call(body))

    def send_with_attachment(
        self,
        email_id: str,
        contacts: Sequence[str | Addressee],
        attachment: Attachment,
        *,
        exclude: Sequence[str | Addressee] = (),
        subject: str | None = None,
        campaign: str | None = None,
        html: str | None = None,
        date: datetime | None = None,
        immediate: bool = False,
        **options: Unpack[RequestOptions],
    ) -> str:
        """As [`send_email`][salesmanago.resources.messages.Messages.send_email], with a file (sent
        as ``multipart/form-data``)."""
        body = send_email_body(
            email_id,
            contacts,
            exclude=exclude,
            subject=subject,
            campaign=campaign,
            html=html,
            date=date,
        )
        return self._with(options)._execute(send_with_attachment_call(body, attachment, immediate))

    def send_sms(
        self,
        text: str,
        contacts: Sequence[str | Addressee],
        *,
        gateway: str | None = None,
        name: str | None = None,
        date: datetime | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Send an SMS to e-mails or EMAIL / CONTACT_ID / TAG addressees (≤ 10 tags);
        the ``conversationId``."""
        return self._with(options)._execute(send_sms_call(text, contacts, gateway, name, date))

    def conversations(
        self,
        start: datetime,
        end: datetime,
        *,
        direct: bool = False,
        **options: Unpack[RequestOptions],
    ) -> list[str]:
        """The ids of the e-mail conversations of ``start``..``end``; ``direct``: only
        those whose recipients were named one by one."""
        return self._with(options)._execute(conversations_call(start, end, direct))

    def conversation_statistics(
        self,
        conversation_id: str,
        *,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> ConversationStatistics:
        """One send's statistics: the export job is started, polled and read."""
        return self._with(options)._run_job(
            conversation_statistics_job(conversation_id, deadline, poll_interval)
        )

    def message_statistics(
        self,
        email_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> list[ConversationStatistics]:
        """The statistics of every send of message ``email_id`` (in ``start``..``end``)."""
        return self._with(options)._run_job(
            message_statistics_job(email_id, start, end, deadline, poll_interval)
        )

    def list(self, **options: Unpack[RequestOptions]) -> list[EmailMessage]:
        """The account's e-mail messages (``email/messages``)."""
        return self._with(options)._execute(list_call())


class AsyncMessages(AsyncAPIResource):
    """E-mail and SMS through the platform (protocol §8.6; semantics S11)."""

    async def add_email(
        self,
        subject: str,
        *,
        name: str | None = None,
        html: str | None = None,
        campaign: str | None = None,
        shared: bool = False,
        dynamic: bool = False,
        email_account_id: str | None = None,
        template_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Create an e-mail message (name default: the subject); its ``emailId``."""
        return await self._with(options)._execute(
            add_email_call(
                subject,
                name=name,
                html=html,
                campaign=campaign,
                shared=shared,
                dynamic=dynamic,
                email_account_id=email_account_id,
                template_id=template_id,
            )
        )

    async def add_template(
        self,
        content: str,
        *,
        name: str | None = None,
        shared: bool = False,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Create an e-mail template; its ``templateId``."""
        return await self._with(options)._execute(
            template_call(content, name, shared, upsert=False)
        )

    async def upsert_template(
        self, name: str, content: str, *, shared: bool = False, **options: Unpack[RequestOptions]
    ) -> str:
        """Create the template ``name`` or update its content; its (kept) ``templateId``."""
        return await self._with(options)._execute(template_call(content, name, shared, upsert=True))

    async def send(
        self,
        email_id: str,
        emails: Sequence[str],
        *,
        date: datetime | None = None,
        immediate: bool = False,
        **options: Unpack[RequestOptions],
    ) -> str:
        """The older ``email/send``: message ``email_id`` to ``emails`` at ``date`` (or
        ``immediate``); the ``conversationId``. Not retried once it may have landed."""
        return await self._with(options)._execute(send_call(email_id, emails, date, immediate))

    async def send_email(
        self,
        email_id: str,
        contacts: Sequence[str | Addressee],
        *,
        exclude: Sequence[str | Addressee] = (),
        subject: str | None = None,
        campaign: str | None = None,
        html: str | None = None,
        date: datetime | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Send message ``email_id`` to ``contacts`` (e-mails or EMAIL / CONTACT_ID / TAG
        addressees) minus ``exclude``; an ``html`` must hold ``$opt-out$``. A future
        ``date`` schedules it. The ``conversationId``."""
        body = send_email_body(
            email_id,
            contacts,
            exclude=exclude,
            subject=subject,
            campaign=campaign,
            html=html,
            date=date,
        )
        return await self._with(options)._execute(send_email_call(body))

    async def send_with_attachment(
        self,
        email_id: str,
        contacts: Sequence[str | Addressee],
        attachment: Attachment,
        *,
        exclude: Sequence[str | Addressee] = (),
        subject: str | None = None,
        campaign: str | None = None,
        html: str | None = None,
        date: datetime | None = None,
        immediate: bool = False,
        **options: Unpack[RequestOptions],
    ) -> str:
        """As `send_email`, with a file (sent as ``multipart/form-data``)."""
        body = send_email_body(
            email_id,
            contacts,
            exclude=exclude,
            subject=subject,
            campaign=campaign,
            html=html,
            date=date,
        )
        return await self._with(options)._execute(
            send_with_attachment_call(body, attachment, immediate)
        )

    async def send_sms(
        self,
        text: str,
        contacts: Sequence[str | Addressee],
        *,
        gateway: str | None = None,
        name: str | None = None,
        date: datetime | None = None,
        **options: Unpack[RequestOptions],
    ) -> str:
        """Send an SMS to e-mails or EMAIL / CONTACT_ID / TAG addressees (≤ 10 tags);
        the ``conversationId``."""
        return await self._with(options)._execute(
            send_sms_call(text, contacts, gateway, name, date)
        )

    async def conversations(
        self,
        start: datetime,
        end: datetime,
        *,
        direct: bool = False,
        **options: Unpack[RequestOptions],
    ) -> list[str]:
        """The ids of the e-mail conversations of ``start``..``end``; ``direct``: only
        those whose recipients were named one by one."""
        return await self._with(options)._execute(conversations_call(start, end, direct))

    async def conversation_statistics(
        self,
        conversation_id: str,
        *,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> ConversationStatistics:
        """One send's statistics: the export job is started, polled and read."""
        return await self._with(options)._run_job(
            conversation_statistics_job(conversation_id, deadline, poll_interval)
        )

    async def message_statistics(
        self,
        email_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        deadline: float = DEFAULT_DEADLINE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        **options: Unpack[RequestOptions],
    ) -> list[ConversationStatistics]:
        """The statistics of every send of message ``email_id`` (in ``start``..``end``)."""
        return await self._with(options)._run_job(
            message_statistics_job(email_id, start, end, deadline, poll_interval)
        )

    async def list(self, **options: Unpack[RequestOptions]) -> list[EmailMessage]:
        """The account's e-mail messages (``email/messages``)."""
        return await self._with(options)._execute(list_call())
