"""Coupons (S8), notes (S9.1) and tasks (S9.2), sync and async."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sdk_helpers import body, envelope, ok

from salesmanago import (
    CouponError,
    NotFoundError,
    RequestFailedError,
    TaskReminder,
    ValidationError,
)

ADD_COUPON = "/api/contact/addContactCoupon"
USE_COUPON = "/api/contact/useContactCoupon"
ADD_NOTE = "/api/contact/addNote"
UPDATE_TASK = "/api/contact/updateTask"

OWNER = "owner@shop.example.com"
WHEN = datetime(2025, 1, 31, 23, 0, tzinfo=timezone(timedelta(hours=1)))
WHEN_MS = 1738360800000


def failure(*messages: str) -> httpx.Response:
    return httpx.Response(200, json={"success": False, "message": list(messages)})


# coupons -------------------------------------------------------------------------


def test_coupon_generated_with_length_and_validity(api, platform) -> None:
    """S8.1: a named coupon of a requested length; ``valid`` as ms."""
    add_coupon = platform.post(ADD_COUPON).mock(return_value=envelope(ok(coupon="X7K2P9")))
    assert api("coupons.add", "SPRING", email="a@example.com", length=6, valid=WHEN) == "X7K2P9"
    assert body(add_coupon) == {
        "owner": OWNER,
        "email": "a@example.com",
        "name": "SPRING",
        "length": 6,
        "valid": WHEN_MS,
    }


def test_coupon_manual_without_validity_leaves_the_default_to_the_platform(api, platform) -> None:
    """S8.2: a manual coupon for one contact; no ``valid`` sent."""
    add_coupon = platform.post(ADD_COUPON).mock(return_value=envelope(ok(coupon="MY CODE.1")))
    assert api("coupons.add", "VIP", contact_id="c-1", coupon="MY CODE.1") == "MY CODE.1"
    assert body(add_coupon) == {
        "owner": OWNER,
        "contactId": "c-1",
        "name": "VIP",
        "coupon": "MY CODE.1",
    }


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"length": 6, "name": "n" * 65}, "name", "at most 64"),
        ({"length": 4}, "length", "5–64"),
        ({"length": 65}, "length", "5–64"),
        ({"coupon": "abcd"}, "coupon", "at least 5"),
        ({"coupon": "c" * 33}, "coupon", "at most 32"),
        ({}, "length", "exactly one"),
        ({"length": 6, "coupon": "ABCDEF"}, "length", "exactly one"),
        ({"length": 6, "valid": datetime(2025, 1, 1)}, "valid", "timezone-aware"),
        ({"length": 6, "email": None}, "email", "exactly one"),
    ],
)
def test_coupon_rules_are_checked_before_sending(api, platform, kwargs, field, rule) -> None:
    args = {"name": "SPRING", "email": "a@example.com", **kwargs}
    name = args.pop("name")
    with pytest.raises(ValidationError) as info:
        api("coupons.add", name, **args)
    assert info.value.field == field
    assert rule in info.value.rule
    assert not platform.calls


def test_use_coupon(api, platform) -> None:
    use_coupon = platform.post(USE_COUPON).mock(return_value=envelope(ok()))
    assert api("coupons.use", "a@example.com", "X7K2P9") is None
    assert body(use_coupon) == {
        "owner": OWNER,
        "email": "a@example.com",
        "coupon": "X7K2P9",
    }


@pytest.mark.parametrize(
    "text", ["Coupon already used", "Coupon expired", "Coupon not found", "Invalid coupon"]
)
def test_coupon_refusals_raise_coupon_error(api, platform, text) -> None:
    """S8.2: a used or expired coupon cannot be used; the error says it is a coupon's."""
    platform.post(USE_COUPON).mock(return_value=failure(text))
    with pytest.raises(CouponError) as info:
        api("coupons.use", "a@example.com", "X7K2P9")
    assert isinstance(info.value, RequestFailedError)
    assert info.value.messages == (text,)


def test_coupon_use_is_not_retried(api, platform, sleeps) -> None:
    use_coupon = platform.post(USE_COUPON).mock(return_value=httpx.Response(503))
    with pytest.raises(Exception, match="503"):
        api("coupons.use", "a@example.com", "X7K2P9")
    assert use_coupon.call_count == 1
    assert sleeps == []


def test_missing_contact_on_coupon_add_is_not_found(api, platform) -> None:
    platform.post(ADD_COUPON).mock(return_value=failure("Contact not found"))
    with pytest.raises(NotFoundError):
        api("coupons.add", "SPRING", email="a@example.com", length=8)


# notes ---------------------------------------------------------------------------


def test_note_is_sent_with_priv_and_returns_the_platform_messages(api, platform) -> None:
    """S9.1: a note with content and a private flag."""
    add_note = platform.post(ADD_NOTE).mock(return_value=envelope(ok(message=["Note added"])))
    assert api("notes.add", "Called, wants an offer", email="a@example.com", private=True) == [
        "Note added"
    ]
    assert body(add_note) == {
        "owner": OWNER,
        "email": "a@example.com",
        "note": "Called, wants an offer",
        "priv": True,
    }


