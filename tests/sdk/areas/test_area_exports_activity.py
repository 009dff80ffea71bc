"""Exports with job polling and recent activity (protocol §6, §13.18), sync and async."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest
from sdk_helpers import answers, body, envelope, ok, posted, sent

from salesmanago import (
    Addressee,
    ExportDataType,
    ExportTimeoutError,
    InternalServerError,
    ResponseValidationError,
    ValidationError,
)

EXPORT = "/api/contact/paginatedContactList/export"
DATA = "/api/contact/export/data"
STATUS = "/api/job/status"
ACTIVITY = "/api/contact/recentActivity"
OWNER = "owner@shop.example.com"
FILES = "https://files.example.com"

RUNNING = {"message": ["Export in progress"]}


def contacts_file(*emails: str) -> httpx.Response:
    items = [
        {
            "email": e,
            "exists": True,
            "id": f"id-{e}",
            "name": e.split("@")[0].title(),
            "country": "PL",
            "phone": None,
            "extra": 1,
        }
        for e in emails
    ]
    return httpx.Response(200, json={"contacts": items})


def test_export_polls_with_backoff_then_downloads_the_file(api, platform, sleeps) -> None:
    """§6: requestId -> job/status running twice -> fileUrl -> file with contacts."""
    export = platform.post(EXPORT).mock(return_value=envelope(ok(requestId=4711)))
    status = platform.post(STATUS).mock(
        side_effect=answers(
            ok(**RUNNING), ok(**RUNNING), ok(fileUrl=f"{FILES}/export/p0.json?sig=abc")
        )
    )
    platform.get(f"{FILES}/export/p0.json?sig=abc").mock(
        return_value=contacts_file("a@example.com", "b@example.com")
    )
    contacts = api("exports.contacts", page_size=10, poll_interval=1.0)
    assert [c.email for c in contacts] == ["a@example.com", "b@example.com"]
    assert contacts[0].contact_id == "id-a@example.com"
    assert contacts[0].exists is True
    assert contacts[0].country == "PL"
    assert contacts[0].raw["extra"] == 1
    assert sleeps == [1.0, 1.5]
    assert body(export) == {"owner": OWNER, "page": 0, "size": 10}
    # requestId given as a number is polled as a string (§13.18)
    assert posted(status.calls) == [{"owner": OWNER, "requestId": "4711"}] * 3
    download = sent(platform.calls)[-1]
    assert download.method == "GET"
    assert str(download.url) == f"{FILES}/export/p0.json?sig=abc"
    assert b"secret" not in download.content
    assert "sha" not in str(download.url)


def test_export_pages_until_a_short_page(api, platform, sleeps) -> None:
    """Each page is one job; a page shorter than page_size is the last; no duplicates."""
    export = platform.post(EXPORT).mock(side_effect=answers(ok(requestId="r0"), ok(requestId="r1")))
    status = platform.post(STATUS).mock(
        side_effect=answers(ok(fileUrl="/files/p0.json"), ok(fileUrl="/files/p1.json"))
    )
    platform.get("/files/p0.json").mock(
        return_value=contacts_file("a@example.com", "b@example.com")
    )
    platform.get("/files/p1.json").mock(return_value=contacts_file("b@example.com"))
    contacts = api("exports.contacts", page_size=2)
    assert [c.email for c in contacts] == ["a@example.com", "b@example.com"]
    assert [b["page"] for b in posted(export.calls)] == [0, 1]
    assert posted(status.calls) == [
        {"owner": OWNER, "requestId": "r0"},
        {"owner": OWNER, "requestId": "r1"},
    ]
    # a relative fileUrl is fetched from the account's endpoint
    assert str(sent(platform.calls)[2].url) == "https://app2.salesmanago.pl/files/p0.json"
    assert sleeps == []


def test_export_deadline_raises_naming_the_request_id(api, platform, sleeps) -> None:
    """Deadline exceeded -> ExportTimeoutError with the requestId; the last wait is cut."""
    platform.post(EXPORT).mock(return_value=envelope(ok(requestId="req-42")))
    status = platform.post(STATUS).mock(return_value=envelope(ok(**RUNNING)))
    with pytest.raises(ExportTimeoutError) as info:
        api("exports.contacts", poll_interval=2.0, deadline=6.0)
    assert info.value.request_id == "req-42"
    assert info.value.messages == ("Export in progress",)
    assert "req-42" in str(info.value)
    assert sleeps == [2.0, 3.0, 1.0]
    assert status.call_count == 4


def test_poll_waits_are_capped(api, platform, sleeps) -> None:
    platform.post(EXPORT).mock(return_value=envelope(ok(requestId="r")))
    platform.post(STATUS).mock(side_effect=answers(*[ok(**RUNNING)] * 12, ok(fileUrl="/f.json")))
    platform.get("/f.json").mock(return_value=contacts_file())
    assert api("exports.contacts", poll_interval=10.0, deadline=1000.0) == []
    assert max(sleeps) == 30.0
    assert sleeps[:3] == [10.0, 15.0, 22.5]


def test_download_failure_maps_to_the_error_tree_and_is_retried(api, platform, sleeps) -> None:
    platform.post(EXPORT).mock(return_value=envelope(ok(requestId="r")))
    platform.post(STATUS).mock(return_value=envelope(ok(fileUrl="/f.json")))
    platform.get("/f.json").mock(return_value=httpx.Response(500, text="boom"))
    with pytest.raises(InternalServerError, match="export file"):
        api("exports.contacts")
    assert len([r for r in sent(platform.calls) if r.method == "GET"]) == 3
    assert len(sleeps) == 2


def test_unreadable_export_file_is_a_response_validation_error(api, platform) -> None:
    platform.post(EXPORT).mock(return_value=envelope(ok(requestId="r")))
    platform.post(STATUS).mock(return_value=envelope(ok(fileUrl="/f.json")))
    platform.get("/f.json").mock(return_value=httpx.Response(200, text="not json"))
    with pytest.raises(ResponseValidationError, match="export file"):
        api("exports.contacts")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"page_size": 1001}, "size"),
        ({"page_size": 0}, "size"),
        ({"deadline": 0}, "deadline"),
        ({"poll_interval": -1}, "poll_interval"),
    ],
)
def test_export_arguments_are_checked_before_sending(api, platform, kwargs, field) -> None:
    with pytest.raises(ValidationError) as info:
        api("exports.contacts", **kwargs)
    assert info.value.field == field
    assert not platform.calls


def test_contact_data_export(api, platform, sleeps) -> None:
    """§6 contact/export/data: lower-case addressee types (§5.4), dataType list."""
    data = platform.post(DATA).mock(return_value=envelope(ok(requestId="77")))
    platform.post(STATUS).mock(side_effect=answers(ok(**RUNNING), ok(fileUrl=f"{FILES}/d.json")))
    platform.get(f"{FILES}/d.json").mock(
        return_value=httpx.Response(200, json={"contacts": [{"email": "a@example.com"}]})
    )
    file = api(
        "exports.contact_data",
        ["a@example.com", Addressee.tag("VIP"), Addressee.contact_id("c-1")],
        [ExportDataType.CONTACT, ExportDataType.EXT_EVENT],
    )
    assert file.request_id == "77"
    assert file.url == f"{FILES}/d.json"
    assert file.json() == {"contacts": [{"email": "a@example.com"}]}
    assert body(data) == {
        "owner": OWNER,
        "contacts": [
            {"addresseeType": "email", "value": "a@example.com"},
            {"addresseeType": "tag", "value": "VIP"},
            {"addresseeType": "contact_id", "value": "c-1"},
        ],
        "data": [{"dataType": "CONTACT"}, {"dataType": "EXT_EVENT"}],
    }
    assert sleeps == [2.0]


def test_contact_data_validation(api, platform) -> None:
    with pytest.raises(ValidationError) as info:
        api("exports.contact_data", [], [ExportDataType.TAG])
    assert info.value.field == "contacts"
    with pytest.raises(ValidationError) as info:
        api("exports.contact_data", ["a@example.com"], ["NOPE"])
    assert info.value.field == "data[0].dataType"
    assert not platform.calls


def test_job_status_running_and_done(api, platform) -> None:
    platform.post(STATUS).mock(
        side_effect=answers(ok(**RUNNING), ok(fileUrl="https://f.example.com/x"))
    )
    running = api("exports.status", 12)
    assert (running.request_id, running.done, running.messages) == (
        "12",
        False,
        ("Export in progress",),
    )
    done = api("exports.status", "12")
    assert done.done
    assert done.file_url == "https://f.example.com/x"


def test_job_status_with_a_bad_file_url_is_refused(api, platform) -> None:
    platform.post(STATUS).mock(return_value=envelope(ok(fileUrl="file:///etc/passwd")))
    with pytest.raises(ResponseValidationError):
        api("exports.status", "1")


def test_request_id_must_be_a_string_or_number(api, platform) -> None:
    platform.post(EXPORT).mock(return_value=envelope(ok(requestId=True)))
    with pytest.raises(ResponseValidationError, match="requestId"):
        api("exports.contacts")


# recent activity -----------------------------------------------------------------

START = datetime(2024, 5, 1, tzinfo=timezone.utc)
END = datetime(2024, 5, 2, tzinfo=timezone.utc)


def test_recent_activity_without_owner(api, platform) -> None:
    """§6 recentActivity; §14: sent without owner; items kept as JSON objects."""
    activity_route = platform.post(ACTIVITY).mock(
        return_value=envelope(
            ok(
                recentActivity={
                    "from": 1714521600000,
                    "to": 1714608000000,
                    "monitoredContacts": 12,
                    "totalContacts": 100,
                    "customers": [
                        {"contactId": "c-1", "email": "a@example.com", "time": 1714521600500}
                    ],
                    "partners": [],
                    "prospects": [{"email": "p@example.com"}],
                    "anonymous": [],
                    "allVisits": [{"url": "https://shop.example.com/p/1"}],
                    "visitStats": [],
                }
            )
        )
    )
    activity = api("activity.recent", START, END, all_visits=True, ip_details=True)
    assert body(activity_route) == {
        "from": 1714521600000,
        "to": 1714608000000,
        "allVisits": True,
        "ipDetails": True,
    }
    assert activity.start == START
    assert activity.end == END
    assert (activity.monitored_contacts, activity.total_contacts) == (12, 100)
    assert activity.customers[0]["email"] == "a@example.com"
    assert activity.prospects == ({"email": "p@example.com"},)
    assert activity.all_visits[0]["url"] == "https://shop.example.com/p/1"


def test_recent_activity_defaults_and_plural_key(api, platform) -> None:
    activity_route = platform.post(ACTIVITY).mock(
        return_value=envelope(ok(recentActivities={"monitoredContacts": 1}))
    )
    activity = api("activity.recent", START, END)
    assert body(activity_route) == {
        "from": 1714521600000,
        "to": 1714608000000,
        "allVisits": False,
        "ipDetails": False,
    }
    assert activity.monitored_contacts == 1
    assert activity.customers == ()


def test_recent_activity_range_checks(api, platform) -> None:
    with pytest.raises(ValidationError) as info:
        api("activity.recent", END, START)
    assert info.value.field == "to"
    with pytest.raises(ValidationError) as info:
        api("activity.recent", datetime(2024, 1, 1), END)
    assert info.value.field == "from"
    assert not platform.calls


def test_export_file_bytes_unchanged() -> None:
    from salesmanago import ExportFile

    file = ExportFile(request_id="1", url="u", content=json.dumps({"v": 1.10}).encode())
    assert "bytes" in repr(file)
    assert str(file.json()["v"]) == "1.1"
