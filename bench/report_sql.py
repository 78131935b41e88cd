"""The accountability report's figures as the best hand-written SQL we know: the floor of the report
cases.

Written from the schema and the metric definitions (docs/reports.md), not
from ``reports/queries.py``: the same numbers (0 mismatches per unit and
period, ``tests/bench/test_guards.py``), for the year and the year before,
then rolled up the unit tree in plain Python.

The plan, on both databases: each section reads its table once over the two
years and groups on ONE integer key per unit and period,
``unit_id * 2 + (0 for the year, 1 for the year before)``, plus the
breakdown column where there is one (severity, decision form, organiser
level), with plain ``COUNT(*)`` and ``SUM(CASE ...)``/``SUM(hours)``: no
filtered aggregate per period and breakdown. The key is an expression, so
SQLite scans the table and sorts the few thousand groups instead of walking
the foreign-key index row by row. The annual requirement first probes
whether the year has any requirement row and skips the staff scan when it
has none; otherwise hours per person are summed once and staff joined to
them and to the requirement table. Table and column names come from the
models' ``_meta`` so a renamed column breaks loudly here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

SEVERITIES = ("minor", "serious", "very_serious", "extremely_serious")
DECISION_FORMS = (
    "khien_trach",
    "canh_cao",
    "ha_bac_luong",
    "giang_chuc",
    "cach_chuc",
    "buoc_thoi_viec",
    "bai_nhiem",
)
ORGANIZER_LEVELS = ("central", "province", "district", "commune")
TURN_STATUSES = ("attended", "completed")
OPEN_CASE_STATUSES = ("opened", "self_review", "council", "postponed")


class _Sql:
    """Quoted table and column names of the models, and the vendor's grouping key."""

    def __init__(self):
        from django.apps import apps
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor
        self.quote = connection.ops.quote_name
        self.apps = apps

    def table(self, label: str) -> str:
        return self.quote(self.apps.get_model(label)._meta.db_table)

    def col(self, label: str, field: str) -> str:
        return self.quote(self.apps.get_model(label)._meta.get_field(field).column)

    def key(self, alias: str, label: str, field: str = "unit") -> str:
        column = f"{alias}.{self.col(label, field)}"
        return f"+{column}" if self.vendor == "sqlite" else column

    def date(self, value: dt.date) -> Any:
        return value.isoformat() if self.vendor == "sqlite" else value

    def rows(self, sql: str, params: list[Any]) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def _periods(year: int) -> list[tuple[dt.date, dt.date]]:
    return [
        (dt.date(year, 1, 1), dt.date(year, 12, 31)),
        (dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)),
    ]


# Seconds per section of the last own_counts() call (the side-by-side table of docs/BENCHMARKS.md).
last_timings: dict[str, float] = {}


class _Counts:
    """Own counts per unit id and period: ``[period][unit_id][metric]``."""

    def __init__(self) -> None:
        self.data: list[dict[int, dict[str, float]]] = [
            defaultdict(lambda: defaultdict(float)) for _ in range(2)
        ]

    def add(self, key: int, metric: str, value: Any) -> None:
        if value:
            self.data[key & 1][key >> 1][metric] += float(value)


