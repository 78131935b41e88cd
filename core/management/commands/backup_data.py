"""``manage.py backup_data``: dump every record to one compressed JSON file.

A thin, fixed recipe around ``dumpdata`` so a backup always has the same
shape: natural keys for users, groups and content types (so it loads into a
freshly migrated database whatever its ids), gzip-compressed, and without
what ``migrate`` rebuilds (content types, permissions) or what is
transient (sessions, django-axes lockout counters). Restore with
``manage.py restore_data FILE``.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

# Rebuilt by migrate, or short-lived state that must not come back.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
]


class Command(BaseCommand):
    help = "Write all data to a gzip-compressed JSON file (restore with restore_data)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="File to write (.json.gz; default backups/congvu-<date-time>.json.gz).",
        )

    def handle(self, *args, output=None, **options):
        if output is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = str(Path("backups") / f"congvu-{stamp}.json.gz")
        if not output.endswith(".json.gz"):
            raise CommandError("The backup file name must end with .json.gz")
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The file holds password hashes, tokens and personal data: owner-only
        # from the first byte, not after the fact.
        path.touch(mode=0o600, exist_ok=True)
        os.chmod(path, 0o600)
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            output=str(path),
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path} ({path.stat().st_size} bytes)"))
