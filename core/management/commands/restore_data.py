"""``manage.py restore_data FILE``: load a ``backup_data`` archive into a migrated, empty database.

``loaddata`` does the work in one transaction (all or nothing) and resets
PostgreSQL sequences. The history tables are restored as they were dumped,
so change tracking (django-simple-history) is switched off while loading:
otherwise setting a record's many-to-many links (an inspection's team, a
case's findings) would add a "change by nobody" dated the restore day.
The uploaded files come back under their stored names in the media folder.
Loading into a database that already has users would mix two histories,
so that is refused unless ``--force`` is given; an existing file is never
overwritten.
"""

from __future__ import annotations

import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import IO

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from core.management.commands.backup_data import DATA_MEMBER, MEDIA_PREFIX


def _member_file(archive: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    """The contents of a plain file member (``extractfile`` gives None for other kinds)."""
    source = archive.extractfile(member)
    if source is None:
        raise CommandError(f"{member.name} is not a plain file in the archive")
    return source


def _media_name(member: tarfile.TarInfo) -> str | None:
    """The storage name of an archive member under ``media/``, or None if it is not a plain, safe
    file."""
    if not member.isfile() or not member.name.startswith(MEDIA_PREFIX):
        return None
    name = PurePosixPath(member.name[len(MEDIA_PREFIX) :])
    if name.is_absolute() or ".." in name.parts or not name.parts:
        return None
    return str(name)


class Command(BaseCommand):
    help = "Load a backup written by backup_data (run migrate first; the database must be empty)."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="A .tar.gz (or records-only .json.gz) file written by backup_data."
        )
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
        if path.name.endswith(".json.gz") or path.suffix == ".json":
            self._load(path)
            self.stdout.write(self.style.SUCCESS(f"Restored {path} (records only)"))
            return
        try:
            archive = tarfile.open(path, "r:gz")
        except (tarfile.TarError, OSError) as exc:
            raise CommandError(f"{path} is not a backup archive: {exc}") from exc
        with archive, tempfile.TemporaryDirectory(prefix="congvu-restore-") as folder:
            members = archive.getmembers()
            data = next((m for m in members if m.name == DATA_MEMBER and m.isfile()), None)
            if data is None:
                raise CommandError(f"{path} has no {DATA_MEMBER}")
            files = [(m, name) for m in members if (name := _media_name(m))]
            clashes = [name for _member, name in files if default_storage.exists(name)]
            if clashes:
                raise CommandError(
                    f"The media folder already has {len(clashes)} of the files, e.g. {clashes[0]}"
                )
            target = Path(folder) / DATA_MEMBER
            with _member_file(archive, data) as source, target.open("wb") as out:
                while chunk := source.read(1024 * 1024):
                    out.write(chunk)
            written: list[str] = []
            try:
                with transaction.atomic():
                    self._load(target)
                    for member, name in files:
                        with _member_file(archive, member) as source:
                            saved = default_storage.save(name, source)
                        written.append(saved)
                        if saved != name:
                            raise CommandError(f"Could not restore {name} under its own name")
            except BaseException:
                for name in written:
                    default_storage.delete(name)
                raise
        self.stdout.write(self.style.SUCCESS(f"Restored {path} ({len(files)} files)"))

    @staticmethod
    def _load(path: Path) -> None:
        # The dumped history rows are the history; loading must not add to it.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(path), verbosity=0)
