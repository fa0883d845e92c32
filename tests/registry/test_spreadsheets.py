"""The spreadsheet guard refuses bombs and oversized sheets before anything parses them,
on the case import page and in the admin, and lets ordinary files through."""

import base64
import io
import os
import time
import tracemalloc
import zipfile
from unittest import mock

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin

from registry.models import Producer
from registry.spreadsheets import SpreadsheetRefused, spreadsheet_check, spreadsheet_read
from shipments.importing import IMPORT_COLUMNS
from shipments.models import Case

pytestmark = pytest.mark.django_db

OOXML = "http://schemas.openxmlformats.org"
REL = f"{OOXML}/officeDocument/2006/relationships"
SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Types xmlns="{OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SML}.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<workbook xmlns="{OOXML}/spreadsheetml/2006/main" xmlns:r="{REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="{dim}"/><sheetData>{rows}</sheetData></worksheet>'
)
ONE_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'


def _xlsx(shared: bytes | None = None, sheet: str | None = None, mb: int = 0) -> bytes:
    """A minimal workbook; with `mb`, its one shared string is `mb` megabytes of "A"
    written in 1 MB pieces (never held whole), so the file is a few hundred KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet or SHEET.format(dim="A1", rows=ONE_ROW))
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0" encoding="UTF-8"?>')
            member.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            member.write(b"<si><t>")
            if shared is not None:
                member.write(shared)
            piece = b"A" * (1024 * 1024)
            for _ in range(mb):
                member.write(piece)
            member.write(b"</t></si></sst>")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = _xlsx(mb=400)  # one shared string inflating to 400 MB
    assert len(data) < 1024 * 1024
    return data


def _measured(fn):
    """Run fn; return (its result or exception, seconds, peak traced MB)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = fn()
    except Exception as exc:  # the caller asserts on it
        outcome = exc
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    tracemalloc.stop()
    return outcome, seconds, peak


def test_the_guard_refuses_a_shared_string_bomb_fast_and_small(bomb):
    outcome, seconds, peak = _measured(lambda: spreadsheet_check(io.BytesIO(bomb)))
    assert isinstance(outcome, SpreadsheetRefused), outcome
    assert outcome.limit == "max_ratio"
    assert "LODESTONE_SPREADSHEET_MAX_RATIO" in outcome.messages[0]
    assert "xl/sharedStrings.xml" in outcome.messages[0]
    assert seconds < 1.0
    assert peak < 5


def test_the_case_import_page_refuses_the_bomb_and_writes_nothing(officer_client, bomb):
    upload = SimpleUploadedFile("cases.xlsx", bomb)
    response, seconds, peak = _measured(
        lambda: officer_client.post("/cases/import/", {"file": upload})
    )
    assert response.status_code == 200
    assert "decompression bomb" in response.content.decode()
    assert "LODESTONE_SPREADSHEET_MAX_RATIO" in response.content.decode()
    assert seconds < 2.0
    assert peak < 30  # the upload itself and the page; 400 MB were never inflated
    assert not Case.objects.exists()


def test_the_admin_import_refuses_the_bomb_before_storing_or_parsing_it(staff_client, bomb):
    upload = SimpleUploadedFile("producers.xlsx", bomb)
    with mock.patch.object(ImportExportModelAdmin, "write_to_tmp_storage", autospec=True) as stored:
        response, seconds, peak = _measured(
            lambda: staff_client.post(
                reverse("admin:registry_producer_import"),
                {"import_file": upload, "format": "1", "resource": "0"},
            )
        )
    assert response.status_code == 200
    assert "LODESTONE_SPREADSHEET_MAX_RATIO" in response.content.decode()
    assert "result" not in response.context
    assert not stored.called
    assert seconds < 2.0
    assert peak < 30
    assert not Producer.objects.exists()


def test_a_zip_that_unpacks_past_the_total_limit_is_refused(settings):
    settings.LODESTONE_SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    data = _xlsx(shared=base64.b64encode(os.urandom(2_800_000)))  # ~3.7 MB, incompressible
    with pytest.raises(SpreadsheetRefused) as exc:
        spreadsheet_check(io.BytesIO(data))
    assert exc.value.limit == "max_uncompressed_bytes"


def test_a_long_shared_string_is_refused_even_at_a_modest_ratio(settings):
    data = _xlsx(shared=b"x" * 40_000)
    with pytest.raises(SpreadsheetRefused) as exc:
        spreadsheet_check(io.BytesIO(data))
    assert exc.value.limit == "max_cell_chars"
    assert "32,767 characters" in exc.value.messages[0]


def test_a_sheet_whose_dimension_declares_too_many_rows_is_refused_at_once(settings):
    settings.LODESTONE_SPREADSHEET_MAX_ROWS = 1000
    sheet = SHEET.format(dim="A1:U2000000", rows=ONE_ROW)
    with pytest.raises(SpreadsheetRefused) as exc:
        spreadsheet_check(io.BytesIO(_xlsx(sheet=sheet)))
    assert exc.value.limit == "max_rows"
    assert "2,000,000" in exc.value.messages[0]


def test_rows_are_counted_when_the_dimension_is_missing_or_lies(settings):
    settings.LODESTONE_SPREADSHEET_MAX_ROWS = 100
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 150))
    sheet = SHEET.format(dim="A1", rows=rows)
    with pytest.raises(SpreadsheetRefused) as exc:
        spreadsheet_check(io.BytesIO(_xlsx(sheet=sheet)))
    assert exc.value.limit == "max_rows"


def test_a_workbook_with_a_dtd_is_refused():
    sheet = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet/>'
    with pytest.raises(SpreadsheetRefused) as exc:
        spreadsheet_check(io.BytesIO(_xlsx(sheet=sheet)))
    assert exc.value.limit == "dtd"


def test_csv_size_rows_and_cells_are_limited(settings):
    settings.LODESTONE_SPREADSHEET_MAX_ROWS = 10
    many = "a,b\n" * 11
    with pytest.raises(SpreadsheetRefused) as exc:
        spreadsheet_check(io.BytesIO(many.encode()))
    assert exc.value.limit == "max_rows"
    with pytest.raises(SpreadsheetRefused) as exc:
        spreadsheet_check(io.BytesIO(("a,b\n1," + "x" * 40_000 + "\n").encode()))
    assert exc.value.limit == "max_cell_chars"
    settings.LODESTONE_SPREADSHEET_MAX_BYTES = 100
    with pytest.raises(SpreadsheetRefused) as exc:
        spreadsheet_check(io.BytesIO(b"a,b\n" * 40))
    assert exc.value.limit == "max_bytes"
    assert "LODESTONE_SPREADSHEET_MAX_BYTES" in exc.value.messages[0]


def test_ordinary_files_pass_and_parse():
    data = tablib.Dataset(headers=list(IMPORT_COLUMNS))
    for i in range(2000):
        data.append([f"REF-{i}"] + ["x"] * (len(IMPORT_COLUMNS) - 1))
    for body in (data.export("xlsx"), data.export("csv").encode()):
        facts = spreadsheet_check(io.BytesIO(body))
        assert facts.rows == 2001
        parsed = spreadsheet_read(io.BytesIO(body))
        assert parsed.height == 2000
        assert parsed[1999][0] == "REF-1999"
