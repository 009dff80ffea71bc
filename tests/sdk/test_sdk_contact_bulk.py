"""The Contact Manager through public endpoints (issue 14, item 4): ``contacts.recount``
selects contacts with the platform's export jobs and changes nothing; ``contacts.bulk``
carries out actions through batch calls, sync and async, with a result per contact
(S15.1 selection, S15.3 actions, protocol §6, §7, §8.3, §8.4)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from bulk_helpers import CLIENT_ID, OWNER, Sync, new_emulator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import salesmanago
from salesmanago import (
    AddNote,
    AddTags,
    AddToFunnelStage,
    BulkProgress,
    BulkRecount,
    ChangeMainOwner,
    ContactSelection,
    ContactState,
    ContactUpsert,
    DeleteContacts,
    EmailOptOut,
    PhoneOptIn,
    PhoneOptOut,
    RemoveTags,
    RowStatus,
    SelectedContact,
    SetDetails,
    SetState,
    ValidationError,
)
from salesmanago_emulator import Emulator, FrozenClock

OTHER_USER = "seller@shop.example.com"
#: The tags of each contact ``user<i>@example.com`` of `seeded`.
TAGS: dict[int, tuple[str, ...]] = {
    0: ("VIP",),
    1: ("VIP", "LEAD"),
    2: ("LEAD",),
    3: (),
    4: ("VIP", "LEAD", "BLOCKED"),
    5: ("VIP", "BLOCKED"),
}
WRITES = ("batchupsert", "batchDelete", "addNote", "setMainOwner", "addContact", "optout")


def email(i: int) -> str:
    return f"user{i}@example.com"


@pytest.fixture
def emu() -> Emulator[FrozenClock]:
    """An account whose contacts carry `TAGS`, with a second user and a funnel."""
    emu = new_emulator()
    emu.account(CLIENT_ID).users.add(OTHER_USER)
    client = emu.client(CLIENT_ID)
    client.contacts.batch_upsert([ContactUpsert(email=email(i), tags=t) for i, t in TAGS.items()])
    client.funnels.add("Sales", ["Lead in", "Offer"])
    client.close()
    return emu


@pytest.fixture(params=["sync", "async"])
def run(request: pytest.FixtureRequest, emu: Emulator[FrozenClock]) -> Sync:
    """Calls a resource method on the sync or the async client of ``emu``."""
    return Sync(str(request.param), emu, max_retries=0)


def emails_of(recount: BulkRecount) -> set[str]:
    return {c.email or "" for c in recount.contacts}


def writes(emu: Emulator[FrozenClock], since: int) -> list[str]:
    """The paths of the write requests the account received after its first ``since``."""
    return [c.path for c in list(emu.calls)[since:] if any(w in c.path for w in WRITES)]


# --- recount (S15.1) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (ContactSelection(any_tags=["vip"]), {0, 1, 4, 5}),
        (ContactSelection(all_tags=["VIP", "LEAD"]), {1, 4}),
        (ContactSelection(any_tags=["LEAD", "BLOCKED"], all_tags=["VIP"]), {1, 4, 5}),
        (ContactSelection(any_tags=["VIP"], exclude_tags=["BLOCKED"]), {0, 1}),
        (ContactSelection(emails=[email(3)], any_tags=["LEAD"]), {1, 2, 3, 4}),
        (ContactSelection(everyone=True, exclude_tags=["VIP", "LEAD"]), {3}),
        (ContactSelection(any_tags=["VIP"], where=lambda c: c.email != email(0)), {1, 4, 5}),
    ],
)
def test_s15_1_recount_selects_by_tags_names_and_exclusions(
    run: Sync, emu: Emulator[FrozenClock], selection: ContactSelection, expected: set[int]
) -> None:
    """S15.1: any / all / excluded tags, named contacts and everyone, each evaluated by
    the platform's export jobs; a recount changes nothing (no write, no card modified)."""
    before = {r.id: r.modified_on for r in emu.account(CLIENT_ID).all_contacts()}
    emu.clock.advance(timedelta(minutes=5))  # a change would move modified_on
    start = len(emu.calls)
    recount = run("contacts.recount", selection)
    assert emails_of(recount) == {email(i) for i in expected}
    assert recount.count == len(expected)
    assert writes(emu, start) == []
    assert {r.id: r.modified_on for r in emu.account(CLIENT_ID).all_contacts()} == before


