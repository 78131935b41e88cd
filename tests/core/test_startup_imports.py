"""What a web process loads before its first request: no heavy library it may never use."""

import os
import subprocess
import sys

# Loaded by the first report, workbook, PDF, QR code or spreadsheet import (or never).
HEAVY = ("pandas", "numpy", "xlsxwriter", "openpyxl", "weasyprint", "qrcode", "PIL")

PROBE = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(" ".join(name for name in sys.argv[1:] if name in sys.modules))
"""


def _loaded(database_url: str, names: tuple[str, ...]) -> list[str]:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_HTTPS="0",
        DATABASE_URL=database_url,
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and probe)
        [sys.executable, "-c", PROBE, *names],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_url_map_loads_no_heavy_library(tmp_path):
    assert _loaded(f"sqlite:///{tmp_path / 'db.sqlite3'}", HEAVY) == []


def test_sqlite_process_does_not_import_psycopg(tmp_path):
    """DRF's compat imports ``django.contrib.postgres.fields``, and psycopg with it, unless told it
    is absent."""
    assert _loaded(f"sqlite:///{tmp_path / 'db.sqlite3'}", ("psycopg",)) == []


def test_postgresql_process_still_imports_psycopg():
    # Nothing connects: the settings are only read.
    assert _loaded("postgres://postgres@127.0.0.1:5432/unused", ("psycopg",)) == ["psycopg"]
