"""The accountability report's aggregates as hand-written SQL: the floor of the report cases.

The same figures ``reports.queries`` reads (see its docstring for what each
metric counts), for the year and the year before, one statement per section
with ``COUNT(*) FILTER (WHERE ...)`` for each period and breakdown, then rolled
up the unit tree in plain Python. Table and column names come from the
models' ``_meta`` so a renamed column breaks loudly here instead of silently
measuring something else.

The plan: on SQLite the grouping key is ``+unit_id`` (a unary plus hides the
foreign-key index, so SQLite scans the table and sorts the few hundred groups
instead of walking the index and fetching every row through it); on
PostgreSQL the plain column (it scans and hash-aggregates either way). The
annual requirement is a grouped join (hours per person once, then one pass
over staff) rather than one correlated subquery per person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

SEVERITIES = ("minor", "serious", "very_serious", "extremely_serious")
DECISION_FORMS = ("khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc", "buoc_thoi_viec", "bai_nhiem")
ORGANIZER_LEVELS = ("central", "province", "district", "commune")
TURN_STATUSES = ("attended", "completed")
OPEN_CASE_STATUSES = ("opened", "self_review", "council", "postponed")


def busiest_year() -> int:
    """The year whose courses have the most enrolments: the report year of the benchmark."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from training.models import Course

    row = (
        Course.objects.annotate(year=ExtractYear("start_date")).values("year")
        .annotate(n=Count("enrolments")).order_by("-n", "-year").first()
    )
    return row["year"]


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
    return [(dt.date(year, 1, 1), dt.date(year, 12, 31)), (dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31))]


def _section(q: _Sql, sql_from: str, key: str, measures: list[tuple[str, str, list[Any]]],
             where: str = "", where_params: list[Any] | None = None) -> dict[int, dict[str, float]]:
    """``SELECT key, COUNT(*) FILTER (WHERE m1), ... FROM ... WHERE ... GROUP BY key`` as {unit: {name: value}}."""
    selects, params = [], []
    for _name, expression, expr_params in measures:
        selects.append(expression)
        params += expr_params
    sql = f"SELECT {key}, {', '.join(selects)} FROM {sql_from}"
    if where:
        sql += f" WHERE {where}"
        params += where_params or []
    sql += " GROUP BY 1"
    out: dict[int, dict[str, float]] = {}
    for row in q.rows(sql, params):
        out[row[0]] = {name: float(value or 0) for (name, _e, _p), value in zip(measures, row[1:], strict=True)}
    return out


def _count(name: str, condition: str, params: list[Any]) -> tuple[str, str, list[Any]]:
    return name, f"COUNT(*) FILTER (WHERE {condition})", params


