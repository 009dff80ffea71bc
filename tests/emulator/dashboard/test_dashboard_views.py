"""The dashboard's pages as pure functions of the emulator (no server): which card
sections show (seed 003: each one only when the emulator holds its data), the list's
filters, masking at any depth, escaping, and the failing-test page's "touched" cards."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from routes_helpers import A_ID, A_OWNER, A_SECRET, Api

from salesmanago_emulator import Account, Emulator, FrozenClock
from salesmanago_emulator._secrets import SECRET_KEYS
from salesmanago_emulator.dashboard import (
    ContactFilter,
    PageContext,
    accounts_page,
    calls_page,
    card_page,
    card_sections,
    contacts_page,
    masked,
    report_page,
)
from salesmanago_emulator.dashboard._demo import DEMO_ACCOUNT, demo_emulator
from salesmanago_emulator.dashboard._report import page_name, touched_cards
from salesmanago_emulator.state._addressees import Target
from salesmanago_emulator.state._card import ConsentDetail, ContactWrite
from salesmanago_emulator.state.events import EventWrite
from salesmanago_emulator.state.funnels import StageSpec

CTX = PageContext(csrf="token")
EMAIL = "card@example.com"


def _new_card(account: Account) -> str:
    return account.contacts.upsert(ContactWrite(email=EMAIL), A_OWNER).id


def _sections(account: Account) -> list[str]:
    record = account.find(EMAIL)
    assert record is not None
    return list(card_sections(account, record))


# One change per section that only shows with data: the section is absent before, present after.
ADDS: dict[str, Callable[[Account, Emulator[FrozenClock]], object]] = {
    "details": lambda a, e: a.tags.manage(EMAIL, ["VIP"], []),
    "consents": lambda a, e: a.optin.opt_in(EMAIL),
    "events": lambda a, e: a.events.add(
        EventWrite(event_type="PURCHASE", date=e.clock.now(), value=Decimal("9.99")),
        A_OWNER,
        email=EMAIL,
    ),
    "coupons": lambda a, e: a.coupons.add(EMAIL, "WELCOME", length=8, owner=A_OWNER),
    "notes": lambda a, e: a.notes.add(EMAIL, "called", owner=A_OWNER),
    "funnels": lambda a, e: (
        a.funnels.add("Sales", [StageSpec("Lead")]),
        a.funnels.add_contacts("Sales", "Lead", [Target("EMAIL", EMAIL)]),
    ),
    "rules": lambda a, e: a.rules.run_workflow(a.rules.add_workflow("W").id, [EMAIL]),
    "messages": lambda a, e: a.messages.send_email(
        A_OWNER,
        [Target("EMAIL", EMAIL)],
        email_id=a.messages.add_email("Hello", user=A_OWNER).id,
        immediate=True,
    ),
    "visits": lambda a, e: a.activity.record(EMAIL, url="https://shop.example.com/"),
    "company": lambda a, e: a.contacts.upsert(ContactWrite(email=EMAIL, company="Acme"), A_OWNER),
}


def test_a_bare_card_shows_its_summary_and_timeline_only(account_a: Account) -> None:
    """Seed 003's card shows a section when the emulator has its data: a card with only
    an e-mail has its summary and its timeline (the creation)."""
    _new_card(account_a)
    assert _sections(account_a) == ["summary", "timeline"]


@pytest.mark.parametrize("key", sorted(ADDS))
def test_each_section_appears_once_its_area_holds_data(
    key: str, account_a: Account, emu: Emulator[FrozenClock]
) -> None:
    _new_card(account_a)
    assert key not in _sections(account_a)
    ADDS[key](account_a, emu)
    assert key in _sections(account_a)
    html = card_page(emu, A_ID, EMAIL, CTX)
    assert f'data-section="{key}"' in html


def test_the_card_shows_the_stored_values(account_a: Account, emu: Emulator[FrozenClock]) -> None:
    """Scoring, owners, tags, consents with their history and purchase figures as stored."""
    account_a.optin.add_consent("Newsletter")
    account_a.contacts.upsert(
        ContactWrite(
            email=EMAIL,
            tags=("VIP",),
            consent_details=(ConsentDetail("Newsletter", True, emu.clock.now(), "10.0.0.9"),),
        ),
        A_OWNER,
    )
    account_a.scoring.set(EMAIL, 37)
    ADDS["events"](account_a, emu)
    html = card_page(emu, A_ID, EMAIL, CTX)
    assert '<span class="score" title="scoring">37</span>' in html
    assert "Newsletter" in html
    assert "10.0.0.9" in html
    summary = account_a.events.ecommerce_summary(EMAIL)
    assert f"total <strong>{summary.total_value}</strong>" in html
    record = account_a.find(EMAIL)
    assert record is not None
    assert record.properties["ORDER_SUMMARY"] in html


def test_a_soft_deleted_card_names_its_purge(
    account_a: Account, emu: Emulator[FrozenClock]
) -> None:
    """S3.1: restorable until 02:00; the card says when it goes."""
    _new_card(account_a)
    account_a.contacts.delete(EMAIL)
    html = card_page(emu, A_ID, EMAIL, CTX)
    assert re.search(r"removed for good at \d{4}-\d\d-\d\d 02:00:00", html)


def test_unknown_account_and_contact_are_lookup_errors(emu: Emulator[FrozenClock]) -> None:
    with pytest.raises(KeyError, match="nobody"):
        contacts_page(emu, "nobody", {}, CTX)
    with pytest.raises(LookupError, match=r"ghost@example\.com"):
        card_page(emu, A_ID, "ghost@example.com", CTX)


def test_text_from_the_api_is_escaped(account_a: Account, emu: Emulator[FrozenClock]) -> None:
    account_a.contacts.upsert(ContactWrite(email=EMAIL, name="<script>alert(1)</script>"), A_OWNER)
    for html in (card_page(emu, A_ID, EMAIL, CTX), contacts_page(emu, A_ID, {}, CTX)):
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- the list's filters -------------------------------------------------------------


def test_filters_read_the_query_and_name_bad_values() -> None:
    got = ContactFilter.from_query(
        {"tag": " vip ", "status": "maybe", "min_score": "ten", "max_score": "5", "deleted": "x"}
    )
    assert (got.tag, got.status, got.min_score, got.max_score, got.deleted) == (
        "VIP",
        "",
        None,
        5,
        "all",
    )
    assert got.problems == (
        "min_score: 'ten' is not a whole number",
        "status: 'maybe' is not one of opt-in, opt-out, invalid, deleted",
        "deleted: 'x' is not one of all, live, deleted",
    )


def _listed(emu: Emulator[FrozenClock], query: dict[str, str]) -> list[str]:
    return re.findall(r'data-email="([^"]+)"', contacts_page(emu, A_ID, query, CTX))


def test_the_list_keeps_what_each_filter_asks(
    account_a: Account, emu: Emulator[FrozenClock]
) -> None:
    write = account_a.contacts.upsert
    write(ContactWrite(email="a@example.com", tags=("VIP",), force_opt_in=True), A_OWNER)
    write(ContactWrite(email="b@example.com", state="CUSTOMER"), A_OWNER)
    write(ContactWrite(email="c@example.com", name="Cecylia"), "second@a.example.com")
    account_a.scoring.set("b@example.com", 50)
    account_a.contacts.delete("c@example.com")
    assert _listed(emu, {}) == ["a@example.com", "b@example.com", "c@example.com"]
    assert _listed(emu, {"tag": "vip"}) == ["a@example.com"]
    assert _listed(emu, {"status": "opt-out"}) == ["b@example.com"]
    assert _listed(emu, {"state": "CUSTOMER"}) == ["b@example.com"]
    assert _listed(emu, {"owner": "second@a.example.com"}) == ["c@example.com"]
    assert _listed(emu, {"min_score": "10"}) == ["b@example.com"]
    assert _listed(emu, {"max_score": "10"}) == ["a@example.com", "c@example.com"]
    assert _listed(emu, {"deleted": "deleted"}) == ["c@example.com"]
    assert _listed(emu, {"deleted": "live"}) == ["a@example.com", "b@example.com"]
    assert _listed(emu, {"q": "cecy"}) == ["c@example.com"]


# --- secrets ------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", *SECRET_KEYS, "Sha", "apiSecret"]), inner)
    ),
    max_leaves=20,
)


def _secret_values(value: Any) -> list[Any]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key.lower() in SECRET_KEYS:
                found.append(item)
            else:
                found.extend(_secret_values(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_secret_values(item))
    return found


@given(_json)
def test_masking_leaves_no_secret_value_at_any_depth(value: Any) -> None:
    shown = masked(value)
    hidden = _secret_values(value)
    for was, now in zip(hidden, _secret_values(shown), strict=True):
        if was is None:
            assert now is None  # no secret set: nothing to hide
        elif isinstance(was, list):
            assert now == ["***"] * len(was)  # as many secrets, none shown
        else:
            assert now == "***"


def test_the_call_log_masks_a_secret_nested_deeper_than_the_log_does(
    api: Api, emu: Emulator[FrozenClock]
) -> None:
    """A secret nested deep in a request is masked on the page (the one mask, any depth)."""
    api.send(
        "contact/upsert", api.body(contact={"email": EMAIL, "x": {"y": {"password": "pw-9876543"}}})
    )
    page = calls_page(emu, {}, CTX)
    assert "pw-9876543" not in page
    assert A_SECRET not in page
    assert "&#34;password&#34;: &#34;***&#34;" in page
    assert "&#34;sha&#34;: &#34;***&#34;" in page


# --- the failing-test page ----------------------------------------------------------


def test_touched_cards_are_those_named_in_calls_or_changed_since(
    api: Api, account_a: Account, emu: Emulator[FrozenClock]
) -> None:
    """D: named in a logged call's body (e-mail or id), or created/changed since the start."""
    old = account_a.contacts.upsert(ContactWrite(email="old@example.com"), A_OWNER)
    account_a.contacts.upsert(ContactWrite(email="quiet@example.com"), A_OWNER)
    emu.clear_calls()
    emu.clock.advance(timedelta(minutes=1))
    since = emu.clock.now()
    api.ok("contact/basic", email=["OLD@example.com "])
    new = account_a.contacts.upsert(ContactWrite(email="new@example.com"), A_OWNER)
    assert touched_cards(emu, since) == [(A_ID, old.id), (A_ID, new.id)]


