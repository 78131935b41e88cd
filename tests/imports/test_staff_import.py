"""Roster import: real-looking files in, exact stored values or a refusal that writes nothing
out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core.imports import run_import
from core.models import SecurityEvent, SecurityEventKind
from staff.importers import StaffImporter
from staff.models import Staff
from tests.factories import StaffFactory, UnitFactory
from tests.imports.files import HEADER_EN, HEADER_VI, csv_cp1258, csv_utf8, xlsx

pytestmark = pytest.mark.django_db

TITLES = ["ỦY BAN NHÂN DÂN HUYỆN THỬ", "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC NĂM 2019"]


def roster_rows():
    """Vietnamese headers (with STT), each date form, units by code and by name."""
    return [
        HEADER_VI,
        (1, "CB001", "Nguyễn Thị Ánh", "03/04/1990", "Nữ", "A", "Công chức", "Chuyên viên"),
        (
            2,
            "CB002",
            "Trần Văn Bình",
            dt.datetime(1985, 12, 25),
            "Nam",
            "Xã Hà Lâm",
            "Cán bộ",
            "Chủ tịch UBND xã",
        ),
        (3, "CB003", "Lê Thị Cúc", "1979-07-01", "nữ", "D-NV", "Viên chức", None),
        (
            4,
            "CB004",
            "Phạm Văn Dũng",
            32874,
            "NAM",
            "Phòng Nội vụ",
            "Hợp đồng (lao động)",
            "Bảo vệ",
        ),
        (5, "CB005", "Đinh Thị Én", None, None, "B", "hợp đồng", ""),
    ]


def import_file(buffer, name="roster.xlsx", **kwargs):
    return run_import(StaffImporter(), buffer, filename=name, **kwargs)


def stored():
    return {
        s.code: (
            s.full_name,
            s.name_key,
            s.unit.code,
            s.category,
            s.position,
            s.date_of_birth,
            s.gender,
            s.status,
        )
        for s in Staff.objects.select_related("unit")
    }


EXPECTED = {
    "CB001": (
        "Nguyễn Thị Ánh",
        "nguyen thi anh",
        "A",
        "civil_servant",
        "Chuyên viên",
        dt.date(1990, 4, 3),
        "female",
        "active",
    ),
    "CB002": (
        "Trần Văn Bình",
        "tran van binh",
        "B",
        "cadre",
        "Chủ tịch UBND xã",
        dt.date(1985, 12, 25),
        "male",
        "active",
    ),
    "CB003": (
        "Lê Thị Cúc",
        "le thi cuc",
        "D-NV",
        "public_employee",
        "",
        dt.date(1979, 7, 1),
        "female",
        "active",
    ),
    "CB004": (
        "Phạm Văn Dũng",
        "pham van dung",
        "D-NV",
        "contract",
        "Bảo vệ",
        dt.date(1990, 1, 1),
        "male",
        "active",
    ),
    "CB005": ("Đinh Thị Én", "dinh thi en", "B", "contract", "", None, "", "active"),
}


def test_xlsx_with_title_rows_imports_exact_values(tree):
    report = import_file(xlsx(roster_rows(), titles=TITLES))
    assert report.ok, report.lines()
    assert (report.header_row, report.rows, report.created, report.committed) == (3, 5, 5, True)
    assert stored() == EXPECTED


def test_reimport_of_the_same_file_changes_nothing(tree):
    import_file(xlsx(roster_rows(), titles=TITLES))
    before = {s.code: s.updated_at for s in Staff.objects.all()}
    report = import_file(xlsx(roster_rows(), titles=TITLES))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert stored() == EXPECTED
    assert {s.code: s.updated_at for s in Staff.objects.all()} == before


def test_rows_matched_on_code_update_only_what_changed(tree):
    StaffFactory(
        code="CB001",
        full_name="Nguyễn Thị Cũ",
        unit=tree["B"],
        category="cadre",
        date_of_birth=dt.date(1990, 4, 3),
        phone="0909",
    )
    rows = roster_rows()[:2]
    report = import_file(xlsx(rows))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    member = Staff.objects.get(code="CB001")
    assert (member.full_name, member.name_key, member.unit.code, member.category, member.phone) == (
        "Nguyễn Thị Ánh",
        "nguyen thi anh",
        "A",
        "civil_servant",
        "0909",
    )


def test_empty_optional_cells_keep_stored_values(tree):
    StaffFactory(
        code="CB005",
        full_name="Đinh Thị Én",
        unit=tree["B"],
        category="contract",
        date_of_birth=dt.date(1991, 1, 2),
        gender="female",
        position="Tạp vụ",
    )
    report = import_file(xlsx([roster_rows()[0], roster_rows()[5]]))
    assert (report.updated, report.unchanged) == (0, 1)
    member = Staff.objects.get(code="CB005")
    assert (member.date_of_birth, member.gender, member.position) == (
        dt.date(1991, 1, 2),
        "female",
        "Tạp vụ",
    )


def test_english_headers_any_order_any_case_and_stray_spaces(tree):
    rows = [
        ("  Gender ", "DATE_OF_BIRTH", "Unit", " code", "Full Name", "category", "position"),
        (
            "female",
            "1990-04-03",
            "A",
            "CB001",
            "  Nguyễn   Thị Ánh ",
            "civil_servant",
            " Chuyên viên ",
        ),
    ]
    report = import_file(csv_utf8(rows, bom=True), "roster.csv")
    assert report.ok, report.lines()
    assert stored()["CB001"] == EXPECTED["CB001"]


def test_cp1258_csv_with_decomposed_tones_is_stored_nfc(tree):
    rows = [(TITLES[1],), *[row[1:] for row in roster_rows()]]
    rows[1] = HEADER_VI[1:]
    rows[5] = tuple("01/01/1990" if value == 32874 else value for value in rows[5])
    report = import_file(csv_cp1258(rows, delimiter=";"), "roster.csv")
    assert report.ok, report.lines()
    values = stored()
    assert values["CB001"] == EXPECTED["CB001"]
    assert values["CB002"][0] == "Trần Văn Bình"
    assert Staff.objects.filter(full_name="Nguyễn Thị Ánh").exists()
    assert Staff.objects.filter(name_key="nguyen thi anh").count() == 1


def test_decomposed_unicode_in_xlsx_is_normalised(tree):
    rows = [
        HEADER_EN,
        (
            "CB009",
            "Nguye\u0302\u0303n Thi\u0323 A\u0301nh",
            "A",
            "Co\u0302ng chu\u031b\u0301c",
            None,
            None,
            "Nu\u031b\u0303",
        ),
    ]
    report = import_file(xlsx(rows))
    assert report.ok, report.lines()
    member = Staff.objects.get(code="CB009")
    assert (member.full_name, member.category, member.gender) == (
        "Nguyễn Thị Ánh",
        "civil_servant",
        "female",
    )


def _refused(report, *expected):
    """Nothing written, and every (row, column) pair appears among the errors."""
    assert not report.ok and not report.committed
    found = {(error.row, error.column) for error in report.errors}
    for pair in expected:
        assert pair in found, (pair, [str(e) for e in report.errors])
    assert not Staff.objects.exists()


def test_one_bad_row_writes_nothing_and_names_row_and_column(tree):
    rows = roster_rows()
    rows[3] = (3, "CB003", "Lê Thị Cúc", "31/02/1990", "nữ", "D-NV", "Viên chức", None)
    report = import_file(xlsx(rows, titles=TITLES))
    _refused(report, (6, "Ngày sinh"))
    assert report.error_count == 1
    with translation.override("en"):
        assert (
            str(report.errors[0])
            == 'Sheet "Danh sách", row 6, column "Ngày sinh": 31/02/1990 is not a real date.'
        )
    with translation.override("vi"):
        assert (
            str(report.errors[0])
            == 'Trang tính "Danh sách", dòng 6, cột "Ngày sinh": 31/02/1990 không phải là một '
            "ngày có thật."
        )


def test_every_problem_is_reported_not_only_the_first(tree):
    rows = roster_rows()
    rows.append(
        (6, "CB001", "Trùng Mã", "01/01/1980", "Nam", "A", "Công chức", "")
    )  # duplicate code
    rows.append(
        (7, "CB007", "Không Đơn Vị", "01/01/1980", "Nam", "XYZ", "Công chức", "")
    )  # unknown unit
    rows.append((8, "CB008", "", "01/13/1980", "Khác", "A", "Thợ", ""))  # four bad cells
    rows.append(
        (9, "CB 009", "Sai Mã", "01/01/2999", "Nam", "A", "cadre", "")
    )  # bad code, future birth
    report = import_file(xlsx(rows, titles=TITLES))
    _refused(
        report,
        (9, "Mã cán bộ"),
        (10, "Đơn vị"),
        (11, "Họ và tên"),
        (11, "Ngày sinh"),
        (11, "Giới tính"),
        (11, "Loại"),
        (12, "Mã cán bộ"),
        (12, "Ngày sinh"),
    )
    with translation.override("en"):
        messages = [str(e) for e in report.errors]
    assert any("CB001 already appears on row 4" in m for m in messages)
    assert any('No unit has the code or name "XYZ"' in m for m in messages)


def test_duplicate_unit_names_are_ambiguous(tree):
    UnitFactory(code="B2", name="Xã Hà Lâm", parent=tree["D"])
    report = import_file(xlsx([HEADER_EN, ("CB1", "A B", "Xã Hà Lâm", "cadre", "", "", "")]))
    _refused(report, (2, "unit"))
    with translation.override("en"):
        assert "B, B2" in str(report.errors[0])


def test_missing_required_column_and_missing_header(tree):
    report = import_file(xlsx([("Mã cán bộ", "Họ và tên", "Đơn vị"), ("CB1", "A", "A")]))
    assert not report.ok and report.errors[0].row is None
    with translation.override("en"):
        assert "Category" in str(report.errors[0])
    report = import_file(xlsx([("a", "b"), ("1", "2")]))
    assert not report.ok
    report = import_file(csv_utf8([]), "empty.csv")
    assert not report.ok


def test_not_a_spreadsheet_is_refused_cleanly(tree):
    import io

    report = import_file(io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\0" * 100), "old.xls")
    assert not report.ok
    report = import_file(io.BytesIO(b"PK\x03\x04garbage"), "broken.xlsx")
    assert not report.ok


def test_dry_run_reports_the_same_and_writes_nothing(tree):
    report = import_file(xlsx(roster_rows(), titles=TITLES), dry_run=True)
    assert report.ok and report.dry_run and not report.committed
    assert (report.created, report.rows) == (5, 5)
    assert not Staff.objects.exists()
    assert not SecurityEvent.objects.exists()


def test_real_imports_are_logged(tree, users):
    import_file(xlsx(roster_rows()), user=users["hr"])
    event = SecurityEvent.objects.get(kind=SecurityEventKind.IMPORT)
    assert event.username == "hr"
    assert event.detail["created"] == 5 and event.detail["committed"] is True


def test_scoped_importer_cannot_name_or_take_over_units_outside_its_scope(tree):
    StaffFactory(code="CB002", unit=tree["B"])
    importer = StaffImporter(units=tree["A"].subtree(), restrict_to_units=True)
    report = run_import(
        importer, xlsx([HEADER_EN, ("CB001", "A", "B", "cadre", "", "", "")]), filename="x.xlsx"
    )
    assert not report.ok and report.errors[0].column == "unit"
    report = run_import(
        StaffImporter(units=tree["A"].subtree(), restrict_to_units=True),
        xlsx([HEADER_EN, ("CB002", "A", "A", "cadre", "", "", "")]),
        filename="x.xlsx",
    )
    assert not report.ok and report.errors[0].row == 2
    assert Staff.objects.get(code="CB002").unit == tree["B"]


def _roster(count: int, start: int = 0):
    return [HEADER_EN] + [
        (
            f"Q{n:06d}",
            f"Nguyễn Văn {n}",
            "A" if n % 2 else "Xã Hà Lâm",
            "civil_servant",
            "Chuyên viên",
            f"{1 + n % 28:02d}/{1 + n % 12:02d}/19{60 + n % 40}",
            "male",
        )
        for n in range(start, start + count)
    ]


@pytest.mark.parametrize("updating", [False, True])
def test_query_count_does_not_grow_with_rows(tree, updating):
    """Reads are the same for 10 and 900 rows; writes are one bulk statement per batch.

    SQLite caps a statement at 999 parameters, so Django itself splits one
    bulk call into statements of about 50 rows there; on PostgreSQL a batch
    is exactly one INSERT or UPDATE.
    """

    def queries(count):
        if updating:
            import_file(xlsx(_roster(count, start=count * 10)))
            Staff.objects.update(position="Khác")
        with CaptureQueriesContext(connection) as captured:
            report = import_file(xlsx(_roster(count, start=count * 10)))
        assert report.ok and (report.updated if updating else report.created) == count
        sql = [query["sql"] for query in captured.captured_queries]
        writes = [
            q for q in sql if q.startswith(('INSERT INTO "staff_staff"', 'UPDATE "staff_staff"'))
        ]
        # Each created or changed row's history record (core.history), in bulk too.
        history = [q for q in sql if q.startswith('INSERT INTO "staff_historicalstaff"')]
        return len(sql) - len(writes) - len(history), len(writes), len(history)

    small_reads, small_writes, small_history = queries(10)
    big_reads, big_writes, big_history = queries(900)
    assert small_reads == big_reads
    assert small_writes == small_history == 1
    if connection.features.max_query_params is None:
        assert big_writes == big_history == 1
    else:
        assert big_writes <= 900 // 40
        assert big_history <= 900 // 30
    assert Staff.history.filter(history_type="~" if updating else "+").count() >= 900


def test_two_columns_meaning_the_same_field_are_refused(tree):
    report = import_file(
        xlsx(
            [
                ("Mã cán bộ", "code", "Họ và tên", "Đơn vị", "Loại"),
                ("CB1", "CB1", "A", "A", "cadre"),
            ]
        )
    )
    assert not report.ok
    with translation.override("en"):
        assert (
            str(report.errors[0])
            == 'Row 1: the columns "Mã cán bộ" and "code" both mean Staff code.'
        )


def test_a_conflicting_concurrent_write_refuses_the_import_cleanly(tree):
    class RacingImporter(StaffImporter):
        """Another writer creates CB001 between our read of existing codes and our insert."""

        def resolve(self, items, report):
            pending = super().resolve(items, report)
            StaffFactory(code="CB001", unit=tree["B"])
            return pending

    report = run_import(RacingImporter(), xlsx(roster_rows()), filename="r.xlsx")
    assert not report.ok and not report.committed
    assert not Staff.objects.exclude(code="CB001").exists()
