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

    scopes = {
        "district": "level = 'district'",
        "commune": "level = 'commune'",
        "inter_level": "channel = 'inter_level'",
        "electronic": "electronic",
        "online": "channel = 'online'",
        "postal": "channel = 'postal'",
    }
    if connection.vendor == "sqlite":
        scopes["electronic"] = "electronic = 1"
    select, names, params = [], [], []
    for i, p in enumerate(periods):
        as_of = min(p.end, today)
        received = "received_on BETWEEN %s AND %s"
        resolved = "resolved_on BETWEEN %s AND %s"
        pending = "received_on <= %s AND (resolved_on IS NULL OR resolved_on > %s)"
        for scope, where in scopes.items():
            figures = [("received", f"{where} AND {received}", [p.start, p.end])]
            if scope not in ("online", "postal"):
                figures += [
                    ("resolved", f"{where} AND {resolved}", [p.start, p.end]),
                    (
                        "resolved_late",
                        f"{where} AND {resolved} AND outcome = 'late'",
                        [p.start, p.end],
                    ),
                    (
                        "pending_in_time",
                        f"{where} AND {pending} AND due_on >= %s",
                        [as_of, as_of, as_of],
                    ),
                    (
                        "pending_overdue",
                        f"{where} AND {pending} AND due_on < %s",
                        [as_of, as_of, as_of],
                    ),
                ]
            for figure, condition, values in figures:
                select.append(_case(condition))
                names.append(f"{scope}.{figure}__p{i}")
                params += values
        local = "level IN ('district', 'commune')"
        flag = "late_in_system_only = 1" if connection.vendor == "sqlite" else "late_in_system_only"
        select.append(_case(f"{local} AND {resolved} AND {flag}"))
        names.append(f"late_in_system_only__p{i}")
        params += [p.start, p.end]
        select.append(_case(f"{local} AND apology_issued_on BETWEEN %s AND %s"))
        names.append(f"apologies__p{i}")
        params += [p.start, p.end]
    first, last = periods[-1].start, periods[0].end
    key = "unit_id + 0" if connection.vendor == "sqlite" else "unit_id"
    sql = (
        f"SELECT {key}, {', '.join(select)} FROM reform_dossier "
        "WHERE received_on <= %s AND (resolved_on IS NULL OR resolved_on >= %s) GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, last, first])
        dossiers = [
            {queries.UNIT_KEY: row[0], **dict(zip(names, row[1:], strict=True))}
            for row in cursor.fetchall()
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
