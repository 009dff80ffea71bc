"""Refusals on either target: the texts for unknown contacts and for bad fields (contract
layer). The exact texts are grade D (protocol §3.3: "not found in any source"), chosen in
docs/emulator/decisions.md; a live run shows where your account words them otherwise.

Bad fields the SDK itself refuses before sending are sent raw (``Platform.raw``), always
about the test's own contact, so a platform that accepted them would only change that."""

from __future__ import annotations

import pytest
from contract_helpers import Platform

from salesmanago import ContactUpsert, NotFoundError

EMAIL = "<the unknown e-mail>"


def _filled(value: object, email: str) -> object:
    return email if value == EMAIL else value


@pytest.mark.parametrize(
    ("method", "args", "kwargs"),
    [
        ("contacts.update", (), {}),  # the ContactUpsert is built in the test
        ("contacts.delete", (EMAIL,), {}),
        ("tags.manage", (EMAIL,), {"add": ["SM_CONTRACT"]}),
        ("notes.add", ("a note",), {"email": EMAIL}),
    ],
)
async def test_S2_2_unknown_contact_is_not_found_naming_it(
    platform: Platform, method: str, args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    """S2.2, protocol §3.3 (grade D text ``Contact not found: <e-mail>``): update,
    delete, managetags and addNote of an address with no contact."""
    email = platform.unknown_email()
    positional = [_filled(a, email) for a in args] or [ContactUpsert(email=email, name="x")]
    named = {k: _filled(v, email) for k, v in kwargs.items()}
    with pytest.raises(NotFoundError) as raised:
        await platform.call(method, *positional, **named)
    assert raised.value.messages == (f"Contact not found: {email}",)
    assert await platform.call("contacts.has_contact", email) is None  # nothing was created


async def test_S7_5_unknown_event_type_refused_naming_the_field(platform: Platform) -> None:
    """S7.5, protocol §5.5 (types upper case, from the list): a bad
    ``contactExtEventType`` is refused naming the field; no event is added."""
    email = platform.email("bad-type")
    await platform.call("contacts.upsert", ContactUpsert(email=email))
    answer = platform.raw(
        "/api/contact/addContactExtEvent",
        {"email": email, "contactEvent": {"date": 1773000000000, "contactExtEventType": "NOPE"}},
    )
    assert answer["success"] is False
    assert answer["message"] == [
        "Field 'contactEvent.contactExtEventType' must be one of the external event types"
        " of protocol §5.5 (got 'NOPE')"
    ]
    (card,) = await platform.call("contacts.list", [email])
    assert card.ext_events == ()


async def test_S9_1_note_over_1024_characters_refused_not_truncated(platform: Platform) -> None:
    """S9.1: a note of 1025 characters is refused naming the field, never truncated."""
    email = platform.email("long-note")
    await platform.call("contacts.upsert", ContactUpsert(email=email))
    answer = platform.raw("/api/contact/addNote", {"email": email, "note": "n" * 1025})
    assert answer["success"] is False
    assert answer["message"] == ["Field 'note' must be at most 1024 characters long (got 1025)"]
    (card,) = await platform.call("contacts.list", [email])
    assert card.notes == ()
