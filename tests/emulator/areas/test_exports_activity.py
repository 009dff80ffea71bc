"""Exports, job status, export files and recent activity on the emulator (protocol §6,
§13.18, §14; semantics S1.2 isolation, S3.1 soft-deleted contacts left out, S16.1)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from routes_helpers import A_ID, B_ID, NOW, NOW_MS, URL, Api

from salesmanago import (
    Addressee,
    AsyncSalesManago,
    ContactState,
    ContactUpsert,
    EndpointNotFoundError,
    ExportDataType,
    InvalidFieldError,
    SalesManago,
)
from salesmanago_emulator import Account, Emulator, FrozenClock

EXPORT = "contact/paginatedContactList/export"
DATA = "contact/export/data"
STATUS = "job/status"
ACTIVITY = "contact/recentActivity"


def _seed(api: Api, *emails: str, **fields: Any) -> list[str]:
    return [api.upsert(email, **fields) for email in emails]


def _file(api: Api, request_id: str) -> Any:
    """Poll the job once (it must be done) and GET its file."""
    status = api.ok(STATUS, requestId=request_id)
    assert status["message"] == []
    url = status["fileUrl"]
    assert url.startswith("/api/job/file/")
    response = api.http.get(URL + url)
    assert response.status_code == 200, response.text
    return response.json()


# --- paginatedContactList/export (raw JSON) -----------------------------------------


def test_s3_1_contact_list_export_holds_live_contacts_of_the_account_only(
    api: Api, api_b: Api
) -> None:
    """§6 export + job/status + file: soft-deleted contacts are left out (S3.1), another
    account's contacts never appear (S1.2); requestId is a string of digits (§13.18)."""
    ids = _seed(api, "ann@example.com", "bob@example.com", "cat@example.com")
    api.ok("contact/delete", email="bob@example.com")
    _seed(api_b, "other@example.com")
    started = api.ok(EXPORT, page=0, size=10)
    assert isinstance(started["requestId"], str)
    assert started["requestId"].isdigit()
    document = _file(api, started["requestId"])
    contacts = document["contacts"]
    assert [c["email"] for c in contacts] == ["ann@example.com", "cat@example.com"]
    assert [c["id"] for c in contacts] == [ids[0], ids[2]]
    assert all(c["exists"] is True for c in contacts)
    assert set(contacts[0]) >= {"email", "exists", "id", "name", "country", "phone"}


def test_contact_list_export_pages_from_zero(api: Api) -> None:
    """``page`` counts from 0; the last page is short; a page past the end is empty."""
    _seed(api, *(f"c{i}@example.com" for i in range(5)))
    pages = []
    for page in range(4):
        request_id = api.ok(EXPORT, page=page, size=2)["requestId"]
        pages.append([c["email"] for c in _file(api, request_id)["contacts"]])
    assert pages == [
        ["c0@example.com", "c1@example.com"],
        ["c2@example.com", "c3@example.com"],
        ["c4@example.com"],
        [],
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"page": 0, "size": 1001}, "Field 'size' must be at most 1000"),
        ({"page": 0, "size": 0}, "Field 'size' must be at least 1"),
        ({"page": -1, "size": 10}, "Field 'page' must be at least 0"),
        ({"size": 10}, "Field 'page' is required"),
        ({"page": 0, "size": "x"}, "Field 'size' must be an integer"),
    ],
)
def test_s11_6_export_page_limits_are_refused_and_start_no_job(
    api: Api, account_a: Account, fields: dict[str, Any], message: str
) -> None:
    """§3.4 / §11 item 6: size <= 1000; a refused request starts no job."""
    assert api.fail(EXPORT, **fields) == [message]
    assert account_a.exports.jobs == ()


