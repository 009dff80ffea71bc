"""Contact cards: create, upsert, update, batch, e-mail change, details, ids, monitoring
(S2.1-S2.8, S6); soft deletion, restoring, permanent deletion and forget-me (S3.1-S3.3)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from state_helpers import EMAIL, OTHER_USER, OWNER, upsert

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import (
    AuthenticationFailed,
    ContactAlreadyExists,
    ContactNotFound,
    EmulatorError,
    InvalidField,
    LimitExceeded,
    ReadOnlyOwner,
)
from salesmanago_emulator.state import (
    Account,
    Birthday,
    ConsentDetail,
    ContactRecord,
    ContactWrite,
    DictionaryProperty,
)

UTC = timezone.utc
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def snapshot(record: ContactRecord) -> dict[str, object]:
    plain = {name: getattr(record, name) for name in ContactRecord.FIELDS}
    views = ("tags", "properties", "dictionary_properties", "consents", "opt_history", "owners")
    plain.update(
        {
            name: dict(getattr(record, name))
            if name != "opt_history"
            else tuple(record.opt_history)
            for name in views
        }
    )
    return plain


def test_s2_1_new_card_defaults(account: Account, clock: FrozenClock) -> None:
    record = account.contacts.insert(ContactWrite(email="  Jan@Example.COM "), " OWNER@shop.pl")
    assert UUID_RE.fullmatch(record.id)
    assert record.email == EMAIL
    assert record.state == "PROSPECT"
    assert record.score == 0
    assert record.opted_out
    assert record.opted_out_phone
    assert not record.invalid
    assert not record.deleted
    assert record.monitored
    assert record.created_on == record.modified_on == clock.now()
    assert record.last_visit is None
    assert record.main_owner == OWNER
    assert record.owners == {OWNER: "MAIN"}
    assert record.tags == {}
    assert record.properties == {}
    assert record.opt_history == ()
    assert record.consents == {}
    assert record.dictionary_properties == {}


def test_s2_1_card_cannot_exist_without_email(account: Account) -> None:
    with pytest.raises(InvalidField, match=re.escape("Field 'contact.email' is required")):
        account.contacts.insert(ContactWrite(name="Jan"), OWNER)
    with pytest.raises(
        InvalidField, match=re.escape("Field 'contact.email' must be a valid e-mail")
    ):
        account.contacts.upsert(ContactWrite(email="not-an-email"), OWNER)
    assert account.count() == 0


def test_s2_2_insert_of_live_email_already_exists_any_case(account: Account) -> None:
    account.contacts.insert(ContactWrite(email=EMAIL), OWNER)
    with pytest.raises(ContactAlreadyExists) as info:
        account.contacts.insert(ContactWrite(email=" JAN@example.com"), OWNER)
    assert info.value.messages == ["Contact with email jan@example.com already exists"]
    assert account.count() == 1


def test_s2_2_upsert_returns_same_id_and_changes_only_fields_sent(
    account: Account, clock: FrozenClock
) -> None:
    first = upsert(account, name="Jan", phone="111", fax="222")
    created = first.created_on
    clock.advance(timedelta(minutes=5))
    second = upsert(account, "JAN@EXAMPLE.COM", phone="333")
    assert second is first
    assert (second.name, second.phone, second.fax) == ("Jan", "333", "222")
    assert second.created_on == created
    assert second.modified_on == clock.now()


def test_s2_2_update_changes_only_fields_sent_and_needs_live_contact(account: Account) -> None:
    record = upsert(account, name="Jan", phone="111", fax="222", city="Kraków")
    updated = account.contacts.update(EMAIL, ContactWrite(fax="999"), OWNER)
    assert updated is record
    assert (record.name, record.phone, record.fax, record.city) == ("Jan", "111", "999", "Kraków")
    assert (
        account.contacts.update(record.id, ContactWrite(email=EMAIL, name="J."), OWNER).name == "J."
    )
    with pytest.raises(ContactNotFound, match=re.escape("Contact not found: nobody@example.com")):
        account.contacts.update("nobody@example.com", ContactWrite(name="X"), OWNER)
    with pytest.raises(
        InvalidField, match=re.escape("'contact.email' must match the top-level email")
    ):
        account.contacts.update(EMAIL, ContactWrite(email="other@example.com"), OWNER)


def test_s2_4_id_accepted_wherever_an_email_is(account: Account) -> None:
    record = upsert(account)
    assert account.find(record.id.upper()) is record
    assert account.find(f" {EMAIL.upper()} ") is record
    assert account.find_live(record.id) is record
    assert account.has_contact(EMAIL) == record.id
    assert account.has_contact("nobody@example.com") is None
    assert account.find("nobody@example.com") is None
    with pytest.raises(ContactNotFound):
        account.find_live("nobody@example.com")


def test_s2_5_state_default_given_and_refused(account: Account) -> None:
    assert upsert(account, "a@example.com").state == "PROSPECT"
    assert upsert(account, "b@example.com", state=" customer ").state == "CUSTOMER"
    with pytest.raises(
        InvalidField, match=re.escape("'contact.state' must be one of CUSTOMER, PROSPECT")
    ):
        upsert(account, "c@example.com", state="FRIEND")
    assert account.contacts.set_state("a@example.com", "partner").state == "PARTNER"
    with pytest.raises(InvalidField):
        account.contacts.set_state("a@example.com", "nope")


def test_s2_3_address_birthday_and_scalar_fields_stored(account: Account) -> None:
    record = upsert(
        account,
        name="Jan Kowalski",
        phone="+48600100200",
        fax="+48 12 000",
        company="ACME",
        external_id="erp-1",
        street_address="Długa 1",
        zip_code="00-001",
        city="Warszawa",
        country="PL",
        province="mazowieckie",
        lang="pl",
        birthday=Birthday(1984, 8, 4),
    )
    assert record.street_address == "Długa 1"
    assert record.zip_code == "00-001"
    assert record.country == "PL"
    assert record.province == "mazowieckie"
    assert record.external_id == "erp-1"
    assert record.birthday == Birthday(1984, 8, 4)


def test_s2_3_birthday_must_be_a_real_date_year_optional() -> None:
    assert Birthday(None, 2, 29).year is None
    assert Birthday.parse("0229") == Birthday(None, 2, 29)
    assert Birthday.parse("19840804") == Birthday(1984, 8, 4)
    for bad in ((2025, 2, 29), (2024, 13, 1), (None, 4, 31), (2024, 1, 0)):
        with pytest.raises(InvalidField, match="'birthday' must be a real calendar date"):
            Birthday(*bad)
    with pytest.raises(InvalidField, match=re.escape("'upsertDetails[0].birthday'")):
        Birthday.parse("2025-02-01", "upsertDetails[0].birthday")


def test_s2_1_new_email_moves_the_card(account: Account) -> None:
    record = upsert(account)
    moved = account.contacts.upsert(ContactWrite(email=EMAIL, new_email="New@Example.com"), OWNER)
    assert moved is record
    assert record.email == "new@example.com"
    assert account.has_contact(EMAIL) is None
    assert account.has_contact("new@example.com") == record.id
    again = account.contacts.update("new@example.com", ContactWrite(new_email=EMAIL), OWNER)
    assert again.email == EMAIL


def test_s2_1_new_email_held_by_another_card_is_refused(account: Account) -> None:
    record = upsert(account)
    upsert(account, "taken@example.com")
    upsert(account, "deleted@example.com")
    account.contacts.delete("deleted@example.com")
    for target in ("taken@example.com", "deleted@example.com"):
        with pytest.raises(ContactAlreadyExists, match=f"Contact with email {target} already"):
            account.contacts.upsert(ContactWrite(email=EMAIL, new_email=target, name="X"), OWNER)
    assert record.email == EMAIL
    assert record.name is None


def test_s2_1_upsert_of_unknown_email_with_new_email_creates_under_new(account: Account) -> None:
    record = account.contacts.upsert(ContactWrite(email=EMAIL, new_email="b@example.com"), OWNER)
    assert record.email == "b@example.com"
    assert account.find(EMAIL) is None


def test_no_partial_write_a_bad_field_leaves_card_untouched(
    account: Account, clock: FrozenClock
) -> None:
    account.optin.add_consent("newsletter")
    record = upsert(account, name="Jan", tags=("vip",), properties={"a": "1"})
    before = snapshot(record)
    clock.advance(timedelta(minutes=1))
    bad_writes = [
        ContactWrite(
            email=EMAIL,
            name="X",
            tags=("new",),
            dictionary_properties=[DictionaryProperty(name="n", type="NUMBER", value="abc")],
        ),
        ContactWrite(
            email=EMAIL,
            name="X",
            properties={"b": "2"},
            consent_details=[ConsentDetail(name="unknown", accept=True)],
        ),
        ContactWrite(email=EMAIL, name="X", force_opt_in=True, tags=("ok", " ")),
        ContactWrite(email=EMAIL, name="X", force_opt_in=True, force_opt_out=True),
        ContactWrite(email=EMAIL, name="X", tags=("a",), remove_tags=("A",)),
        ContactWrite(email=EMAIL, name="X", state="BAD"),
    ]
    for write in bad_writes:
        with pytest.raises(InvalidField):
            account.contacts.upsert(write, OWNER)
        assert snapshot(record) == before
    assert [(t.tag, t.count) for t in account.tags.list()] == [("VIP", 1)]
    assert account.modified_between(clock.now(), clock.now()) == []


def test_no_partial_write_batch_item_error_others_applied(account: Account) -> None:
    existing = upsert(account, "b@example.com", name="B")
    results = account.contacts.batch_upsert(
        [
            ContactWrite(email="a@example.com", name="A"),
            ContactWrite(
                email="b@example.com",
                name="B2",
                dictionary_properties=[
                    DictionaryProperty(name="d", type="DATE", value="2026-02-30")
                ],
            ),
            ContactWrite(email="bad", name="C"),
            ContactWrite(email="b@example.com", phone="1"),
        ],
        OWNER,
    )
    assert isinstance(results[0], ContactRecord)
    assert results[0].name == "A"
    assert isinstance(results[1], InvalidField)
    assert results[1].field == "dictionaryProperties[0].value"  # the route names the item
    assert isinstance(results[2], EmulatorError)
    assert results[2].messages == ["Field 'contact.email' must be a valid e-mail address"]
    assert results[3] is existing
    assert (existing.name, existing.phone) == ("B", "1")
    assert account.count() == 2


def test_protocol_11_batch_upsert_limit_and_owner(account: Account) -> None:
    with pytest.raises(LimitExceeded, match="'writes' must hold at most 1000 items"):
        account.contacts.batch_upsert(
            [ContactWrite(email=f"u{i}@example.com") for i in range(1001)], OWNER
        )
    with pytest.raises(AuthenticationFailed, match="Not authenticated, invalid owner"):
        account.contacts.batch_upsert([ContactWrite(email=EMAIL)], "stranger@example.com")
    assert account.count() == 0


def test_s1_3_write_by_non_user_owner_is_refused(account: Account) -> None:
    with pytest.raises(AuthenticationFailed) as info:
        account.contacts.insert(ContactWrite(email=EMAIL), "stranger@example.com")
    assert info.value.messages == ["Not authenticated, invalid owner"]
    assert account.count() == 0


def test_modified_on_changes_on_writes_not_on_reads(account: Account, clock: FrozenClock) -> None:
    record = upsert(account)
    stamp = record.modified_on
    clock.advance(timedelta(seconds=10))
    account.find(EMAIL)
    account.has_contact(EMAIL)
    account.tags.list()
    list(account.live_contacts())
    assert record.modified_on == stamp
    account.tags.manage(EMAIL, [], ["absent"])  # nothing changes
    assert record.modified_on == stamp
    account.scoring.set(EMAIL, 5)
    assert record.modified_on == clock.now()


def test_s6_1_standard_details_add_overwrite_remove(account: Account, clock: FrozenClock) -> None:
    record = upsert(account, properties={"rozmiar_buta": "43", "custom.nick": "jk"})
    upsert(account, properties={"rozmiar_buta": "44", "color": "red"})
    assert record.properties == {"rozmiar_buta": "44", "custom.nick": "jk", "color": "red"}
    account.contacts.remove_property(EMAIL, "color")
    account.contacts.remove_property(EMAIL, "absent")
    account.contacts.set_property(EMAIL, "note", "x")
    assert record.properties == {"rozmiar_buta": "44", "custom.nick": "jk", "note": "x"}
    with pytest.raises(InvalidField, match="'properties' must not be empty"):
        upsert(account, properties={" ": "x"})


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        ("NUMBER", "12.50", True),
        ("number", "-3", True),
        ("NUMBER", "1e3", True),
        ("NUMBER", "abc", False),
        ("NUMBER", "NaN", False),
        ("DATE", "2026-02-28", True),
        ("DATE", "1767225600000", True),
        ("DATE", "2026-02-30", False),
        ("DATE", "28.02.2026", False),
        ("TEXT", "x", False),
    ],
)
def test_s6_2_dictionary_details_typed(account: Account, kind: str, value: str, ok: bool) -> None:
    write = ContactWrite(
        email=EMAIL, dictionary_properties=[DictionaryProperty(name="n", type=kind, value=value)]
    )
    if ok:
        record = account.contacts.upsert(write, OWNER)
        assert record.dictionary_properties == {"n": (kind.upper(), value)}
    else:
        with pytest.raises(InvalidField, match=r"dictionaryProperties\[0\]\.(value|type)"):
            account.contacts.upsert(write, OWNER)


def test_reset_forgets_contacts_and_consents(account: Account) -> None:
    account.optin.add_consent("newsletter")
    upsert(account, tags=("x",))
    account.contacts.delete(EMAIL)
    account.reset()
    assert account.find(EMAIL) is None
    assert account.optin.consents() == []
    assert account.tags.list() == []
    assert account.next_purge() is None
    assert account.users


def test_timestamps_are_utc_aware(account: Account) -> None:
    record = upsert(account)
    assert record.created_on.tzinfo is UTC


def test_s2_8_stop_and_restore_monitoring(account: Account) -> None:
    record = upsert(account)
    account.contacts.stop_monitoring(EMAIL)
    assert not record.monitored
    account.contacts.restore_monitoring(record.id)
    assert record.monitored
    with pytest.raises(ContactNotFound):
        account.contacts.stop_monitoring("nobody@example.com")


def test_s2_4_ids_are_distinct_lower_case_uuid4(account: Account) -> None:
    ids = {
        account.contacts.upsert(ContactWrite(email=f"u{i}@example.com"), OWNER).id
        for i in range(500)
    }
    assert len(ids) == 500
    for contact_id in ids:
        parsed = uuid.UUID(contact_id)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == contact_id


# --- soft deletion, restoring, permanent deletion, forget-me (the purge: test_state_purge) ---


def test_s3_1_soft_deleted_contact_is_readable_but_counts_nowhere(account: Account) -> None:
    contact = upsert(account, tags=("vip",))
    upsert(account, "other@example.com", tags=("vip",))
    account.contacts.delete(EMAIL)
    assert account.find(EMAIL) is contact
    assert account.find(contact.id) is contact
    assert contact.deleted
    assert account.has_contact(EMAIL) is None
    assert account.count() == 1
    assert [r.email for r in account.live_contacts()] == ["other@example.com"]
    assert {r.email for r in account.all_contacts()} == {EMAIL, "other@example.com"}
    assert [(t.tag, t.count) for t in account.tags.list()] == [("VIP", 1)]
    far = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    assert [r.email for r in account.created_between(*far)] == ["other@example.com"]
    assert [r.email for r in account.modified_between(*far)] == ["other@example.com"]


def test_s3_2_writes_needing_a_live_contact_answer_not_found(account: Account) -> None:
    upsert(account)
    account.contacts.delete(EMAIL)
    actions: list[Callable[[], object]] = [
        lambda: account.contacts.update(EMAIL, ContactWrite(name="X"), OWNER),
        lambda: account.tags.manage(EMAIL, ["a"], []),
        lambda: account.optin.opt_in(EMAIL),
        lambda: account.optin.phone_opt_out(EMAIL),
        lambda: account.users.set_main_owner(EMAIL, OWNER),
        lambda: account.scoring.set(EMAIL, 3),
        lambda: account.find_live(EMAIL),
    ]
    for action in actions:
        with pytest.raises(ContactNotFound):
            action()


def test_s3_2_insert_of_soft_deleted_restores_same_card(account: Account) -> None:
    first = account.contacts.insert(ContactWrite(email=EMAIL, name="Jan"), OWNER)
    account.contacts.delete(EMAIL)
    again = account.contacts.insert(ContactWrite(email=EMAIL, company="ACME"), OWNER)
    assert again.id == first.id
    assert again.company == "ACME"
    assert again.name == "Jan"


def test_s3_2_batch_upsert_restores_soft_deleted(account: Account) -> None:
    first = upsert(account)
    account.contacts.delete(EMAIL)
    results = account.contacts.batch_upsert([ContactWrite(email=EMAIL)], OWNER)
    assert results == [first]
    assert not first.deleted


def test_s3_1_delete_missing_or_already_deleted_is_not_found(account: Account) -> None:
    with pytest.raises(ContactNotFound, match=re.escape("Contact not found: nobody@example.com")):
        account.contacts.delete("nobody@example.com")
    upsert(account)
    assert account.contacts.delete(EMAIL) is not None
    with pytest.raises(ContactNotFound):
        account.contacts.delete(EMAIL)
    assert account.contacts.delete(EMAIL, permanently=True) is None
    assert account.find(EMAIL) is None


def test_s3_3_permanent_delete_removes_at_once_and_frees_email(account: Account) -> None:
    first = upsert(account, tags=("vip",))
    assert account.contacts.delete(first.id, permanently=True) is None
    assert account.find(EMAIL) is None
    assert account.has_contact(EMAIL) is None
    assert account.tags.list() == []
    second = account.contacts.insert(ContactWrite(email=EMAIL), OWNER)
    assert second.id != first.id


def test_s3_3_forget_me_removes_live_or_soft_deleted_at_once(account: Account) -> None:
    live = upsert(account, "a@example.com")
    gone = upsert(account, "b@example.com")
    account.contacts.delete("b@example.com")
    assert account.contacts.forget("a@example.com") is live
    assert account.contacts.forget(gone.id) is gone
    assert account.find("a@example.com") is None
    assert account.find("b@example.com") is None
    assert account.count() == 0
    with pytest.raises(ContactNotFound):
        account.contacts.forget("a@example.com")


def test_s3_1_restore_of_live_or_missing_contact_is_not_found(account: Account) -> None:
    upsert(account)
    with pytest.raises(ContactNotFound):
        account.contacts.restore(EMAIL)
    with pytest.raises(ContactNotFound):
        account.contacts.restore("nobody@example.com")


# --- ``ContactsArea.batch_delete`` (``contact/batchDelete``; protocol §5.4; S3.1, S3.3): ----------


def _cards(account: Account) -> list[tuple[str, bool]]:
    return [(r.email, r.deleted) for r in account.all_contacts()]


def test_batch_delete_names_each_card_once(account: Account) -> None:
    a = account.contacts.upsert(ContactWrite(email="a@shop.pl", tags=("VIP",)), OWNER)
    account.contacts.upsert(ContactWrite(email="b@shop.pl", tags=("VIP",)), OWNER)
    account.contacts.upsert(ContactWrite(email="c@shop.pl"), OWNER)
    addressees = [
        ("EMAIL", " A@Shop.pl ", "contacts[0].value"),
        ("CONTACT_ID", a.id.upper(), "contacts[1].value"),
        ("TAG", "vip", "contacts[2].value"),
    ]
    deleted = account.contacts.batch_delete(addressees, owner=OWNER)
    assert [r.email for r in deleted] == ["a@shop.pl", "b@shop.pl"]
    assert _cards(account) == [("a@shop.pl", True), ("b@shop.pl", True), ("c@shop.pl", False)]


def test_batch_delete_is_all_or_nothing(account: Account) -> None:
    account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.contacts.upsert(ContactWrite(email="b@shop.pl"), OWNER)
    account.users.add_owner("b@shop.pl", OTHER_USER, "READ_ONLY")
    before = _cards(account)
    with pytest.raises(ContactNotFound, match=r"x@shop\.pl"):
        account.contacts.batch_delete(
            [("EMAIL", "a@shop.pl", "f0"), ("EMAIL", "x@shop.pl", "f1")], owner=OWNER
        )
    with pytest.raises(ReadOnlyOwner):
        account.contacts.batch_delete(
            [("EMAIL", "a@shop.pl", "f0"), ("EMAIL", "b@shop.pl", "f1")], owner=OTHER_USER
        )
    with pytest.raises(InvalidField, match="'f1' must be one of"):
        account.contacts.batch_delete([("EMAIL", "a@shop.pl", "f0"), ("PHONE", "1", "f1")])
    assert _cards(account) == before


def test_batch_delete_permanently_takes_soft_deleted_cards(account: Account) -> None:
    account.contacts.upsert(ContactWrite(email="a@shop.pl"), OWNER)
    account.contacts.delete("a@shop.pl")
    with pytest.raises(ContactNotFound):
        account.contacts.batch_delete([("EMAIL", "a@shop.pl", "f0")])
    assert account.find_by("EMAIL", "a@shop.pl") is not None
    assert account.find_live_by("EMAIL", "a@shop.pl") is None
    account.contacts.batch_delete([("EMAIL", "a@shop.pl", "f0")], permanently=True)
    assert _cards(account) == []
