"""Contacts on the wire, issue 12: the §14 facts about ``insert`` and e-mail spelling;
``batchupsertv2`` (an import job), ``batchDelete`` and ``paginatedListById``.

Raw JSON through the in-process transport and through a real server socket.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from routes_helpers import A_ID, A_OWNER, A_SECOND, B_ID, B_OWNER, B_SECRET, OMIT, snapshot
from routes_server import WIRES, over

from salesmanago_emulator import Emulator

KELVIN = "\u212a"


@pytest.mark.parametrize("wire", WIRES)
def test_protocol_14_insert_of_a_live_email_is_refused_with_its_contact_id(
    emu: Emulator, wire: str
) -> None:
    """§14: a live suite re-runs an insert of a fixed address and reads ``contactId``;
    the insert is still refused and changes nothing (S2.1, S2.2)."""
    with over(emu, wire) as api:
        contact_id = api.ok("contact/insert", contact={"email": "fixed@example.com"})["contactId"]
        before = snapshot(emu.account(A_ID))
        envelope = api.post("contact/insert", contact={"email": "Fixed@Example.com", "name": "X"})
    assert envelope == {
        "success": False,
        "message": ["Contact with email fixed@example.com already exists"],
        "contactId": contact_id,
    }
    assert snapshot(emu.account(A_ID)) == before


@pytest.mark.parametrize("wire", WIRES)
def test_new_email_taken_carries_no_contact_id(emu: Emulator, wire: str) -> None:
    """Only an insert's refusal names the card; an upsert's ``newEmail`` conflict does not."""
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        api.upsert("b@example.com")
        envelope = api.post(
            "contact/upsert", contact={"email": "a@example.com"}, newEmail="b@example.com"
        )
    assert envelope == {
        "success": False,
        "message": ["Contact with email b@example.com already exists"],
    }


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(
    "path", ["contact/upsert", "contact/insert", "contact/update", "contact/batchupsert"]
)
def test_protocol_3_4_kelvin_sign_email_is_refused_on_every_write(
    emu: Emulator, wire: str, path: str
) -> None:
    """§14 (issue 12): ``\\u212aate@example.com`` folds to ``kate@...`` only by case
    folding; every write refuses it, and it does not name the ``kate`` card."""
    email = f"{KELVIN}ate@example.com"
    with over(emu, wire) as api:
        api.upsert("kate@example.com", contact={"name": "Kate"})
        before = snapshot(emu.account(A_ID))
        if path == "contact/batchupsert":
            envelope = api.post(path, upsertDetails=[{"contact": {"email": email}}])
            assert envelope["failures"] == {
                "0": ["Field 'upsertDetails[0].contact.email' must be a valid e-mail address"]
            }
        elif path == "contact/update":
            assert api.fail(path, email=email, contact={"name": "K"}) == [
                f"Contact not found: {email}"
            ]
        else:
            assert api.fail(path, contact={"email": email, "name": "K"}) == [
                "Field 'contact.email' must be a valid e-mail address"
            ]
        assert api.ok("contact/hasContact", email=email)["result"] is False
    assert snapshot(emu.account(A_ID)) == before


# --- contact/batchupsertv2 (protocol §3.1, §6; issue 12 wire §2) ----------------------

V2 = "contact/batchupsertv2"
STATUS = "job/status"


def _details(*emails: str) -> list[dict[str, object]]:
    return [{"contact": {"email": email}} for email in emails]


@pytest.mark.parametrize("wire", WIRES)
def test_batchupsertv2_answers_a_request_id_and_applies_on_the_done_poll(
    emu: Emulator, wire: str
) -> None:
    """``requestId`` (digits) at once; nothing applied until ``job/status`` finds the
    job done (by default: the first poll); then ``fileUrl`` with ``contactIds`` and
    ``failures`` as ``batchupsert`` names them."""
    details = [
        {"contact": {"email": "a@example.com", "name": "A"}, "tags": ["NEW"]},
        {"contact": {"email": "not-an-email"}},
        {"contact": "oops"},
        {"contact": {"email": "b@example.com"}},
    ]
    with over(emu, wire) as api:
        envelope = api.ok(V2, upsertDetails=details, lang="PL")
        assert set(envelope) == {"success", "message", "requestId"}
        request_id = envelope["requestId"]
        assert isinstance(request_id, str)
        assert request_id.isdigit()
        assert api.ok("contact/hasContact", email="a@example.com")["result"] is False
        status = api.ok(STATUS, requestId=request_id)
        assert set(status) == {"success", "message", "fileUrl"}
        file = api.get(status["fileUrl"])
        assert file.status_code == 200
        (card,) = api.ok("contact/list", email=["a@example.com"])["contacts"]
    account = emu.account(A_ID)
    assert file.json() == {
        "contactIds": {
            "a@example.com": account.find_live("a@example.com").id,
            "b@example.com": account.find_live("b@example.com").id,
        },
        "failures": {
            "1": ["Field 'upsertDetails[1].contact.email' must be a valid e-mail address"],
            "2": ["Field 'upsertDetails[2].contact' must be an object"],
        },
    }
    assert card["name"] == "A"
    assert [t["tag"] for t in card["contactTags"]] == ["NEW"]
    assert account.find_live("b@example.com").lang == "PL"  # the batch's lang, per item


@pytest.mark.parametrize("wire", WIRES)
def test_batchupsertv2_runs_under_the_job_rules_with_its_own_progress_text(
    emu: Emulator, wire: str
) -> None:
    """``pollsUntilDone`` and ``processingSeconds`` hold for imports as for exports;
    while running ``job/status`` answers ``Import {requestId} in progress`` and no read
    shows the contacts, whichever of clock and polls comes last."""
    emu.control("jobs/configure", {"clientId": A_ID, "pollsUntilDone": 1, "processingSeconds": 60})
    with over(emu, wire) as api:
        request_id = api.ok(V2, upsertDetails=_details("a@example.com"))["requestId"]
        for _ in range(2):
            running = api.ok(STATUS, requestId=request_id)
            assert running["message"] == [f"Import {request_id} in progress"]
            assert "fileUrl" not in running
        emu.clock.advance(timedelta(seconds=60))
        assert api.ok("contact/hasContact", email="a@example.com")["result"] is False
        assert "fileUrl" in api.ok(STATUS, requestId=request_id)
        assert api.ok("contact/hasContact", email="a@example.com")["result"] is True


@pytest.mark.parametrize("wire", WIRES)
def test_batchupsertv2_fire_events_is_recorded_on_the_job(emu: Emulator, wire: str) -> None:
    """``fireEvents`` (default true) is kept on the job and shown by the control API's
    ``jobs``; no rule or workflow fires on an import in the emulator yet."""
    with over(emu, wire) as api:
        api.ok(V2, upsertDetails=_details("a@example.com"))
        api.ok(V2, upsertDetails=_details("b@example.com"), fireEvents=False)
        assert api.fail(V2, upsertDetails=_details("c@example.com"), fireEvents="no") == [
            "Field 'fireEvents' must be a boolean"
        ]
    jobs = emu.control("jobs", {"clientId": A_ID})["jobs"]
    assert [(j["kind"], j["import"]["fireEvents"], j["import"]["items"]) for j in jobs] == [
        ("CONTACT_IMPORT", True, 1),
        ("CONTACT_IMPORT", False, 1),
    ]
    assert {j["import"]["owner"] for j in jobs} == {A_OWNER}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"upsertDetails": OMIT}, "Field 'upsertDetails' is required"),
        ({"upsertDetails": []}, "Field 'upsertDetails' must not be empty"),
        ({"upsertDetails": "x"}, "Field 'upsertDetails' must be a list of objects"),
        (
            {"upsertDetails": _details(*(f"u{i}@example.com" for i in range(1001)))},
            "Field 'upsertDetails' must hold at most 1000 items",
        ),
        ({"lang": 5}, "Field 'lang' must be a string"),
        ({"owner": OMIT}, "Not authenticated, not owner specified"),
        ({"owner": B_OWNER}, "Not authenticated, invalid owner"),
    ],
)
@pytest.mark.parametrize("wire", WIRES)
def test_batchupsertv2_refusals_start_no_job(
    emu: Emulator, wire: str, fields: dict[str, object], message: str
) -> None:
    with over(emu, wire) as api:
        body = {"upsertDetails": _details("a@example.com"), **fields}
        assert api.fail(V2, **body) == [message]
    assert emu.account(A_ID).exports.jobs == ()
    assert emu.account(A_ID).count() == 0


@pytest.mark.parametrize("wire", WIRES)
def test_batchupsertv2_job_belongs_to_its_account(emu: Emulator, wire: str) -> None:
    """S1.2: account B cannot poll A's import (ids repeat across accounts)."""
    with over(emu, wire) as api:
        request_id = api.ok(V2, upsertDetails=_details("a@example.com"))["requestId"]
    with over(emu, wire, client_id=B_ID, secret=B_SECRET, owner=B_OWNER) as api_b:
        assert api_b.fail(STATUS, requestId=request_id) == [
            f"Field 'requestId' names no job of this account (got {request_id})"
        ]
    assert emu.account(B_ID).count() == 0
    assert emu.account(A_ID).count() == 0