def test_export_needs_an_owner_or_user(api: Api) -> None:
    """§13.4: the export methods take ``owner`` or ``user``."""
    from routes_helpers import OMIT

    assert api.fail(EXPORT, owner=OMIT, page=0, size=1) == [
        "Not authenticated, not owner specified"
    ]
    assert api.ok(EXPORT, owner=OMIT, user=api.owner, page=0, size=1)["requestId"]


def test_export_file_is_fixed_at_the_request(api: Api) -> None:
    """Grade D: the file holds the contacts as they were when the export was asked."""
    _seed(api, "ann@example.com")
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    _seed(api, "late@example.com")
    api.ok("contact/delete", email="ann@example.com")
    assert [c["email"] for c in _file(api, request_id)["contacts"]] == ["ann@example.com"]


# --- job/status ---------------------------------------------------------------------


def test_s1_2_request_id_of_another_account_is_unknown(api: Api, api_b: Api) -> None:
    """S1.2: a job is found only through the account that started it; ids are counted
    per account, so B's job "1" is B's own, with B's contacts."""
    _seed(api, "a@example.com")
    _seed(api_b, "b@example.com")
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    assert request_id == "1"
    assert api_b.fail(STATUS, requestId=request_id) == [
        "Field 'requestId' names no job of this account (got 1)"
    ]
    assert api_b.ok(EXPORT, page=0, size=10)["requestId"] == "1"
    assert [c["email"] for c in _file(api_b, "1")["contacts"]] == ["b@example.com"]
    assert [c["email"] for c in _file(api, "1")["contacts"]] == ["a@example.com"]


def test_s1_2_file_url_is_bound_to_its_account_and_token(api: Api) -> None:
    """The file's URL works only with its own account id, request id and token."""
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    url = api.ok(STATUS, requestId=request_id)["fileUrl"]
    prefix, client_id, job, token = url.rsplit("/", 3)
    assert (client_id, job) == (A_ID, request_id)
    for bad in (
        f"{prefix}/{B_ID}/{job}/{token}",
        f"{prefix}/{client_id}/{job}/{'0' * len(token)}",
        f"{prefix}/{client_id}/2/{token}",
        f"{prefix}/{client_id}/{job}",
    ):
        response = api.http.get(URL + bad)
        assert response.status_code == 404
        assert response.json()["success"] is False
    assert api.http.get(URL + url).status_code == 200


def test_job_runs_for_processing_time_on_the_injected_clock(
    api: Api, account_a: Account, clock: FrozenClock
) -> None:
    """Grade D: a job is done once the clock reaches start + processing_time; until then
    job/status answers a progress text and no fileUrl, and the file is not served."""
    account_a.exports.processing_time = timedelta(seconds=30)
    _seed(api, "a@example.com")
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    running = api.ok(STATUS, requestId=request_id)
    assert running["message"] == [f"Export {request_id} in progress"]
    assert "fileUrl" not in running
    job = account_a.exports.job(request_id)
    path = f"/api/job/file/{A_ID}/{request_id}/{job.token}"
    assert api.http.get(URL + path).status_code == 404
    clock.advance(timedelta(seconds=29))
    assert "fileUrl" not in api.ok(STATUS, requestId=request_id)
    clock.advance(timedelta(seconds=1))
    assert api.ok(STATUS, requestId=request_id)["fileUrl"] == path
    assert api.http.get(URL + path).json()["contacts"][0]["email"] == "a@example.com"


def test_processing_time_must_not_be_negative(account_a: Account) -> None:
    with pytest.raises(ValueError, match="processing_time"):
        account_a.exports.processing_time = timedelta(seconds=-1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "Field 'requestId' must be a string or a number"),
        ([], "Field 'requestId' must be a string or a number"),
        (" ", "Field 'requestId' must not be empty"),
        (None, "Field 'requestId' is required"),
        ("99", "Field 'requestId' names no job of this account (got 99)"),
    ],
)
def test_job_status_request_id_checks(api: Api, value: Any, message: str) -> None:
    """§13.18: requestId is a string or a number; anything else names the field."""
    assert api.fail(STATUS, requestId=value) == [message]