def test_the_report_page_stands_alone(account_a: Account, emu: Emulator[FrozenClock]) -> None:
    """No link out, no form, no script, no outside resource; a purged card is named."""
    record = account_a.contacts.upsert(ContactWrite(email=EMAIL, tags=("VIP",)), A_OWNER)
    page = report_page(emu, [(A_ID, record.id), (A_ID, "gone-id")], title="Failed: t", problem="E")
    assert f'id="card-{record.id}"' in page
    assert "Gone (purged): " + A_ID + ": gone-id" in page
    assert "<form" not in page
    assert "<script" not in page
    assert not re.search(r'(href|src)="(?!#)', page)


def test_page_names_are_safe_file_names() -> None:
    assert page_name("tests/x.py::test_a[p/1]") == "tests_x.py_test_a_p_1.html"


def test_the_accounts_page_counts_live_and_soft_deleted_cards(
    account_a: Account, emu: Emulator[FrozenClock]
) -> None:
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        account_a.contacts.upsert(ContactWrite(email=email), A_OWNER)
    account_a.contacts.delete("c@example.com")
    html = accounts_page(emu, CTX)
    row = re.search(rf"<td><a [^>]*>{A_ID}</a></td>(.*?)</tr>", html, re.S)
    assert row is not None
    assert re.findall(r"<td>(\d+)</td>", row.group(1))[:2] == ["2", "1"]


def test_every_card_of_the_demo_renders_also_once_soft_deleted() -> None:
    """A soft-deleted card keeps its sections readable until the purge (S3.1)."""
    emu = demo_emulator()
    account = emu.account(DEMO_ACCOUNT)
    account.contacts.delete("anna@example.com")
    for record in account.all_contacts():
        html = card_page(emu, DEMO_ACCOUNT, record.id, CTX)
        for key in card_sections(account, record):
            assert f'data-section="{key}"' in html
    gone = account.find("anna@example.com")
    assert gone is not None
    assert "summary" in card_sections(account, gone)