def own_counts(year: int, today: dt.date) -> list[dict[int, dict[str, float]]]:
    """Own counts per unit id for [year, year - 1]: one dict of metric -> value per unit."""
    q = _Sql()
    (cur_start, cur_end), (prev_start, prev_end) = _periods(year)
    d = q.date
    as_of = [min(cur_end, today), min(prev_end, today)]
    out = _Counts()

    def key(unit_col: str, date_col: str) -> tuple[str, list[Any]]:
        return f"{unit_col} * 2 + CASE WHEN {date_col} < %s THEN 1 ELSE 0 END", [d(cur_start)]

    def as_of_for(date_col: str) -> tuple[str, list[Any]]:
        return f"CASE WHEN {date_col} < %s THEN %s ELSE %s END", [
            d(cur_start),
            d(as_of[1]),
            d(as_of[0]),
        ]

    window = [d(prev_start), d(cur_end)]
    last_timings.clear()
    clock = {"name": "", "at": time.perf_counter()}

    def mark(name: str) -> None:
        now = time.perf_counter()
        if clock["name"]:
            last_timings[clock["name"]] = now - clock["at"]
        clock.update(name=name, at=now)

    mark("staff")
    # staff employed at some point of each year, by current unit
    t, unit = q.table("staff.Staff"), q.col("staff.Staff", "unit")
    joined, left = q.col("staff.Staff", "joined_on"), q.col("staff.Staff", "left_on")
    employed = f"({joined} IS NULL OR {joined} <= %s) AND ({left} IS NULL OR {left} >= %s)"
    sql = (
        f"SELECT {unit} + 0, SUM(CASE WHEN {employed} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {employed} THEN 1 ELSE 0 END) FROM {t} "
        f"WHERE ({joined} IS NULL OR {joined} <= %s) AND ({left} IS NULL OR {left} >= %s) "
        "GROUP BY 1"
    )
    for unit_id, now, before in q.rows(
        sql, [d(cur_end), d(cur_start), d(prev_end), d(prev_start), *window[::-1]]
    ):
        out.add(unit_id * 2, "staff_count", now)
        out.add(unit_id * 2 + 1, "staff_count", before)

    mark("inspections")
    # inspections starting in each year; concluded by the as-of day
    t, label = q.table("inspections.Inspection"), "inspections.Inspection"
    start, status, concluded_on = (
        q.col(label, f) for f in ("start_date", "status", "conclusion_date")
    )
    k, kp = key(q.col(label, "unit"), start)
    a, ap = as_of_for(start)
    sql = (
        f"SELECT {k}, COUNT(*), "
        f"SUM(CASE WHEN {status} = 'concluded' AND ({concluded_on} IS NULL OR "
        f"{concluded_on} <= {a}) THEN 1 ELSE 0 END) FROM {t} WHERE {start} BETWEEN %s AND %s "
        "GROUP BY 1"
    )
    for k_value, n, concluded in q.rows(sql, [*kp, *ap, *window]):
        out.add(k_value, "inspections", n)
        out.add(k_value, "inspections_concluded", concluded)

    mark("findings")
    # substantiated findings, by severity
    label = "inspections.Finding"
    found, severity, subst = (q.col(label, f) for f in ("found_on", "severity", "substantiated"))
    k, kp = key(q.col(label, "unit"), found)
    sql = (
        f"SELECT {k}, {severity}, COUNT(*) FROM {q.table(label)} "
        f"WHERE {found} BETWEEN %s AND %s AND {subst} = %s GROUP BY 1, 2"
    )
    for k_value, sev, n in q.rows(sql, [*kp, *window, True]):
        out.add(k_value, "findings", n)
        out.add(k_value, f"findings_by_severity.{sev}", n)

    mark("corrective_actions")
    # corrective actions due in each year
    label = "inspections.CorrectiveAction"
    due, status, done = (q.col(label, f) for f in ("due_date", "status", "done_on"))
    k, kp = key(q.col(label, "unit"), due)
    a, ap = as_of_for(due)
    open_now = f"({status} = 'open' OR {done} > {a})"
    sql = (
        f"SELECT {k}, COUNT(*), "
        f"SUM(CASE WHEN {due} <= {a} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {due} <= {a} AND {status} <> 'open' AND {done} <= {due} "
        "THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {open_now} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {open_now} AND {due} < {a} THEN 1 ELSE 0 END) "
        f"FROM {q.table(label)} WHERE {due} BETWEEN %s AND %s GROUP BY 1"
    )
    params = [*kp, *ap, *ap, *ap, *ap, *ap, *window]
    for k_value, n, is_due, on_time, still_open, overdue in q.rows(sql, params):
        out.add(k_value, "corrective_actions", n)
        out.add(k_value, "corrective_actions_due", is_due)
        out.add(k_value, "corrective_actions_on_time", on_time)
        out.add(k_value, "corrective_actions_open", still_open)
        out.add(k_value, "corrective_actions_overdue", overdue)

    mark("discipline")
    # discipline cases opened in each year: late, due for a decision, handled in time
    label = "inspections.DisciplinaryCase"
    opened, decided_on, status, form, deadline = (
        q.col(label, f)
        for f in ("opened_on", "decision_date", "status", "decision_form", "handling_deadline")
    )
    open_list = ", ".join(f"'{s}'" for s in OPEN_CASE_STATUSES)
    k, kp = key(q.col(label, "unit"), opened)
    a, ap = as_of_for(opened)
    late = (
        f"(({status} = 'decided' AND {decided_on} > {deadline}) OR "
        f"({status} IN ({open_list}) AND {deadline} < {a}))"
    )
    closed = f"{status} IN ('decided', 'closed_no_action', 'exempt')"
    sql = (
        f"SELECT {k}, COUNT(*), SUM(CASE WHEN {late} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {closed} OR ({status} IN ({open_list}) AND {deadline} < {a}) "
        "THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN ({status} = 'decided' AND ({deadline} IS NULL OR {decided_on} <= "
        f"{deadline})) "
        f"OR {status} IN ('closed_no_action', 'exempt') THEN 1 ELSE 0 END) "
        f"FROM {q.table(label)} WHERE {opened} BETWEEN %s AND %s GROUP BY 1"
    )
    for k_value, n, overdue, cases_due, in_time in q.rows(sql, [*kp, *ap, *ap, *window]):
        out.add(k_value, "discipline_cases", n)
        out.add(k_value, "discipline_overdue", overdue)
        out.add(k_value, "discipline_due", cases_due)
        out.add(k_value, "discipline_handled_on_time", in_time)
    # ... and decisions dated in each year, by form
    k, kp = key(q.col(label, "unit"), decided_on)
    sql = (
        f"SELECT {k}, {form}, COUNT(*) FROM {q.table(label)} "
        f"WHERE {status} = 'decided' AND {decided_on} BETWEEN %s AND %s GROUP BY 1, 2"
    )
    for k_value, name, n in q.rows(sql, [*kp, *window]):
        out.add(k_value, f"discipline_decisions_by_form.{name}", n)

    mark("feedback")
    # citizen feedback received in each year
    label = "inspections.CitizenFeedback"
    received, resp_due, resolved, subst = (
        q.col(label, f) for f in ("received_on", "response_due", "resolved_on", "substantiated")
    )
    k, kp = key(q.col(label, "unit"), received)
    a, ap = as_of_for(received)
    sql = (
        f"SELECT {k}, COUNT(*), SUM(CASE WHEN {subst} = %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {resp_due} IS NOT NULL AND ({resolved} IS NOT NULL OR {resp_due} < {a}) "
        "THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {resolved} <= {resp_due} THEN 1 ELSE 0 END) "
        f"FROM {q.table(label)} WHERE {received} BETWEEN %s AND %s GROUP BY 1"
    )
    for k_value, n, substantiated, fb_due, on_time in q.rows(sql, [*kp, True, *ap, *window]):
        out.add(k_value, "feedback_received", n)
        out.add(k_value, "feedback_substantiated", substantiated)
        out.add(k_value, "feedback_due", fb_due)
        out.add(k_value, "feedback_resolved_on_time", on_time)

    mark("training")
    # training turns (attended or completed) in courses starting in each year, by organiser level
    e_unit, e_status, e_course = (
        q.col("training.Enrolment", f) for f in ("unit", "status", "course")
    )
    c_start, c_level, c_hours = (
        q.col("training.Course", f) for f in ("start_date", "organizer_level", "hours")
    )
    turn_list = ", ".join(f"'{s}'" for s in TURN_STATUSES)
    k, kp = key(f"e.{e_unit}", f"c.{c_start}")
    sql = (
        f"SELECT {k}, c.{c_level}, COUNT(*), SUM(c.{c_hours}) "
        f"FROM {q.table('training.Enrolment')} e "
        f"JOIN {q.table('training.Course')} c ON c.id = e.{e_course} "
        f"WHERE e.{e_status} IN ({turn_list}) AND c.{c_start} BETWEEN %s AND %s GROUP BY 1, 2"
    )
    for k_value, level, n, hours in q.rows(sql, [*kp, *window]):
        out.add(k_value, "training_turns", n)
        out.add(k_value, f"training_turns_by_organizer_level.{level}", n)
        out.add(k_value, "training_hours", hours)

    mark("training_requirement")
    # the annual requirement of each period's year
    for i, (s_, e_) in enumerate(_periods(year)):
        for unit_id, values in _requirement(q, s_, e_).items():
            for name, value in values.items():
                out.add(unit_id * 2 + i, name, value)
    mark("service_delivery")
    result = [{unit: dict(values) for unit, values in period.items()} for period in out.data]
    _add_service_delivery(year, today, *result)
    mark("")
    return result


