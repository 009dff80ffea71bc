"""Exports, job status and export files over raw JSON (protocol §6, §13.18, §14; semantics
S1.2 isolation, S3.1 soft-deleted contacts left out; grade D job timing)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from exports_helpers import DATA, EXPORT, STATUS, _file, _seed
from routes_helpers import A_ID, B_ID, URL, Api

from salesmanago_emulator import Account, Emulator, FrozenClock


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


def test_raw_transport_file_download_with_plain_httpx(emu: Emulator, api: Api) -> None:
    """Any httpx client on the emulator's transport can GET the file (any host)."""
    _seed(api, "ann@example.com")
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    url = api.ok(STATUS, requestId=request_id)["fileUrl"]
    with httpx.Client(transport=emu.transport()) as client:
        response = client.get("http://salesmanago.emulator/prefix" + url)
    assert response.status_code == 200
    assert response.json()["contacts"][0]["email"] == "ann@example.com"


# --- jobs that need polls (account.exports.polls_until_done) ---------------------------


@pytest.mark.parametrize("n", [0, 1, 3])
def test_first_n_polls_answer_in_progress_then_the_file(
    api: Api, account_a: Account, n: int
) -> None:
    """§6 job/status: with polls_until_done = n, polls 1..n answer a progress text and no
    fileUrl (the file is not served either); poll n+1 and later give the fileUrl."""
    account_a.exports.polls_until_done = n
    api.ok("contact/upsert", contact={"email": "ann@example.com"})
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    job = account_a.exports.job(request_id)
    path = f"/api/job/file/{A_ID}/{request_id}/{job.token}"
    for _ in range(n):
        running = api.ok(STATUS, requestId=request_id)
        assert running["message"] == [f"Export {request_id} in progress"]
        assert "fileUrl" not in running
        assert api.http.get(URL + path).status_code == 404
    assert api.ok(STATUS, requestId=request_id)["fileUrl"] == path
    assert api.ok(STATUS, requestId=request_id)["fileUrl"] == path
    assert account_a.exports.polls(job) == n + 2
    assert api.http.get(URL + path).json()["contacts"][0]["email"] == "ann@example.com"


def test_polls_and_processing_time_must_both_hold(
    api: Api, account_a: Account, clock: FrozenClock
) -> None:
    """A job is done when its processing time has passed *and* more than n polls came:
    polls made while the clock has not reached it still count."""
    account_a.exports.polls_until_done = 1
    account_a.exports.processing_time = timedelta(seconds=10)
    request_id = api.ok(EXPORT, page=0, size=10)["requestId"]
    assert "fileUrl" not in api.ok(STATUS, requestId=request_id)  # poll 1: n not passed
    assert "fileUrl" not in api.ok(STATUS, requestId=request_id)  # poll 2: clock not there
    clock.advance(timedelta(seconds=10))
    assert "fileUrl" in api.ok(STATUS, requestId=request_id)


def test_settings_apply_to_jobs_started_afterwards(api: Api, account_a: Account) -> None:
    """A job keeps the polls it needed at its start; changing the setting later does
    not move it. Refused polls (unknown id) count for no job."""
    first = api.ok(EXPORT, page=0, size=10)["requestId"]
    account_a.exports.polls_until_done = 2
    second = api.ok(EXPORT, page=0, size=10)["requestId"]
    assert api.fail(STATUS, requestId="99")
    assert "fileUrl" in api.ok(STATUS, requestId=first)
    assert "fileUrl" not in api.ok(STATUS, requestId=second)
    account_a.exports.polls_until_done = 0
    assert "fileUrl" not in api.ok(STATUS, requestId=second)
    assert "fileUrl" in api.ok(STATUS, requestId=second)


def test_s1_2_polls_count_per_account(api: Api, api_b: Api, emu: Emulator) -> None:
    """S1.2: the setting and the poll counts belong to one account."""
    emu.account(A_ID).exports.polls_until_done = 1
    a_job = api.ok(EXPORT, page=0, size=10)["requestId"]
    b_job = api_b.ok(EXPORT, page=0, size=10)["requestId"]
    assert a_job == b_job == "1"
    assert "fileUrl" in api_b.ok(STATUS, requestId=b_job)
    assert "fileUrl" not in api.ok(STATUS, requestId=a_job)
    assert emu.account(B_ID).exports.polls_until_done == 0
