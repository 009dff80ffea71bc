"""The callbacks area in the state layer (S10.3, S17.2, S17.3): opt-in/opt-out callbacks
queued in the outbox (when, where, with what; whichever door changed the status),
rule-action callbacks (checks, payload, routing), registration, the outbox's bound, reset,
and removed contacts."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from callbacks_helpers import EMPTY, busy
from routes_helpers import A_ID, A_OWNER, A_SECOND, B_OWNER, NOW, NOW_MS, Api

from salesmanago import SalesManago
from salesmanago_emulator import Account, ContactNotFound, FrozenClock, InvalidField
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import ContactWrite
from salesmanago_emulator.state import callbacks as callbacks_module
from salesmanago_emulator.state.callbacks import callback_key, expand_url

OPT_IN_URL = "http://127.0.0.1:9/shop/optin"
OPT_OUT_URL = "http://127.0.0.1:9/shop/optout"
IN_SECRET, OUT_SECRET = "in-secret-1", "out-secret-2"


@pytest.fixture
def hooked(account_a: Account) -> Account:
    """Account A with both callback URLs registered, each with its own secret."""
    account_a.callbacks.register("OPT_IN", OPT_IN_URL, IN_SECRET)
    account_a.callbacks.register("opt_out", OPT_OUT_URL, OUT_SECRET)
    return account_a


def kinds_and_sources(account: Account) -> list[tuple[str, str, str]]:
    return [(e.kind, e.payload["email"], e.payload["source"]) for e in account.callbacks.outbox()]


def test_s10_3_upsert_force_opt_in_queues_opt_in_with_all_fields(hooked: Account, api: Api) -> None:
    contact_id = api.upsert("Jan@Shop.pl", forceOptIn=True)
    [entry] = hooked.callbacks.outbox()
    assert entry.kind == "OPT_IN"
    assert entry.url == OPT_IN_URL
    assert entry.created == NOW
    assert (entry.attempts, entry.last_error, entry.delivered) == (0, None, False)
    assert entry.payload == {
        "id": entry.id,
        "type": "OPT_IN",
        "clientId": A_ID,
        "contactId": contact_id,
        "email": "jan@shop.pl",
        "source": "FROM_INIT",
        "createdOn": NOW_MS,
        "key": hashlib.sha1(b"jan@shop.pl" + IN_SECRET.encode()).hexdigest(),
    }
    wire = json.dumps(entry.payload) + entry.url
    assert IN_SECRET not in wire
    assert OUT_SECRET not in wire


def test_s10_3_no_entry_when_the_status_does_not_change(hooked: Account, api: Api) -> None:
    api.upsert("new@shop.pl")  # a new card starts opted out: nothing changed
    api.upsert("out@shop.pl", forceOptOut=True)  # already opted out
    api.upsert("in@shop.pl", forceOptIn=True)
    api.upsert("in@shop.pl", forceOptIn=True)  # already in
    api.ok("contact/optin", email="in@shop.pl")
    api.ok("contact/optout", email="out@shop.pl")
    hooked.optin.phone_opt_in("in@shop.pl")  # phone channel: no e-mail callback
    hooked.optin.mark_invalid("in@shop.pl")  # status kept aside, not changed
    assert kinds_and_sources(hooked) == [("OPT_IN", "in@shop.pl", "FROM_INIT")]


def test_s10_3_every_path_queues_the_matching_callback(
    hooked: Account, api: Api, sm: SalesManago
) -> None:
    api.upsert("a@shop.pl", forceOptIn=True)  # upsert flag
    api.ok("contact/optout", email="a@shop.pl")  # optout route
    api.ok("contact/optin", email="a@shop.pl")  # optin route
    api.ok(
        "contact/batchupsert",
        upsertDetails=[{"contact": {"email": "b@shop.pl"}, "forceOptIn": True}],
    )
    api.ok("contact/batchoptout", emails=["a@shop.pl", "b@shop.pl"])
    hooked.optin.opt_in("a@shop.pl", source="MANAGE")  # Python API, another S10.2 source
    sm.optin.opt_out("a@shop.pl")  # SDK
    hooked.optin.mark_invalid("b@shop.pl")
    hooked.optin.opt_in("b@shop.pl")  # while invalid: still a status change
    hooked.optin.restore_previous_status("b@shop.pl")  # keeps the status set meanwhile: none
    assert kinds_and_sources(hooked) == [
        ("OPT_IN", "a@shop.pl", "FROM_INIT"),
        ("OPT_OUT", "a@shop.pl", "FROM_INIT"),
        ("OPT_IN", "a@shop.pl", "FROM_INIT"),
        ("OPT_IN", "b@shop.pl", "FROM_INIT"),
        ("OPT_OUT", "a@shop.pl", "FROM_INIT"),
        ("OPT_OUT", "b@shop.pl", "FROM_INIT"),
        ("OPT_IN", "a@shop.pl", "MANAGE"),
        ("OPT_OUT", "a@shop.pl", "FROM_INIT"),
        ("OPT_IN", "b@shop.pl", "FROM_INIT"),
    ]
    assert all(
        e.url == (OPT_IN_URL if e.kind == "OPT_IN" else OPT_OUT_URL)
        for e in hooked.callbacks.outbox()
    )
    assert len({e.id for e in hooked.callbacks.outbox()}) == 9


def test_s10_3_swapped_urls_are_detectable(hooked: Account) -> None:
    """Each URL gets its own type and a key from its own secret: a swap shows."""
    contact_id = hooked.contacts.upsert(ContactWrite(email="swap@shop.pl"), A_OWNER).id
    hooked.optin.opt_in(contact_id)
    hooked.optin.opt_out(contact_id)
    opt_in, opt_out = hooked.callbacks.outbox()
    assert (opt_in.payload["type"], opt_out.payload["type"]) == ("OPT_IN", "OPT_OUT")
    assert opt_in.payload["key"] == callback_key("swap@shop.pl", IN_SECRET)
    assert opt_out.payload["key"] == callback_key("swap@shop.pl", OUT_SECRET)
    assert opt_in.payload["key"] != callback_key("swap@shop.pl", OUT_SECRET)


def test_s10_3_only_the_registered_kind_is_queued(account_a: Account, api: Api) -> None:
    api.upsert("x@shop.pl", forceOptIn=True)
    assert account_a.callbacks.outbox() == []  # nothing registered, nothing queued
    account_a.callbacks.register("OPT_OUT", OPT_OUT_URL, OUT_SECRET)
    api.ok("contact/optin", email="x@shop.pl")  # no change
    api.ok("contact/optout", email="x@shop.pl")
    api.ok("contact/optin", email="x@shop.pl")  # OPT_IN has no URL
    assert [e.kind for e in account_a.callbacks.outbox()] == ["OPT_OUT"]
    assert account_a.callbacks.unregister("OPT_OUT") is True
    assert account_a.callbacks.unregister("OPT_OUT") is False
    api.ok("contact/optout", email="x@shop.pl")
    assert len(account_a.callbacks.outbox()) == 1


def test_s10_3_url_template_fills_email_and_sha1(account_a: Account, api: Api) -> None:
    """As on the platform's settings page: ``$email$`` and ``sha1($email$<param>)``."""
    template = "http://localhost/optin.php?email=$email$&key=sha1($email$param)"
    account_a.callbacks.register("OPT_IN", template, "s")
    api.upsert("a+b@shop.pl", forceOptIn=True)
    [entry] = account_a.callbacks.outbox()
    digest = hashlib.sha1(b"a+b@shop.plparam").hexdigest()
    assert entry.url == f"http://localhost/optin.php?email=a%2Bb@shop.pl&key={digest}"
    assert expand_url("http://127.0.0.1/plain", "a@b.pl") == "http://127.0.0.1/plain"


