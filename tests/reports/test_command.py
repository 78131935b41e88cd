"""``manage.py accountability_report``: the workbook, progress on a terminal and in logs, errors."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from reports import queries
from reports.excel import WORKBOOK_STEPS
from tests.reports import data

pytestmark = pytest.mark.django_db
STEPS = len(queries.SECTION_NAMES) + 1 + WORKBOOK_STEPS


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_writes_the_workbook_with_plain_progress_lines(tree, tmp_path):
    data.finding(tree["A"])
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "bao-cao.xlsx"
    call_command(
        "accountability_report",
        "--year",
        "2019",
        "--unit",
        "D",
        "--output",
        str(target),
        stdout=out,
        stderr=err,
    )
    book = openpyxl.load_workbook(target)
    assert len(book.sheetnames) == 8  # summary, six sections, charts by peer group
    lines = err.getvalue().splitlines()
    assert lines[0] == f"1/{STEPS} staff"
    assert lines[-1] == f"{STEPS}/{STEPS} saved"
    assert "\r" not in err.getvalue()
    assert "4 units" in out.getvalue()


def test_progress_bar_on_a_terminal(tree, tmp_path):
    err = FakeTerminal()
    call_command(
        "accountability_report",
        "--year",
        "2019",
        "--output",
        str(tmp_path / "r.xlsx"),
        stdout=io.StringIO(),
        stderr=err,
    )
    text = err.getvalue()
    assert text.count("\r[") == STEPS
    assert f"[{'#' * 30}] {STEPS}/{STEPS}" in text


def test_english_headers(tree, tmp_path):
    target = tmp_path / "r.xlsx"
    call_command(
        "accountability_report",
        "--year",
        "2019",
        "--lang",
        "en",
        "--output",
        str(target),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert openpyxl.load_workbook(target).sheetnames[0] == "Summary"


@pytest.mark.parametrize(
    "args",
    [
        ["--year", "2019", "--unit", "NOPE", "--output", "x.xlsx"],
        ["--year", "2019", "--start", "2019-01-01", "--end", "2019-02-01", "--output", "x.xlsx"],
        ["--start", "2019-01-01", "--output", "x.xlsx"],
        ["--start", "2019-02-01", "--end", "2019-01-01", "--output", "x.xlsx"],
        ["--year", "2019", "--output", "x.csv"],
        ["--year", "3019", "--output", "x.xlsx"],
    ],
)
def test_bad_arguments_are_command_errors(tree, tmp_path, args):
    args = [a if a not in ("x.xlsx", "x.csv") else str(tmp_path / a) for a in args]
    with pytest.raises(CommandError):
        call_command("accountability_report", *args, stdout=io.StringIO(), stderr=io.StringIO())