def own_counts(year: int, today: dt.date) -> list[dict[int, dict[str, float]]]:
    """Own counts per unit id for [year, year - 1]: one dict of metric -> value per unit."""
    q = _Sql()
    periods = _periods(year)
    first, last = q.date(periods[-1][0]), q.date(periods[0][1])
    counts: list[dict[int, dict[str, float]]] = [defaultdict(dict) for _ in periods]

    def merge(section: dict[int, dict[str, float]]) -> None:
        for unit_id, values in section.items():
            for key, value in values.items():
                name, _sep, index = key.rpartition("@")
                counts[int(index)][unit_id][name] = value

    # staff employed at some point of the period, by current unit
    st, joined, left = "s", q.col("staff.Staff", "joined_on"), q.col("staff.Staff", "left_on")
    measures = []
    for i, (start, end) in enumerate(periods):
        measures.append(_count(f"staff_count@{i}", f"({st}.{joined} IS NULL OR {st}.{joined} <= %s) AND "
                               f"({st}.{left} IS NULL OR {st}.{left} >= %s)", [q.date(end), q.date(start)]))
    merge(_section(q, f"{q.table('staff.Staff')} {st}", q.key(st, "staff.Staff"), measures))

    # inspections starting in the period
    col = q.col("inspections.Inspection", "start_date")
    measures = [_count(f"inspections@{i}", f"{col} BETWEEN %s AND %s", [q.date(s), q.date(e)])
                for i, (s, e) in enumerate(periods)]
    merge(_section(q, f"{q.table('inspections.Inspection')} i", q.key("i", "inspections.Inspection"), measures,
                   f"{col} BETWEEN %s AND %s", [first, last]))

    # substantiated findings found in the period
    found, severity = q.col("inspections.Finding", "found_on"), q.col("inspections.Finding", "severity")
    substantiated = q.col("inspections.Finding", "substantiated")
    measures = []
    for i, (s, e) in enumerate(periods):
        measures.append(_count(f"findings@{i}", f"{found} BETWEEN %s AND %s", [q.date(s), q.date(e)]))
        for sev in SEVERITIES:
            measures.append(_count(f"findings_by_severity.{sev}@{i}", f"{found} BETWEEN %s AND %s AND {severity} = %s",
                                   [q.date(s), q.date(e), sev]))
    merge(_section(q, f"{q.table('inspections.Finding')} f", q.key("f", "inspections.Finding"), measures,
                   f"{found} BETWEEN %s AND %s AND {substantiated} = %s", [first, last, True]))

    # corrective actions due in the period
    label = "inspections.CorrectiveAction"
    due, status, done = q.col(label, "due_date"), q.col(label, "status"), q.col(label, "done_on")
    measures = []
    for i, (s, e) in enumerate(periods):
        as_of = min(e, today)
        in_period, p_in = f"{due} BETWEEN %s AND %s", [q.date(s), q.date(e)]
        is_due, p_due = f"{due} BETWEEN %s AND %s", [q.date(s), q.date(as_of)]
        by_due = f"{status} <> 'open' AND {done} IS NOT NULL AND {done} <= {due}"
        open_on_day, p_open = f"({status} = 'open' OR {done} > %s)", [q.date(as_of)]
        measures += [
            _count(f"corrective_actions@{i}", in_period, p_in),
            _count(f"corrective_actions_due@{i}", is_due, p_due),
            _count(f"corrective_actions_on_time@{i}", f"{is_due} AND {by_due}", p_due),
            _count(f"corrective_actions_open@{i}", f"{in_period} AND {open_on_day}", p_in + p_open),
            _count(f"corrective_actions_overdue@{i}", f"{in_period} AND {open_on_day} AND {due} < %s",
                   p_in + p_open + [q.date(as_of)]),
        ]
    merge(_section(q, f"{q.table(label)} a", q.key("a", label), measures, f"{due} BETWEEN %s AND %s", [first, last]))

    # discipline: cases opened, decisions dated, overdue
    label = "inspections.DisciplinaryCase"
    opened, decided_on = q.col(label, "opened_on"), q.col(label, "decision_date")
    status, form, deadline = q.col(label, "status"), q.col(label, "decision_form"), q.col(label, "handling_deadline")
    open_list = ", ".join(f"'{s}'" for s in OPEN_CASE_STATUSES)
    measures = []
    for i, (s, e) in enumerate(periods):
        p_open = [q.date(s), q.date(e)]
        measures.append(_count(f"discipline_cases@{i}", f"{opened} BETWEEN %s AND %s", p_open))
        for name in DECISION_FORMS:
            measures.append(_count(f"discipline_decisions_by_form.{name}@{i}",
                                   f"{status} = 'decided' AND {decided_on} BETWEEN %s AND %s AND {form} = %s",
                                   [q.date(s), q.date(e), name]))
        late = (f"(({status} = 'decided' AND {decided_on} > {deadline}) OR "
                f"({status} IN ({open_list}) AND {deadline} < %s))")
        measures.append(_count(f"discipline_overdue@{i}", f"{opened} BETWEEN %s AND %s AND {late}",
                               [*p_open, q.date(min(e, today))]))
    merge(_section(q, f"{q.table(label)} d", q.key("d", label), measures,
                   f"({opened} BETWEEN %s AND %s OR {decided_on} BETWEEN %s AND %s)", [first, last, first, last]))

    # citizen feedback received in the period
    label = "inspections.CitizenFeedback"
    received, resp_due = q.col(label, "received_on"), q.col(label, "response_due")
    resolved, subst = q.col(label, "resolved_on"), q.col(label, "substantiated")
    measures = []
    for i, (s, e) in enumerate(periods):
        p_in = [q.date(s), q.date(e)]
        in_period = f"{received} BETWEEN %s AND %s"
        with_due = f"{in_period} AND {resp_due} IS NOT NULL"
        measures += [
            _count(f"feedback_received@{i}", in_period, p_in),
            _count(f"feedback_substantiated@{i}", f"{in_period} AND {subst} = %s", [*p_in, True]),
            _count(f"feedback_due@{i}", f"{with_due} AND ({resolved} IS NOT NULL OR {resp_due} < %s)",
                   [*p_in, q.date(min(e, today))]),
            _count(f"feedback_resolved_on_time@{i}", f"{with_due} AND {resolved} IS NOT NULL AND {resolved} <= {resp_due}", p_in),
        ]
    merge(_section(q, f"{q.table(label)} fb", q.key("fb", label), measures, f"{received} BETWEEN %s AND %s", [first, last]))

    # training turns in courses starting in the period, by unit at enrolment
    e_status, e_course = q.col("training.Enrolment", "status"), q.col("training.Enrolment", "course")
    c_start, c_level, c_hours = (q.col("training.Course", f) for f in ("start_date", "organizer_level", "hours"))
    measures = []
    for i, (s, e) in enumerate(periods):
        p_in = [q.date(s), q.date(e)]
        in_period = f"c.{c_start} BETWEEN %s AND %s"
        measures.append(_count(f"training_turns@{i}", in_period, p_in))
        for level in ORGANIZER_LEVELS:
            measures.append(_count(f"training_turns_by_organizer_level.{level}@{i}",
                                   f"{in_period} AND c.{c_level} = %s", [*p_in, level]))
        measures.append((f"training_hours@{i}", f"SUM(c.{c_hours}) FILTER (WHERE {in_period})", p_in))
    turn_list = ", ".join(f"'{s}'" for s in TURN_STATUSES)
    merge(_section(
        q, f"{q.table('training.Enrolment')} e JOIN {q.table('training.Course')} c ON c.id = e.{e_course}",
        q.key("e", "training.Enrolment"), measures,
        f"e.{e_status} IN ({turn_list}) AND c.{c_start} BETWEEN %s AND %s", [first, last],
    ))

    # the annual requirement of each period's year
    for i, (s, e) in enumerate(periods):
        merge({unit: {f"{k}@{i}": v for k, v in values.items()} for unit, values in _requirement(q, s, e).items()})
    return [dict(c) for c in counts]