def test_job_status_takes_a_numeric_request_id(api: Api) -> None:
    """§13.18: C# clients send the id as a number."""
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    assert "fileUrl" in api.ok(STATUS, requestId=int(request_id))


def test_file_get_is_logged_and_other_gets_are_refused(api: Api, emu: Emulator) -> None:
    """Only file paths answer a GET; other paths keep HTTP 405, a POST to a file 404."""
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    url = api.ok(STATUS, requestId=request_id)["fileUrl"]
    api.http.get(URL + url)
    record = emu.calls[-1]
    assert (record.method, record.path, record.status) == ("GET", url, 200)
    assert api.http.get(URL + "/api/contact/upsert").status_code == 405
    assert api.send(url.removeprefix("/api/"), api.body()).status_code == 404


def test_reset_forgets_jobs_and_snapshot_round_trips(
    api: Api, emu: Emulator, account_a: Account
) -> None:
    """The area's reset, and its jobs through the state export (files and ids)."""
    _seed(api, "a@example.com")
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    saved = emu.export_state()
    account_a.exports.reset()
    assert api.fail(STATUS, requestId=request_id)
    assert api.ok(EXPORT, page=0, size=10)["requestId"] == "1"
    emu.import_state(saved)
    assert [c["email"] for c in _file(api, request_id)["contacts"]] == ["a@example.com"]
    assert api.ok(EXPORT, page=0, size=10)["requestId"] == "2"


# --- contact/export/data (raw JSON) --------------------------------------------------


def test_s3_1_export_data_of_addressees(api: Api, api_b: Api) -> None:
    """§6 export/data with lower-case addressee types (§5.4): e-mail, id and tag name
    live contacts only; unknown keys name nobody; B's tagged contact is not A's."""
    ann, _bob, cat = _seed(api, "ann@example.com", "bob@example.com", "cat@example.com")
    api.ok("contact/managetags", email="bob@example.com", tags=["VIP"])
    api.ok("contact/managetags", email="cat@example.com", tags=["VIP"])
    api.ok("contact/delete", email="bob@example.com")
    _seed(api_b, "vip@example.com", tags=["VIP"])
    started = api.ok(
        DATA,
        contacts=[
            {"addresseeType": "email", "value": "ANN@example.com"},
            {"addresseeType": "tag", "value": "vip"},
            {"addresseeType": "contact_id", "value": ann},
            {"addresseeType": "EMAIL", "value": "nobody@example.com"},
        ],
        data=[{"dataType": "CONTACT"}, {"dataType": "TAG"}],
    )
    contacts = _file(api, started["requestId"])["contacts"]
    assert [(c["id"], c["email"]) for c in contacts] == [
        (ann, "ann@example.com"),
        (cat, "cat@example.com"),
    ]
    assert contacts[1]["contactTags"][0]["tag"] == "VIP"
    assert contacts[0]["state"] == "PROSPECT"
    assert "properties" not in contacts[0]


def test_export_data_addressee_value_must_be_of_its_type(api: Api) -> None:
    """An ``email`` addressee holding a contact id (or a ``contact_id`` one holding an
    e-mail) names nobody: the value is looked up as its type only."""
    ann, bob = _seed(api, "ann@example.com", "bob@example.com")
    started = api.ok(
        DATA,
        contacts=[
            {"addresseeType": "email", "value": ann},
            {"addresseeType": "contact_id", "value": "bob@example.com"},
        ],
        data=[{"dataType": "CONTACT"}],
    )
    assert _file(api, started["requestId"])["contacts"] == []
    started = api.ok(
        DATA,
        contacts=[
            {"addresseeType": "contact_id", "value": ann.upper()},
            {"addresseeType": "email", "value": " BOB@example.com "},
        ],
        data=[{"dataType": "CONTACT"}],
    )
    contacts = _file(api, started["requestId"])["contacts"]
    assert [c["id"] for c in contacts] == [ann, bob]