def test_s15_1_soft_deleted_never_selected_and_unknown_names_reported(
    run: Sync, emu: Emulator[FrozenClock]
) -> None:
    """S3.1: a soft-deleted contact is not selected, by tag or by name; names of no live
    contact come back in ``missing``."""
    emu.account(CLIENT_ID).contacts.delete(email(0), permanently=False, owner=OWNER)
    recount = run(
        "contacts.recount",
        ContactSelection(emails=[email(0), "nobody@example.com"], any_tags=["VIP"]),
    )
    assert emails_of(recount) == {email(1), email(4), email(5)}
    assert recount.missing == (email(0), "nobody@example.com")


def test_recount_data_feeds_where_with_the_types_fetched(run: Sync) -> None:
    """``where`` runs on the exported data; ``fetch`` names the export's data types."""
    seen: list[SelectedContact] = []

    def where(contact: SelectedContact) -> bool:
        seen.append(contact)
        return "BLOCKED" in {t["tag"] for t in contact.data["contactTags"]}

    selection = ContactSelection(any_tags=["VIP"], where=where, fetch=["CONTACT", "TAG"])
    recount = run("contacts.recount", selection)
    assert emails_of(recount) == {email(4), email(5)}
    assert len(seen) == 4


# --- bulk: every action (S15.3) ------------------------------------------------------------


def test_s15_3_bulk_applies_every_action_to_the_selected_contacts_only(
    run: Sync, emu: Emulator[FrozenClock]
) -> None:
    """S15.3: tags added and removed, a detail, the state, e-mail opt-out, mobile opt-in,
    a funnel stage, a note and a new main owner, in one run; the others stay as they were."""
    seen: list[BulkProgress] = []
    account = emu.account(CLIENT_ID)
    account.optin.opt_in(email(1))  # so that the opt-out shows
    others = {i: account.find_live(email(i)).modified_on for i in (0, 2, 3, 5)}
    emu.clock.advance(timedelta(minutes=5))  # a change would move modified_on
    actions = [
        AddTags("DONE"),
        RemoveTags(["LEAD"]),
        SetDetails({"tier": "gold"}),
        SetState(ContactState.CUSTOMER),
        EmailOptOut(),
        PhoneOptIn(),
        AddToFunnelStage("Sales", "Offer"),
        AddNote("moved to gold", private=True),
        ChangeMainOwner(OTHER_USER),
    ]
    report = run(
        "contacts.bulk", ContactSelection(all_tags=["VIP", "LEAD"]), actions, progress=seen.append
    )
    assert report.complete
    assert report.error is None
    assert report.failed == ()
    assert [o.step for o in report.results[0].outcomes] == [
        "batchupsert",
        "funnel/addContact",
        "contact/addNote",
        "contact/setMainOwner",
    ]
    for i in (1, 4):
        card = account.find_live(email(i))
        assert "DONE" in card.tags
        assert "LEAD" not in card.tags
        assert card.properties["tier"] == "gold"
        assert (card.state, card.opted_out, card.opted_out_phone) == ("CUSTOMER", True, False)
        assert card.main_owner == OTHER_USER
        assert [n.text for n in account.notes.of(card)] == ["moved to gold"]
        assert account.funnels.count("Sales", "Offer") == 2
    for i, modified in others.items():
        card = account.find_live(email(i))
        assert "DONE" not in card.tags
        assert card.state == "PROSPECT"
        assert card.modified_on == modified
    assert {p.step for p in seen} == {o.step for o in report.results[0].outcomes}
    assert all(p.selected == 2 and p.steps == 4 for p in seen)