# --- contact/batchDelete (protocol §5.4; S3.1, S3.3; issue 12 wire §2) -----------------

DELETE = "contact/batchDelete"


def _to(kind: str, value: str) -> dict[str, str]:
    return {"addresseeType": kind, "value": value}


@pytest.mark.parametrize("wire", WIRES)
def test_batch_delete_soft_deletes_every_addressee(emu: Emulator, wire: str) -> None:
    """EMAIL, CONTACT_ID (any case) and TAG (every live card carrying it); ``result`` null;
    the cards are soft-deleted as ``delete`` does (restorable until 02:00)."""
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        b_id = api.upsert("b@example.com")
        api.upsert("c@example.com", tags=["OLD"])
        api.upsert("d@example.com", tags=["old"])
        api.upsert("keep@example.com", tags=["NEW"])
        contacts = [_to("email", "A@Example.com"), _to("CONTACT_ID", b_id), _to("Tag", "old")]
        envelope = api.ok(DELETE, contacts=contacts)
        assert envelope == {"success": True, "message": [], "result": None}
        assert api.ok("contact/hasContact", email="c@example.com")["result"] is False
    deleted = {r.email for r in account.all_contacts() if r.deleted}
    assert deleted == {"a@example.com", "b@example.com", "c@example.com", "d@example.com"}
    assert account.count() == 1
    account.contacts.restore("a@example.com")  # soft: restorable (S3.1)


