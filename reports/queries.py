"""Accountability report, layer 1: the database to plain rows.

Every section is ONE grouped query whatever the number of units: rows are
grouped by unit and the current and the previous period are counted in the
same pass with filtered aggregates (``COUNT(*) FILTER (WHERE ...)``, see
``CountRows``; date ranges as ``BETWEEN``), so the report costs a fixed
number of queries (see ``QUERY_COUNT``). Counts are the
unit's *own*; ``reports.frames`` rolls them up the tree.

The grouping key is ``unit_id + 0`` on SQLite. Given a bare ``GROUP BY
unit_id`` SQLite walks the foreign-key index in unit order and fetches every
row from the table through it, which is several times slower on a large
table than scanning it and sorting the small grouped result; ``+ 0`` hides
the index from the planner. PostgreSQL scans and hash-aggregates either way,
so it gets the plain column. ``tests/reports/test_queries.py`` checks the plan.

What each metric counts (docs/contract.md names them; these are our readings, docs/reports.md):

- ``staff_count``: staff employed at some point of the period
  (``Staff.objects.employed_during``), by their current unit.
- ``inspections``: inspections starting in the period, by inspected unit;
  ``inspections_concluded``: of those, concluded by the as-of day (the plan done).
- ``findings`` and ``findings_by_severity``: substantiated findings found in
  the period, by the unit the finding is about.
- ``corrective_actions``: actions due in the period, by responsible unit;
  ``corrective_actions_due``: those due by the report's "as of" day (the end
  of the period, or today while the period runs); ``corrective_actions_on_time``:
  of those, done by their due date; ``corrective_actions_open``: due in the
  period and not done on the as-of day; ``corrective_actions_overdue``: open
  with the due date before the as-of day.
- ``discipline_cases``: cases opened in the period, by the unit the case was
  opened in; ``discipline_decisions_by_form``: decisions dated in the
  period; ``discipline_overdue``: cases opened in the period that were decided
  after the handling deadline or are still open past it (docs/INTERFACES.md);
  ``discipline_due``: cases opened in the period that are closed (decided,
  closed without discipline, exempt) or open past the handling deadline;
  ``discipline_handled_on_time``: of those, decided by the handling deadline
  or closed without a decision.
- ``feedback_received``, ``feedback_substantiated``: feedback received in the
  period; ``feedback_due``: of those with a response date, the ones answered
  or past that date on the as-of day; ``feedback_resolved_on_time``: answered
  by the response date.
- ``training_turns``, ``training_turns_by_organizer_level``, ``training_hours``:
  attended or completed enrolments in courses starting in the period, by the
  unit at enrolment.
- ``training_required_staff``, ``training_requirement_met``: staff under an
  annual requirement and those who met it (as ``training.compliance`` reads
  it), for the calendar year in which the period ends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Field,
    Func,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.expressions import Combinable, CombinedExpression, Value
from django.db.models.lookups import LessThanOrEqual

from inspections.casework.choices import CaseStatus, InspectionStatus
from inspections.casework.models import (
    action_done_on_time,
    action_open,
    action_overdue,
    case_closed,
    case_handled_in_time,
    case_open_past_deadline,
    case_overdue,
)
from inspections.feedback.models import (
    feedback_answered,
    feedback_answered_on_time,
    feedback_past_due,
)
from inspections.models import (
    CitizenFeedback,
    CorrectiveAction,
    DisciplinaryCase,
    Finding,
    Inspection,
)
from reports.frames import Period
from staff.models import Staff, Unit, in_subtree
from training.models import TURN_Q, Enrolment, TrainingRequirement

# units, staff, inspections, findings, corrective actions, discipline (cases
# opened, decisions dated), feedback, training turns, the training requirement once per period, and
# the scoring methodology with its components (reports.models), and service
# delivery (dossiers, filed reports, procedures posted, PAR index).
QUERY_COUNT = 17

UNIT_KEY = "unit_key"


@dataclass
class ReportRows:
    """What the queries return: the unit tree and own counts per period (current first)."""

    units: list[dict[str, Any]]
    counts: list[list[dict[str, Any]]]
    # Figures of the current period that are not summed up the tree (``frames.VALUE_COLUMNS``).
    values: list[dict[str, Any]] = field(default_factory=list)


def unit_key(field: str = "unit") -> F | CombinedExpression:
    """The grouping key for ``field``'s unit id (``+ 0`` on SQLite: see the module docstring)."""
    column = F(f"{field}_id")
    if connection.vendor == "sqlite":
        return CombinedExpression(column, "+", Value(0), output_field=IntegerField())
    return column