def test_s15_3_bulk_delete_runs_last_and_phone_opt_out(
    run: Sync, emu: Emulator[FrozenClock]
) -> None:
    """DeleteContacts runs after the other steps (here the upsert of a mobile opt-out)."""
    start = len(emu.calls)
    report = run(
        "contacts.bulk",
        ContactSelection(any_tags=["BLOCKED"]),
        [DeleteContacts(permanently=True), PhoneOptOut()],
    )
    assert [o.step for o in report.results[0].outcomes] == ["batchupsert", "contact/batchDelete"]
    assert report.failed == ()
    account = emu.account(CLIENT_ID)
    assert account.find(email(4)) is None
    assert account.find(email(5)) is None
    paths = writes(emu, start)
    assert paths == ["/api/contact/batchupsert", "/api/contact/batchDelete"]


def test_bulk_sends_chunk_size_contacts_per_batch_request(
    run: Sync, emu: Emulator[FrozenClock]
) -> None:
    """``chunk_size`` contacts per ``batchupsert``; a BulkRecount is run as it is."""
    recount = run("contacts.recount", ContactSelection(everyone=True))
    start = len(emu.calls)
    report = run("contacts.bulk", recount, [AddTags("X")], chunk_size=4)
    assert len(report.results) == 6
    assert report.failed == ()
    assert writes(emu, start) == ["/api/contact/batchupsert"] * 2  # 6 contacts, 4 per request


def test_s15_3_a_contact_the_platform_refuses_is_refused_alone(
    run: Sync, emu: Emulator[FrozenClock]
) -> None:
    """A per-contact request the platform refuses is that contact's refusal with the
    platform's text; the run goes on."""
    recount = run("contacts.recount", ContactSelection(any_tags=["LEAD"]))
    emu.account(CLIENT_ID).contacts.delete(email(2), permanently=True, owner=OWNER)
    report = run("contacts.bulk", recount, [AddNote("call back")])
    status = {r.contact.email: r.outcomes[0] for r in report.results}
    assert status[email(2)].status is RowStatus.REFUSED
    assert any("not found" in text.lower() for text in status[email(2)].errors)
    assert {status[email(i)].status for i in (1, 4)} == {RowStatus.APPLIED}
    assert report.complete


def test_bulk_batch_refused_as_a_whole_is_sent_again_contact_by_contact(
    run: Sync, emu: Emulator[FrozenClock]
) -> None:
    """grade D: a funnel/addContact (or batchDelete) refused as a whole (a contact gone
    since the recount) is sent again contact by contact, so the report names the contact
    refused and the others are applied."""
    recount = run("contacts.recount", ContactSelection(any_tags=["VIP"]))
    emu.account(CLIENT_ID).contacts.delete(email(1), permanently=True, owner=OWNER)
    report = run("contacts.bulk", recount, [AddToFunnelStage("Sales", "Lead in")])
    status = {r.contact.email: r.outcomes[0].status for r in report.results}
    assert status == {
        email(0): RowStatus.APPLIED,
        email(1): RowStatus.REFUSED,
        email(4): RowStatus.APPLIED,
        email(5): RowStatus.APPLIED,
    }
    assert emu.account(CLIENT_ID).funnels.count("Sales", "Lead in") == 3
    sent = Counter(c.path for c in emu.calls if c.path == "/api/funnel/addContact")
    assert sent["/api/funnel/addContact"] == 1 + 4


def test_bulk_refuses_an_owner_the_account_does_not_have_contact_by_contact(
    run: Sync, emu: Emulator[FrozenClock]
) -> None:
    """setMainOwner to someone who is no user: each contact refused with the platform's text."""
    report = run(
        "contacts.bulk", ContactSelection(emails=[email(0)]), [ChangeMainOwner("x@example.com")]
    )
    outcome = report.results[0].outcomes[0]
    assert outcome.status is RowStatus.REFUSED
    assert any("x@example.com" in text for text in outcome.errors)
    assert emu.account(CLIENT_ID).find_live(email(0)).main_owner == OWNER


# --- client-side refusals: nothing is sent ------------------------------------------------


