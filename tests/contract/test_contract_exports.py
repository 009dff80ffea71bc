"""Exports on either target: an export job polled until its file is ready (protocol §6:
``contact/export/data``, ``job/status``, the file). Only the test's own contacts are
exported (never the whole account: a live account's export holds real customers)."""

from __future__ import annotations

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
