"""A streamed full export to CSV and JSON Lines (issue 16, item 1): ``exports.to_file``
runs the paginated export's jobs (protocol §6) and writes each page as it comes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from bulk_helpers import CLIENT_ID, Sync, contacts, new_emulator

from salesmanago import ExportedContact, ValidationError
from salesmanago._export_files import ContactFileWriter
from salesmanago_emulator import Emulator, FrozenClock

EXPORT = "/api/contact/paginatedContactList/export"


@pytest.fixture
def emu() -> Emulator[FrozenClock]:
    emulator = new_emulator()
    with emulator.client(CLIENT_ID) as client:
        client.contacts.batch_upsert(contacts(25))
    return emulator


@pytest.fixture(params=["sync", "async"])
def sync(request: pytest.FixtureRequest, emu: Emulator[FrozenClock]) -> Sync:
    return Sync(str(request.param), emu)


def test_jsonl_has_one_object_per_contact_as_the_platform_gave_it(
    sync: Sync, emu: Emulator[FrozenClock], tmp_path: Path
) -> None:
    path = tmp_path / "contacts.jsonl"
    counts: list[int] = []
    written = sync(
        "exports.to_file", path, page_size=10, poll_interval=0.01, progress=counts.append
    )
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert written == len(lines) == 25
    assert {line["email"] for line in lines} == {f"user{i}@example.com" for i in range(25)}
    assert counts == [10, 20, 25], "after each full page, then the total"
    assert len([c for c in emu.calls if c.path == EXPORT]) == 3, "one export job per page"


def test_csv_has_a_header_and_a_row_per_contact(sync: Sync, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    written = sync("exports.to_file", path, format="csv", poll_interval=0.01)
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    assert written == len(rows) == 25
    assert list(rows[0])[:6] == ["id", "email", "name", "phone", "country", "exists"]
    assert list(rows[0])[-1] == "other"
    assert rows[3]["email"] == "user3@example.com"
    assert rows[3]["exists"] == "true"
    assert rows[3]["phone"] == "", "a missing value is an empty cell"


def test_a_key_met_after_the_header_goes_to_the_other_column() -> None:
    stream = io.StringIO()
    writer = ContactFileWriter(stream, "csv")
    writer.write(ExportedContact(email="a@example.com", raw={"id": "1", "email": "a@example.com"}))
    writer.write(
        ExportedContact(
            email="b@example.com", raw={"id": "2", "email": "b@example.com", "score": 7}
        )
    )
    writer.finish()
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[2][-1] == '{"score":7}'
    assert len({len(row) for row in rows}) == 1


def test_an_empty_account_gives_a_csv_with_its_header_only(tmp_path: Path) -> None:
    with new_emulator().client(CLIENT_ID) as client:
        assert client.exports.to_file(tmp_path / "none.csv", format="csv", poll_interval=0.01) == 0
    assert (tmp_path / "none.csv").read_text() == "id,email,name,phone,country,exists,other\n"


def test_a_failed_export_leaves_no_file_that_looks_complete(
    sync: Sync, emu: Emulator[FrozenClock], tmp_path: Path
) -> None:
    emu.faults.add("http_error", path=EXPORT, status=500)
    path = tmp_path / "contacts.jsonl"
    with pytest.raises(Exception, match="HTTP 500"):
        sync("exports.to_file", path, poll_interval=0.01)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_format_is_refused_before_anything_is_sent(
    sync: Sync, emu: Emulator[FrozenClock], tmp_path: Path
) -> None:
    emu.clear_calls()
    with pytest.raises(ValidationError, match="'format' must be one of csv, jsonl"):
        sync("exports.to_file", tmp_path / "x.xml", format="xml")
    assert emu.calls == []


def test_a_stream_is_written_as_it_is(sync: Sync) -> None:
    stream = io.StringIO()
    assert sync("exports.to_file", stream, poll_interval=0.01) == 25
    assert len(stream.getvalue().splitlines()) == 25