@pytest.mark.parametrize(
    ("kind", "url", "secret", "field"),
    [
        ("OPT_IN", "ftp://127.0.0.1/x", "s", "url"),
        ("OPT_IN", "not a url", "s", "url"),
        ("OPT_IN", 42, "s", "url"),
        ("OPT_IN", OPT_IN_URL, "", "secret"),
        ("OPT_IN", OPT_IN_URL, None, "secret"),
        ("SOMETIMES", OPT_IN_URL, "s", "kind"),
    ],
)
def test_s10_3_registration_is_checked(
    account_a: Account, kind: str, url: object, secret: object, field: str
) -> None:
    with pytest.raises(InvalidField) as err:
        account_a.callbacks.register(kind, url, secret)  # type: ignore[arg-type]
    assert err.value.field == field
    assert account_a.callbacks.endpoints == {}


def test_s10_3_secrets_stay_out_of_repr(account_a: Account) -> None:
    """A printed or logged endpoint never shows its secret; the endpoint and the
    saved state still hold it."""
    opt_in = account_a.callbacks.register("OPT_IN", OPT_IN_URL, IN_SECRET)
    action = account_a.callbacks.register_action(OPT_OUT_URL, OUT_SECRET, kinds=["NOTE"])
    assert IN_SECRET not in repr(opt_in)
    assert OUT_SECRET not in repr(action)
    assert IN_SECRET not in repr(account_a.callbacks.endpoints)
    assert OUT_SECRET not in repr(account_a.callbacks.action_endpoints)
    assert OPT_IN_URL in repr(opt_in)  # the other fields still show
    assert OUT_SECRET not in str(action)
    assert (opt_in.secret, action.secret) == (IN_SECRET, OUT_SECRET)
    state = dump_area(account_a, "callbacks")
    assert state["endpoints"][0]["secret"] == IN_SECRET
    assert state["actions"][0]["secret"] == OUT_SECRET


