"""Service delivery of the accountability report for a province-year, against a hand-written SQL
floor.

Subject: what the report runs for its service-delivery section
(``reports.queries.service_rows``, ``procedures_published_rows``,
``par_rows``) for the whole province, a year and the year before, rolled up
the tree by ``reports.frames``.

Floor: the same figures with one hand-written statement over the dossiers
(``SUM(CASE WHEN ... THEN 1 ELSE 0 END)`` per scope, figure and period,
grouped by unit) and one over the filed reports, merged by the same Python
rule (a unit's filed reports of a scope replace its dossiers of that scope)
and rolled up in plain Python; procedures posted and PAR results are read as
the report reads them (a few hundred rows). The subject's and the floor's
province totals are compared.
"""

from __future__ import annotations

import datetime as dt

from bench.cases import Case
from bench.cases.common import first_reason, missing_rows, timed

YEAR = 2024


def _periods():
    from reports.frames import Period

    period = Period.year(YEAR)
    return [period, period.previous()]


def _today() -> dt.date:
    return dt.date(YEAR + 1, 6, 30)


def _root():
    from staff.models import Unit

    return Unit.objects.get(code="P")


def subject_run():
    from reports import frames, queries

    root = _root()
    periods = _periods()
    counts = queries.service_rows(root, periods, _today())
    values = queries.procedures_published_rows(root, periods[0]) + queries.par_rows(
        root, periods[0]
    )
    units = frames.units_frame(queries.units_rows(root))
    rolled = frames.rollup(units, frames.counts_frame(counts[0]))
    frames.rollup(units, frames.counts_frame(counts[1]))
    frames.values_frame(values)
    return {c: float(rolled.loc[root.pk, c]) for c in frames.SERVICE_COUNT_COLUMNS}


