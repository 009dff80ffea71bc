"""Messages over a real socket (S11.1, S11.2; protocol §8.6): the issue's first "Done
when" line through the SDK's sync and async clients against ``EmulatorServer``, and
``email/sendWithAttachment`` as a multipart form through the server's door."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from messages_helpers import (
    EXPECTED,
    HTML,
    INVALID,
    MIXED,
    OPTED_OUT,
    UNKNOWN,
    VALID,
    arrange_mixed,
    statuses,
)
from server_helpers import CLIENT_ID, OWNER, SECRET

from salesmanago import AsyncSalesManago, Attachment, SalesManago
from salesmanago_emulator import Emulator, EmulatorServer

SETTINGS = {"client_id": CLIENT_ID, "api_secret": SECRET, "owner": OWNER, "max_retries": 0}


def test_done_when_mixed_list_through_the_server_sync(
    server: EmulatorServer, emu: Emulator
) -> None:
    """Each recipient's status on its card and in the statistics export, over HTTP."""
    account = emu.account(CLIENT_ID)
    email_id = arrange_mixed(account, OWNER)
    with SalesManago(endpoint=server.url, **SETTINGS) as sm:
        conversation_id = sm.messages.send_email(email_id, list(MIXED), html=HTML)
        cards = sm.contacts.list([VALID, OPTED_OUT, INVALID])
        assert {c.email: c.email_messages[0].status for c in cards} == {
            e: EXPECTED[e] for e in (VALID, OPTED_OUT, INVALID)
        }
        stats = sm.messages.conversation_statistics(conversation_id, poll_interval=0.01)
    assert {line.email: line.status for line in stats.messages} == EXPECTED
    assert stats.skipped == (UNKNOWN,)
    assert statuses(account) == {e: [s] for e, s in EXPECTED.items()}


async def test_done_when_mixed_list_through_the_server_async(
    server: EmulatorServer, emu: Emulator
) -> None:
    """The async client over HTTP, with a file: sendWithAttachment is a multipart form
    the server reads (its JSON part and its file part)."""
    account = emu.account(CLIENT_ID)
    email_id = arrange_mixed(account, OWNER)
    file = Attachment(filename="offer.pdf", content=b"%PDF-1.4", content_type="application/pdf")
    async with AsyncSalesManago(endpoint=server.url, **SETTINGS) as asm:
        conversation_id = await asm.messages.send_with_attachment(
            email_id, list(MIXED), file, html=HTML
        )
        stats = await asm.messages.conversation_statistics(conversation_id, poll_interval=0.01)
    assert {line.email: line.status for line in stats.messages} == EXPECTED
    assert account.messages.conversation(conversation_id).attachment == "offer.pdf"
    (call,) = [c for c in emu.calls if c.path == "/api/email/sendWithAttachment"]
    assert call.request is not None
    assert call.request["sha"] == "***"
    assert call.request["attachment"] == {
        "filename": "offer.pdf",
        "contentType": "application/pdf",
        "size": 8,
    }
