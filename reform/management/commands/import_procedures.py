"""``import_procedures FILE [--dry-run]``: the administrative procedure list, all-or-nothing.

The same engine and report as ``import_staff``: non-zero exit when the sheet
has any error (then nothing was written); progress on standard error.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.imports import run_import_command
from reform.importers import ProcedureImporter


class Command(BaseCommand):
    help = (
        "Import the administrative procedure list from .xlsx or .csv; one bad row and nothing "
        "is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .xlsx or .csv sheet")
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
        run_import_command(self, ProcedureImporter(), path, dry_run=dry_run, language=language)