@pytest.mark.parametrize("wire", WIRES)
def test_batch_delete_permanently_removes_soft_deleted_ones_too(emu: Emulator, wire: str) -> None:
    """S3.3: ``permanently`` removes at once, a card already soft-deleted included (as
    ``delete`` with ``permanently`` does)."""
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        api.upsert("b@example.com")
        api.ok("contact/delete", email="b@example.com")
        contacts = [_to("EMAIL", "a@example.com"), _to("EMAIL", "b@example.com")]
        api.ok(DELETE, contacts=contacts, permanently=True)
    assert list(account.all_contacts()) == []


@pytest.mark.parametrize(
    ("contacts", "message"),
    [
        ([_to("EMAIL", "a@example.com"), _to("EMAIL", "nobody@example.com")], "nobody"),
        ([_to("CONTACT_ID", "00000000-0000-4000-8000-000000000000")], "00000000"),
        ([_to("EMAIL", "a@example.com"), _to("EMAIL", "gone@example.com")], "gone"),
        ([_to("EMAIL", "a@example.com"), _to("PHONE", "1")], "phone"),
        ([_to("TAG", " ")], "tag"),
        ([], "empty"),
    ],
    ids=["unknown-email", "unknown-id", "soft-deleted", "bad-type", "blank-tag", "none"],
)
@pytest.mark.parametrize("wire", WIRES)
def test_batch_delete_refusal_changes_nothing(
    emu: Emulator, wire: str, contacts: list[dict[str, str]], message: str
) -> None:
    """All addressees are resolved before anything changes: one unknown (or an already
    soft-deleted card, without ``permanently``) refuses the call, and no card goes."""
    texts = {
        "nobody": "Contact not found: nobody@example.com",
        "00000000": "Contact not found: 00000000-0000-4000-8000-000000000000",
        "gone": "Contact not found: gone@example.com",
        "phone": "Field 'contacts[1].addresseeType' must be one of EMAIL, CONTACT_ID, TAG",
        "tag": "Field 'contacts[0].value' must not be empty",
        "empty": "Field 'contacts' must not be empty",
    }
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        api.upsert("a@example.com", tags=["T"])
        api.upsert("gone@example.com")
        api.ok("contact/delete", email="gone@example.com")
        before = snapshot(account)
        assert api.fail(DELETE, contacts=contacts) == [texts[message]]
    assert snapshot(account) == before


