import datetime as dt
import io

import openpyxl

from core.exports import iter_csv, safe_text, write_xlsx


def test_safe_text_neutralises_formula_starts():
    for payload in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\uff1d1"]:
        assert safe_text(payload).startswith("'")
    assert safe_text("Nguyễn") == "Nguyễn"
    assert safe_text("") == ""


def test_csv_has_bom_and_escapes_formulas_but_not_numbers():
    text = "".join(iter_csv(["name", "n"], [('=HYPERLINK("x")', -5), ("Ánh", dt.date(2019, 3, 5))]))
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[1].startswith("\"'=HYPERLINK")
    assert lines[1].endswith(",-5")
    assert lines[2] == "Ánh,2019-03-05"


def test_xlsx_writes_user_text_as_text_and_dates_as_dates():
    buffer = io.BytesIO()
    count = write_xlsx(buffer, ["a", "b"], [("=1+1", dt.date(2019, 1, 2)), ("x", 3)])
    assert count == 2
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == dt.datetime(2019, 1, 2)
    assert sheet["B3"].value == 3
    assert sheet.freeze_panes == "A2"