def test_s10_3_a_failed_write_queues_nothing(hooked: Account, api: Api) -> None:
    """No partial write: a refused upsert leaves no callback; a batch queues its good items."""
    api.fail("contact/upsert", contact={"email": "bad@shop.pl", "state": "NOPE"}, forceOptIn=True)
    assert hooked.find("bad@shop.pl") is None
    assert hooked.callbacks.outbox() == []
    api.post(
        "contact/batchupsert",
        upsertDetails=[
            {"contact": {"email": "ok@shop.pl"}, "forceOptIn": True},
            {"contact": {"email": "bad@shop.pl", "state": "NOPE"}, "forceOptIn": True},
        ],
    )
    assert kinds_and_sources(hooked) == [("OPT_IN", "ok@shop.pl", "FROM_INIT")]


def test_s10_3_accounts_are_isolated(hooked: Account, account_b: Account) -> None:
    account_b.contacts.upsert(ContactWrite(email="b@shop.pl", force_opt_in=True), B_OWNER)
    assert hooked.callbacks.outbox() == []
    assert account_b.callbacks.outbox() == []  # B registered nothing


def test_s10_3_reset_forgets_urls_and_outbox(hooked: Account, api: Api) -> None:
    api.upsert("r@shop.pl", forceOptIn=True)
    hooked.reset()
    assert hooked.callbacks.endpoints == {}
    assert hooked.callbacks.outbox() == []


CRM_URL = "http://127.0.0.1:9/crm/actions"
CRM_SECRET = "crm-secret"


@pytest.fixture
def crm(account_a: Account) -> Account:
    """Account A with one contact and a CRM endpoint for every action kind."""
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl"), A_OWNER)
    account_a.callbacks.register_action(CRM_URL, CRM_SECRET)
    return account_a


def fire(account: Account, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    [entry] = account.callbacks.fire_action(kind, "jan@shop.pl", data)
    assert entry.kind == kind
    assert entry.url == CRM_URL
    data_out: dict[str, Any] = entry.payload["data"]
    return data_out


def test_s17_3_deal_stage_action_payload_and_defaults(crm: Account) -> None:
    """Seed 002: ``stage`` required; defaults sort by modified date, descending, limit 1."""
    [entry] = crm.callbacks.fire_action(
        "deal_stage", "JAN@shop.pl", {"stage": "Offer", "status": "Won"}
    )
    record = crm.find("jan@shop.pl")
    assert record is not None
    assert entry.payload == {
        "id": entry.id,
        "type": "DEAL_STAGE",
        "clientId": A_ID,
        "contactId": record.id,
        "email": "jan@shop.pl",
        "createdOn": NOW_MS,
        "key": callback_key("jan@shop.pl", CRM_SECRET),
        "data": {
            "stage": "Offer",
            "status": "won",
            "sort": "modified",
            "order": "desc",
            "limit": 1,
        },
    }
    assert crm.callbacks.outbox() == [entry]


def test_s17_3_deal_stage_options(crm: Account) -> None:
    data = {"stage": "Negotiation", "status": "lost", "process": "B2B", "sort": "name"}
    assert fire(crm, "DEAL_STAGE", {**data, "order": "asc", "limit": 0}) == {
        **data,
        "order": "asc",
        "limit": 0,
    }
    assert fire(crm, "DEAL_STAGE", {"stage": "Call"}) == {
        "stage": "Call",
        "sort": "modified",
        "order": "desc",
        "limit": 1,
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "data.stage"),
        ({"status": "won"}, "data.stage"),
        ({"stage": "S", "status": "closed"}, "data.status"),
        ({"stage": "S", "sort": "size"}, "data.sort"),
        ({"stage": "S", "order": "up"}, "data.order"),
        ({"stage": "S", "limit": -1}, "data.limit"),
        ({"stage": "S", "limit": True}, "data.limit"),
        ({"stage": "S", "colour": "red"}, "data.colour"),
    ],
)
def test_s17_3_deal_stage_refusals_queue_nothing(
    crm: Account, data: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidField) as err:
        crm.callbacks.fire_action("DEAL_STAGE", "jan@shop.pl", data)
    assert err.value.field == field
    assert crm.callbacks.outbox() == []


