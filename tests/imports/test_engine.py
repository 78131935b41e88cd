"""The import engine on its own: cell parsers, header keys, reading files."""

from __future__ import annotations

import datetime as dt
import decimal
import io

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.imports import (
    CellError,
    RowError,
    _open_sheets,
    date_cell,
    decimal_cell,
    detect_encoding,
    header_key,
    text_cell,
    value_key,
)
from tests.imports.files import csv_cp1258, csv_utf8, to_cp1258, xlsx


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("03/04/1990", dt.date(1990, 4, 3)),  # 3 April, never 4 March
        ("3/4/1990", dt.date(1990, 4, 3)),
        ("25/12/1985", dt.date(1985, 12, 25)),
        ("25-12-1985", dt.date(1985, 12, 25)),
        ("25.12.1985", dt.date(1985, 12, 25)),
        (" 29/02/2000 ", dt.date(2000, 2, 29)),
        ("1990-04-03", dt.date(1990, 4, 3)),
        ("1990-04-03 00:00:00", dt.date(1990, 4, 3)),
        (dt.datetime(1990, 4, 3), dt.date(1990, 4, 3)),
        (dt.date(1990, 4, 3), dt.date(1990, 4, 3)),
        (32966, dt.date(1990, 4, 3)),  # Excel serial
        (32966.0, dt.date(1990, 4, 3)),
        (None, None),
        ("", None),
    ],
)
def test_date_forms(raw, expected):
    assert date_cell(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "31/02/1990",
        "29/02/1990",
        "00/01/1990",
        "12/13/1990",
        "1990-02-30",
        "abc",
        "1990",
        "32966",
        "04/03/90",
        0,
        -5,
    ],
)
def test_impossible_or_unreadable_dates_are_refused(raw):
    with pytest.raises(CellError):
        date_cell(raw)


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_dd_mm_yyyy_and_iso_round_trip(day):
    assert date_cell(day.strftime("%d/%m/%Y")) == day
    assert date_cell(day.isoformat()) == day


@given(
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=13, max_value=31),
    st.integers(1900, 2100),
)
def test_slash_dates_are_never_month_first(month, day, year):
    # "12/25/1990" (month first) must not be silently accepted as 25 December.
    with pytest.raises(CellError):
        date_cell(f"{month:02d}/{day:02d}/{year}")


def test_numbers_accept_a_decimal_comma():
    assert decimal_cell("8,5") == decimal.Decimal("8.5")
    assert decimal_cell(7.25) == decimal.Decimal("7.25")
    assert decimal_cell(" 9 ") == decimal.Decimal("9")
    for bad in ("tám", "1,2,3", "NaN"):
        with pytest.raises(CellError):
            decimal_cell(bad)


def test_text_cells_are_trimmed_nfc_and_whole_numbers_lose_dot_zero():
    decomposed = "Nguye\u0302\u0303n  Thi\u0323 "
    assert text_cell(decomposed) == "Nguyễn Thị"
    assert text_cell(1001.0) == "1001"
    assert text_cell(None) == ""


@pytest.mark.parametrize(
    "header",
    [
        "Họ và tên",
        "HỌ VÀ TÊN",
        "  ho va  ten ",
        "Họ và tên (*)",
        "full_name",
        "Full Name",
        "Ho\u0323 va\u0300 te\u0302n",
    ],
)
def test_header_keys_ignore_case_spacing_diacritics_and_notes(header):
    assert header_key(header) in {"ho va ten", "full name"}


def test_value_key_handles_vietnamese_category_names():
    assert value_key("Hợp đồng (lao động)") == "hop dong lao dong"
    assert value_key("CÔNG CHỨC") == "cong chuc"


def test_row_error_names_sheet_row_and_column_in_both_languages():
    error = RowError("x", "Danh sách", 7, "Ngày sinh")
    with translation.override("en"):
        assert str(error) == 'Sheet "Danh sách", row 7, column "Ngày sinh": x'
    with translation.override("vi"):
        assert str(error).startswith('Trang tính "Danh sách", dòng 7, cột "Ngày sinh"')


def _rows(buffer, name):
    sheets, close = _open_sheets(buffer, name)
    try:
        return [(sheet.name, list(sheet.rows())) for sheet in sheets]
    finally:
        close()


def test_cp1258_csv_is_detected_and_recomposed():
    buffer = csv_cp1258(
        [("Mã cán bộ", "Họ và tên"), ("CB1", "Nguyễn Thị Ánh"), ("CB2", "Đặng Văn Hưởng")],
        delimiter=";",
    )
    assert b"\xde" in buffer.getvalue()  # the tilde really is a separate combining byte
    assert detect_encoding(buffer) == "cp1258"
    [(_name, rows)] = _rows(buffer, "ds.csv")
    assert rows[1] == (2, ("CB1", "Nguyễn Thị Ánh"))
    assert rows[2] == (3, ("CB2", "Đặng Văn Hưởng"))


def test_utf8_with_and_without_bom_and_utf16():
    rows = [("Mã cán bộ", "Họ và tên"), ("CB1", "Nguyễn Thị Ánh")]
    assert detect_encoding(csv_utf8(rows, bom=True)) == "utf-8-sig"
    assert detect_encoding(csv_utf8(rows)) == "utf-8"
    assert _rows(csv_utf8(rows, bom=True), "a.csv")[0][1][0] == (1, ("Mã cán bộ", "Họ và tên"))
    utf16 = io.BytesIO("Mã cán bộ\tHọ và tên\r\nCB1\tNguyễn Thị Ánh\r\n".encode("utf-16"))
    assert _rows(utf16, "a.txt")[0][1][1] == (2, ("CB1", "Nguyễn Thị Ánh"))


def test_cp1258_detected_even_when_the_first_rows_are_ascii():
    head = b"code,full_name\r\n" + b"".join(b"C%d,Nguyen Van A\r\n" % i for i in range(20000))
    buffer = io.BytesIO(head + b"X1," + to_cp1258("Nguyễn") + b"\r\n")
    assert detect_encoding(buffer) == "cp1258"


def test_title_row_with_commas_does_not_fool_the_delimiter_guess():
    rows = [
        ("DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC NĂM 2019",),
        ("Mã cán bộ", "Họ và tên", "Đơn vị"),
        ("CB1", "Nguyễn Văn A", "A"),
        ("CB2", "Trần Thị B", "B"),
    ]
    [(_n, read)] = _rows(csv_utf8(rows, delimiter=";"), "a.csv")
    assert read[1] == (2, ("Mã cán bộ", "Họ và tên", "Đơn vị"))


def test_xlsx_rows_are_numbered_as_excel_shows_them():
    buffer = xlsx(
        [("Mã cán bộ", "Họ và tên"), ("CB1", "A"), (None, None), ("CB2", "B")],
        titles=["UBND", "DANH SÁCH"],
    )
    [(name, rows)] = _rows(buffer, "a.xlsx")
    assert name == "Danh sách"
    numbered = {number: values for number, values in rows}
    assert numbered[3][:2] == ("Mã cán bộ", "Họ và tên")
    assert numbered[6][:2] == ("CB2", "B")
