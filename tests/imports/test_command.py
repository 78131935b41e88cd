"""``import_staff FILE [--dry-run]``: same report either way, non-zero exit on errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from staff.models import Staff
from tests.imports.files import HEADER_VI, csv_utf8, xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    HEADER_VI,
    (1, "CB001", "Nguyễn Thị Ánh", "03/04/1990", "Nữ", "A", "Công chức", "Chuyên viên"),
    (2, "CB002", "Trần Văn Bình", "25/12/1985", "Nam", "B", "Cán bộ", ""),
]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_staff", *args, "--language", "en", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_the_report_and_writes_nothing(tree, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx(ROWS, titles=["DANH SÁCH"]).getvalue())
    out, err = run(str(path), "--dry-run")
    assert out.splitlines() == [
        "Dry run: 2 row(s) would be imported: 2 new, 0 changed, 0 unchanged. Nothing was written."
    ]
    assert not Staff.objects.exists()
    out, err = run(str(path))
    assert out.splitlines() == ["Imported 2 row(s): 2 new, 0 changed, 0 unchanged."]
    assert "2 rows read" in err  # not a terminal: a plain progress line
    assert Staff.objects.count() == 2
    out, _err = run(str(path))
    assert out.splitlines() == ["Imported 2 row(s): 0 new, 0 changed, 2 unchanged."]


def test_errors_exit_non_zero_with_row_and_column(tree, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(
        csv_utf8(
            [*ROWS, (3, "CB001", "Trùng", "31/02/1990", "Nam", "A", "Công chức", "")]
        ).getvalue()
    )
    for extra in ([], ["--dry-run"]):
        with pytest.raises(CommandError) as excinfo:
            run(str(path), *extra)
        assert excinfo.value.returncode == 1
    assert not Staff.objects.exists()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_staff", str(path), "--language", "en", stdout=out, stderr=io.StringIO()
        )
    assert out.getvalue().splitlines() == [
        "2 error(s) in 3 row(s): nothing was imported.",
        'Sheet "roster", row 4, column "Mã cán bộ": The code CB001 already appears on row 2.',
        'Sheet "roster", row 4, column "Ngày sinh": 31/02/1990 is not a real date.',
    ]


def test_missing_file_is_a_command_error(db):
    with pytest.raises(CommandError):
        run("/nonexistent/roster.xlsx")


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_a_bar_on_a_terminal(tree, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx(ROWS).getvalue())
    err = _Terminal()
    call_command("import_staff", str(path), "--dry-run", stdout=io.StringIO(), stderr=err)
    assert "\r[" in err.getvalue() and "] 2/2" in err.getvalue()