def _requirement(q: _Sql, start: dt.date, end: dt.date) -> dict[int, dict[str, float]]:
    """Staff employed during the year under a requirement, and those whose turns' hours reach it."""
    s_cat, s_pos = q.col("staff.Staff", "category"), q.col("staff.Staff", "position")
    joined, left = q.col("staff.Staff", "joined_on"), q.col("staff.Staff", "left_on")
    r = q.table("training.TrainingRequirement")
    r_year, r_cat, r_pos, r_hours = (q.col("training.TrainingRequirement", f) for f in ("year", "category", "position", "hours"))
    e_staff, e_status, e_course = (q.col("training.Enrolment", f) for f in ("staff", "status", "course"))
    c_start, c_hours = q.col("training.Course", "start_date"), q.col("training.Course", "hours")
    turn_list = ", ".join(f"'{s}'" for s in TURN_STATUSES)
    sql = f"""
        WITH done AS (
            SELECT e.{e_staff} AS staff_id, SUM(c.{c_hours}) AS hours
            FROM {q.table('training.Enrolment')} e JOIN {q.table('training.Course')} c ON c.id = e.{e_course}
            WHERE e.{e_status} IN ({turn_list}) AND c.{c_start} BETWEEN %s AND %s
            GROUP BY e.{e_staff}
        ), person AS (
            SELECT s.{q.col('staff.Staff', 'unit')} AS unit_id,
                   COALESCE(rs.{r_hours}, rg.{r_hours}) AS required, COALESCE(done.hours, 0) AS done
            FROM {q.table('staff.Staff')} s
            LEFT JOIN {r} rs ON rs.{r_year} = %s AND rs.{r_cat} = s.{s_cat} AND rs.{r_pos} = s.{s_pos} AND rs.{r_pos} <> ''
            LEFT JOIN {r} rg ON rg.{r_year} = %s AND rg.{r_cat} = s.{s_cat} AND rg.{r_pos} = ''
            LEFT JOIN done ON done.staff_id = s.id
            WHERE (s.{joined} IS NULL OR s.{joined} <= %s) AND (s.{left} IS NULL OR s.{left} >= %s)
        )
        SELECT {'+unit_id' if q.vendor == 'sqlite' else 'unit_id'}, COUNT(*), COUNT(*) FILTER (WHERE done >= required)
        FROM person WHERE required IS NOT NULL GROUP BY 1
    """
    params = [q.date(start), q.date(end), end.year, end.year, q.date(end), q.date(start)]
    return {unit: {"training_required_staff": float(n), "training_requirement_met": float(met)}
            for unit, n, met in q.rows(sql, params)}


def units() -> list[tuple[int, str, str, str]]:
    q = _Sql()
    sql = (f"SELECT id, {q.col('staff.Unit', 'code')}, {q.col('staff.Unit', 'name')}, {q.col('staff.Unit', 'path')} "
           f"FROM {q.table('staff.Unit')} ORDER BY {q.col('staff.Unit', 'path')}")
    return q.rows(sql, [])


def roll_up(unit_rows: list[tuple], own: dict[int, dict[str, float]]) -> dict[int, dict[str, float]]:
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
        "findings_per_staff": rate("findings", "staff_count"),
        "discipline_cases_per_staff": rate("discipline_cases", "staff_count"),
        "corrective_actions_on_time_rate": rate("corrective_actions_on_time", "corrective_actions_due"),
        "feedback_resolved_on_time_rate": rate("feedback_resolved_on_time", "feedback_due"),
        "training_requirement_met_rate": rate("training_requirement_met", "training_required_staff"),
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
