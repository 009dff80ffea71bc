"""Message models: e-mail messages, attachments, statuses and statistics (protocol §8.6;
semantics S11)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum

import attrs

from .._converter import wire

__all__ = [
    "Attachment",
    "ContactEmailMessage",
    "ContactSmsMessage",
    "ConversationStatistics",
    "EmailMessage",
    "MessageStatus",
    "RecipientStatistics",
]


class MessageStatus(str, Enum):
    """A message's delivery status (semantics S11.1; seed 003 §4).

    A status is read as a plain string (a platform status this list lacks still
    reads); compare it with these members, which are strings too.
    """

    SENT = "SENT"
    """Delivered (the platform lists no failure; the emulator names it so)."""
    FAILED_PERMANENTLY = "FP"
    INVALID_EMAIL = "IE"
    OPTED_OUT = "OO"
    PRODUCT_FAILED = "PF"
    TEMPLATE_ERROR = "TE"
    TEMPLATE_REJECTED = "TR"
    SOFT_BOUNCE = "SF"
    CONNECTION_FAILED = "LF"
    HARD_BOUNCE = "HF"
    NO_SUCH_ADDRESS = "UF"
    CANCELED = "C"
    WAITING_FOR_SENDING = "WFS"


@attrs.frozen(kw_only=True)
class Attachment:
    """A file sent with ``email/sendWithAttachment`` (never printed whole)."""

    filename: str
    content: bytes = attrs.field(repr=lambda c: f"<{len(c)} bytes>")
    content_type: str = "application/octet-stream"


@attrs.frozen(kw_only=True)
class EmailMessage:
    """An e-mail message of the account (``standardMessages[]`` of ``email/messages``)."""

    email_id: str = attrs.field(metadata=wire(name="id"))
    name: str | None = None
    subject: str | None = None
    created_on: datetime | None = None
    modified_on: datetime | None = None
    shared: bool = False
    email_account_id: str | None = None
    user_account_id: str | None = None
    campaign: str | None = None


@attrs.frozen(kw_only=True)
class ContactEmailMessage:
    """An e-mail of a contact (``emailMessages[]`` of the full contact; S11.1): what,
    from which account, how it was sent, its status, first open and first click."""

    message_id: str | None = attrs.field(default=None, metadata=wire(name="id"))
    conversation_id: str | None = None
    name: str | None = None
    subject: str | None = None
    email_account: str | None = None
    sent_by: str | None = None
    campaign: str | None = None
    created_on: datetime | None = None
    send_date: datetime | None = None
    status: str | None = None
    opened_date: datetime | None = None
    clicked_date: datetime | None = None


@attrs.frozen(kw_only=True)
class ContactSmsMessage:
    """An SMS of a contact (``smsMessages[]`` of the full contact; seed 003 §4)."""

    message_id: str | None = attrs.field(default=None, metadata=wire(name="id"))
    conversation_id: str | None = None
    name: str | None = None
    sender: str | None = None
    phone: str | None = None
    created_on: datetime | None = None
    send_date: datetime | None = None
    status: str | None = None


@attrs.frozen(kw_only=True)
class RecipientStatistics:
    """One recipient of a send in a statistics file: status, send, first open and click."""

    message_id: str | None = None
    contact_id: str | None = None
    email: str | None = None
    address: str | None = None
    status: str | None = None
    send_date: datetime | None = None
    opened_date: datetime | None = None
    clicked_date: datetime | None = None
    opens: int = 0
    clicks: int = 0


@attrs.frozen(kw_only=True)
class ConversationStatistics:
    """One send's statistics (``email/conversationStatistics``): counts and recipients.

    ``statuses`` counts the recipients per status; ``skipped`` are the addressees that
    named no contact.
    """

    conversation_id: str
    name: str | None = None
    channel: str | None = None
    created_on: datetime | None = None
    send_date: datetime | None = None
    recipients: int = 0
    delivered: int = 0
    opened: int = 0
    clicked: int = 0
    statuses: Mapping[str, int] = attrs.field(factory=dict)
    skipped: tuple[str, ...] = ()
    messages: tuple[RecipientStatistics, ...] = ()

    def status_of(self, email: str) -> str | None:
        """The status of the recipient with this e-mail (any case), or ``None``."""
        wanted = email.strip().lower()
        for line in self.messages:
            if line.email is not None and line.email.lower() == wanted:
                return line.status
        return None
