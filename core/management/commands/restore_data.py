"""``manage.py restore_data FILE``: load a ``backup_data`` file into a migrated, empty database.

``loaddata`` does the work in one transaction (all or nothing) and resets
PostgreSQL sequences. Loading into a database that already has users would
mix two histories, so that is refused unless ``--force`` is given.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load a backup written by backup_data (run migrate first; the database must be empty)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .json.gz file written by backup_data.")
        parser.add_argument(
            "--force", action="store_true", help="Load even though the database already has users."
        )

    def handle(self, *args, file, force=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if not force and get_user_model().objects.exists():
            raise CommandError(
                "The database already has users. Restore into a freshly migrated database, "
                "or pass --force to load on top of the existing data."
            )
        call_command("loaddata", str(path), verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