def _requirement(q: _Sql, start: dt.date, end: dt.date) -> dict[int, dict[str, float]]:
    """Staff employed during the year under a requirement, and those whose turns' hours reach it.

    A year without any requirement row has nobody under one: probed first,
    so the staff table is not scanned for nothing.
    """
    r = q.table("training.TrainingRequirement")
    r_year, r_cat, r_pos, r_hours = (
        q.col("training.TrainingRequirement", f) for f in ("year", "category", "position", "hours")
    )
    if not q.rows(f"SELECT 1 FROM {r} WHERE {r_year} = %s LIMIT 1", [end.year]):
        return {}
    s_cat, s_pos = q.col("staff.Staff", "category"), q.col("staff.Staff", "position")
    joined, left = q.col("staff.Staff", "joined_on"), q.col("staff.Staff", "left_on")
    e_staff, e_status, e_course = (
        q.col("training.Enrolment", f) for f in ("staff", "status", "course")
    )
    c_start, c_hours = q.col("training.Course", "start_date"), q.col("training.Course", "hours")
    turn_list = ", ".join(f"'{s}'" for s in TURN_STATUSES)
    required = f"COALESCE(rs.{r_hours}, rg.{r_hours})"
    sql = f"""
        SELECT s.{q.col("staff.Staff", "unit")} + 0, COUNT(*),
               SUM(CASE WHEN COALESCE(done.hours, 0) >= {required} THEN 1 ELSE 0 END)
        FROM {q.table("staff.Staff")} s
        LEFT JOIN {r} rs ON rs.{r_year} = %s AND rs.{r_cat} = s.{s_cat}
                         AND rs.{r_pos} = s.{s_pos} AND rs.{r_pos} <> ''
        LEFT JOIN {r} rg ON rg.{r_year} = %s AND rg.{r_cat} = s.{s_cat} AND rg.{r_pos} = ''
        LEFT JOIN (
            SELECT e.{e_staff} AS staff_id, SUM(c.{c_hours}) AS hours
            FROM {q.table("training.Enrolment")} e
            JOIN {q.table("training.Course")} c ON c.id = e.{e_course}
            WHERE e.{e_status} IN ({turn_list}) AND c.{c_start} BETWEEN %s AND %s
            GROUP BY e.{e_staff}
        ) done ON done.staff_id = s.id
        WHERE (s.{joined} IS NULL OR s.{joined} <= %s) AND (s.{left} IS NULL OR s.{left} >= %s)
          AND {required} IS NOT NULL
        GROUP BY 1
    """
    params = [end.year, end.year, q.date(start), q.date(end), q.date(end), q.date(start)]
    return {
        unit: {"training_required_staff": float(n), "training_requirement_met": float(met or 0)}
        for unit, n, met in q.rows(sql, params)
    }


