"""``reports.excel.TableSheet``: unit rows written as finished sheet XML beside xlsxwriter's own
cells."""

import io
import math
import zipfile

import openpyxl
import xlsxwriter

from reports.excel import TableSheet


def _book(rows_first: int = 2):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Units", worksheet_class=TableSheet)
    percent = book.add_format({"num_format": "0.0%", "border": 1})
    text = book.add_format({"border": 1})
    sheet.write_string(0, 0, "header above, through xlsxwriter")
    last = sheet.add_rows(
        rows_first,
        [
            (0, text, "text", ["A&B <x>", "Xã Đạ\x01 Tồn", ""]),
            (1, percent, "number", [0.25, None, math.nan]),
            (2, None, "number", [3, 10**6, math.inf]),
        ],
    )
    sheet.write_string(last + 2, 0, "signature below")
    chart = book.add_chart({"type": "bar"})
    chart.add_series(
        {
            "categories": ["Units", rows_first, 0, last, 0],
            "values": ["Units", rows_first, 1, last, 1],
        }
    )
    sheet.insert_chart(last + 4, 0, chart)
    book.close()
    return buffer.getvalue(), last


def test_rows_read_back_with_values_formats_and_the_cells_around_them():
    content, last = _book()
    assert last == 4
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet["A1"].value == "header above, through xlsxwriter"
    assert [sheet.cell(r, 1).value for r in (3, 4, 5)] == ["A&B <x>", "Xã Đạ Tồn", None]
    assert sheet["B3"].value == 0.25 and sheet["B3"].number_format == "0.0%"
    assert sheet["B4"].value is None and sheet["B4"].number_format == "0.0%"  # empty, formatted
    assert sheet["B5"].value is None  # NaN: no number a spreadsheet reads
    assert [sheet.cell(r, 3).value for r in (3, 4, 5)] == [3, 1_000_000, None]
    assert sheet["A3"].border.left.style == "thin"
    assert sheet["A7"].value == "signature below"
    assert sheet.max_row == 7  # the chart's anchor row has no cells


def test_charts_of_the_rows_point_at_them_and_cache_only_the_names():
    content, _last = _book()
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/charts/chart1.xml").decode()
    assert "<c:f>Units!$A$3:$A$5</c:f>" in xml and "<c:f>Units!$B$3:$B$5</c:f>" in xml
    assert "<c:cat><c:strRef>" in xml  # categories read as text
    assert "<c:v>A&amp;B &lt;x&gt;</c:v>" in xml
    assert (
        '<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="0"/></c:numCache>' in xml
    )


def test_report_json_renderer_writes_what_drf_would_for_values_orjson_lacks():
    import json
    from decimal import Decimal

    import numpy as np
    from django.utils.translation import gettext_lazy
    from rest_framework.renderers import JSONRenderer

    from reports.api import ReportJSONRenderer

    data = {
        "unit": "Xã Đạ Tồn",
        "hours": Decimal("12.5"),
        "label": gettext_lazy("Score"),
        "n": np.int64(3),
        "rate": np.float64(0.25),
        "flag": np.bool_(True),
        "none": None,
    }
    ours = ReportJSONRenderer().render(data)
    assert "Xã Đạ Tồn".encode() in ours  # UTF-8, not \\u escapes
    assert json.loads(ours) == json.loads(JSONRenderer().render(data))


def test_formulas_are_parsed_once():
    from reports.scoring import parse

    assert parse("findings / staff_count") is parse("findings / staff_count")