def test_export_data_types_choose_the_lists(api: Api) -> None:
    """Each dataType adds its list of the full contact shape; CONTACT the card fields."""
    _seed(api, "ann@example.com", properties={"size": "43"})
    request_id = api.ok(
        DATA,
        contacts=[{"addresseeType": "email", "value": "ann@example.com"}],
        data=[{"dataType": "PROPERTIES"}, {"dataType": "CONSENTS"}],
    )["requestId"]
    (contact,) = _file(api, request_id)["contacts"]
    assert contact == {
        "id": contact["id"],
        "email": "ann@example.com",
        "properties": [{"name": "size", "value": "43"}],
        "consents": [],
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"contacts": [], "data": [{"dataType": "TAG"}]}, "Field 'contacts' must not be empty"),
        (
            {
                "contacts": [{"addresseeType": "FUNNEL", "value": "x"}],
                "data": [{"dataType": "TAG"}],
            },
            "Field 'contacts[0].addresseeType' must be one of email, contact_id, tag",
        ),
        (
            {"contacts": [{"addresseeType": "tag", "value": ","}], "data": [{"dataType": "TAG"}]},
            "Field 'contacts[0].value[0]' must not be empty",
        ),
        (
            {"contacts": [{"addresseeType": "email", "value": "a@example.com"}], "data": []},
            "Field 'data' must not be empty",
        ),
        (
            {
                "contacts": [{"addresseeType": "email", "value": "a@example.com"}],
                "data": [{"dataType": "NOPE"}],
            },
            "Field 'data[0].dataType' must be one of CONTACT, TAG, EXT_EVENT, VISITS, EMAILS, "
            "FUNNELS, NOTES, TASKS, COUPONS, SMS, CONSENTS, PROPERTIES, DICTIONARY_PROPERTIES",
        ),
    ],
)
def test_export_data_checks_name_the_field(
    api: Api, account_a: Account, fields: dict[str, Any], message: str
) -> None:
    """A refused export names the field and the rule and starts no job."""
    assert api.fail(DATA, **fields) == [message]
    assert account_a.exports.jobs == ()


# --- recentActivity (raw JSON) -------------------------------------------------------


def test_s16_1_recent_activity_counts_without_owner(api: Api, api_b: Api) -> None:
    """§6 recentActivity, §14 (no owner): the range echoed in ms, live contacts counted
    (S3.1), monitored ones (S2.8); no visits are recorded, so the lists are empty."""
    from routes_helpers import OMIT

    _seed(api, "a@example.com", "b@example.com", "c@example.com")
    api.ok("contact/delete", email="c@example.com")
    api.ok(
        "contact/stopMonitoring",
        contacts=[{"addresseeType": "EMAIL", "value": "b@example.com"}],
    )
    _seed(api_b, "other@example.com")
    answer = api.ok(ACTIVITY, owner=OMIT, **{"from": NOW_MS - 3_600_000, "to": NOW_MS})
    activity = answer["recentActivity"]
    assert activity == {
        "from": NOW_MS - 3_600_000,
        "to": NOW_MS,
        "monitoredContacts": 1,
        "totalContacts": 2,
        "customers": [],
        "partners": [],
        "prospects": [],
        "anonymous": [],
        "allVisits": [],
        "visitStats": [],
    }


def test_recent_activity_range_checks(api: Api) -> None:
    """§13.2 dates: ISO-8601 accepted; ``to`` before ``from`` and bad flags refused."""
    iso = api.ok(ACTIVITY, **{"from": "2026-01-15T09:00:00+00:00", "to": NOW_MS})
    assert iso["recentActivity"]["from"] == NOW_MS - 3_600_000
    assert api.fail(ACTIVITY, **{"from": NOW_MS, "to": NOW_MS - 1}) == [
        "Field 'to' must not be before 'from'"
    ]
    assert api.fail(ACTIVITY, **{"from": NOW_MS}) == ["Field 'to' is required"]
    assert api.fail(ACTIVITY, **{"from": NOW_MS, "to": NOW_MS, "allVisits": "yes"}) == [
        "Field 'allVisits' must be a boolean"
    ]