def units() -> list[tuple[int, str, str, str]]:
    q = _Sql()
    sql = (
        f"SELECT id, {q.col('staff.Unit', 'code')}, {q.col('staff.Unit', 'name')}, "
        f"{q.col('staff.Unit', 'path')} "
        f"FROM {q.table('staff.Unit')} ORDER BY {q.col('staff.Unit', 'path')}"
    )
    return q.rows(sql, [])


def roll_up(
    unit_rows: list[tuple], own: dict[int, dict[str, float]]
) -> dict[int, dict[str, float]]:
    """Each unit's figures with its whole subtree's, walking each unit's path of ancestor ids."""
    known = {row[0] for row in unit_rows}
    rolled: dict[int, dict[str, float]] = {row[0]: defaultdict(float) for row in unit_rows}
    for unit_id, path in ((row[0], row[3]) for row in unit_rows):
        values = own.get(unit_id)
        if not values:
            continue
        for ancestor in (int(part) for part in path.strip("/").split("/") if part):
            if ancestor in known:
                target = rolled[ancestor]
                for key, value in values.items():
                    target[key] += value
    return rolled


def _rates(values: dict[str, float]) -> dict[str, float | None]:
    def rate(num: str, den: str) -> float | None:
        d = values.get(den, 0)
        return values.get(num, 0) / d if d else None

    return {
        "inspections_concluded_rate": rate("inspections_concluded", "inspections"),
        "discipline_handled_on_time_rate": rate("discipline_handled_on_time", "discipline_due"),
        "findings_per_staff": rate("findings", "staff_count"),
        "discipline_cases_per_staff": rate("discipline_cases", "staff_count"),
        "corrective_actions_on_time_rate": rate(
            "corrective_actions_on_time", "corrective_actions_due"
        ),
        "feedback_resolved_on_time_rate": rate("feedback_resolved_on_time", "feedback_due"),
        "training_requirement_met_rate": rate(
            "training_requirement_met", "training_required_staff"
        ),
    }


