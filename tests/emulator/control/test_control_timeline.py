"""The timeline's control operation (seed 003 §14): ``contacts/timeline``.

The entries themselves are tested through Python in
``tests/emulator/state/test_state_timeline.py``.
"""

from __future__ import annotations

from control_helpers import refusal
from routes_helpers import A_ID, A_OWNER, A_SECOND, NOW, Api

from salesmanago_emulator import Account, Emulator


def test_control_contacts_timeline_lists_a_cards_system_events(
    emu: Emulator, api: Api, account_a: Account
) -> None:
    contact_id = api.upsert("ann@example.com", forceOptIn=True)
    account_a.users.add_owner("ann@example.com", A_SECOND)
    answer = emu.control("contacts/timeline", {"clientId": A_ID, "contact": contact_id})
    assert answer["timeline"] == [
        {"kind": "CONTACT_CREATED", "date": NOW.isoformat(), "details": {"owner": A_OWNER}},
        {"kind": "EMAIL_OPTED_IN", "date": NOW.isoformat(), "details": {"source": "FROM_INIT"}},
        {
            "kind": "OWNER_ASSIGNED",
            "date": NOW.isoformat(),
            "details": {"owner": A_SECOND, "level": "CO_OWNER"},
        },
    ]
    chosen = emu.control(
        "contacts/timeline", {"contact": "ann@example.com", "kinds": "OWNER_ASSIGNED"}
    )
    assert [e["kind"] for e in chosen["timeline"]] == ["OWNER_ASSIGNED"]


def test_control_contacts_timeline_refusals(emu: Emulator, api: Api) -> None:
    api.upsert("ann@example.com")
    for body, status, text in (
        ({"contact": "nobody@example.com"}, 404, "Contact not found: nobody@example.com"),
        ({}, 400, "Field 'contact' is required"),
        ({"contact": "ann@example.com", "kinds": ["VISIT"]}, 400, "Field 'kinds' must be one of"),
        ({"contact": "ann@example.com", "kinds": 3}, 400, "Field 'kinds' must be a list"),
    ):
        got_status, message = refusal(emu, "contacts/timeline", body)
        assert (got_status, message[: len(text)]) == (status, text), message
