"""Companies and the wire (S4; protocol §13.17): the platform has no company endpoint;
raw contact writes move a company's persons and sum."""

from __future__ import annotations

from routes_helpers import Api

from salesmanago_emulator import Account, routes


def emails(account: Account, name: str) -> list[str]:
    return [r.email for r in account.companies.company(name).persons]


def test_s4_4_raw_json_writes_drive_the_company(api: Api, account_a: Account) -> None:
    """Raw ``contact/upsert`` / ``update`` / ``delete`` move the company's persons and sum."""
    a = api.upsert("a@x.example.com", contact={"company": "Acme Sp. z o.o."})
    api.upsert("b@x.example.com", contact={"company": "ACME SP. Z O.O. "})
    account_a.scoring.set(a, 7)
    assert account_a.companies.company("acme sp. z o.o.").scoring == 7
    assert emails(account_a, "Acme Sp. z o.o.") == ["a@x.example.com", "b@x.example.com"]
    api.ok("contact/update", email="a@x.example.com", contact={"company": "Beta"})
    assert account_a.companies.company("acme sp. z o.o.").scoring == 0
    assert account_a.companies.company("beta").scoring == 7
    api.ok("contact/delete", email="a@x.example.com")
    assert account_a.companies.company("beta").scoring == 0
    basic = api.ok("contact/basic", email=["a@x.example.com"])["contacts"][0]
    assert (basic["company"], basic["score"], basic["deleted"]) == ("Beta", 7, True)


def test_s4_platform_has_no_company_endpoint(api: Api) -> None:
    """Protocol §13.17: no public company endpoint, so the emulator serves none (HTTP 404)."""
    assert not [r for r in routes() if "compan" in r.path.lower()]
    assert api.send("company/get", api.body(company="Acme")).status_code == 404