def _nest(values: dict[str, float]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in values.items():
        head, _sep, tail = key.partition(".")
        if tail:
            nested.setdefault(head, {})[tail] = value
        else:
            nested[key] = value
    return nested


def _add_service_delivery(year, today, current, previous) -> None:
    """The service-delivery section's own counts (``bench/cases/report_services.py``'s floor), added
    in."""
    from bench.cases.report_services import floor_own_counts
    from reports.frames import Period

    top_path = min(row[3] for row in units() if row[3].count("/") == 2)
    period = Period.year(year)
    for own, rows in zip(
        (current, previous),
        floor_own_counts(top_path, [period, period.previous()], today),
        strict=True,
    ):
        for row in rows:
            target = own.setdefault(row["unit_id"], {})
            for column, value in row.items():
                if column != "unit_id" and value:
                    target[column] = target.get(column, 0.0) + float(value)


def report_floor(year: int, today: dt.date | None = None) -> dict[str, Any]:
    """Every unit's rolled-up figures for the year and the year before, and the tree's total."""
    from django.utils import timezone

    today = today or timezone.localdate()
    unit_rows = units()
    current, previous = own_counts(year, today)
    rolled = roll_up(unit_rows, current)
    rolled_previous = roll_up(unit_rows, previous)
    # The report's default root: the first top-level unit by path (reports.report.top_unit).
    top = min((row for row in unit_rows if row[3].count("/") == 2), key=lambda row: row[3])[0]
    total = dict(rolled[top])
    total.update(_rates(total))
    return {
        "units": [(row, rolled[row[0]], rolled_previous[row[0]]) for row in unit_rows],
        "total": _nest(total),
    }


def report_floor_xlsx(year: int) -> int:
    """The floor's figures as a bare workbook: one sheet, one row per unit; returns its size."""
    import tempfile

    import xlsxwriter

    data = report_floor(year)
    metrics = sorted({key for _row, values, _prev in data["units"] for key in values})
    with tempfile.TemporaryFile() as handle:
        workbook = xlsxwriter.Workbook(handle, {"constant_memory": True})
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, ["code", "name", *metrics])
        for r, (row, values, _prev) in enumerate(data["units"], start=1):
            sheet.write_row(r, 0, [row[1], row[2], *(values.get(m, 0) for m in metrics)])
        workbook.close()
        handle.seek(0)
        return len(handle.read())
