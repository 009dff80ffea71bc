"""Opt-in/opt-out callbacks queued in the outbox (S10.3, S17.2): when, where, with what."""

from __future__ import annotations

import hashlib
import json

import pytest
from routes_helpers import A_ID, A_OWNER, B_OWNER, NOW, NOW_MS, Api

from salesmanago import SalesManago
from salesmanago_emulator import Account, InvalidField
from salesmanago_emulator.snapshot import dump_area
from salesmanago_emulator.state import ContactWrite
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
