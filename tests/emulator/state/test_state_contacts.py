"""Contact cards: create, upsert, update, batch, e-mail change, details (S1.2, S2.1-S2.5, S6)."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from salesmanago_emulator.clock import FrozenClock
from salesmanago_emulator.errors import (
    AuthenticationFailed,
    ContactAlreadyExists,
    ContactNotFound,
    EmulatorError,
    InvalidField,
    LimitExceeded,
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
OWNER = "owner@shop.pl"
EMAIL = "jan@example.com"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def upsert(account: Account, email: str = EMAIL, **fields: object) -> ContactRecord:
    return account.contacts.upsert(ContactWrite(email=email, **fields), OWNER)  # type: ignore[arg-type]


def snapshot(record: ContactRecord) -> dict[str, object]:
    plain = {name: getattr(record, name) for name in ContactRecord.__slots__ if name[0] != "_"}
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


def test_s1_2_accounts_are_kept_apart(clock: FrozenClock) -> None:
    one = Account("one", "s", [OWNER], clock=clock)
    two = Account("two", "s", [OWNER], clock=clock)
    a = one.contacts.upsert(ContactWrite(email=EMAIL, tags=("x",)), OWNER)
    assert two.find(EMAIL) is None
    assert two.find(a.id) is None
    assert two.count() == 0
    assert two.tags.list() == []
    b = two.contacts.upsert(ContactWrite(email=EMAIL), OWNER)
    assert b.id != a.id
    two.contacts.delete(EMAIL)
    assert one.find_live(EMAIL) is a


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


def test_range_listings_inclusive_and_ordered_by_time_then_id(clock: FrozenClock) -> None:
    ids = (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))
    account = Account("c", "s", [OWNER], clock=clock, id_factory=lambda: next(ids))
    t0 = clock.now()
    b = upsert(account, "b@example.com")
    a = upsert(account, "a@example.com")
    clock.advance(timedelta(minutes=1))
    c = upsert(account, "c@example.com")
    clock.advance(timedelta(minutes=1))
    upsert(account, "a@example.com", name="A")  # a modified again at t0 + 2 min
    assert account.created_between(t0, t0 + timedelta(minutes=1)) == [b, a, c]
    assert account.created_between(t0 + timedelta(seconds=1), t0 + timedelta(minutes=1)) == [c]
    assert account.modified_between(t0, t0 + timedelta(minutes=2)) == [b, c, a]
    assert account.modified_between(t0, t0 + timedelta(minutes=1)) == [b, c]
    with pytest.raises(InvalidField, match="'from' must be a timezone-aware instant"):
        account.created_between(datetime(2026, 1, 1), t0)


def test_range_listing_survives_index_rebuild_and_backward_clock(clock: FrozenClock) -> None:
    account = Account("c", "s", [OWNER], clock=clock)
    start = clock.now()
    records = [upsert(account, f"u{i}@example.com") for i in range(5)]
    for step in range(1, 1300):
        clock.advance(timedelta(seconds=1))
        account.scoring.add(records[step % 5].id, 1)
    clock.set(start - timedelta(days=1))
    early = upsert(account, "early@example.com")
    assert account.created_between(start - timedelta(days=2), start - timedelta(hours=1)) == [early]
    last = clock.now() + timedelta(days=1, seconds=1299)
    assert sorted(r.email for r in account.modified_between(start, last)) == sorted(
        r.email for r in records
    )


def test_batch_upsert_indexes_created_and_modified_like_single_writes(
    clock: FrozenClock,
) -> None:
    ids = (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))
    account = Account("c", "s", [OWNER], clock=clock, id_factory=lambda: next(ids))
    start = clock.now()
    old = upsert(account, "old@example.com")
    clock.advance(timedelta(minutes=1))
    t1 = clock.now()
    writes = [
        ContactWrite(email="new@example.com"),
        ContactWrite(email="old@example.com", name="Old"),
        ContactWrite(email="not an e-mail"),
        ContactWrite(email="new@example.com", name="New"),
    ]
    new, changed, error, again = account.contacts.batch_upsert(writes, OWNER)
    assert isinstance(error, InvalidField)
    assert changed is old
    assert again is new
    assert account.created_between(start, t1) == [old, new]
    assert account.modified_between(t1, t1) == [old, new]
    assert account.modified_between(start, start) == []
    # a batch at an earlier instant (the clock set back) is listed in time order
    clock.set(start - timedelta(hours=1))
    (early,) = account.contacts.batch_upsert([ContactWrite(email="early@example.com")], OWNER)
    assert account.created_between(start - timedelta(hours=2), t1) == [early, old, new]
    # many batches re-touching the same cards: the rebuilt index lists each once, by id
    for _ in range(400):
        clock.advance(timedelta(seconds=1))
        account.contacts.batch_upsert(
            [ContactWrite(email=r.email, name=str(clock.now())) for r in (early, old, new)], OWNER
        )
    assert account.modified_between(start - timedelta(hours=2), clock.now()) == [old, new, early]


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


def test_account_construction_is_validated(clock: FrozenClock) -> None:
    account = Account(
        "c", "s", [" A@Example.com ", "a@example.com"], clock=clock, timezone=ZoneInfo("UTC")
    )
    assert account.users == ("a@example.com",)
    assert account.users.is_user("A@EXAMPLE.COM")
    assert not account.users.is_user("b@example.com")
    assert account.users.add("B@example.com") == "b@example.com"
    assert account.users.is_user("b@example.com")
    with pytest.raises(ValueError, match="users"):
        Account("c", "s", [], clock=clock)
    with pytest.raises(ValueError, match=r"users\[0\]"):
        Account("c", "s", ["nope"], clock=clock)
    with pytest.raises(ValueError, match="time zone"):
        Account("c", "s", [OWNER], clock=clock, timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="client_id"):
        Account("", "s", [OWNER], clock=clock)


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


def test_extensions_slot_for_later_areas(account: Account) -> None:
    record = upsert(account)
    assert record.extensions == {}
    assert record.extension("notes") is None
    record.set_extension("notes", ["n1"])
    assert record.extension("notes") == ["n1"]
    record.set_extension("notes", None)
    assert record.extensions == {}


def test_timestamps_are_utc_aware(account: Account) -> None:
    record = upsert(account)
    assert record.created_on.tzinfo is UTC
