"""``import_staff FILE [--dry-run]``: import a roster (.xlsx or .csv), all-or-nothing.

The report is the same with and without ``--dry-run``; the exit status is
non-zero when the file has any error (then nothing was written). Progress
goes to standard error: a bar on a terminal, plain lines otherwise.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.imports import run_import_command
from staff.importers import StaffImporter


class Command(BaseCommand):
    help = "Import a staff roster from an .xlsx or .csv file; one bad row and nothing is written."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .xlsx or .csv roster")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--language",
            choices=["vi", "en"],
            default=None,
            help="language of the report (default: the site language, Vietnamese)",
        )

    def handle(self, *args, file: str, dry_run: bool, language: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        run_import_command(self, StaffImporter(), path, dry_run=dry_run, language=language)