BAD_ACTIONS: list[tuple[list[Any], str, str]] = [
    ([], "actions", "non-empty"),
    (["AddTags"], "actions[0]", "bulk action"),
    ([AddTags("a,b")], "actions[0].tags[0]", "','"),
    ([AddTags(())], "actions[0].tags", "at least one tag"),
    ([AddTags("VIP"), RemoveTags("vip")], "actions", "both added and removed"),
    ([SetState("VIP")], "actions[0].state", "CUSTOMER"),
    ([SetDetails({})], "actions[0].details", "at least one"),
    ([SetDetails({"a": "1"}), SetDetails({"a": "2"})], "actions", "two values"),
    ([PhoneOptIn(), PhoneOptOut()], "actions", "contradict"),
    ([AddNote("x" * 1025)], "actions[0].note", "1024"),
    ([AddNote("  ")], "actions[0].note", "non-empty"),
    ([ChangeMainOwner("nobody")], "actions[0].new_owner", "e-mail"),
    ([AddToFunnelStage("", "Offer")], "actions[0].funnel", "non-empty"),
    ([DeleteContacts(permanently=True), DeleteContacts(permanently=False)], "actions[1]", "twice"),
]


@pytest.mark.parametrize(("actions", "field", "rule"), BAD_ACTIONS)
def test_bulk_refuses_bad_actions_before_sending_anything(
    run: Sync, emu: Emulator[FrozenClock], actions: list[Any], field: str, rule: str
) -> None:
    """Each action is checked before any request (the typed error names field and rule)."""
    calls = len(emu.calls)
    with pytest.raises(ValidationError) as caught:
        run("contacts.bulk", ContactSelection(any_tags=["VIP"]), actions)
    assert caught.value.field == field
    assert rule in caught.value.rule
    assert len(emu.calls) == calls


BAD_SELECTIONS: list[tuple[Any, str, str]] = [
    (ContactSelection(), "selection", "names no contact"),
    (ContactSelection(everyone=True, any_tags=["A"]), "selection.everyone", "cannot be combined"),
    (ContactSelection(emails=["jan"]), "selection.emails[0]", "e-mail"),
    (ContactSelection(contact_ids=[" "]), "selection.contact_ids[0]", "non-empty"),
    (ContactSelection(any_tags=["A,B"]), "selection.any_tags[0]", "','"),
    (ContactSelection(any_tags=["A"], fetch=["NAMES"]), "selection.fetch[0]", "one of"),
    ({"any_tags": ["A"]}, "selection", "ContactSelection"),
]


@pytest.mark.parametrize(("selection", "field", "rule"), BAD_SELECTIONS)
def test_recount_refuses_bad_selections_before_sending_anything(
    run: Sync, emu: Emulator[FrozenClock], selection: Any, field: str, rule: str
) -> None:
    """A selection the platform could not evaluate is refused before any request."""
    calls = len(emu.calls)
    with pytest.raises(ValidationError) as caught:
        run("contacts.recount", selection)
    assert (caught.value.field, rule in caught.value.rule) == (field, True)
    assert len(emu.calls) == calls


def test_a_contact_without_e_mail_is_refused_by_the_sdk_for_e_mail_steps(run: Sync) -> None:
    """``batchupsert`` and ``setMainOwner`` name contacts by e-mail: a selected contact
    without one is refused by the SDK and never sent."""
    recount = BulkRecount(contacts=(SelectedContact(contact_id="no-mail", email=None),))
    report = run("contacts.bulk", recount, [AddTags("X")])
    outcome = report.results[0].outcomes[0]
    assert outcome.status is RowStatus.REFUSED
    assert "has no e-mail" in outcome.errors[0]


# --- property: the report accounts for every selected contact exactly once ---------------

