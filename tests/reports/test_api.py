"""The report over HTTP: shape, formats holding the same numbers, scope, errors, query count."""

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import queries
from reports.excel import FIRST_DATA_ROW, HEADER_ROW
from reports.frames import METRIC_COLUMNS
from reports.render import LABELS, SECTIONS
from tests.reports import data
from tests.reports.data import D

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/accountability/"

METRIC_KEYS = {
    "staff_count",
    "inspections",
    "findings",
    "findings_by_severity",
    "corrective_actions_open",
    "corrective_actions_overdue",
    "discipline_cases",
    "discipline_decisions_by_form",
    "discipline_overdue",
    "feedback_received",
    "feedback_substantiated",
    "feedback_resolved_on_time_rate",
    "training_turns",
    "training_turns_by_organizer_level",
    "training_hours",
    "training_requirement_met_rate",
}


@pytest.fixture
def district(tree):
    """A few records in A and B, 2018 and 2019, enough to fill every section."""
    for unit, n in ((tree["A"], 6), (tree["B"], 6), (tree["D-NV"], 3)):
        people = data.staff(unit, n)
        data.inspection(unit)
        data.finding(unit, severity="serious")
        data.finding(unit, found_on=D(2018, 5, 1))
        data.action(unit, due=D(2019, 4, 1), status="done", done_on=D(2019, 3, 1))
        data.case(unit, status="decided", decision_form="khien_trach", decision_date=D(2019, 3, 1))
        data.feedback(unit, resolved_on=D(2019, 4, 10), substantiated=True)
        data.turn(people[0], data.course("province"))
        data.turn(people[1], data.course("central", hours="12.5"))
    data.finding(tree["A"], severity="minor")
    data.feedback(tree["B"], resolved_on=None)
    return tree


def get(client, **query):
    return client.get(URL, query)


def test_json_has_the_contract_shape(client_for, district):
    response = get(client_for("auditor"), year=2019)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {"start": "2019-01-01", "end": "2019-12-31"}
    assert body["unit"] == {"code": "P", "name": "Tỉnh Thử"}
    assert METRIC_KEYS <= set(body["total"])
    assert set(body["total"]["training_turns_by_organizer_level"]) == {
        "central",
        "province",
        "district",
        "commune",
    }
    assert set(body["total"]["findings_by_severity"]) == {
        "minor",
        "serious",
        "very_serious",
        "extremely_serious",
    }
    assert [u["code"] for u in body["units"]] == ["P", "D", "D-NV", "A", "B"]
    for unit in body["units"]:
        assert {"code", "name", "level", "parent", "metrics", "score", "rank"} <= set(unit)
        assert METRIC_KEYS <= set(unit["metrics"])
        assert unit["rank"] is None or isinstance(unit["rank"], int)
        assert unit["score"] is None or 0 <= unit["score"] <= 100
    by_code = {u["code"]: u for u in body["units"]}
    assert by_code["A"]["parent"] == "D" and by_code["P"]["parent"] is None
    assert by_code["A"]["level"] == "commune"
    # per unit: one serious finding and the finding behind its corrective action; plus A's minor one
    assert body["total"]["findings"] == 3 * 2 + 1
    assert body["total"]["training_turns_by_organizer_level"] == {
        "central": 3,
        "province": 3,
        "district": 0,
        "commune": 0,
    }
    assert body["total"]["training_hours"] == pytest.approx(3 * 30 + 3 * 12.5)


def test_default_year_is_the_current_one(client_for, district):
    import time_machine

    with time_machine.travel("2019-08-01 09:00 +0700", tick=False):
        body = get(client_for("auditor")).json()
    assert body["period"]["start"] == "2019-01-01"


