"""Imports of dossiers, PAR results and procedures: all-or-nothing, row and column in every
error."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from core.imports import run_import
from reform.importers import DossierImporter, ParResultImporter, ProcedureImporter
from reform.models import Dossier, ParCriterionScore, ParResult, Procedure
from tests.imports.files import csv_utf8, xlsx
from tests.reform.factories import ProcedureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
HEADER = (
    "STT",
    "Mã hồ sơ",
    "Mã thủ tục",
    "Đơn vị",
    "Kênh tiếp nhận",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày giải quyết",
    "Chỉ chậm trên hệ thống",
    "Lý do",
)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2019, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def procedures(tree):
    return {
        "land": ProcedureFactory(code="DD-01", level="district", resolution_days=3),
        "birth": ProcedureFactory(code="HT-01", level="commune", resolution_days=0),
    }


def dossiers(rows, name="hs.xlsx"):
    with translation.override("vi"):
        return run_import(
            DossierImporter(), xlsx([HEADER, *rows], titles=["DANH SÁCH HỒ SƠ"]), filename=name
        )


def test_imports_dossiers_with_due_dates_from_the_calendar_and_is_idempotent(procedures):
    from core.workdays import seed_vietnam_holidays

    seed_vietnam_holidays(range(2019, 2020))
    rows = [
        (
            1,
            "HS-1",
            "DD-01",
            "D",
            "Trực tiếp",
            "01/02/2019",
            None,
            "20/02/2019 16:30",
            "Có",
            "Chậm cập nhật",
        ),
        (
            2,
            "HS-2",
            "HT-01",
            "Xã Đạ Tồn",
            "Liên thông",
            dt.datetime(2019, 3, 4, 8, 15),
            None,
            "04/03/2019",
            "",
            "",
        ),
        (3, "HS-3", "HT-01", "B", "Trực tuyến", "2019-05-02", "2019-05-03", None, None, None),
    ]
    report = dossiers(rows)
    assert report.ok, [str(e) for e in report.errors]
    assert (report.created, report.updated) == (3, 0)
    d1 = Dossier.objects.get(code="HS-1")
    # Friday 1 Feb + 3 working days: the weekend and Tết 2019 (4-8 Feb, from the holidays package)
    # skipped.
    assert d1.level == "district" and d1.outcome == "late" and d1.late_in_system_only
    assert d1.due_on == dt.date(2019, 2, 13)
    d2 = Dossier.objects.get(code="HS-2")
    assert (d2.level, d2.channel, d2.outcome, d2.due_on) == (
        "commune",
        "inter_level",
        "on_time",
        dt.date(2019, 3, 4),
    )
    assert Dossier.objects.get(code="HS-3").state(dt.date(2019, 12, 1)) == "pending_overdue"
    again = dossiers(rows)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_one_bad_row_writes_nothing_and_names_row_and_column(procedures):
    rows = [
        (1, "HS-1", "DD-01", "D", "Trực tiếp", "01/02/2019", None, "20/02/2019", "", ""),
        (2, "HS-2", "XX-99", "D", "Trực tiếp", "01/02/2019", None, None, "", ""),
        (3, "HS-3", "HT-01", "A", "Bằng bồ câu", "31/02/2019", None, None, "", ""),
        (4, "HS-4", "HT-01", "A", "Trực tiếp", "05/03/2019", None, "01/03/2019", "", ""),
        (5, "HS-1", "HT-01", "A", "Trực tiếp", "05/03/2019", None, None, "Có", ""),
    ]
    report = dossiers(rows)
    assert not report.ok
    assert Dossier.objects.count() == 0
    found = {(e.row, e.column) for e in report.errors}
    # The title row is row 1, the header row 2: data starts on row 3.
    assert (4, "Mã thủ tục") in found
    assert (5, "Kênh tiếp nhận") in found and (5, "Ngày tiếp nhận") in found
    assert (6, "Ngày giải quyết") in found
    assert (7, "Mã hồ sơ") in found


def test_errors_read_in_english_too(procedures):
    with translation.override("en"):
        report = run_import(
            DossierImporter(),
            csv_utf8([HEADER, (1, "HS-9", "XX-1", "D", "", "01/02/2019", "", "", "", "")]),
            filename="hs.csv",
        )
        assert "No procedure has the code XX-1." in [str(e.message) for e in report.errors]


def test_command_exits_non_zero_and_writes_nothing(procedures, tmp_path):
    path = tmp_path / "hs.xlsx"
    path.write_bytes(
        xlsx([HEADER, (1, "HS-1", "DD-01", "NOPE", "", "01/02/2019", "", "", "", "")]).getvalue()
    )
    with pytest.raises(CommandError):
        call_command("import_dossiers", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Dossier.objects.count() == 0
    good = tmp_path / "ok.xlsx"
    good.write_bytes(
        xlsx([HEADER, (1, "HS-1", "DD-01", "D", "", "01/02/2019", "", "", "", "")]).getvalue()
    )
    call_command("import_dossiers", str(good), stdout=io.StringIO(), stderr=io.StringIO())
    assert Dossier.objects.count() == 1


PAR_HEADER = (
    "Đơn vị",
    "Năm",
    "Mã tiêu chí",
    "Tên tiêu chí",
    "Điểm tối đa",
    "Tổng điểm",
    "Xếp hạng",
    "Số đơn vị xếp hạng",
)


def test_par_results_with_criteria(tree):
    rows = [
        PAR_HEADER,
        ("D", 2019, "", "", "", "86,45", 2, 12),
        ("D", 2019, "3", "Cải cách TTHC", 13, "11,2", None, None),
        ("A", 2019, "", "", "", 70, 5, 12),
    ]
    report = run_import(ParResultImporter(), xlsx(rows), filename="par.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    result = ParResult.objects.get(unit=tree["D"], year=2019)
    assert (str(result.score), result.rank, result.ranked_units) == ("86.45", 2, 12)
    assert ParCriterionScore.objects.get(result=result, code="3").score == Decimal("11.20")
    again = run_import(ParResultImporter(), xlsx(rows), filename="par.xlsx")
    assert again.ok and again.updated == 0


def test_par_bad_rows_write_nothing(tree):
    rows = [
        PAR_HEADER,
        ("D", 2019, "", "", "", 86, 13, 12),
        ("B", 2019, "1", "Chỉ đạo", 10, 11, None, None),
    ]
    with translation.override("vi"):
        report = run_import(ParResultImporter(), xlsx(rows), filename="par.xlsx")
    assert not report.ok and ParResult.objects.count() == 0
    found = {(e.row, e.column) for e in report.errors}
    assert (2, "Xếp hạng") in found and (3, "Tổng điểm") in found


def test_procedure_list_import(db):
    rows = [
        (
            "Mã thủ tục",
            "Tên thủ tục",
            "Lĩnh vực",
            "Cấp thực hiện",
            "Thời hạn giải quyết",
            "Trực tuyến",
        ),
        ("1.001", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã", 0, "Có"),
        ("2.002", "Cấp giấy phép xây dựng", "Xây dựng", "Cấp huyện", 15, ""),
    ]
    report = run_import(ProcedureImporter(), xlsx(rows), filename="tthc.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert Procedure.objects.get(code="1.001").online
    assert Procedure.objects.get(code="2.002").resolution_days == 15
    bad = run_import(
        ProcedureImporter(),
        xlsx([rows[0], ("3.003", "X", "", "Cấp vũ trụ", "ba", "")]),
        filename="t.xlsx",
    )
    assert not bad.ok and {e.column for e in bad.errors} == {"Cấp thực hiện", "Thời hạn giải quyết"}
    assert not Procedure.objects.filter(code="3.003").exists()


def test_duplicate_codes_found_across_batches_in_constant_memory(procedures, monkeypatch):
    """Codes are checked in batches against a temporary table: a code repeated thousands of
    rows later is still refused with both row numbers, and nothing is written."""
    monkeypatch.setattr(DossierImporter, "batch_size", 3)
    rows = [
        (n, f"HS-{n}", "HT-01", "A", "Trực tiếp", "05/03/2019", None, "05/03/2019", "", "")
        for n in range(1, 11)
    ]
    rows.append((11, "HS-2", "HT-01", "A", "Trực tiếp", "05/03/2019", None, None, "", ""))
    rows.append((12, "HS-12", "HT-01", "A", "Trực tiếp", "05/03/2019", None, None, "", ""))
    rows.append((13, "HS-9", "HT-01", "A", "Trực tiếp", "05/03/2019", None, None, "", ""))
    report = dossiers(rows)
    assert not report.ok
    # Data starts on row 3 (a title row, the header row).
    with translation.override("en"):
        found = sorted((e.row, e.column, str(e.message)) for e in report.errors)
    assert found == [
        (13, "Mã hồ sơ", "HS-2 already appears on row 4."),
        (15, "Mã hồ sơ", "HS-9 already appears on row 11."),
    ]
    assert Dossier.objects.count() == 0
    # Without the repeats the same batches import, and the temporary table is gone.
    report = dossiers(rows[:10] + rows[11:12])
    assert report.ok and report.created == 11
    from django.db import connection

    sql = (
        "SELECT tablename FROM pg_tables WHERE schemaname LIKE 'pg_temp%%'"
        if connection.vendor == "postgresql"
        else "SELECT name FROM sqlite_temp_master WHERE type = 'table'"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        assert not [name for (name,) in cursor.fetchall() if "import_codes" in name]
