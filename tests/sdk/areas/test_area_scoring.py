"""Company scoring and coworkers from ``contact/basic`` (semantics S4), sync and async:
against the platform's canned replies, then end to end on the emulator (S17.1)."""

from __future__ import annotations

import json

import httpx
import pytest
from sdk_helpers import posted

from salesmanago import AsyncSalesManago, ContactUpsert, SalesManago, ValidationError
from salesmanago_emulator import Account

BASIC = "/api/contact/basic"


def people_answer(people: dict[str, dict[str, object]]):
    """A ``contact/basic`` reply answering, in its own order, the asked e-mails it knows."""

    def answer(request: httpx.Request) -> httpx.Response:
        asked = json.loads(request.content)["email"]
        found = [
            {"contactId": f"id-{e.lower()}", "email": e.lower(), **people[e.lower()]}
            for e in reversed(asked)
            if e.lower() in people
        ]
        return httpx.Response(200, json={"success": True, "message": [], "contacts": found})

    return answer


def test_company_scoring_sums_persons_in_chunks_of_50_ignoring_deleted(api, platform) -> None:
    """S4.4: company scoring = sum of its persons' scores; soft-deleted ones don't count."""
    emails = [f"p{i}@acme.example.com" for i in range(120)]
    people = {e: {"score": i} for i, e in enumerate(emails)}
    people["p7@acme.example.com"]["deleted"] = True
    people["p100@acme.example.com"]["deleted"] = True
    basic = platform.post(BASIC).mock(side_effect=people_answer(people))
    total = api("scoring.company_scoring", [*emails, "unknown@acme.example.com", emails[3]])
    assert total == sum(range(120)) - 7 - 100
    assert sorted(len(b["email"]) for b in posted(basic.calls)) == [21, 50, 50]


def test_company_scoring_can_keep_one_company(api, platform) -> None:
    """S4.3: company names compare case-insensitively after trimming."""
    platform.post(BASIC).mock(
        side_effect=people_answer(
            {
                "a@x.example.com": {"score": 10, "company": "ACME "},
                "b@x.example.com": {"score": 5, "company": "acme"},
                "c@x.example.com": {"score": 99, "company": "Other"},
            }
        )
    )
    emails = ["a@x.example.com", "b@x.example.com", "c@x.example.com"]
    assert api("scoring.company_scoring", emails, company=" Acme") == 15
    assert api("scoring.company_scoring", emails) == 114


def test_company_scoring_of_nobody_is_zero_and_sends_nothing(api, platform) -> None:
    assert api("scoring.company_scoring", []) == 0
    assert not platform.calls


def test_coworkers_share_the_company_field(api, platform) -> None:
    """S4.3: coworkers are the other (live) contacts of the same company."""
    platform.post(BASIC).mock(
        side_effect=people_answer(
            {
                "me@acme.example.com": {"company": " Acme Sp. z o.o."},
                "ann@acme.example.com": {"company": "ACME SP. Z O.O.", "score": 3},
                "bob@acme.example.com": {"company": "Acme Sp. z o.o.", "deleted": True},
                "eve@other.example.com": {"company": "Other"},
                "zed@acme.example.com": {"company": "acme sp. z o.o."},
            }
        )
    )
    found = api(
        "scoring.coworkers",
        "me@acme.example.com",
        among=[
            "zed@acme.example.com",
            "eve@other.example.com",
            "bob@acme.example.com",
            "me@acme.example.com",
            "ann@acme.example.com",
            "ghost@acme.example.com",
        ],
    )
    assert [c.email for c in found] == ["zed@acme.example.com", "ann@acme.example.com"]
    assert found[1].score == 3


def test_no_company_means_no_coworkers(api, platform) -> None:
    platform.post(BASIC).mock(
        side_effect=people_answer(
            {
                "me@acme.example.com": {},
                "ann@acme.example.com": {"company": ""},
            }
        )
    )
    assert api("scoring.coworkers", "me@acme.example.com", among=["ann@acme.example.com"]) == []


def test_coworkers_need_candidates_as_a_list(api, platform) -> None:
    with pytest.raises(ValidationError) as info:
        api("scoring.coworkers", "me@acme.example.com", among="ann@acme.example.com")
    assert info.value.field == "among"
    with pytest.raises(TypeError):
        api("scoring.coworkers", "me@acme.example.com")
    assert not platform.calls


# --- end to end on the emulator (sm / asm: account A's clients) ---------------------


def test_s17_1_sdk_company_scoring_matches_the_state(sm: SalesManago, account_a: Account) -> None:
    """S17.1 / S17.3: the SDK's summed scoring over ``contact/basic`` equals the emulator's."""
    people = {
        "a@x.example.com": ("Acme", 12),
        "b@x.example.com": (" acme", 30),
        "c@x.example.com": ("Beta", 99),
    }
    for email, (company, score) in people.items():
        result = sm.contacts.upsert(ContactUpsert(email=email, company=company))
        account_a.scoring.set(result.contact_id, score)
    sm.contacts.delete("b@x.example.com")
    everyone = [*people, "ghost@x.example.com"]
    assert (
        sm.scoring.company_scoring(everyone, company="ACME")
        == account_a.companies.company("acme").scoring
        == 12
    )
    assert [c.email for c in sm.scoring.coworkers("a@x.example.com", among=everyone)] == []


async def test_s4_3_async_sdk_coworkers_match_the_state(
    asm: AsyncSalesManago, account_a: Account
) -> None:
    for email in ("me@x.example.com", "ann@x.example.com", "eve@x.example.com"):
        company = "Other" if email.startswith("eve") else "Acme"
        await asm.contacts.upsert(ContactUpsert(email=email, company=company))
    found = await asm.scoring.coworkers(
        "me@x.example.com", among=["ann@x.example.com", "eve@x.example.com"]
    )
    expected = [r.email for r in account_a.companies.coworkers("me@x.example.com")]
    assert [c.email for c in found] == expected == ["ann@x.example.com"]