def test_csv_holds_the_same_numbers_as_json(client_for, district):
    client = client_for("auditor")
    body = get(client, year=2019).json()
    response = get(client, year=2019, format="csv", header="keys")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["code"] for r in rows] == [u["code"] for u in body["units"]]
    assert "findings_by_severity.minor" in rows[0]
    assert "training_turns_by_organizer_level.province" in rows[0]
    for row, unit in zip(rows, body["units"], strict=True):
        for column in METRIC_COLUMNS:
            expected = unit["metrics"]
            for part in column.split("."):
                expected = None if expected is None else expected[part]
            if expected is None:
                assert row[column] == ""
            elif isinstance(expected, bool):
                assert row[column] == str(int(expected)), column
            else:
                assert float(row[column]) == pytest.approx(expected, abs=5e-5), column
        assert (float(row["score"]) if row["score"] else None) == unit["score"]
        assert (int(row["rank"]) if row["rank"] else None) == unit["rank"]


def test_csv_speaks_vietnamese_by_default_with_plain_numbers(client_for, district):
    response = get(client_for("auditor"), year=2019, format="csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[:4] == ["Mã", "Đơn vị", "Cấp", "Đơn vị cấp trên"]
    assert "Số cán bộ" in header and any(h.startswith("Điểm: ") for h in header)
    level = header.index("Cấp")
    assert {row[level] for row in rows[1:]} <= {"Tỉnh", "Huyện", "Xã", "Phòng, ban"}
    for row in rows[1:]:
        for cell in row:
            assert not re.fullmatch(r"-?\d+\.0", cell), cell
            if re.fullmatch(r"-?\d+\.\d+", cell):
                assert len(cell.partition(".")[2]) <= 4, cell


def _sheet_rows(sheet, width):
    rows = []
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + 1, max_col=width, values_only=True):
        if not row[0]:
            break
        rows.append(row)
    return rows