def _case(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def floor_own_counts(root_path: str, periods, today: dt.date) -> list[list[dict]]:
    """Own service-delivery counts per unit for each period, by hand-written SQL (also used by the
    report's floor)."""
    from django.db import connection

    from reports import queries

    # Group on the columns the scopes are made of (counter level, channel,
    # electronic): a few hundred groups per unit at most, seven plain counts
    # per period, and each scope then adds up its groups. Counting 48
    # filtered sums per row instead costs more than the scan itself.
    sqlite = connection.vendor == "sqlite"
    select, names, params = [], [], []
    for i, p in enumerate(periods):
        as_of = min(p.end, today)
        received = "received_on BETWEEN %s AND %s"
        resolved = "resolved_on BETWEEN %s AND %s"
        pending = "received_on <= %s AND (resolved_on IS NULL OR resolved_on > %s)"
        flag = "late_in_system_only = 1" if sqlite else "late_in_system_only"
        for figure, condition, values in (
            ("received", received, [p.start, p.end]),
            ("resolved", resolved, [p.start, p.end]),
            ("resolved_late", f"{resolved} AND outcome = 'late'", [p.start, p.end]),
            ("pending_in_time", f"{pending} AND due_on >= %s", [as_of, as_of, as_of]),
            ("pending_overdue", f"{pending} AND due_on < %s", [as_of, as_of, as_of]),
            ("late_in_system_only", f"{resolved} AND {flag}", [p.start, p.end]),
            ("apologies", "apology_issued_on BETWEEN %s AND %s", [p.start, p.end]),
        ):
            select.append(_case(condition))
            names.append((figure, i))
            params += values
    first, last = periods[-1].start, periods[0].end
    # SQLite without statistics takes the received_on index for any range, and
    # reads most of the table through it, a lookup per row; a unary + on the
    # column leaves it the plain scan, which is faster for a bound that keeps
    # most rows. PostgreSQL chooses by its statistics.
    received_by = "+received_on" if sqlite else "received_on"
    key = "unit_id + 0" if sqlite else "unit_id"
    sql = (
        f"SELECT {key}, level, channel, electronic, {', '.join(select)} FROM reform_dossier "
        f"WHERE {received_by} <= %s AND (resolved_on IS NULL OR resolved_on >= %s) "
        "GROUP BY 1, 2, 3, 4"
    )
    scopes = {
        "district": lambda level, channel, electronic: level == "district",
        "commune": lambda level, channel, electronic: level == "commune",
        "inter_level": lambda level, channel, electronic: channel == "inter_level",
        "electronic": lambda level, channel, electronic: bool(electronic),
        "online": lambda level, channel, electronic: channel == "online",
        "postal": lambda level, channel, electronic: channel == "postal",
    }
    received_only = ("online", "postal")
    per_unit: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, last, first])
        for unit_id, level, channel, electronic, *counts in cursor.fetchall():
            row = per_unit.setdefault(unit_id, {})
            local = level in ("district", "commune")
            for (figure, i), value in zip(names, counts, strict=True):
                if figure in ("late_in_system_only", "apologies"):
                    if local:
                        name = f"{figure}__p{i}"
                        row[name] = row.get(name, 0) + value
                    continue
                for scope, belongs in scopes.items():
                    if scope in received_only and figure != "received":
                        continue
                    if belongs(level, channel, electronic):
                        name = f"{scope}.{figure}__p{i}"
                        row[name] = row.get(name, 0) + value
    every = [
        f"{scope}.{figure}__p{i}"
        for i in range(len(periods))
        for scope in scopes
        for figure in (
            ("received",)
            if scope in received_only
            else ("received", "resolved", "resolved_late", "pending_in_time", "pending_overdue")
        )
    ] + [
        f"{figure}__p{i}"
        for i in range(len(periods))
        for figure in ("late_in_system_only", "apologies")
    ]
    dossiers = [
        {queries.UNIT_KEY: unit_id, **{name: row.get(name, 0) for name in every}}
        for unit_id, row in per_unit.items()
    ]
    report_select, report_names = [], []
    for i, p in enumerate(periods):
        inside = f"period_start >= '{p.start}' AND period_end <= '{p.end}'"
        at_end = f"{inside} AND period_end = '{p.end}'"
        for name, expression in (
            ("reports", f"SUM(CASE WHEN {inside} THEN 1 ELSE 0 END)"),
            ("unreconciled", f"SUM(CASE WHEN {inside} AND NOT reconciles THEN 1 ELSE 0 END)"),
            ("received", f"SUM(CASE WHEN {inside} THEN received END)"),
            ("resolved", f"SUM(CASE WHEN {inside} THEN resolved END)"),
            (
                "resolved_judged",
                f"SUM(CASE WHEN {inside} AND resolved_late IS NOT NULL THEN resolved END)",
            ),
            ("resolved_late", f"SUM(CASE WHEN {inside} THEN resolved_late END)"),
            ("pending_in_time", f"SUM(CASE WHEN {at_end} THEN pending_in_time END)"),
            ("pending_overdue", f"SUM(CASE WHEN {at_end} THEN pending_overdue END)"),
            (
                "pending_unreported",
                f"SUM(CASE WHEN {at_end} AND pending_in_time IS NULL THEN 1 ELSE 0 END)",
            ),
            ("late_in_system_only", f"SUM(CASE WHEN {inside} THEN late_in_system_only END)"),
            ("apologies", f"SUM(CASE WHEN {inside} THEN apologies_issued END)"),
        ):
            report_select.append(expression)
            report_names.append(f"{name}__p{i}")
    with connection.cursor() as cursor:
        # Dates are the bench's own constants, not input.
        cursor.execute(
            f"SELECT unit_id, scope, {', '.join(report_select)} FROM reform_servicereport "
            "WHERE period_start >= %s AND period_end <= %s GROUP BY unit_id, scope",
            [first, last],
        )
        reports = [
            {
                queries.UNIT_KEY: row[0],
                "scope": row[1],
                **dict(zip(report_names, row[2:], strict=True)),
            }
            for row in cursor.fetchall()
        ]
    if root_path.count("/") > 2:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM staff_unit WHERE path LIKE %s", [f"{root_path}%"])
            inside = {row[0] for row in cursor.fetchall()}
        dossiers = [row for row in dossiers if row[queries.UNIT_KEY] in inside]
        reports = [row for row in reports if row[queries.UNIT_KEY] in inside]
    return queries._service_counts(dossiers, reports, len(periods))


def floor_run():
    from django.db import connection

    from reports import queries

    root = _root()
    periods = _periods()
    merged = floor_own_counts(root.path, periods, _today())
    queries.procedures_published_rows(root, periods[0])
    queries.par_rows(root, periods[0])
    # Roll up in plain Python: every unit's own counts added to each unit on its path.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, path FROM staff_unit WHERE path LIKE %s", [f"{root.path}%"])
        paths = dict(cursor.fetchall())
    totals: dict[str, float] = {}
    for row in merged[0]:
        if f"/{root.pk}/" not in paths.get(row["unit_id"], ""):
            continue
        for column, value in row.items():
            if column != "unit_id":
                totals[column] = totals.get(column, 0) + value
    return totals


def _phase(func, runs: int):
    def phase(ctx):
        func()  # warm
        ctx.mark_baseline()
        measured = timed(ctx.runs(runs), func)
        measured["extra"] = {"year": YEAR, "total": measured.pop("result")}
        return measured

    return phase


def unavailable() -> str | None:
    def province():
        from staff.models import Unit

        return (
            None
            if Unit.objects.filter(code="P").exists()
            else "the province data set has no unit P"
        )

    return first_reason(province, lambda: missing_rows("reform.Dossier", 100_000))


CASES = [
    Case(
        name="report_services",
        phases={"subject": _phase(subject_run, 3), "floor": _phase(floor_run, 3)},
        unavailable=unavailable,
        rounds=2,
        # 2 million dossiers on SQLite under load: a run can take minutes.
        timeout=1800,
    ),
]
