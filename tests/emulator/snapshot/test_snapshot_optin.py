"""Snapshot of the opt-in area: the register of named consents (S10.1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from snapshot_helpers import (
    CLIENT_ID,
    OWNERS,
    area,
    assert_refused,
    exported,
    fresh,
    imported,
    through_json,
)

from salesmanago_emulator.snapshot import SnapshotError
from salesmanago_emulator.state import ContactWrite, DoubleOptIn


def test_consents_round_trip_and_are_registered() -> None:
    data = exported()
    area(data, "optin")["consents"].append("Partners")
    account = imported(data).account(CLIENT_ID)
    assert account.optin.consents() == ["Newsletter", "Partners"]
    assert account.optin.consent_register == {"newsletter": "Newsletter", "partners": "Partners"}
    assert area(imported(data).export_state(), "optin") == area(data, "optin")


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda o: o["consents"].append(" "), "consents[1]", "must not be empty"),
        (lambda o: o["consents"].append("Spaced "), "consents[1]", "must be written 'Spaced'"),
        (lambda o: o["consents"].append("NEWSLETTER"), "consents[1]", "repeats 'newsletter'"),
        (lambda o: o["consents"].append(1), "consents[1]", "must be a string"),
        (lambda o: o.update(consents="Newsletter"), "consents", "must be a list"),
        (lambda o: o.update(statuses=[]), "statuses", "is not a key of the opt-in area"),
    ],
)
def test_bad_consent_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "optin")), f"accounts[0].optin.{path}", problem)


def _with_confirmations() -> dict[str, Any]:
    """An export whose account has consent texts, forms and confirmations of each status."""
    emu = fresh()
    account = emu.account(CLIENT_ID)
    account.optin.set_up(
        ["Newsletter", {"name": "Partners", "text": "I agree"}],
        ["Footer", {"name": "X", "int_id": 5}],
    )
    account.contacts.upsert(
        ContactWrite(email="a@example.com", double_opt_in=DoubleOptIn(lang="PL")), OWNERS[0]
    )
    account.contacts.upsert(ContactWrite(email="b@example.com"), OWNERS[0])
    options = DoubleOptIn(template_id="t", account_id="1", subject="S", tag="DOI")
    sent = account.optin.send_confirmation("b@example.com", options)
    emu.clock.advance(timedelta(minutes=5))
    account.optin.confirm(sent.request_id)
    account.contacts.upsert(
        ContactWrite(email="c@example.com", double_opt_in=DoubleOptIn(email_id="e")), OWNERS[0]
    )
    account.optin.expire(contact="c@example.com")
    return through_json(emu.export_state())


def _card(data: dict[str, Any], email: str) -> Any:
    return next(c for c in area(data, "contacts") if c["email"] == email)


def test_s10_consent_texts_forms_and_confirmations_round_trip() -> None:
    """Issue 13: the register's texts, the forms and each card's confirmations (pending,
    confirmed, expired) are kept; request ids go on after the highest."""
    data = _with_confirmations()
    assert area(data, "optin") == {
        "consents": ["Newsletter", {"name": "Partners", "text": "I agree"}],
        "consentForms": [{"intId": 1, "name": "Footer"}, {"intId": 5, "name": "X"}],
    }
    assert [c["status"] for c in _card(data, "b@example.com")["confirmations"]] == ["CONFIRMED"]
    assert _card(data, "b@example.com")["confirmations"][0]["options"] == {
        "templateId": "t",
        "accountId": "1",
        "subject": "S",
        "tag": "DOI",
    }
    target = imported(data)
    assert target.export_state() == data
    account = target.account(CLIENT_ID)
    assert [c.status for c in account.optin.confirmations()] == ["PENDING", "CONFIRMED", "EXPIRED"]
    account.contacts.upsert(
        ContactWrite(email="d@example.com", double_opt_in=DoubleOptIn()), OWNERS[0]
    )
    assert account.optin.confirmations("d@example.com")[0].request_id == "900000004"


def test_a_pending_confirmation_past_its_time_runs_out_after_import() -> None:
    data = _with_confirmations()
    data["clock"]["now"] = "2026-02-15T10:00:00+00:00"
    account = imported(data).account(CLIENT_ID)
    assert [c.status for c in account.optin.confirmations()] == ["EXPIRED", "CONFIRMED", "EXPIRED"]


def _confirmation(data: dict[str, Any], email: str = "b@example.com") -> Any:
    return _card(data, email)["confirmations"][0]


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda c: c.update(requestId="x1"), "requestId", "must be the digits of a request id"),
        (lambda c: c.update(status="DONE"), "status", "must be one of PENDING"),
        (lambda c: c.update(origin="UI"), "origin", "must be one of UPSERT"),
        (lambda c: c.update(expiresAt="2026-01-16T10:00:00+00:00"), "expiresAt", "must be written"),
        (lambda c: c.pop("resolvedAt"), "resolvedAt", "is required"),
        (lambda c: c.update(resolvedAt="2026-01-01T00:00:00+00:00"), "resolvedAt", "must not be"),
        (lambda c: c["options"].update(tag="lower"), "options.tag", "must be written"),
        (lambda c: c["options"].update(colour="red"), "options.colour", "is not a key"),
        (lambda c: c.update(extra=1), "extra", "is not a key of a confirmation"),
    ],
)
def test_bad_confirmation_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    data = _with_confirmations()
    change(_confirmation(data))
    index = next(i for i, c in enumerate(area(data, "contacts")) if c["email"] == "b@example.com")
    target = fresh()
    with pytest.raises(SnapshotError) as caught:
        target.import_state(data)
    assert caught.value.path == f"accounts[0].contacts[{index}].confirmations[0].{path}"
    assert caught.value.problem.startswith(problem), caught.value.problem
    assert target.account(CLIENT_ID).count() == 0


def test_a_repeated_request_id_and_a_resolved_pending_are_refused() -> None:
    data = _with_confirmations()
    _confirmation(data, "c@example.com")["requestId"] = _confirmation(data)["requestId"]
    with pytest.raises(SnapshotError, match=r"requestId: repeats '900000002'"):
        fresh().import_state(data)
    data = _with_confirmations()
    _confirmation(data, "a@example.com")["resolvedAt"] = "2026-01-15T10:00:00+00:00"
    with pytest.raises(SnapshotError, match="resolvedAt: must be left out"):
        fresh().import_state(data)


@pytest.mark.parametrize(
    ("change", "path", "problem"),
    [
        (lambda o: o["consents"].append({"name": "T", "text": 1}), "consents[1].text", "must be"),
        (lambda o: o["consents"].append({"text": "t"}), "consents[1].name", "is required"),
        (
            lambda o: o.update(consentForms=[{"intId": 0, "name": "F"}]),
            "consentForms[0].intId",
            "must be at least 1",
        ),
        (
            lambda o: o.update(consentForms=[{"intId": 1, "name": "F"}, {"intId": 1, "name": "G"}]),
            "consentForms[1].intId",
            "repeats 1",
        ),
        (
            lambda o: o.update(consentForms=[{"intId": 1, "name": " "}]),
            "consentForms[0].name",
            "must not be empty",
        ),
    ],
)
def test_bad_consent_text_or_form_is_refused_by_path(change: Any, path: str, problem: str) -> None:
    assert_refused(lambda d: change(area(d, "optin")), f"accounts[0].optin.{path}", problem)
