"""Exports on either target: an export job polled until its file is ready (protocol §6:
``contact/export/data``, ``job/status``, the file). Only the test's own contacts are
exported (never the whole account: a live account's export holds real customers)."""

from __future__ import annotations

import pytest
from contract_helpers import Platform

from salesmanago import ContactUpsert, ExportDataType


async def test_protocol_6_export_job_polled_to_its_file(platform: Platform) -> None:
    """Protocol §6 (``contact/export/data`` -> ``requestId`` -> ``job/status`` until
    ``fileUrl`` -> the file): the file names the exported contact."""
    email = platform.email("export")
    await platform.call("contacts.upsert", ContactUpsert(email=email, tags=["SM_CONTRACT"]))
    exported = await platform.call(
        "exports.contact_data", [email], [ExportDataType.CONTACT, ExportDataType.TAG]
    )
    assert exported.request_id
    assert email in exported.content.decode("utf-8")
    status = await platform.call("exports.status", exported.request_id)
    assert (status.request_id, status.file_url is not None) == (exported.request_id, True)


@pytest.mark.emulator_only("how long a job runs is set on the emulator's account (S3.4's clock)")
async def test_protocol_6_a_job_still_running_is_polled_again(platform: Platform) -> None:
    """Protocol §6 (``job/status`` answers progress in ``message`` while the job runs):
    the SDK polls again until the file is ready."""
    assert platform.emulator is not None
    platform.emulator.accounts[0].exports.polls_until_done = 2
    email = platform.email("slow-export")
    await platform.call("contacts.upsert", ContactUpsert(email=email))
    exported = await platform.call("exports.contact_data", [email], [ExportDataType.CONTACT])
    assert email in exported.content.decode("utf-8")
    polls = [c for c in platform.emulator.calls if c.path == "/api/job/status"]
    assert [bool(c.response["message"]) for c in polls] == [True, True, False]
