"""The companies' control operation (S4): ``companies`` (over HTTP)."""

from __future__ import annotations

from control_helpers import ok, refused, upsert

from salesmanago_emulator import EmulatorServer


def test_companies_view(server: EmulatorServer) -> None:
    upsert(server, "a@acme.example.com", company="Acme")
    upsert(server, "b@acme.example.com", company="ACME ")
    companies = ok(server, "companies")["companies"]
    assert [(c["name"], c["persons"]) for c in companies] == [
        ("Acme", ["a@acme.example.com", "b@acme.example.com"])
    ]
    assert ok(server, "companies", {"name": "acme"})["company"]["scoring"] == 0
    assert refused(server, "companies", {"name": "Nobody Inc"})[0] == 404
