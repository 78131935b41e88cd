"""The list export's own xlsx writer, read back with openpyxl (and LibreOffice where installed)."""

import datetime as dt
import decimal
import io
import shutil
import subprocess
import unicodedata
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.exports import iter_xlsx, write_xlsx, xlsx_text


def _write(headers, rows, **options):
    buffer = io.BytesIO()
    count = write_xlsx(buffer, headers, rows, **options)
    return count, buffer.getvalue()


def _read(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_every_type_reads_back_with_its_type():
    when = dt.datetime(2019, 3, 5, 14, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    row = (
        "Nguyễn Thị Ánh",
        42,
        2.5,
        decimal.Decimal("7.25"),
        dt.date(2019, 12, 31),
        when,
        True,
        None,
        "",
    )
    count, data = _write(
        ["text", "int", "float", "dec", "date", "dt", "bool", "none", "empty"], [row]
    )
    assert count == 1
    sheet = _read(data).active
    values = [cell.value for cell in sheet[2]]
    assert values[:7] == [
        "Nguyễn Thị Ánh",
        42,
        2.5,
        7.25,
        dt.datetime(2019, 12, 31),
        dt.datetime(2019, 3, 5, 14, 30),
        True,
    ]
    assert values[7:] == [None, None]
    assert sheet["E2"].number_format == "dd/mm/yyyy"
    assert sheet["F2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["A1"].font.b is True
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I2"
    assert sheet.column_dimensions["A"].width == 12


def test_text_is_never_a_formula_or_a_link():
    hostile = [
        '=HYPERLINK("http://x","y")',
        "+1+1",
        "-2",
        "@SUM(A1)",
        "http://example.vn",
        "1e5",
        "0123",
    ]
    _, data = _write(["x"], [(value,) for value in hostile])
    sheet = _read(data).active
    for index, value in enumerate(hostile, start=2):
        cell = sheet.cell(row=index, column=1)
        assert cell.value == value
        assert cell.data_type == "s"
        assert cell.hyperlink is None


def test_vietnamese_text_stays_nfc_and_markup_is_escaped():
    name = unicodedata.normalize("NFC", "Đinh Văn Hưởng <b>&</b> 'quote' \"dq\"")
    _, data = _write(["tên"], [(name,), ("  leading and trailing  ",), ("_x0041_ literal",)])
    sheet = _read(data).active
    assert sheet["A1"].value == "tên"
    assert sheet["A2"].value == name
    assert unicodedata.is_normalized("NFC", sheet["A2"].value)
    assert sheet["A3"].value == "  leading and trailing  "
    # Excel reads "_x0041_" as "A": a literal one is written escaped, as xlsxwriter does,
    # and Excel shows it as typed (openpyxl shows the escape itself).
    assert sheet["A4"].value == "_x005F_x0041_ literal"


def test_control_characters_are_removed_and_tabs_and_newlines_kept():
    _, data = _write(["x"], [("a\x00b\x07c\x1fd\ufffe",), ("line1\nline2\tcol",)])
    sheet = _read(data).active
    assert sheet["A2"].value == "abcd"
    assert sheet["A3"].value == "line1\nline2\tcol"


def test_very_long_text_is_kept_whole():
    text = "Vi phạm " * 4000  # 32,000 characters, under Excel's 32,767 per cell
    _, data = _write(["x"], [(text,)])
    assert _read(data).active["A2"].value == text


def test_zero_rows_gives_a_header_only_sheet():
    count, data = _write(["a", "b"], [])
    assert count == 0
    sheet = _read(data).active
    assert [c.value for c in sheet[1]] == ["a", "b"]
    assert sheet.max_row == 1


def test_rows_past_the_sheet_limit_continue_on_a_second_sheet():
    rows = [(i, f"row {i}") for i in range(7)]
    count, data = _write(["n", "name"], rows, sheet_name="Staff", max_rows=4)  # 3 data rows a sheet
    assert count == 7
    book = _read(data)
    assert book.sheetnames == ["Staff", "Staff (2)", "Staff (3)"]
    got = []
    for sheet in book.worksheets:
        assert [c.value for c in sheet[1]] == ["n", "name"]
        got.extend(row for row in sheet.iter_rows(min_row=2, values_only=True))
    assert got == rows
    assert book.worksheets[0].max_row == 4
    assert book.worksheets[2].max_row == 2


def test_a_list_ending_exactly_at_the_limit_has_no_empty_extra_sheet():
    count, data = _write(["n"], [(i,) for i in range(6)], max_rows=4)
    assert count == 6
    assert len(_read(data).sheetnames) == 2


def test_bytes_are_streamed_before_the_last_row_is_read():
    read = []

    def rows():
        for i in range(30_000):
            read.append(i)
            yield (
                i,
                f"Nguyễn Văn {i * 7919 % 100_003}",
                dt.date(2020, 1, 1) + dt.timedelta(days=i % 900),
            )

    stream = iter_xlsx(["n", "name", "d"], rows(), sheet_name="X")
    first = next(stream)
    assert first.startswith(b"PK")
    assert len(read) < 30_000  # the first bytes left before the rows ran out
    data = first + b"".join(stream)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    sheet = _read(data).active
    assert sheet.max_row == 30_001
    assert sheet["A30001"].value == 29_999


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_any_text_round_trips_except_xml_invalid_characters(text):
    _, data = _write(["x"], [(text,)])
    expected = (
        xlsx_text(text)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
    )
    value = _read(data).active["A2"].value
    assert (value or "") == expected


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed on this machine"
)
def test_libreoffice_opens_the_file(tmp_path):
    path = tmp_path / "list.xlsx"
    write_xlsx(str(path), ["mã", "tên", "ngày"], [("A1", "Nguyễn Văn Bình", dt.date(2019, 5, 1))])
    convert = ["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76"]
    command = [*convert, "--outdir", str(tmp_path), str(path)]
    result = subprocess.run(command, capture_output=True, timeout=120, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "list.csv").read_text(encoding="utf-8", errors="replace")
    assert "Nguyễn Văn Bình" in text
    assert "01/05/2019" in text  # the date cell keeps its dd/mm/yyyy format


def test_numbers_that_are_not_finite_are_written_as_text():
    rows = [(float("nan"), float("inf"), decimal.Decimal("-Infinity"), decimal.Decimal("1.50"))]
    _, data = _write(["a", "b", "c", "d"], rows)
    sheet = _read(data).active
    assert [c.value for c in sheet[2]] == ["nan", "inf", "-Infinity", 1.5]


class _Blank:
    def __str__(self):
        return ""


def _sheet_xml(data, number=1):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def test_cells_name_their_column_only_after_a_left_out_one():
    row = ("a", None, "c", "", 5, _Blank(), "g", dt.date(2019, 1, 2))
    _, data = _write(list("ABCDEFGH"), [row])
    xml = _sheet_xml(data)
    row_xml = xml[xml.index('<row r="2">') : xml.index("</row>", xml.index('<row r="2">'))]
    assert row_xml.count(" r=") == 1 + 3  # the row, then C2, E2 and G2 after a gap
    assert '<c t="inlineStr"><is><t>a</t></is></c>' in row_xml
    assert 'r="C2"' in row_xml and 'r="E2"' in row_xml and 'r="G2"' in row_xml
    assert 'r="H2"' not in row_xml  # follows G2 directly
    sheet = _read(data).active
    assert [c.value for c in sheet[2]] == [
        "a",
        None,
        "c",
        None,
        5,
        None,
        "g",
        dt.datetime(2019, 1, 2),
    ]


def test_only_text_with_whitespace_at_either_end_says_preserve():
    texts = (" lead", "trail ", "mid dle", "\ttab", "line\n", "plain")
    _, data = _write(list("ABCDEF"), [texts])
    xml = _sheet_xml(data)
    assert xml.count('<t xml:space="preserve">') == 4 + 6  # four texts + the six header cells
    assert "<t>mid dle</t>" in xml and "<t>plain</t>" in xml
    assert tuple(c.value for c in _read(data).active[2]) == texts


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed on this machine"
)
def test_libreoffice_places_cells_after_a_left_out_one(tmp_path):
    path = tmp_path / "gaps.xlsx"
    write_xlsx(str(path), ["a", "b", "c", "d"], [("x", None, "z", 4), (None, "q", "", 7)])
    convert = ["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76"]
    command = [*convert, "--outdir", str(tmp_path), str(path)]
    result = subprocess.run(command, capture_output=True, timeout=120, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    lines = (tmp_path / "gaps.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ["x,,z,4", ",q,,7"]