# --- through the SDK ---------------------------------------------------------------


def _sdk_seed(sm: SalesManago) -> None:
    for email in ("ann@example.com", "bob@example.com", "cat@example.com", "dan@example.com"):
        sm.contacts.upsert(ContactUpsert(email=email, tags=("VIP",)))
    sm.contacts.delete("bob@example.com")


def test_s3_1_sdk_exports_contacts_of_live_contacts_only(
    sm: SalesManago, emu: Emulator, api_b: Api
) -> None:
    """End to end: sm.exports.contacts() runs one job per page, polls, downloads the
    emulator's file; soft-deleted contacts excluded, account B never included."""
    _sdk_seed(sm)
    _seed(api_b, "b-only@example.com")
    contacts = list(sm.exports.contacts(page_size=2))
    assert [c.email for c in contacts] == ["ann@example.com", "cat@example.com", "dan@example.com"]
    assert all(c.exists for c in contacts)
    assert contacts[0].contact_id == emu.account(A_ID).has_contact("ann@example.com")
    gets = [c for c in emu.calls if c.method == "GET"]
    assert len(gets) == 2  # pages [ann, cat] and [dan]


async def test_s3_1_async_sdk_exports_contacts(asm: AsyncSalesManago, api: Api) -> None:
    """The async client reaches the same jobs and files."""
    _seed(api, "ann@example.com", "bob@example.com")
    api.ok("contact/delete", email="bob@example.com")
    emails = [c.email async for c in asm.exports.contacts()]
    assert emails == ["ann@example.com"]


def test_sdk_contact_data_export(sm: SalesManago) -> None:
    """End to end: sm.exports.contact_data with e-mail, tag and id addressees."""
    _sdk_seed(sm)
    ann = sm.contacts.has_contact("ann@example.com")
    assert ann is not None
    file = sm.exports.contact_data(
        ["dan@example.com", Addressee.tag("VIP"), Addressee.contact_id(ann)],
        [ExportDataType.CONTACT, ExportDataType.TAG],
    )
    contacts = file.json()["contacts"]
    assert [c["email"] for c in contacts] == [
        "dan@example.com",
        "ann@example.com",
        "cat@example.com",
    ]
    assert file.request_id == "1"


def test_sdk_polls_a_slow_job_until_the_clock_reaches_it(
    emu: Emulator, account_a: Account, clock: FrozenClock
) -> None:
    """Grade D processing time: the SDK's waits (injected to move the frozen clock)
    carry the job to done; each poll before that is answered with a progress text."""
    account_a.exports.processing_time = timedelta(seconds=5)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.advance(timedelta(seconds=seconds))

    with emu.client(A_ID, sleep=sleep) as client:
        client.contacts.upsert(ContactUpsert(email="ann@example.com"))
        assert [c.email for c in client.exports.contacts(poll_interval=2.0)] == ["ann@example.com"]
    assert waits == [2.0, 3.0]
    statuses = [c for c in emu.calls if c.path == "/api/job/status"]
    assert [c.response["message"] for c in statuses] == [
        ["Export 1 in progress"],
        ["Export 1 in progress"],
        [],
    ]


def test_sdk_status_of_an_unknown_job(sm: SalesManago) -> None:
    """One poll of a request id the account never answered is a refused field."""
    with pytest.raises(InvalidFieldError, match="requestId"):
        sm.exports.status("42")
    sm.contacts.upsert(ContactUpsert(email="ann@example.com"))
    assert [c.email for c in sm.exports.contacts()] == ["ann@example.com"]
    status = sm.exports.status(1)
    assert status.done
    assert status.file_url is not None
    assert status.file_url.startswith("/api/job/file/")