def test_s17_3_task_date_absolute_or_relative(crm: Account, emu_clock: FrozenClock) -> None:
    base = {"text": "Call back"}
    assert fire(crm, "TASK", {**base, "date": "2026-03-01"})["dueDate"] == "2026-03-01"
    assert fire(crm, "TASK", {**base, "date": "+2days"})["dueDate"] == "2026-01-17"
    assert fire(crm, "TASK", {**base, "date": "+5months"}) == {
        "text": "Call back",
        "owner": A_OWNER,  # the contact's main owner by default
        "date": "+5months",
        "dueDate": "2026-06-15",
    }
    # the account's day (Warsaw), and a month end clamped
    emu_clock.set(datetime(2026, 1, 30, 23, 30, tzinfo=timezone.utc))  # 31 Jan 00:30 in Warsaw
    assert fire(crm, "TASK", {**base, "date": "+1month"})["dueDate"] == "2026-02-28"
    assert fire(crm, "TASK", {**base, "date": "+1day"})["dueDate"] == "2026-02-01"


@pytest.mark.parametrize(
    "date", ["tomorrow", "2026-02-30", "+2weeks", "2026/03/01", 20260301, None]
)
def test_s17_3_task_date_refused(crm: Account, date: object) -> None:
    with pytest.raises(InvalidField) as err:
        crm.callbacks.fire_action("TASK", "jan@shop.pl", {"text": "x", "date": date})
    assert err.value.field == "data.date"
    assert crm.callbacks.outbox() == []


def test_s17_3_tags_comma_separated_and_normalised(crm: Account) -> None:
    assert fire(crm, "TAGS", {"tags": "vip, Łódź ,,vip"}) == {"tags": "VIP,LODZ"}
    assert fire(crm, "TAGS", {"tags": ["a", "b,c"]}) == {"tags": "A,B,C"}
    with pytest.raises(InvalidField):
        crm.callbacks.fire_action("TAGS", "jan@shop.pl", {"tags": " , "})


def test_s17_3_notification_and_note(crm: Account) -> None:
    assert fire(crm, "NOTIFICATION", {"text": "Hot lead", "owner": "SECOND@a.example.com"}) == {
        "text": "Hot lead",
        "owner": A_SECOND,
    }
    assert fire(crm, "NOTE", {"text": "Asked for a quote"}) == {"text": "Asked for a quote"}
    for data, field in [
        ({"text": "x", "owner": "stranger@x.pl"}, "data.owner"),
        ({"text": "  "}, "data.text"),
        ({}, "data.text"),
    ]:
        with pytest.raises(InvalidField) as err:
            crm.callbacks.fire_action("NOTIFICATION", "jan@shop.pl", data)
        assert err.value.field == field


def test_s17_3_endpoints_receive_only_their_kinds(account_a: Account) -> None:
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl"), A_OWNER)
    assert account_a.callbacks.fire_action("NOTE", "jan@shop.pl", {"text": "x"}) == []
    deals = account_a.callbacks.register_action(
        "http://localhost/deals", "s1", kinds=["deal_stage"]
    )
    every = account_a.callbacks.register_action("http://localhost/all", "s2")
    notes = account_a.callbacks.fire_action("NOTE", "jan@shop.pl", {"text": "x"})
    assert [e.url for e in notes] == ["http://localhost/all"]
    both = account_a.callbacks.fire_action("DEAL_STAGE", "jan@shop.pl", {"stage": "Offer"})
    assert [e.url for e in both] == ["http://localhost/deals", "http://localhost/all"]
    assert both[0].payload["key"] != both[1].payload["key"]  # each with its own secret
    assert account_a.callbacks.unregister_action(deals.id) is True
    assert account_a.callbacks.action_endpoints == [every]
    with pytest.raises(InvalidField):
        account_a.callbacks.register_action("http://localhost/x", "s", kinds=["EMAIL"])
    with pytest.raises(InvalidField):
        account_a.callbacks.register_action("http://localhost/x", "s", kinds=[])