def _read_by_scan(field: str, output_field: Field) -> F | Func:
    """``field`` as SQLite cannot answer it from an index (unary ``+``); the plain column elsewhere.

    For a bound that keeps most of a large table: without statistics SQLite
    takes any index on a range, and reading a million rows through an index
    costs more than scanning the table (the dossiers of two years of a
    province: 6.1 s against 3.6 s).
    """
    if connection.vendor == "sqlite":
        return Func(F(field), template="+%(expressions)s", output_field=output_field)
    return F(field)


def _between(field: str, start: dt.date, end: dt.date) -> Q:
    # ``__range`` is ``BETWEEN``: the column is read once per row, not twice
    # as with ``>= AND <=`` (it adds up over a dozen filtered counts).
    return Q(**{f"{field}__range": (start, end)})


class CountRows(Aggregate):
    """``COUNT(*) FILTER (WHERE ...)``: the number of rows matching ``filter``.

    Django refuses a filter on ``Count("*")``, and ``Count("pk", filter=...)``
    makes the database read the key and test it for NULL on every row of
    every filtered count (about 5% of the report's SQL time on a province on
    SQLite). The expression (the primary key) only gives the aggregate a
    source; the template does not write it. Use ``count_rows``, which falls
    back to ``Count`` where the database has no ``FILTER`` clause.
    """

    function = "COUNT"
    name = "CountRows"
    template = "%(function)s(*)"
    output_field = IntegerField()
    empty_result_set_value = 0


def count_rows(condition: Q) -> Aggregate:
    """Rows matching ``condition``: ``COUNT(*) FILTER (WHERE condition)``."""
    if connection.features.supports_aggregate_filter_clause:
        return CountRows("pk", filter=condition)
    return Count("pk", filter=condition)


def _in_tree(queryset: QuerySet, root: Unit, field: str = "unit") -> QuerySet:
    # The whole tree needs no filter: the frames layer drops units outside it.
    if root.parent_id is None:
        return queryset
    return queryset.filter(in_subtree(root, field))


def _grouped(queryset: QuerySet, field: str, measures: dict[str, Any]) -> list[dict[str, Any]]:
    return list(queryset.order_by().values(**{UNIT_KEY: unit_key(field)}).annotate(**measures))


def _split(rows: list[dict[str, Any]], periods: int) -> list[list[dict[str, Any]]]:
    """``{"unit_key": 3, "findings__p0": 2, "findings__p1": 1}`` -> one row per period."""
    result: list[list[dict[str, Any]]] = [[] for _ in range(periods)]
    if not rows:
        return result
    # Every row of a section has the same keys: parse them once, not per row.
    plan = []
    for key in rows[0]:
        if key != UNIT_KEY:
            name, _sep, suffix = key.rpartition("__p")
            plan.append((key, name, int(suffix)))
    for row in rows:
        per = [{"unit_id": row[UNIT_KEY]} for _ in range(periods)]
        for key, name, index in plan:
            value = row[key]
            if value.__class__ is Decimal:
                value = float(value)
            per[index][name] = value or 0
        for i in range(periods):
            result[i].append(per[i])
    return result


def _db_column(model: type[Model], name: str) -> str:
    """The database column of a concrete field of ``model``."""
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, Field) or model_field.column is None:
        raise ImproperlyConfigured(f"{model.__name__}.{name} has no column")
    return model_field.column


def as_of_day(period: Period, today: dt.date) -> dt.date:
    """The day open items are judged on: the period's end, or today while it runs."""
    return min(period.end, today)


def units_rows(root: Unit) -> list[dict[str, Any]]:
    """Every unit of ``root``'s subtree, whatever its dates (the frames pick those in force)."""
    rows = (
        Unit.objects.filter(in_subtree(root))
        .order_by("path")
        .values(
            "id",
            "code",
            "name",
            "level",
            "path",
            "depth",
            "valid_from",
            "valid_until",
            parent_code=F("parent__code"),
        )
    )
    return [{**row, "parent": row["parent_code"]} for row in rows]


