"""``manage.py accountability_report --year YYYY [--unit CODE] --output FILE.xlsx``.

Writes the same workbook as ``/api/v1/reports/accountability/?format=xlsx``.
On a terminal a progress bar is redrawn in place; otherwise (cron, pipes,
CI logs) each step is one plain line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.dates import MAX_YEAR, MIN_YEAR
from reports import queries
from reports.excel import WORKBOOK_STEPS, write_workbook
from reports.frames import Period
from reports.report import build_report, top_unit
from staff.models import Unit

BAR_WIDTH = 30


class Progress:
    """Counts named steps; a bar on a terminal, one line per step elsewhere."""

    def __init__(self, stream, total: int) -> None:
        self.stream = stream
        self.total = total
        self.done = 0
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, name: str) -> None:
        self.done += 1
        if self.tty:
            filled = BAR_WIDTH * min(self.done, self.total) // self.total
            self.stream.write(
                f"\r[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {self.done}/{self.total} "
                f"{name:<24}",
                ending="",
            )
            if self.done >= self.total:
                self.stream.write("")
            self.stream.flush()
        else:
            self.stream.write(f"{self.done}/{self.total} {name}")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Write the accountability report of a unit's subtree as an Excel workbook."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="calendar year of the report")
        parser.add_argument("--start", help="first day (YYYY-MM-DD), with --end, instead of --year")
        parser.add_argument("--end", help="last day (YYYY-MM-DD)")
        parser.add_argument("--unit", help="code of the root unit (default: the top of the tree)")
        parser.add_argument("--output", required=True, help="path of the .xlsx file to write")
        parser.add_argument(
            "--lang", choices=["vi", "en"], default="vi", help="language of the headers"
        )
        parser.add_argument("--issuing-body", help="issuing body in the document header")
        parser.add_argument("--place", help="place name of the date line")

    def handle(self, *args, **options):
        period = self._period(options)
        root = self._root(options["unit"])
        output = Path(options["output"])
        if output.suffix.lower() != ".xlsx":
            raise CommandError("--output must name a .xlsx file")
        if not output.parent.exists():
            raise CommandError(f"folder does not exist: {output.parent}")
        progress = Progress(self.stderr, len(queries.SECTION_NAMES) + 1 + WORKBOOK_STEPS)
        with translation.override(options["lang"]):
            report = build_report(
                root,
                period,
                issuing_body=options["issuing_body"],
                place=options["place"],
                on_step=progress,
            )
            write_workbook(output, report, lang=options["lang"], on_step=progress)
        self.stdout.write(
            f"{output}: {len(report.units)} units, {period.start:%d/%m/%Y} - "
            f"{period.end:%d/%m/%Y}, root {root.code}"
        )

    def _period(self, options) -> Period:
        year, start, end = options["year"], options["start"], options["end"]
        if year is not None and (start or end):
            raise CommandError("give --year or --start/--end, not both")
        if year is not None:
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise CommandError(f"--year must be between {MIN_YEAR} and {MAX_YEAR}")
            return Period.year(year)
        if not (start and end):
            raise CommandError("give --year, or both --start and --end")
        try:
            return Period(_date(start), _date(end))
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def _root(self, code: str | None) -> Unit:
        if code:
            unit = Unit.objects.filter(code=code.strip()).first()
            if unit is None:
                raise CommandError(f"no unit with code {code!r}")
            return unit
        unit = top_unit()
        if unit is None:
            raise CommandError("there are no units yet")
        return unit