def test_sdk_download_of_a_missing_file_is_404(sm: SalesManago) -> None:
    """A file URL no job serves answers HTTP 404 -> EndpointNotFoundError (the client's
    private download step, which export reads go through)."""
    with pytest.raises(EndpointNotFoundError):
        sm._download(sm.base_url + f"/api/job/file/{A_ID}/1/nope")


def test_s16_1_sdk_recent_activity(sm: SalesManago, account_a: Account) -> None:
    """End to end: sm.activity.recent (sent without owner) answers the counts and the
    range's visits (inclusive start; an earlier visit left out) by the contact's state,
    the anonymous ones, and every visit oldest first."""
    _sdk_seed(sm)
    sm.contacts.upsert(ContactUpsert(email="ann@example.com", state=ContactState.CUSTOMER))
    start = NOW - timedelta(days=1)
    record = account_a.activity.record
    record("ann@example.com", url="https://x.example/ann", at=NOW - timedelta(hours=2))
    record("cat@example.com", url="https://x.example/cat", at=start)
    record(None, url="https://x.example/anon", at=NOW)
    record("dan@example.com", url="https://x.example/old", at=start - timedelta(seconds=1))
    activity = sm.activity.recent(start, NOW, all_visits=True)
    assert activity.start == start
    assert activity.end == NOW
    assert (activity.total_contacts, activity.monitored_contacts) == (3, 3)
    assert [(c["email"], c["state"], c["visits"], c["lastUrl"]) for c in activity.customers] == [
        ("ann@example.com", "CUSTOMER", 1, "https://x.example/ann")
    ]
    assert [c["email"] for c in activity.prospects] == ["cat@example.com"]
    assert activity.partners == ()
    assert [v["url"] for v in activity.anonymous] == ["https://x.example/anon"]
    assert [(v["email"], v["url"]) for v in activity.all_visits] == [
        ("cat@example.com", "https://x.example/cat"),
        ("ann@example.com", "https://x.example/ann"),
        (None, "https://x.example/anon"),
    ]


async def test_s16_1_async_sdk_recent_activity(asm: AsyncSalesManago, account_a: Account) -> None:
    """The async client: with ip_details the items carry the ip; a soft-deleted
    contact's visits (S3.1) and a visit before the range are left out; allVisits not
    asked for, so none."""
    for email in ("ann@example.com", "bob@example.com"):
        await asm.contacts.upsert(ContactUpsert(email=email))
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    record = account_a.activity.record
    record("ann@example.com", url="https://x.example/old", at=start - timedelta(days=1))
    record("ann@example.com", url="https://x.example/a", at=NOW, ip="198.51.100.7")
    record("bob@example.com", url="https://x.example/b", at=NOW, ip="198.51.100.8")
    record(None, url="https://x.example/anon", at=start, ip="192.0.2.1")
    await asm.contacts.delete("bob@example.com")
    activity = await asm.activity.recent(start, NOW, ip_details=True)
    assert activity.total_contacts == 1
    assert [(c["email"], c["visits"], c["ip"]) for c in activity.prospects] == [
        ("ann@example.com", 1, "198.51.100.7")
    ]
    assert activity.customers == activity.partners == activity.all_visits == ()
    assert [(v["url"], v["ip"]) for v in activity.anonymous] == [
        ("https://x.example/anon", "192.0.2.1")
    ]


def test_raw_transport_file_download_with_plain_httpx(emu: Emulator, api: Api) -> None:
    """Any httpx client on the emulator's transport can GET the file (any host)."""
    _seed(api, "ann@example.com")
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    url = api.ok(STATUS, requestId=request_id)["fileUrl"]
    with httpx.Client(transport=emu.transport()) as client:
        response = client.get("http://salesmanago.emulator/prefix" + url)
    assert response.status_code == 200
    assert response.json()["contacts"][0]["email"] == "ann@example.com"
