"""Import bombs: what an .xlsx may make us inflate is bounded, and each refusal names its limit.

A 718 KB workbook holding one huge inline-string cell once took an import
worker to 4 GB. The files here are built in the test (nothing big is
committed): a real workbook whose sheet gets one more row with a giant cell.
Peak Python memory is measured with tracemalloc around the import.
"""

from __future__ import annotations

import io
import random
import string
import time
import tracemalloc
import zipfile

import pytest
from django.utils import translation

from core import imports
from core.imports import run_import
from staff.importers import StaffImporter
from tests.imports.files import HEADER_VI, csv_utf8, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (Vietnamese is the default)."""
    with translation.override("en"):
        yield


GOOD = [
    HEADER_VI,
    (1, "CB001", "Nguyễn Thị Ánh", "03/04/1990", "Nữ", "A", "Công chức", "Chuyên viên"),
]
MB = 1024 * 1024


def with_giant_cell(chunks, *, level: int = 9) -> io.BytesIO:
    """A real roster workbook whose sheet gets a row 3 with one inline-string cell made of
    ``chunks``."""
    source = zipfile.ZipFile(xlsx(GOOD))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item.filename, data)
                continue
            head, tail = data.split(b"</sheetData>")
            info = zipfile.ZipInfo(item.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            with target.open(info, "w", force_zip64=True) as sheet:
                sheet.write(head)
                sheet.write(b'<row r="3"><c r="B3" t="inlineStr"><is><t>')
                for chunk in chunks:
                    sheet.write(chunk)
                sheet.write(b"</t></is></c></row></sheetData>" + tail)
    out.seek(0)
    return out


def measured(buffer):
    """(report, peak Python memory in bytes, seconds) of a dry-run roster import."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        report = run_import(StaffImporter(), buffer, filename="roster.xlsx", dry_run=True)
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return report, peak, time.monotonic() - started


def test_the_bomb_is_refused_from_the_zip_directory_in_a_few_megabytes(tree):
    # 300 MB of one letter: deflate packs it into about 300 KB (the 310 KB file took 1.3
    # GB).
    bomb = with_giant_cell(b"A" * MB for _ in range(300))
    assert len(bomb.getvalue()) < 1 * MB
    report, peak, seconds = measured(bomb)
    assert not report.ok
    message = str(report.errors[0])
    assert "zip bomb" in message and "200" in message
    assert peak < 5 * MB, peak
    assert seconds < 5


def test_a_giant_cell_that_compresses_badly_is_refused_while_streaming(tree):
    # 8 MB of random letters compresses only ~1.6x: it passes the ratio check and is
    # found by the streaming scan, without openpyxl ever building the string.
    rng = random.Random(12)
    letters = bytes(string.ascii_letters.encode()[i % 52] for i in range(256))
    chunks = [rng.randbytes(MB).translate(letters) for _ in range(8)]
    bomb = with_giant_cell(chunks, level=1)
    report, peak, _seconds = measured(bomb)
    assert not report.ok
    message = str(report.errors[0])
    assert "longer than 32,767 characters" in message
    assert peak < 10 * MB, peak


def test_a_cell_as_long_as_excel_allows_is_read_as_a_cell(tree):
    long_name = "Nguyễn " * (imports.MAX_CELL_CHARS // 7)
    buffer = xlsx([*GOOD, (2, "CB002", long_name, "03/04/1990", "Nữ", "A", "Công chức", "")])
    report = run_import(StaffImporter(), buffer, filename="roster.xlsx", dry_run=True)
    # Not refused as a file: the row is read and its name found too long for the field.
    assert report.rows == 2
    assert any("150" in str(error) for error in report.errors)


@pytest.mark.parametrize(
    ("limit", "value", "expected"),
    [
        ("XLSX_MAX_TOTAL_BYTES", 10_000, "too large once unpacked"),
        ("XLSX_MAX_MEMBER_BYTES", 1_000, "too large once unpacked"),
        ("XLSX_MAX_MEMBERS", 3, "more than 3 parts"),
    ],
)
def test_zip_directory_limits(tree, monkeypatch, limit, value, expected):
    monkeypatch.setattr(imports, limit, value)
    report = run_import(StaffImporter(), xlsx(GOOD), filename="roster.xlsx", dry_run=True)
    assert not report.ok
    assert expected in str(report.errors[0])


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_row_count_is_bounded(tree, monkeypatch, kind):
    monkeypatch.setattr(imports, "MAX_ROWS", 5)
    rows = [
        HEADER_VI,
        *[
            (i, f"CB{i:03d}", "Nguyễn Thị Ánh", "03/04/1990", "Nữ", "A", "Công chức", "")
            for i in range(1, 10)
        ],
    ]
    buffer = xlsx(rows) if kind == "xlsx" else csv_utf8(rows)
    report = run_import(StaffImporter(), buffer, filename=f"roster.{kind}", dry_run=True)
    assert not report.ok
    assert "more than 5 rows" in str(report.errors[-1])


def test_admin_upload_of_a_bomb_is_400_naming_the_limit(users):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(users["hr"])
    bomb = with_giant_cell(b"A" * MB for _ in range(100))
    response = client.post(
        "/admin/staff/staff/import/", {"file": SimpleUploadedFile("roster.xlsx", bomb.getvalue())}
    )
    assert response.status_code == 400
    assert "zip bomb" in response.content.decode()