def test_note_by_contact_id_public_by_default(api, platform) -> None:
    add_note = platform.post(ADD_NOTE).mock(return_value=envelope(ok()))
    assert api("notes.add", "n" * 1024, contact_id="c-1") is None
    assert body(add_note) == {
        "owner": OWNER,
        "contactId": "c-1",
        "note": "n" * 1024,
        "priv": False,
    }


def test_note_over_1024_characters_is_refused_not_truncated(api, platform) -> None:
    """S9.1: longer content is refused with a clear error, never truncated."""
    with pytest.raises(ValidationError) as info:
        api("notes.add", "ą" * 1025, email="a@example.com")
    assert info.value.field == "note"
    assert "at most 1024 characters (got 1025)" in info.value.rule
    with pytest.raises(ValidationError):
        api("notes.add", "   ", email="a@example.com")
    assert not platform.calls


# tasks ---------------------------------------------------------------------------


def test_task_create_sends_id_false_without_owner(api, platform) -> None:
    """S9.2; protocol §14: updateTask creates with ``id: false`` and needs no owner."""
    update_task = platform.post(UPDATE_TASK).mock(return_value=envelope(ok(taskId="t-1")))
    task_id = api(
        "tasks.create",
        "a@example.com",
        "Call back",
        WHEN,
        reminder=TaskReminder.MIN_15,
        cc=["boss@example.com", "me@example.com"],
    )
    assert task_id == "t-1"
    assert body(update_task) == {
        "smContactTaskReq": {
            "id": False,
            "contactEmail": "a@example.com",
            "note": "Call back",
            "date": WHEN_MS,
            "cc": "boss@example.com,me@example.com",
            "reminder": "_15_MIN",
        },
        "finished": False,
    }


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("15_MIN", "_15_MIN"),
        ("_15_MIN", "_15_MIN"),
        ("30_MIN", "_30_MIN"),
        ("_30_MIN", "_30_MIN"),
        ("1_HOUR", "_1_HOUR"),
        ("_12_HOUR", "_12_HOUR"),
        ("1_DAY", "_1_DAY"),
        ("_1_WEEK", "_1_WEEK"),
        (TaskReminder.WEEK_1, "_1_WEEK"),
    ],
)
def test_reminder_accepts_both_spellings_and_sends_one(api, platform, given, sent) -> None:
    """Protocol §13.12: ``15_MIN`` and ``_15_MIN`` both accepted; ``_15_MIN`` sent."""
    update_task = platform.post(UPDATE_TASK).mock(return_value=envelope(ok(taskId="t-1")))
    api("tasks.update", "t-1", reminder=given)
    assert body(update_task)["smContactTaskReq"]["reminder"] == sent


def test_reminder_enum_reads_both_spellings() -> None:
    assert TaskReminder("15_MIN") is TaskReminder("_15_MIN") is TaskReminder.MIN_15
    assert TaskReminder("1_week") is TaskReminder.WEEK_1
    with pytest.raises(ValueError, match="2_MIN"):
        TaskReminder("2_MIN")


def test_task_update_sends_only_the_given_fields(api, platform) -> None:
    update_task = platform.post(UPDATE_TASK).mock(return_value=envelope(ok(taskId="t-1")))
    assert api("tasks.update", "t-1", note="Call back - urgent", realized=True) == "t-1"
    assert body(update_task) == {
        "smContactTaskReq": {"id": "t-1", "note": "Call back - urgent", "realized": True},
        "finished": False,
    }


def test_task_finish_sends_only_the_id(api, platform) -> None:
    update_task = platform.post(UPDATE_TASK).mock(return_value=envelope(ok(taskId="t-1")))
    assert api("tasks.finish", "t-1") == "t-1"
    assert body(update_task) == {"smContactTaskReq": {"id": "t-1"}, "finished": True}


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "field"),
    [
        ("tasks.update", ("t-1",), {"reminder": "2_MIN"}, "smContactTaskReq.reminder"),
        ("tasks.update", ("",), {}, "smContactTaskReq.id"),
        ("tasks.update", ("t-1",), {"cc": "a@example.com"}, "smContactTaskReq.cc"),
        ("tasks.update", ("t-1",), {"cc": ["nope"]}, "smContactTaskReq.cc[0]"),
        ("tasks.create", ("bad", "n", WHEN), {}, "smContactTaskReq.contactEmail"),
        ("tasks.create", ("a@example.com", "", WHEN), {}, "smContactTaskReq.note"),
        ("tasks.create", ("a@example.com", "n", datetime(2025, 1, 1)), {}, "smContactTaskReq.date"),
        ("tasks.finish", ("  ",), {}, "smContactTaskReq.id"),
    ],
)
def test_task_validation(api, platform, method, args, kwargs, field) -> None:
    with pytest.raises(ValidationError) as info:
        api(method, *args, **kwargs)
    assert info.value.field == field
    assert not platform.calls