def test_workbook_holds_the_same_numbers_as_json_and_has_charts(client_for, district):
    client = client_for("auditor")
    body = get(client, year=2019).json()
    response = get(client, year=2019, format="xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert len(book.sheetnames) == 2 + len(SECTIONS)  # summary, sections, charts
    summary = book.worksheets[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in [c.value for c in summary[1]]
    assert "Độc lập - Tự do - Hạnh phúc" in [c.value for c in summary[2]]
    assert summary.freeze_panes == f"C{FIRST_DATA_ROW + 1}"
    assert summary.auto_filter.ref.startswith(f"A{HEADER_ROW + 1}")
    headers = [c.value for c in summary[HEADER_ROW + 1]]
    score_col = headers.index("Điểm")
    rank_col = headers.index("Xếp hạng")
    rows = _sheet_rows(summary, len(headers))
    assert [r[0] for r in rows] == [u["code"] for u in body["units"]]
    for row, unit in zip(rows, body["units"], strict=True):
        assert row[score_col] == unit["score"]
        assert row[rank_col] == unit["rank"]
    # each section: every metric column equals the JSON
    for sheet, (_key, _title, columns) in zip(book.worksheets[1:-1], SECTIONS, strict=True):
        sheet_rows = _sheet_rows(sheet, 3 + len(columns))
        for row, unit in zip(sheet_rows, body["units"], strict=True):
            for i, column in enumerate(columns, start=3):
                expected = unit["metrics"]
                for part in column.split("."):
                    expected = None if expected is None else expected[part]
                if isinstance(expected, bool):
                    assert row[i] == ("Có" if expected else "Không"), (sheet.title, column)
                    continue
                assert row[i] == (pytest.approx(expected) if expected is not None else None), (
                    sheet.title,
                    column,
                )
    # One block of three charts per peer group, the province alone (the totals) left out.
    groups = _chart_groups(content, book)
    assert (
        sorted(groups.values())
        == [["A", "B"], ["A", "B"], ["A", "B"], ["D"], ["D"], ["D"]] + [["D-NV"]] * 3
    )
    scores = {u["code"]: u["score"] for u in body["units"]}
    charts_sheet = book.worksheets[-1]
    for row in charts_sheet.iter_rows(min_row=FIRST_DATA_ROW + 1, values_only=True):
        if row[0] in scores:
            assert row[2] == pytest.approx(scores[row[0]])
    assert summary.parent.properties.creator == "CongVu"


def _chart_groups(content: bytes, book) -> dict[str, list[str]]:
    """Each chart's unit codes, read from the cells its categories point at."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    sheet = book.worksheets[-1]
    result = {}
    for name in archive.namelist():
        if not name.startswith("xl/charts/chart"):
            continue
        xml = archive.read(name).decode()
        refs = set(re.findall(r"<c:cat>.*?<c:f>[^!]*!\$B\$(\d+)(?::\$B\$(\d+))?</c:f>", xml, re.S))
        assert len(refs) == 1, name  # every series of a chart draws the same units
        first, last = refs.pop()
        first, last = int(first), int(last or first)
        result[name] = [sheet.cell(r, 1).value for r in range(first, last + 1)]
    return result


def test_workbook_prints_on_a4_one_page_wide_with_the_number_line(client_for, district, tmp_path):
    import shutil
    import subprocess

    response = get(client_for("auditor"), year=2019, format="xlsx")
    content = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        assert int(sheet.page_setup.paperSize) == 9, sheet.title  # A4
        assert sheet.page_setup.orientation == "landscape"
        assert (
            sheet.page_setup.fitToWidth in (None, 1) and int(sheet.page_setup.fitToHeight) == 0
        )  # 1 wide (the default)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows.replace("$", "") == f"{HEADER_ROW + 1}:{HEADER_ROW + 1}"
        assert sheet["A3"].value == "Số: ....../BC-UBND"
    summary = book.worksheets[0]
    headers = [c.value for c in summary[HEADER_ROW + 1]]
    assert any(h.startswith("Điểm: ") for h in headers)
    assert set(c.value for c in summary["C"][FIRST_DATA_ROW:]) - {None} <= {
        "Tỉnh",
        "Huyện",
        "Xã",
        "Phòng, ban",
    }
    # Charts sit below their group's table, in the first column, not beside it.
    drawing = zipfile.ZipFile(io.BytesIO(content)).read("xl/drawings/drawing1.xml").decode()
    anchors = re.findall(r"<xdr:from><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>", drawing)
    assert len(anchors) == 9
    assert {col for col, _row in anchors} == {"0"}
    charts_sheet = book.worksheets[-1]
    for _col, row in anchors:  # the cell above each chart's anchor is not a unit row
        assert charts_sheet.cell(int(row), 3).value is None
    soffice = shutil.which("soffice")
    if soffice:  # LibreOffice opens it and prints it to PDF
        path = tmp_path / "report.xlsx"
        path.write_bytes(content)
        subprocess.run(  # noqa: S603
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        assert (tmp_path / "report.pdf").stat().st_size > 1000


def test_workbook_headers_are_english_with_lang_en(client_for, district):
    response = get(client_for("auditor"), year=2019, format="xlsx", lang="en")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = book.worksheets[0]
    assert "SOCIALIST REPUBLIC OF VIETNAM" in [c.value for c in summary[1]]
    headers = [c.value for c in summary[HEADER_ROW + 1]]
    assert "Score" in headers and "Rank" in headers
    assert book.sheetnames[0] == "Summary"


def test_unit_names_are_written_as_text_not_formulas(client_for, tree):
    tree["B"].name = '=HYPERLINK("http://x","y")'
    tree["B"].save()
    response = get(client_for("auditor"), year=2019, format="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [r[1] for r in _sheet_rows(book.worksheets[0], 3)]
    assert '=HYPERLINK("http://x","y")' in names
    assert book.worksheets[0].cell(FIRST_DATA_ROW + 1 + names.index(names[-1]), 2).data_type == "s"


def test_head_gets_own_subtree_only(client_for, district):
    body = get(client_for("head_a"), year=2019).json()
    assert body["unit"]["code"] == "A"
    assert [u["code"] for u in body["units"]] == ["A"]
    assert get(client_for("head_a"), year=2019, unit="A").status_code == 200


def test_head_asking_for_another_unit_gets_404(client_for, district):
    assert get(client_for("head_a"), year=2019, unit="B").status_code == 404
    assert get(client_for("head_a"), year=2019, unit="D").status_code == 404
    assert get(client_for("head_a"), year=2019, unit="B", format="xlsx").status_code == 404
    assert get(client_for("auditor"), year=2019, unit="NOPE").status_code == 404


@pytest.mark.parametrize("role", ["admin", "inspector", "hr", "auditor"])
def test_district_roles_get_any_unit(client_for, district, role):
    response = get(client_for(role), year=2019, unit="D")
    assert response.status_code == 200
    assert response.json()["unit"]["code"] == "D"


def test_anonymous_401_and_no_role_403(client_for, district):
    assert get(client_for(None), year=2019).status_code == 401
    assert get(client_for("nobody"), year=2019).status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "1800"}, "year"),
        ({"year": "2019", "start": "2019-01-01", "end": "2019-03-31"}, "year"),
        ({"start": "2019-01-01"}, "end"),
        ({"start": "2019-05-01", "end": "2019-01-01"}, "end"),
        ({"start": "2019-13-01", "end": "2019-12-31"}, "start"),
        ({"start": "2001-01-01", "end": "2019-12-31"}, "end"),
        ({"year": "2019", "lang": "fr"}, "lang"),
    ],
)
def test_bad_parameters_are_400_with_field_messages(client_for, district, query, field):
    for output in ("json", "xlsx", "csv"):
        response = get(client_for("auditor"), format=output, **query)
        assert response.status_code == 400, (output, response.content)
        assert response["Content-Type"].startswith("application/json")
        assert field in response.json()


def test_errors_are_vietnamese_by_default_and_english_on_request(client_for, district):
    query = {"start": "2019-05-01", "end": "2019-01-01"}
    vi = get(client_for("auditor"), **query).json()["end"][0]
    en = client_for("auditor").get(URL, query, HTTP_ACCEPT_LANGUAGE="en").json()["end"][0]
    assert en == "The end of the period is before its start."
    assert vi != en


def test_custom_period_with_start_and_end(client_for, district):
    body = get(client_for("auditor"), start="2019-01-01", end="2019-03-31").json()
    assert body["period"] == {"start": "2019-01-01", "end": "2019-03-31"}
    assert body["previous_period"] == {"start": "2018-10-01", "end": "2018-12-31"}
    assert body["total"]["findings"] == 7  # all found on 2019-03-02; the 2018 ones are out


def test_query_count_of_the_endpoint_is_fixed(client_for, district):
    client = client_for("auditor")
    get(client, year=2019)  # warm the permission cache path
    with CaptureQueriesContext(connection) as ctx:
        assert get(client, year=2019).status_code == 200
    report_queries = len(ctx)
    for i in range(5):
        unit = data.UnitFactory(code=f"N{i}", level="commune", parent=district["D"])
        data.finding(unit)
    with CaptureQueriesContext(connection) as ctx:
        assert get(client, year=2019).status_code == 200
    assert len(ctx) == report_queries
    assert report_queries <= queries.QUERY_COUNT + 4  # auth, permissions, root unit


def test_labels_cover_every_column():
    for column in METRIC_COLUMNS:
        assert str(LABELS[column])


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_for_signing_has_the_official_layout_and_every_unit(client_for, district):
    pytest.importorskip("weasyprint")
    client = client_for("auditor")
    body = get(client, year=2019).json()
    response = get(client, year=2019, format="pdf")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    content = response.content
    assert content.startswith(b"%PDF")
    text = " ".join(_pdf_text(content).split())
    assert "ỦY BAN NHÂN DÂN TỈNH THỬ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Số: ....../BC-UBND" in text
    assert re.search(r"Thử, ngày \d\d tháng \d\d năm \d{4}", text)
    assert "BÁO CÁO" in text and "Nơi nhận:" in text and "CHỦ TỊCH" in text
    for unit in body["units"]:
        assert f"{unit['name']} ({unit['code']})" in text, unit["code"]


def test_pdf_errors_stay_json(client_for, district):
    response = get(client_for("head_a"), year=2019, unit="B", format="pdf")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
