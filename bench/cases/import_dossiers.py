"""Dossier import: a 500,000-row export of the electronic one-stop system through ``manage.py
import_dossiers``.

The file is CSV (UTF-8), as one-stop systems export it; an .xlsx of the same
rows costs about a minute more in openpyxl alone on this machine, the same
for subject and floor. Floor: the least a program can do with the file:
``csv.reader``, dictionaries for units and procedures, the memoised due date
on the holiday calendar, and the same bulk insert (``COPY`` on PostgreSQL,
the same SQLite page cache).
Every run is rolled back. Memory is judged by importing 100,000 rows too
(phase ``small``): per-row state would need five times more at 500,000.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import tempfile
from pathlib import Path

from bench.cases import Case
from bench.cases.common import first_reason, missing_rows, timed

ROWS = 500_000
SMALL_ROWS = 100_000
HEADERS = [
    "STT",
    "Mã hồ sơ",
    "Mã thủ tục",
    "Đơn vị",
    "Kênh tiếp nhận",
    "Ngày tiếp nhận",
    "Ngày giải quyết",
]
CHANNELS = ["Trực tiếp"] * 8 + ["Trực tuyến", "Liên thông"]


class _Rollback(Exception):
    pass


def write_export(path: Path, rows: int, seed: int = 17) -> None:
    """Dossiers of 2025 for the province's district and commune counters; deterministic for
    ``seed``."""
    from reform.models import Procedure
    from staff.models import Unit

    rng = random.Random(seed)
    procedures = {
        level: list(
            Procedure.objects.filter(code__startswith="P-TTHC-", level=level).values_list(
                "code", flat=True
            )
        )
        for level in ("district", "commune")
    }
    counters = list(
        Unit.objects.filter(
            path__startswith=Unit.objects.get(code="P").path, level__in=["district", "commune"]
        ).values_list("code", "level")
    )
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for i in range(rows):
            unit, level = counters[i % len(counters)]
            received = dt.date(2025, 1, 2) + dt.timedelta(days=rng.randint(0, 150))
            resolved = (
                received + dt.timedelta(days=rng.randint(0, 20)) if rng.random() < 0.95 else None
            )
            writer.writerow(
                [
                    i + 1,
                    f"BENCH-HS-{i + 1:07d}",
                    rng.choice(procedures[level]),
                    unit,
                    rng.choice(CHANNELS),
                    received.strftime("%d/%m/%Y") + " 08:30",
                    resolved.strftime("%d/%m/%Y") if resolved else "",
                ]
            )


def _rolled_back(func):
    from django.db import transaction

    def run():
        result = None
        try:
            with transaction.atomic():
                result = func()
                raise _Rollback
        except _Rollback:
            pass
        return result

    return run


def _command(path: Path):
    from django.core.management import call_command

    from reform.models import Dossier

    def run():
        call_command("import_dossiers", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        return Dossier.objects.filter(code__startswith="BENCH-HS-").count()

    return run


def _floor(path: Path):
    from django.db import connection

    from core.workdays import load_calendar
    from reform import rules
    from reform.demo import insert_dossier_rows
    from reform.importers import _DOSSIER_INSERT, IMPORT_SQLITE_CACHE_MB
    from reform.models import Procedure
    from staff.models import Unit

    channels = {"Trực tiếp": "counter", "Trực tuyến": "online", "Liên thông": "inter_level"}

    def day(text: str) -> dt.date | None:
        if not text:
            return None
        d, m, y = text.split(" ")[0].split("/")
        return dt.date(int(y), int(m), int(d))

    def run():
        units = {
            code: (pk, rules.counter_level(level))
            for pk, code, level in Unit.objects.values_list("pk", "code", "level")
        }
        procedures = dict(
            (code, (pk, days))
            for code, pk, days in Procedure.objects.values_list("code", "pk", "resolution_days")
        )
        due = rules.DueDates(load_calendar())
        adapt = connection.ops.adapt_datefield_value
        written, batch = 0, []
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            for _n, code, procedure, unit, channel, received, resolved in reader:
                unit_id, level = units[unit]
                procedure_id, days = procedures[procedure]
                received_on, resolved_on = day(received), day(resolved)
                due_on = due(received_on, days)
                batch.append(
                    (
                        code,
                        procedure_id,
                        unit_id,
                        level,
                        channels[channel],
                        True,
                        adapt(received_on),
                        adapt(due_on),
                        adapt(resolved_on),
                        rules.outcome(due_on, resolved_on),
                        "",
                        None,
                        False,
                        "",
                        None,
                        None,
                    )
                )
                if len(batch) == 5000:
                    written += insert_dossier_rows(
                        batch, _DOSSIER_INSERT, sqlite_cache_mb=IMPORT_SQLITE_CACHE_MB
                    )
                    batch = []
        written += insert_dossier_rows(
            batch, _DOSSIER_INSERT, sqlite_cache_mb=IMPORT_SQLITE_CACHE_MB
        )
        return written

    return run


def _phase(rows: int, make, runs: int):
    def phase(ctx):
        with tempfile.TemporaryDirectory(prefix="congvu-bench-") as tmp:
            path = Path(tmp) / "dossiers.csv"
            write_export(path, rows)
            ctx.mark_baseline()
            measured = timed(ctx.runs(runs), _rolled_back(make(path)))
        if measured["result"] != rows:
            raise RuntimeError(f"imported {measured['result']} rows of {rows}")
        measured["extra"] = {"rows": rows}
        return measured

    return phase


def unavailable() -> str | None:
    def procedures():
        from reform.models import Procedure

        return (
            None
            if Procedure.objects.filter(code__startswith="P-TTHC-").exists()
            else "no province procedures"
        )

    return first_reason(procedures, lambda: missing_rows("staff.Unit", 100))


CASES = [
    Case(
        name="import_dossiers",
        phases={
            "subject": _phase(ROWS, _command, 1),
            "small": _phase(SMALL_ROWS, _command, 1),
            "floor": _phase(ROWS, _floor, 1),
        },
        unavailable=unavailable,
        timeout=1800,
    ),
]
