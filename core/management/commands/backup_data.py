"""``manage.py backup_data``: every record and every uploaded file in one archive.

The archive (``.tar.gz``, owner-only) holds ``data.json``, a fixed recipe
around ``dumpdata`` (natural keys for users, groups and content types, so it
loads into a freshly migrated database whatever its ids; without what
``migrate`` rebuilds, content types and permissions, or what is transient,
sessions and django-axes lockout counters), and ``media/<name>`` for each
file a record points at (evidence, feedback attachments). Restore with
``manage.py restore_data FILE``. A name ending in ``.json.gz`` writes the
records alone (no files), as older versions did.
"""

from __future__ import annotations

import os
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.utils import timezone

# Rebuilt by migrate, or short-lived state that must not come back.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
]
DATA_MEMBER = "data.json"
MEDIA_PREFIX = "media/"


def stored_file_names() -> list[str]:
    """Names (relative to the storage) of every file a record's ``FileField`` points at."""
    names: set[str] = set()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(
                    name
                    for name in model._default_manager.exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                    .iterator()
                    if name
                )
    return sorted(names)


def _private_file(path: Path) -> None:
    # The file holds password hashes, tokens and personal data: owner-only
    # from the first byte, not after the fact.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    os.chmod(path, 0o600)


class Command(BaseCommand):
    help = "Write all data and uploaded files to a .tar.gz archive (restore with restore_data)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help="File to write (.tar.gz; default backups/congvu-<date-time>.tar.gz). "
            "A .json.gz name writes the records only, without the uploaded files.",
        )

    def handle(self, *args, output=None, **options):
        if output is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = str(Path("backups") / f"congvu-{stamp}.tar.gz")
        if not output.endswith((".tar.gz", ".json.gz")):
            raise CommandError(
                "The backup file name must end with .tar.gz (or .json.gz for the records only)"
            )
        path = Path(output)
        _private_file(path)
        if output.endswith(".json.gz"):
            self._dump(path)
            self.stdout.write(
                self.style.WARNING("Records only: uploaded files are not in a .json.gz backup.")
            )
            self.stdout.write(
                self.style.SUCCESS(f"Backup written to {path} ({path.stat().st_size} bytes)")
            )
            return
        with tempfile.TemporaryDirectory(prefix="congvu-backup-") as folder:
            data = Path(folder) / DATA_MEMBER
            self._dump(data)
            files, missing = 0, []
            with tarfile.open(path, "w:gz") as archive:
                archive.add(data, arcname=DATA_MEMBER, recursive=False)
                for name in stored_file_names():
                    if not default_storage.exists(name):
                        missing.append(name)
                        continue
                    info = tarfile.TarInfo(MEDIA_PREFIX + name)
                    info.size = default_storage.size(name)
                    info.mode = 0o600
                    info.mtime = int(timezone.now().timestamp())
                    with default_storage.open(name, "rb") as handle:
                        archive.addfile(info, handle)
                    files += 1
        for name in missing:
            self.stderr.write(f"Missing file, not in the backup: {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {path} ({path.stat().st_size} bytes, {files} files)"
            )
        )

    @staticmethod
    def _dump(path: Path) -> None:
        # dumpdata compresses by the name (.json.gz) and writes into the existing, private file.
        _private_file(path)
        # Unmanaged models (django-rq's dashboard) have no table of their own to dump.
        unmanaged = [model._meta.label for model in apps.get_models() if not model._meta.managed]
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=[*EXCLUDED, *unmanaged],
            output=str(path),
            verbosity=0,
        )