def test_s17_3_action_needs_a_live_contact(crm: Account) -> None:
    crm.contacts.delete("jan@shop.pl")
    with pytest.raises(ContactNotFound):
        crm.callbacks.fire_action("NOTE", "jan@shop.pl", {"text": "x"})
    with pytest.raises(InvalidField) as err:
        crm.callbacks.fire_action("EMAIL", "jan@shop.pl", {})
    assert err.value.field == "kind"
    assert crm.callbacks.outbox() == []


def test_s10_3_account_reset_empties_the_area(account_a: Account, emu_clock: FrozenClock) -> None:
    busy(account_a, emu_clock).reset()
    assert dump_area(account_a, "callbacks") == EMPTY
    assert account_a.callbacks in account_a.areas


def test_s10_3_clear_outbox(account_a: Account, emu_clock: FrozenClock) -> None:
    busy(account_a, emu_clock)
    assert account_a.callbacks.clear_outbox(delivered_only=True) == 1
    assert len(account_a.callbacks.outbox()) == 2
    assert account_a.callbacks.clear_outbox() == 2
    assert account_a.callbacks.outbox() == []


def test_s10_3_outbox_bound_drops_oldest_delivered_first(
    account_a: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(callbacks_module, "OUTBOX_LIMIT", 2)
    area = account_a.callbacks
    area.register("OPT_IN", "http://127.0.0.1:1/in", "s")
    area.register("OPT_OUT", "http://127.0.0.1:1/out", "s")
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl", force_opt_in=True), A_OWNER)
    account_a.optin.opt_out("jan@shop.pl")
    first, second = area.outbox()
    area.record_attempt(second.id, NOW, error=None)
    account_a.optin.opt_in("jan@shop.pl")  # third entry: the delivered one goes
    assert [(e.kind, e.delivered) for e in area.outbox()] == [("OPT_IN", False), ("OPT_IN", False)]
    assert area.outbox()[0] == first
    account_a.optin.opt_out("jan@shop.pl")  # none delivered: the oldest goes
    assert [e.kind for e in area.outbox()] == ["OPT_IN", "OPT_OUT"]
    assert first not in area.outbox()


@pytest.mark.parametrize("how", ["permanent delete", "forget me", "purge"])
def test_s3_3_removed_contact_drops_its_undelivered_callbacks(
    account_a: Account, emu_clock: FrozenClock, how: str
) -> None:
    """S3.3: a card gone for good takes its pending outbox entries with it at once;
    the delivered one stays as the record of a call made; others' entries stay."""
    busy(account_a, emu_clock)
    account_a.contacts.upsert(ContactWrite(email="ann@shop.pl", force_opt_in=True), A_OWNER)
    jan = account_a.find_live("jan@shop.pl").id
    delivered = account_a.callbacks.outbox()[0]
    ann_entry = account_a.callbacks.outbox()[-1]
    assert len(account_a.callbacks.outbox(pending_only=True)) == 3
    if how == "permanent delete":
        account_a.contacts.delete("jan@shop.pl", permanently=True)
    elif how == "forget me":
        account_a.contacts.forget("jan@shop.pl")
    else:
        account_a.contacts.delete("jan@shop.pl")
        assert len(account_a.callbacks.outbox()) == 4  # soft delete keeps them
        emu_clock.advance(timedelta(days=1))
        account_a.run_due_purge()
        assert account_a.find(jan) is None
    assert account_a.callbacks.outbox() == [delivered, ann_entry]
    assert delivered.payload["contactId"] == jan


def test_s3_3_removing_a_contact_with_an_empty_outbox(account_a: Account) -> None:
    """Nothing queued (the usual case): a removal leaves the outbox empty and the rest intact."""
    account_a.callbacks.register("OPT_IN", "http://127.0.0.1:1/in", "s-in")
    account_a.contacts.upsert(ContactWrite(email="jan@shop.pl"), A_OWNER)
    account_a.contacts.delete("jan@shop.pl", permanently=True)
    assert account_a.callbacks.outbox() == []
    assert list(account_a.callbacks.endpoints) == ["OPT_IN"]
    account_a.contacts.upsert(ContactWrite(email="ann@shop.pl", force_opt_in=True), A_OWNER)
    assert [e.kind for e in account_a.callbacks.outbox()] == ["OPT_IN"]