_TAG_NAMES = ("A", "B", "C")
_tag_sets = st.lists(st.sampled_from(_TAG_NAMES), unique=True, max_size=2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cards=st.lists(st.lists(st.sampled_from(_TAG_NAMES), unique=True), min_size=1, max_size=8),
    any_tags=_tag_sets,
    all_tags=_tag_sets,
    exclude=_tag_sets,
)
def test_s15_1_recount_and_report_account_for_each_selected_contact_once(
    cards: list[list[str]], any_tags: list[str], all_tags: list[str], exclude: list[str]
) -> None:
    """Property: the recount is exactly the contacts the criteria name (evaluated here on
    the cards), and the run's report has each of them once, with one outcome per step;
    only they are changed."""
    emu = new_emulator()
    run = Sync("sync", emu, max_retries=0)
    run(
        "contacts.batch_upsert",
        [ContactUpsert(email=email(i), tags=t) for i, t in enumerate(cards)],
    )
    everyone = not any_tags and not all_tags
    expected = {
        email(i)
        for i, tags in enumerate(cards)
        if (everyone or not any_tags or set(any_tags) & set(tags))
        and set(all_tags) <= set(tags)
        and not set(exclude) & set(tags)
    }
    selection = ContactSelection(
        any_tags=any_tags, all_tags=all_tags, exclude_tags=exclude, everyone=everyone
    )
    report = run("contacts.bulk", selection, [AddTags("Z"), AddNote("n")])
    assert Counter(r.contact.email for r in report.results) == Counter(expected)
    assert report.recount.count == len(expected)
    assert all(len(r.outcomes) == 2 and r.ok for r in report.results)
    tagged = {r.email for r in emu.account(CLIENT_ID).live_contacts() if "Z" in r.tags}
    assert tagged == expected


# --- the guide's example (docs/bulk.md) -------------------------------------------------

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "bulk.md"
_MARK = "<!-- this block runs in tests/sdk/test_sdk_contact_bulk.py against the emulator -->"


def test_the_bulk_guide_example_runs_against_the_emulator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/bulk.md's example, run as written on the emulator: lapsed newsletter readers
    are opted out and re-tagged; customers are left alone."""
    text = GUIDE.read_text(encoding="utf-8")
    block = text.split(_MARK, 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    emu = new_emulator()
    seed = emu.client(CLIENT_ID)
    seed.contacts.batch_upsert(
        [
            ContactUpsert(email=email(0), tags=["NEWSLETTER"], force_opt_in=True),
            ContactUpsert(email=email(1), tags=["NEWSLETTER", "CUSTOMER"], force_opt_in=True),
        ]
    )
    seed.close()
    client = emu.client(CLIENT_ID, sleep=lambda _: None)
    monkeypatch.setattr(salesmanago, "SalesManago", lambda: client)  # the guide's client
    exec(compile(block, str(GUIDE), "exec"), {})
    account = emu.account(CLIENT_ID)
    lapsed, customer = account.find_live(email(0)), account.find_live(email(1))
    assert set(lapsed.tags) == {"LAPSED"}
    assert (lapsed.state, lapsed.opted_out) == ("OTHER", True)
    assert [n.text for n in account.notes.of(lapsed)] == ["opted out: lapsed newsletter reader"]
    assert set(customer.tags) == {"NEWSLETTER", "CUSTOMER"}
    assert not customer.opted_out
    assert "1 contacts would be touched: ['user0@example.com']" in capsys.readouterr().out


def test_s15_3_no_bulk_e_mail_opt_in_and_delete_says_how() -> None:
    """grade D: the bulk helper has no e-mail opt-in (the Contact Manager never opts in,
    S15.3), and DeleteContacts has no default: the caller says soft or permanent."""
    assert not hasattr(salesmanago, "EmailOptIn")
    with pytest.raises(TypeError, match="permanently"):
        DeleteContacts()  # type: ignore[call-arg]


def test_a_contact_already_at_the_stage_is_applied(run: Sync, emu: Emulator[FrozenClock]) -> None:
    """grade D: ``addedContacts: false`` (already at the stage) is APPLIED; a second run
    leaves the funnel as the first did."""
    selection = ContactSelection(emails=[email(0), email(1)])
    run("contacts.bulk", selection, [AddToFunnelStage("Sales", "Offer")])
    again = run("contacts.bulk", selection, [AddToFunnelStage("Sales", "Offer")])
    assert [r.outcomes[0].status for r in again.results] == [RowStatus.APPLIED] * 2
    assert emu.account(CLIENT_ID).funnels.count("Sales", "Offer") == 2