def staff_rows(root: Unit, periods: list[Period]) -> list[dict[str, Any]]:
    measures = {}
    for i, p in enumerate(periods):
        employed = (Q(joined_on__isnull=True) | Q(joined_on__lte=p.end)) & (
            Q(left_on__isnull=True) | Q(left_on__gte=p.start)
        )
        measures[f"staff_count__p{i}"] = count_rows(employed)
    return _grouped(_in_tree(Staff.objects.all(), root), "unit", measures)


def _period_of(date_field: str, periods: list[Period]) -> Case:
    """0 for a row dated in the current period, 1 in the previous one (the window holds only those
    two)."""
    return Case(
        When(**{f"{date_field}__lt": periods[0].start}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _as_of(date_field: str, periods: list[Period], today: dt.date) -> Case:
    """The as-of day of the period each row is dated in."""
    return Case(
        When(**{f"{date_field}__lt": periods[0].start}, then=Value(as_of_day(periods[1], today))),
        default=Value(as_of_day(periods[0], today)),
        output_field=DateField(),
    )


def _flag(condition: Q) -> Sum:
    """``SUM(CASE WHEN condition THEN 1 ELSE 0 END)``: the rows of the group matching
    ``condition``."""
    return Sum(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def _keyed(
    queryset: QuerySet,
    unit_field: str,
    date_field: str,
    periods: list[Period],
    measures: dict[str, Any],
    breakdown: tuple[str, str] | None = None,
) -> list[list[dict[str, Any]]]:
    """One grouped pass keyed on ``unit_id * 2 + period`` (and a breakdown column): rows per period.

    ``breakdown`` is ``(field, metric prefix)``: each group's ``n`` is also
    counted under ``prefix.<value>`` (``findings_by_severity.minor``).
    Grouping on one integer expression and counting with plain ``COUNT(*)``
    and ``SUM`` is cheaper than one filtered aggregate per period and
    breakdown (bench/report_sections.py), and, being an expression, keeps
    SQLite off the foreign-key index.
    """
    key = ExpressionWrapper(
        F(f"{unit_field}_id") * 2 + _period_of(date_field, periods), output_field=IntegerField()
    )
    group: dict[str, Combinable] = {UNIT_KEY: key}
    if breakdown:
        group["breakdown"] = F(breakdown[0])
    names = list(measures)
    qs = queryset.order_by().values(**group).annotate(**measures).values_list(*group, *names)
    # Read through the cursor: the ORM's per-row conversion of a few
    # thousand grouped rows cost more than the Python below.
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    result: list[list[dict[str, Any]]] = [[] for _ in periods]
    prefix = breakdown[1] if breakdown else None
    for row in fetched:
        k = row[0]
        out = {"unit_id": k >> 1}
        for name, value in zip(names, row[2 if prefix else 1 :], strict=True):
            if value.__class__ is Decimal:
                value = float(value)
            out[name] = value or 0
        if prefix:
            out[f"{prefix}.{row[1]}"] = out[names[0]]
        result[k & 1].append(out)
    return result


def inspection_rows(
    root: Unit, periods: list[Period], today: dt.date
) -> list[list[dict[str, Any]]]:
    window = _between("start_date", periods[-1].start, periods[0].end)
    concluded = Q(status=InspectionStatus.CONCLUDED) & (
        Q(conclusion_date__isnull=True)
        | Q(conclusion_date__lte=_as_of("start_date", periods, today))
    )
    measures = {"inspections": CountRows("pk"), "inspections_concluded": _flag(concluded)}
    return _keyed(
        _in_tree(Inspection.objects.filter(window), root), "unit", "start_date", periods, measures
    )


def finding_rows(root: Unit, periods: list[Period]) -> list[list[dict[str, Any]]]:
    window = _between("found_on", periods[-1].start, periods[0].end)
    qs = Finding.objects.filter(window, substantiated=True)
    return _keyed(
        _in_tree(qs, root),
        "unit",
        "found_on",
        periods,
        {"findings": CountRows("pk")},
        breakdown=("severity", "findings_by_severity"),
    )


def corrective_action_rows(
    root: Unit, periods: list[Period], today: dt.date
) -> list[list[dict[str, Any]]]:
    window = _between("due_date", periods[-1].start, periods[0].end)
    as_of = _as_of("due_date", periods, today)
    due = Q(due_date__lte=as_of)
    measures = {
        "corrective_actions": CountRows("pk"),
        "corrective_actions_due": _flag(due),
        "corrective_actions_on_time": _flag(due & action_done_on_time()),
        "corrective_actions_open": _flag(action_open(as_of)),
        "corrective_actions_overdue": _flag(action_overdue(as_of)),
    }
    qs = _in_tree(CorrectiveAction.objects.filter(window), root)
    return _keyed(qs, "unit", "due_date", periods, measures)


def discipline_rows(
    root: Unit, periods: list[Period], today: dt.date
) -> list[list[dict[str, Any]]]:
    """Cases opened in each period (keyed on the opening date), then decisions dated in it (on the
    decision date).

    Two keyed passes over the small cases table, as the floor reads it: a
    case opened in one period may be decided in the next, so one key per
    row cannot serve both.
    """
    first, last = periods[-1].start, periods[0].end
    as_of = _as_of("opened_on", periods, today)
    measures = {
        "discipline_cases": CountRows("pk"),
        "discipline_overdue": _flag(case_overdue(as_of)),
        "discipline_due": _flag(case_closed() | case_open_past_deadline(as_of)),
        "discipline_handled_on_time": _flag(case_handled_in_time()),
    }
    cases = DisciplinaryCase.objects.all()
    opened = _keyed(
        _in_tree(cases.filter(_between("opened_on", first, last)), root),
        "unit",
        "opened_on",
        periods,
        measures,
    )
    decided = _keyed(
        _in_tree(
            cases.filter(_between("decision_date", first, last), status=CaseStatus.DECIDED), root
        ),
        "unit",
        "decision_date",
        periods,
        {"discipline_decisions": CountRows("pk")},
        breakdown=("decision_form", "discipline_decisions_by_form"),
    )
    return [a + b for a, b in zip(opened, decided, strict=True)]


def feedback_rows(root: Unit, periods: list[Period], today: dt.date) -> list[list[dict[str, Any]]]:
    window = _between("received_on", periods[-1].start, periods[0].end)
    answered_or_late = feedback_answered() | feedback_past_due(
        _as_of("received_on", periods, today)
    )
    measures = {
        "feedback_received": CountRows("pk"),
        "feedback_substantiated": _flag(Q(substantiated=True)),
        "feedback_due": _flag(Q(response_due__isnull=False) & answered_or_late),
        "feedback_resolved_on_time": _flag(feedback_answered_on_time()),
    }
    qs = _in_tree(CitizenFeedback.objects.filter(window), root)
    return _keyed(qs, "unit", "received_on", periods, measures)


def training_rows(root: Unit, periods: list[Period]) -> list[list[dict[str, Any]]]:
    window = _between("course__start_date", periods[-1].start, periods[0].end)
    measures = {"training_turns": CountRows("pk"), "training_hours": Sum("course__hours")}
    qs = _in_tree(Enrolment.objects.filter(TURN_Q).filter(window), root)
    return _keyed(
        qs,
        "unit",
        "course__start_date",
        periods,
        measures,
        breakdown=("course__organizer_level", "training_turns_by_organizer_level"),
    )


def requirement_rows(root: Unit, period: Period) -> list[dict[str, Any]]:
    """Staff under the annual requirement of the period's last year, and those meeting it.

    The same reading as ``training.compliance.staff_compliance`` (staff
    employed during the year; the requirement row for their category, one
    for their exact position taking precedence; hours of their turns in
    courses starting that year), but as one grouped join: hours per person
    are summed once, then staff are joined to them and to the requirement
    table. Expressed through the ORM, each use of the per-person subqueries
    is repeated in the SQL and correlated per staff row, which is 25 times
    slower on a province. The ORM still writes both inner queries.

    A year without any requirement row has nobody under one: the
    uncorrelated ``EXISTS`` on the year is evaluated once before the joins
    (PostgreSQL's one-time filter, SQLite's constant term), so such a year
    does not scan the staff (25 ms a period on a province on PostgreSQL).
    """
    start, end = dt.date(period.end.year, 1, 1), dt.date(period.end.year, 12, 31)
    qn = connection.ops.quote_name
    done_sql, done_params = (
        Enrolment.objects.filter(TURN_Q, course__start_date__gte=start, course__start_date__lte=end)
        .order_by()
        .values(sid=F("staff_id"))
        .annotate(hours=Sum("course__hours"))
        .query.sql_with_params()
    )
    person_sql, person_params = (
        _in_tree(Staff.objects.employed_during(start, end), root)
        .order_by()
        .values(sid=F("id"), uid=F("unit_id"), cat=F("category"), pos=F("position"))
        .query.sql_with_params()
    )
    table = qn(TrainingRequirement._meta.db_table)
    year, category, position, hours = (
        qn(_db_column(TrainingRequirement, name))
        for name in ("year", "category", "position", "hours")
    )
    key = "p.uid + 0" if connection.vendor == "sqlite" else "p.uid"
    required = f"COALESCE(rs.{hours}, rg.{hours})"
    # Only quoted identifiers from the models' _meta and ORM-compiled SQL are
    # formatted in; every value travels as a parameter.
    sql = (
        f"SELECT {key}, COUNT(*), "  # noqa: S608
        f"SUM(CASE WHEN COALESCE(d.hours, 0) >= {required} THEN 1 ELSE 0 END) "
        f"FROM ({person_sql}) p "
        f"LEFT JOIN {table} rs ON rs.{year} = %s AND rs.{category} = p.cat "
        f"AND rs.{position} = p.pos AND rs.{position} <> '' "
        f"LEFT JOIN {table} rg ON rg.{year} = %s AND rg.{category} = p.cat AND rg.{position} = '' "
        f"LEFT JOIN ({done_sql}) d ON d.sid = p.sid "
        f"WHERE {required} IS NOT NULL "
        f"AND EXISTS (SELECT 1 FROM {table} WHERE {year} = %s) GROUP BY 1"
    )
    params = [*person_params, end.year, end.year, *done_params, end.year]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            {
                "unit_id": unit_id,
                "training_required_staff": count,
                "training_requirement_met": int(met or 0),
            }
            for unit_id, count, met in cursor.fetchall()
        ]


SECTION_NAMES = (
    "staff",
    "inspections",
    "findings",
    "corrective_actions",
    "discipline",
    "feedback",
    "training",
    "training_requirement",
    "service_delivery",
    "units",
)


def report_rows(
    root: Unit, period: Period, *, today: dt.date, on_step: Callable[[str], None] | None = None
) -> ReportRows:
    """Units and own counts for ``period`` and the period before it, in ``QUERY_COUNT`` queries.

    ``on_step`` is called with each name of ``SECTION_NAMES`` once that
    section is read (the command's progress bar).
    """
    step = on_step or (lambda _name: None)
    periods = [period, period.previous()]
    readers: list[Callable[[], list[list[dict[str, Any]]]]] = [
        lambda: _split(staff_rows(root, periods), len(periods)),
        lambda: inspection_rows(root, periods, today),
        lambda: finding_rows(root, periods),
        lambda: corrective_action_rows(root, periods, today),
        lambda: discipline_rows(root, periods, today),
        lambda: feedback_rows(root, periods, today),
        lambda: training_rows(root, periods),
    ]
    counts: list[list[dict[str, Any]]] = [[] for _ in periods]
    for name, read in zip(SECTION_NAMES, readers, strict=False):
        for i, split in enumerate(read()):
            counts[i].extend(split)
        step(name)
    for i, p in enumerate(periods):
        counts[i].extend(requirement_rows(root, p))
    step("training_requirement")
    for i, rows in enumerate(service_rows(root, periods, today)):
        counts[i].extend(rows)
    values = procedures_published_rows(root, period) + par_rows(root, period)
    step("service_delivery")
    units = units_rows(root)
    step("units")
    return ReportRows(units=units, counts=counts, values=values)


# --- Service delivery (reform) -------------------------------------------------
#
# One-stop dossiers reach the report two ways: as dossiers exported from the
# electronic one-stop system (``Dossier``), and as period totals a unit files
# (``ServiceReport``). For each unit, period and scope, a unit that filed
# reports is read from them and its dossiers of that scope are not counted
# again; otherwise its dossiers are counted. Reports are counted when their
# period lies inside the report's period: flows (received, resolved, late)
# are summed, stocks (pending) are read from reports ending on the period's
# last day. ``reconciles`` is false for a scope when any report counted in it
# does not add up; the figures are never adjusted.

SERVICE_SCOPES = ("district", "commune", "inter_level", "electronic")
SERVICE_FIGURES = (
    "received",
    "resolved",
    "resolved_judged",
    "resolved_late",
    "pending_in_time",
    "pending_overdue",
)
CHANNEL_SCOPES = ("online", "postal")


def _dossier_scopes(level: str, channel: str, electronic: Any) -> tuple[tuple[str, ...], bool]:
    """The scopes (``SERVICE_SCOPES``, ``CHANNEL_SCOPES``) a dossier with these columns counts in.

    And whether it is local (a district or commune counter's).
    """
    scopes = []
    if level in ("district", "commune"):
        scopes.append(level)
    if channel == "inter_level":
        scopes.append("inter_level")
    if electronic:
        scopes.append("electronic")
    if channel in CHANNEL_SCOPES:
        scopes.append(channel)
    return tuple(scopes), level in ("district", "commune")


DOSSIER_FIGURES = (
    "received",
    "resolved",
    "resolved_late",
    "pending_in_time",
    "pending_overdue",
    "late_in_system_only",
    "apologies",
)


def dossier_rows(root: Unit, periods: list[Period], today: dt.date) -> list[dict[str, Any]]:
    """Dossier counts per unit, scope and period (one grouped query).

    Grouped by unit and the columns a scope is read from (counter level,
    channel, electronic), with seven filtered counts per period; the scopes
    are then added up from the groups in Python. One filtered count per
    scope, figure and period (about fifty) cost more in building the
    query than the database spent running it.
    """
    from reform.models import Dossier, dossier_pending_in_time, dossier_pending_overdue

    first, last = periods[-1].start, periods[0].end
    received_by_last = LessThanOrEqual(_read_by_scan("received_on", DateField()), last)
    window = Q(resolved_on__isnull=True) | Q(resolved_on__gte=first)
    measures = {}
    for i, p in enumerate(periods):
        as_of = as_of_day(p, today)
        resolved = _between("resolved_on", p.start, p.end)
        conditions = (
            _between("received_on", p.start, p.end),
            resolved,
            resolved & Q(outcome="late"),
            dossier_pending_in_time(as_of),
            dossier_pending_overdue(as_of),
            resolved & Q(late_in_system_only=True),
            _between("apology_issued_on", p.start, p.end),
        )
        for name, condition in zip(DOSSIER_FIGURES, conditions, strict=True):
            measures[f"{name}__p{i}"] = count_rows(condition)
    qs = (
        _in_tree(Dossier.objects.filter(received_by_last, window), root)
        .order_by()
        .values("level", "channel", "electronic", **{UNIT_KEY: unit_key("unit")})
        .annotate(**measures)
        .values_list(UNIT_KEY, "level", "channel", "electronic", *measures)
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    names = [(name, i) for i in range(len(periods)) for name in DOSSIER_FIGURES]
    by_unit: dict[int, dict[str, Any]] = {}
    for unit, level, channel, electronic, *counts in fetched:
        row = by_unit.get(unit)
        if row is None:
            row = by_unit[unit] = {UNIT_KEY: unit}
        scopes, local = _dossier_scopes(level, channel, electronic)
        for (name, i), count in zip(names, counts, strict=True):
            if not count:
                continue
            if name in ("late_in_system_only", "apologies"):
                if local:
                    key = f"{name}__p{i}"
                    row[key] = row.get(key, 0) + count
                continue
            for scope in scopes:
                if scope in CHANNEL_SCOPES and name != "received":
                    continue
                key = f"{scope}.{name}__p{i}"
                row[key] = row.get(key, 0) + count
    return list(by_unit.values())


REPORT_FIGURES = (
    "reports",
    "unreconciled",
    *SERVICE_FIGURES,
    "pending_unreported",
    "late_in_system_only",
    "apologies",
)


def service_report_rows(root: Unit, periods: list[Period]) -> list[dict[str, Any]]:
    """Filed period totals per unit, scope and period (one grouped query).

    Only reports lying inside one of the periods are read, grouped on the
    period they lie in: a stock (pending) is read from a report ending on
    its period's last day, and a report inside one period cannot end on
    the other's last day, so one set of aggregates serves every period.
    """
    from reform.models import ServiceReport

    inside = Q()
    for p in periods:
        inside |= Q(period_start__gte=p.start, period_end__lte=p.end)
    at_end = Q(period_end__in=[p.end for p in periods])
    which = Case(
        *(When(period_start__gte=p.start, then=Value(i)) for i, p in enumerate(periods[:-1])),
        default=Value(len(periods) - 1),
        output_field=IntegerField(),
    )
    measures = {
        "reports": CountRows("pk"),
        "unreconciled": count_rows(Q(reconciles=False)),
        "received": Sum("received"),
        "resolved": Sum("resolved"),
        "resolved_judged": Sum("resolved", filter=Q(resolved_late__isnull=False)),
        "resolved_late": Sum("resolved_late"),
        "pending_in_time": Sum("pending_in_time", filter=at_end),
        "pending_overdue": Sum("pending_overdue", filter=at_end),
        # Reports that leave the pending figure out (the article gives none for the
        # electronic system): the scope's pending figure is then unknown, not zero.
        "pending_unreported": count_rows(at_end & Q(pending_in_time__isnull=True)),
        "late_in_system_only": Sum("late_in_system_only"),
        "apologies": Sum("apologies_issued"),
    }
    qs = (
        _in_tree(ServiceReport.objects.filter(inside), root)
        .order_by()
        .values("scope", period=which, **{UNIT_KEY: unit_key("unit")})
        # Named apart from the model's fields ("received" is a column too).
        .annotate(**{f"{name}__all": measure for name, measure in measures.items()})
        .values_list("scope", "period", UNIT_KEY, *(f"{name}__all" for name in REPORT_FIGURES))
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for scope, index, unit, *figures in fetched:
        row = rows.get((scope, unit))
        if row is None:
            row = rows[(scope, unit)] = {"scope": scope, UNIT_KEY: unit}
            for i in range(len(periods)):
                row[f"reports__p{i}"] = 0
        for name, value in zip(REPORT_FIGURES, figures, strict=True):
            row[f"{name}__p{index}"] = value
    return list(rows.values())


def _service_counts(
    dossiers: list[dict[str, Any]], reports: list[dict[str, Any]], periods: int
) -> list[list[dict[str, Any]]]:
    """Dossier and report rows merged into the report's service-delivery columns, per period.

    A unit's filed reports of a scope replace its dossiers of that scope.
    """
    filed: dict[tuple[int, int, str], dict[str, Any]] = {}
    for row in reports:
        for i in range(periods):
            if row[f"reports__p{i}"]:
                filed[(i, row[UNIT_KEY], row["scope"])] = {
                    key.rpartition("__p")[0]: (row[key] or 0)
                    for key in row
                    if key.endswith(f"__p{i}")
                }
    by_unit = {row[UNIT_KEY]: row for row in dossiers}
    units = set(by_unit) | {unit for (_i, unit, _s) in filed}
    result: list[list[dict[str, Any]]] = [[] for _ in range(periods)]
    for i in range(periods):
        for unit in units:
            own = by_unit.get(unit, {})
            out: dict[str, Any] = {"unit_id": unit}
            for scope in (*SERVICE_SCOPES, *CHANNEL_SCOPES):
                report = filed.get((i, unit, scope))
                if report is not None:
                    figures = {name: report.get(name, 0) for name in SERVICE_FIGURES}
                    figures["unreconciled"] = report["unreconciled"]
                    figures["pending_unreported"] = report.get("pending_unreported", 0)
                    figures["late_in_system_only"] = (
                        report["late_in_system_only"] if scope in ("district", "commune") else 0
                    )
                    figures["apologies"] = (
                        report["apologies"] if scope in ("district", "commune") else 0
                    )
                else:
                    figures = {
                        name: own.get(f"{scope}.{name}__p{i}", 0) for name in SERVICE_FIGURES
                    }
                    # Every resolved dossier is judged on its dates.
                    figures["resolved_judged"] = figures["resolved"]
                    figures["unreconciled"] = figures["pending_unreported"] = 0
                    figures["late_in_system_only"] = figures["apologies"] = 0
                out[scope] = figures
            # Dossier-wide counts of the unit's local counters, unless both levels were filed.
            for name in ("late_in_system_only", "apologies"):
                local = sum(out[s][name] for s in ("district", "commune"))
                if not all((i, unit, s) in filed for s in ("district", "commune")):
                    local += own.get(f"{name}__p{i}", 0)
                out[name] = local
            result[i].append(_service_columns(out))
    return result


def _service_columns(out: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {"unit_id": out["unit_id"]}
    for scope in SERVICE_SCOPES:
        f = out[scope]
        prefix = f"dossiers_by_scope.{scope}"
        row[f"{prefix}.received"] = f["received"]
        row[f"{prefix}.resolved"] = f["resolved"]
        row[f"{prefix}.pending_in_time"] = f["pending_in_time"]
        row[f"{prefix}.overdue"] = f["resolved_late"] + f["pending_overdue"]
        row[f"{prefix}.unreconciled"] = f["unreconciled"]
        row[f"{prefix}.pending_unreported"] = f["pending_unreported"]
    local = [out["district"], out["commune"]]
    row["dossiers_received"] = sum(f["received"] for f in local)
    row["dossiers_resolved"] = sum(f["resolved"] for f in local)
    row["dossiers_resolved_judged"] = sum(f["resolved_judged"] for f in local)
    row["dossiers_resolved_on_time"] = sum(f["resolved_judged"] - f["resolved_late"] for f in local)
    row["dossiers_pending_in_time"] = sum(f["pending_in_time"] for f in local)
    row["dossiers_pending_unreported"] = sum(f["pending_unreported"] for f in local)
    row["dossiers_overdue"] = sum(f["resolved_late"] + f["pending_overdue"] for f in local)
    row["dossiers_late_in_system_only"] = out["late_in_system_only"]
    row["dossiers_apologies_issued"] = out["apologies"]
    row["dossiers_online"] = out["online"]["received"]
    row["dossiers_postal"] = out["postal"]["received"]
    return row


def service_rows(root: Unit, periods: list[Period], today: dt.date) -> list[list[dict[str, Any]]]:
    """The service-delivery counts per unit for each period (two queries: dossiers, filed
    reports)."""
    return _service_counts(
        dossier_rows(root, periods, today), service_report_rows(root, periods), len(periods)
    )


def procedures_published_rows(root: Unit, period: Period) -> list[dict[str, Any]]:
    """Distinct procedures posted at the counters of each unit's subtree, by procedure level (one
    query).

    Not additive (a commune-level procedure posted at ten communes is one
    procedure of the district), so counted per subtree in SQL: postings are
    joined to every ancestor of their unit through the materialised path.
    """
    from reform.models import Procedure, ProcedurePosting

    qn = connection.ops.quote_name
    posting = qn(ProcedurePosting._meta.db_table)
    procedure = qn(Procedure._meta.db_table)
    unit = qn(Unit._meta.db_table)
    # Only table and column names from the models' _meta are formatted in; values are parameters.
    sql = (
        f"SELECT a.id, p.{qn('level')}, COUNT(DISTINCT pp.{qn('procedure_id')}) "  # noqa: S608
        f"FROM {posting} pp JOIN {procedure} p ON p.id = pp.{qn('procedure_id')} "
        f"JOIN {unit} u ON u.id = pp.{qn('unit_id')} "
        f"JOIN {unit} a ON u.{qn('path')} LIKE a.{qn('path')} || '%%' "
        f"WHERE a.{qn('path')} LIKE %s "
        f"AND (pp.{qn('posted_on')} IS NULL OR pp.{qn('posted_on')} <= %s) "
        f"GROUP BY a.id, p.{qn('level')}"
    )
    rows: dict[int, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"{root.path}%", period.end])
        for unit_id, level, count in cursor.fetchall():
            rows.setdefault(unit_id, {"unit_id": unit_id})[f"procedures_published.{level}"] = count
    return list(rows.values())


def par_rows(root: Unit, period: Period) -> list[dict[str, Any]]:
    """Each unit's own PAR index result for the period's year and its rank the year before (one
    query)."""
    from reform.models import ParResult

    year = period.end.year
    rows: dict[int, dict[str, Any]] = {}
    results = (
        _in_tree(ParResult.objects.filter(year__in=(year, year - 1)), root)
        .order_by()
        .values_list("unit_id", "year", "score", "rank", "ranked_units")
    )
    for unit_id, result_year, result_score, result_rank, ranked in results:
        row = rows.setdefault(unit_id, {"unit_id": unit_id})
        if result_year == year:
            row["par_index.score"] = float(result_score)
            row["par_index.rank"] = result_rank
            row["par_index.ranked_units"] = ranked
        else:
            row["par_index.previous_rank"] = result_rank
    return [row for row in rows.values() if "par_index.score" in row]