@pytest.mark.parametrize("wire", WIRES)
def test_batch_delete_by_a_read_only_owner_changes_nothing(emu: Emulator, wire: str) -> None:
    """S1.4: a read-only owner of any named card refuses the whole call."""
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        api.upsert("a@example.com")
        api.upsert("b@example.com")
    account.users.add_owner("b@example.com", A_SECOND, "READ_ONLY")
    before = snapshot(account)
    with over(emu, wire, owner=A_SECOND) as second:
        contacts = [_to("EMAIL", "a@example.com"), _to("EMAIL", "b@example.com")]
        assert second.fail(DELETE, contacts=contacts) == [
            f"Owner {A_SECOND} has read-only access to contact b@example.com"
        ]
    assert snapshot(account) == before


@pytest.mark.parametrize("wire", WIRES)
def test_batch_delete_of_another_account_names_nobody(emu: Emulator, wire: str) -> None:
    """S1.2: B naming A's card (by e-mail or id) finds nothing; A is untouched."""
    with over(emu, wire) as api:
        a_id = api.upsert("a@example.com", tags=["T"])
    before = snapshot(emu.account(A_ID))
    with over(emu, wire, client_id=B_ID, secret=B_SECRET, owner=B_OWNER) as api_b:
        assert api_b.fail(DELETE, contacts=[_to("CONTACT_ID", a_id)]) == [
            f"Contact not found: {a_id}"
        ]
        assert api_b.ok(DELETE, contacts=[_to("TAG", "T")])["result"] is None
    assert snapshot(emu.account(A_ID)) == before


# --- contact/paginatedListById (S1.7; issue 12 wire §2) --------------------------------

PAGED = "contact/paginatedListById"


@pytest.mark.parametrize("wire", WIRES)
def test_paginated_list_by_id_pages_the_owners_live_cards_oldest_first(
    emu: Emulator, wire: str
) -> None:
    """The request owner's live cards (any owner level, S1.7), oldest first, in the full
    shape of ``listById``; ``hasMore`` while a later page holds some."""
    account = emu.account(A_ID)
    with over(emu, wire) as api:
        for i in range(5):
            api.upsert(f"u{i}@example.com")
            emu.clock.advance(timedelta(seconds=1))
        api.ok("contact/delete", email="u1@example.com")
        pages = [api.ok(PAGED, page=n, size=2) for n in range(3)]
        (full,) = api.ok("contact/listById", contactId=[pages[0]["contacts"][0]["id"]])["contacts"]
    assert [[c["email"] for c in p["contacts"]] for p in pages] == [
        ["u0@example.com", "u2@example.com"],
        ["u3@example.com", "u4@example.com"],
        [],
    ]
    assert [p["hasMore"] for p in pages] == [True, False, False]
    assert pages[0]["contacts"][0] == full
    assert account.count() == 4


@pytest.mark.parametrize("wire", WIRES)
def test_paginated_list_by_id_shows_only_the_request_owners_cards(emu: Emulator, wire: str) -> None:
    """S1.7: another user's cards are left out, unless the request owner co-owns them;
    ``user`` stands for ``owner`` as on the other reads (§13.4)."""
    account = emu.account(A_ID)
    with over(emu, wire, owner=A_SECOND) as second:
        second.upsert("theirs@example.com")
        second.upsert("shared@example.com")
    with over(emu, wire) as api:
        api.upsert("mine@example.com")
        account.users.add_owner("shared@example.com", A_OWNER, "READ_ONLY")
        page = api.ok(PAGED, page=0, size=10)
        as_user = api.ok(PAGED, page=0, size=10, owner=OMIT, user=A_SECOND)
    assert [c["email"] for c in page["contacts"]] == ["shared@example.com", "mine@example.com"]
    assert [c["email"] for c in as_user["contacts"]] == [
        "theirs@example.com",
        "shared@example.com",
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"page": OMIT}, "Field 'page' is required"),
        ({"page": -1}, "Field 'page' must be at least 0"),
        ({"size": 0}, "Field 'size' must be at least 1"),
        ({"size": 1001}, "Field 'size' must be at most 1000"),
        ({"size": "ten"}, "Field 'size' must be an integer"),
        ({"owner": OMIT}, "Not authenticated, not owner specified"),
    ],
)
def test_paginated_list_by_id_refusals(
    emu: Emulator, fields: dict[str, object], message: str
) -> None:
    with over(emu, "server") as api:
        assert api.fail(PAGED, **{"page": 0, "size": 10, **fields}) == [message]
