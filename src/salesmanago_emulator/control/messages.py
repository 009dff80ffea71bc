"""Control operations on messages (S11; protocol §8.6): set up what to send, read the
message records, and simulate what the recipient does.

- ``email/templates/create``: ``{clientId?, emailId?, name?, subject?}`` -> ``{emailId}``:
  an e-mail message to send (``account.messages.create_email``); an ``emailId``
  already known is renamed instead.
- ``messages`` (read-only): the message records of ``contact`` (e-mail or id),
  ``conversationId``, ``campaign`` or ``company`` (one of them; none: every card's),
  each with its ``status``, ``opens`` and ``clicks``; with ``conversationId`` also
  the ``conversation``.
- ``messages/open`` ``{messageId, date?}``, ``messages/click`` ``{messageId, url?,
  date?}``: the recipient opens / clicks a delivered message (``SENT``).
- ``messages/bounce`` ``{messageId, kind: soft|hard|unknown}``: ``SF`` / ``HF`` / ``UF``;
  a hard bounce marks the card invalid.
- ``messages/complaint`` ``{messageId}``: a spam complaint: the card is opted out with
  source ``FEEDBACK_COMPL`` (S10.2).
- ``messages/cancel`` ``{conversationId}``: a queued send's ``WFS`` records become ``C``.

Each acts on the account named by ``clientId`` (default: the first). A record in
the wrong status is a 400 naming it; an unknown ``messageId`` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..snapshot.messages import dump_conversation, dump_record
from ..state.messages import MessageRecord
from ._base import ControlArgs, ControlledEmulator, ControlOperation

__all__ = ["OPERATIONS"]


def _create(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Create (or rename) an e-mail message to send: emailId?, name?, subject?."""
    account = args.account(emulator)
    message = account.messages.create_email(
        name=args.text("name", None),
        subject=args.text("subject", None),
        email_id=args.text("emailId", None),
    )
    return {"emailId": message.id}


def _messages(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Message records of a contact, conversationId, campaign or company (none: all)."""
    account = args.account(emulator)
    area = account.messages
    contact = args.text("contact", None)
    conversation_id = args.text("conversationId", None)
    campaign = args.text("campaign", None)
    company = args.text("company", None)
    answer: dict[str, Any] = {}
    found: list[MessageRecord]
    if contact is not None:
        found = area.of(account.find_live(contact))
    elif conversation_id is not None:
        answer["conversation"] = dump_conversation(area.conversation(conversation_id))
        found = area.records(conversation_id)
    elif campaign is not None:
        found = area.of_campaign(campaign)
    elif company is not None:
        found = list(account.companies.company(company).mailings)
    else:
        found = [m for record in account.all_contacts() for m in area.of(record)]
    answer["messages"] = [dump_record(m) for m in found]
    return answer


def _open(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The recipient opens a delivered message: messageId, date? (default now)."""
    account = args.account(emulator)
    message = account.messages.open(args.text("messageId"), args.instant("date", None))
    return {"record": dump_record(message)}


def _click(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """The recipient clicks a link of a delivered message: messageId, url?, date?."""
    account = args.account(emulator)
    message = account.messages.click(
        args.text("messageId"), args.text("url", None), args.instant("date", None)
    )
    return {"record": dump_record(message)}


def _bounce(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """A delivered message bounces: messageId, kind soft | hard (card invalid) | unknown."""
    account = args.account(emulator)
    message = account.messages.bounce(args.text("messageId"), args.text("kind"))
    return {"record": dump_record(message)}


def _complaint(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """A spam complaint about a delivered message: the card opts out (FEEDBACK_COMPL)."""
    account = args.account(emulator)
    message = account.messages.complaint(args.text("messageId"))
    return {"record": dump_record(message), "optedOut": True}


def _cancel(emulator: ControlledEmulator, args: ControlArgs) -> Mapping[str, Any]:
    """Cancel a queued send: its WFS records become C; how many (``cancelled``)."""
    account = args.account(emulator)
    return {"cancelled": account.messages.cancel(args.text("conversationId"))}


OPERATIONS: Final[tuple[ControlOperation, ...]] = (
    ControlOperation(
        name="email/templates/create",
        handler=_create,
        keys=("clientId", "emailId", "name", "subject"),
    ),
    ControlOperation(
        name="messages",
        handler=_messages,
        read_only=True,
        keys=("clientId", "contact", "conversationId", "campaign", "company"),
    ),
    ControlOperation(name="messages/open", handler=_open, keys=("clientId", "messageId", "date")),
    ControlOperation(
        name="messages/click", handler=_click, keys=("clientId", "messageId", "url", "date")
    ),
    ControlOperation(
        name="messages/bounce", handler=_bounce, keys=("clientId", "messageId", "kind")
    ),
    ControlOperation(name="messages/complaint", handler=_complaint, keys=("clientId", "messageId")),
    ControlOperation(name="messages/cancel", handler=_cancel, keys=("clientId", "conversationId")),
)
"""This module's operations."""
