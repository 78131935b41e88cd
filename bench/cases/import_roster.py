"""Roster import: a 50,000-row .xlsx through ``manage.py import_staff``.

Floor: the least a program can do with the same file: openpyxl in read-only
mode, one unit lookup dictionary, ``Staff`` objects with their search key,
``bulk_create``. The roster is new staff (codes ``BENCH-...``) spread over the
province's units, with two title rows above the Vietnamese header as offices
make them. Every run is rolled back, so the data set stays as seeded.

Memory is judged by running the import twice, at 10,000 and at 50,000 rows
(phase ``small``): an import that kept per-row state would need about five
times more at 50,000.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import tempfile
from pathlib import Path

from bench.cases import Case
from bench.cases.common import first_reason, timed

ROWS = 50_000
SMALL_ROWS = 10_000
HEADERS = ["STT", "Mã cán bộ", "Họ và tên", "Đơn vị", "Loại", "Chức vụ", "Ngày sinh", "Giới tính"]
CATEGORIES = ["Cán bộ", "Công chức", "Viên chức", "Hợp đồng lao động"]
CATEGORY_CODES = {
    "Cán bộ": "cadre",
    "Công chức": "civil_servant",
    "Viên chức": "public_employee",
    "Hợp đồng lao động": "contract",
}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ"]
GIVEN = [
    "Văn An",
    "Thị Bình",
    "Hữu Cường",
    "Thị Dung",
    "Minh Đức",
    "Thu Hà",
    "Quốc Hùng",
    "Ngọc Lan",
]


class _Rollback(Exception):
    pass


def write_roster(path: Path, rows: int, unit_codes: list[str], seed: int = 9) -> None:
    """A roster as a district office sends it; deterministic for ``seed``."""
    import xlsxwriter

    rng = random.Random(seed)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Danh sách")
    date_fmt = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "ỦY BAN NHÂN DÂN TỈNH MẪU")
    sheet.write_string(1, 0, "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC")
    for col, header in enumerate(HEADERS):
        sheet.write_string(3, col, header)
    for i in range(rows):
        r = i + 4
        sheet.write_number(r, 0, i + 1)
        sheet.write_string(r, 1, f"BENCH-{i + 1:06d}")
        sheet.write_string(r, 2, f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}")
        sheet.write_string(r, 3, unit_codes[i % len(unit_codes)])
        sheet.write_string(r, 4, rng.choice(CATEGORIES))
        sheet.write_string(r, 5, "Chuyên viên")
        sheet.write_datetime(
            r, 6, dt.date(rng.randint(1965, 1999), rng.randint(1, 12), rng.randint(1, 28)), date_fmt
        )
        sheet.write_string(r, 7, rng.choice(["Nam", "Nữ"]))
    workbook.close()


def _leaf_unit_codes() -> list[str]:
    from staff.models import Unit

    return list(
        Unit.objects.filter(level__in=["department", "commune"])
        .order_by("code")
        .values_list("code", flat=True)
    )


def _rolled_back(func):
    """Run ``func`` in a transaction and undo it, so the next run imports the same new rows."""
    from django.db import transaction

    def run():
        result = None
        try:
            with transaction.atomic():
                result = func()
                raise _Rollback
        except _Rollback:
            pass
        return result

    return run


def _command(path: Path):
    from django.core.management import call_command

    from staff.models import Staff

    def run():
        out, err = io.StringIO(), io.StringIO()
        call_command("import_staff", str(path), stdout=out, stderr=err)
        created = Staff.objects.filter(code__startswith="BENCH-").count()
        return created

    return run


def _floor(path: Path):
    import openpyxl

    from core.text import nfc, search_key
    from staff.models import Staff, Unit

    def run():
        units = dict(Unit.objects.values_list("code", "pk"))
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        batch: list[Staff] = []
        created = 0
        for values in sheet.iter_rows(min_row=5, values_only=True):
            _n, code, name, unit, category, position, born, gender = values[:8]
            name = nfc(name)
            batch.append(
                Staff(
                    code=code,
                    full_name=name,
                    name_key=search_key(name),
                    unit_id=units[unit],
                    category=CATEGORY_CODES[category],
                    position=position,
                    date_of_birth=born.date() if isinstance(born, dt.datetime) else born,
                    gender="male" if gender == "Nam" else "female",
                )
            )
            if len(batch) == 1000:
                Staff.objects.bulk_create(batch)
                created += len(batch)
                batch = []
        Staff.objects.bulk_create(batch)
        created += len(batch)
        workbook.close()
        return created

    return run


def _phase(rows: int, make, runs: int):
    def phase(ctx):
        with tempfile.TemporaryDirectory(prefix="congvu-bench-") as tmp:
            path = Path(tmp) / "roster.xlsx"
            write_roster(path, rows, _leaf_unit_codes())
            ctx.mark_baseline()
            measured = timed(ctx.runs(runs), _rolled_back(make(path)))
        if measured["result"] != rows:
            raise RuntimeError(f"imported {measured['result']} rows of {rows}")
        measured["extra"] = {"rows": rows}
        return measured

    return phase


def unavailable() -> str | None:
    from django.core.management import get_commands

    def command():
        return None if "import_staff" in get_commands() else "manage.py import_staff does not exist"

    def units():
        from staff.models import Unit

        return (
            None
            if Unit.objects.filter(code="P").exists()
            else "the province data set has no unit P"
        )

    return first_reason(command, units)


CASES = [
    Case(
        name="import_roster",
        phases={
            "subject": _phase(ROWS, _command, 2),
            "small": _phase(SMALL_ROWS, _command, 1),
            "floor": _phase(ROWS, _floor, 2),
        },
        unavailable=unavailable,
        timeout=900,
    ),
]
