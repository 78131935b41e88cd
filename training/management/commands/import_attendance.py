"""``import_attendance FILE [--course CODE] [--dry-run]``: a course's attendance sheet,
all-or-nothing.

The same engine and report as ``import_staff``: non-zero exit when the sheet
has any error (then nothing was written); progress on standard error.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.imports import run_import_command
from training.importers import AttendanceImporter
from training.models import Course


class Command(BaseCommand):
    help = "Import a course attendance sheet (.xlsx or .csv); one bad row and nothing is written."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .xlsx or .csv sheet")
        parser.add_argument("--course", help="course code, for a sheet without a course column")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--language",
            choices=["vi", "en"],
            default=None,
            help="language of the report (default: the site language, Vietnamese)",
        )

    def handle(
        self, *args, file: str, course: str | None, dry_run: bool, language: str | None, **options
    ):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        course_obj = None
        if course:
            course_obj = Course.objects.filter(code=course).first()
            if course_obj is None:
                raise CommandError(f"{course}: no such course")
        run_import_command(
            self, AttendanceImporter(course=course_obj), path, dry_run=dry_run, language=language
        )
