"""Annual requirement compliance, computed in SQL.

``staff_compliance(year)`` annotates each staff member employed during the
year with ``required_hours`` (the requirement row for the year and category,
a row for the person's exact position taking precedence), ``done_hours`` (the
hours of their turns in courses starting that year), ``turns`` and ``meets``
(``None`` when no requirement applies: the person is not counted).
``unit_compliance`` rolls the counts up the unit tree: one grouped query, the
roll-up over unit paths in Python (a few hundred units at most).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from core.dates import year_period
from staff.models import Staff, Unit, in_subtree
from training import rules
from training.models import TrainingRequirement

_HOURS = DecimalField(max_digits=9, decimal_places=2)


def _with_requirement(qs: QuerySet, year: int) -> QuerySet:
    requirement = TrainingRequirement.objects.filter(year=year, category=OuterRef("category"))
    specific = (
        requirement.filter(position=OuterRef("position")).exclude(position="").values("hours")[:1]
    )
    generic = requirement.filter(position="").values("hours")[:1]
    return qs.annotate(
        required_hours=Coalesce(
            Subquery(specific, output_field=_HOURS), Subquery(generic, output_field=_HOURS)
        )
    )


def staff_compliance(year: int, staff: QuerySet | None = None) -> QuerySet:
    """Staff employed during ``year`` annotated with required and done hours (see module doc).

    Done hours and turns are one join and GROUP BY over the person's
    enrolments (correlated subqueries were repeated for every reference and
    took 20 s for 50,000 people on PostgreSQL).
    """
    start, end = year_period(year)
    qs = (Staff.objects.all() if staff is None else staff).employed_during(start, end)
    turn = Q(
        enrolments__status__in=sorted(rules.TURN_STATUSES),
        enrolments__course__start_date__range=(start, end),
    )
    return (
        _with_requirement(qs, year)
        .annotate(
            done_hours=Coalesce(
                Sum("enrolments__course__hours", filter=turn),
                Value(Decimal(0)),
                output_field=_HOURS,
            ),
            turns=Count("enrolments", filter=turn),
        )
        .annotate(
            meets=Case(
                When(required_hours__isnull=True, then=Value(None)),
                When(done_hours__gte=F("required_hours"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(null=True),
            )
        )
    )


def unit_compliance(
    year: int, root: Unit | None = None, staff: QuerySet | None = None
) -> list[dict]:
    """Per unit of ``root``'s subtree (default: the whole tree): staff counted, met, rate.

    ``counted`` and ``met`` include the unit's whole subtree; ``own_counted``
    and ``own_met`` only the unit's own staff. Units are those in force at some
    point of the year; staff are grouped by their current unit. Two grouped
    queries: people with a requirement per unit, and those of them who met it.
    """
    start, end = year_period(year)
    units = Unit.objects.active_during(start, end).select_related("parent").order_by("path")
    base = Staff.objects.all() if staff is None else staff
    if root is not None:
        units = units.filter(in_subtree(root))
        base = base.filter(in_subtree(root, "unit"))
    counted_rows = (
        _with_requirement(base.employed_during(start, end), year)
        .filter(required_hours__isnull=False)
        .order_by()
        .values_list("unit__path")
        .annotate(n=Count("pk"))
    )
    met_ids = staff_compliance(year, base).filter(meets=True).order_by().values("pk")
    met_rows = (
        Staff.objects.filter(pk__in=met_ids)
        .order_by()
        .values_list("unit__path")
        .annotate(n=Count("pk"))
    )
    counted_by_path = dict(counted_rows)
    met_by_path = dict(met_rows)
    rows = []
    for unit in units:
        counted = sum(n for path, n in counted_by_path.items() if path.startswith(unit.path))
        met = sum(n for path, n in met_by_path.items() if path.startswith(unit.path))
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "level": unit.level,
                "parent": unit.parent.code if unit.parent_id else None,
                "counted": counted,
                "met": met,
                "below": counted - met,
                "rate": rules.rate(met, counted),
                "own_counted": counted_by_path.get(unit.path, 0),
                "own_met": met_by_path.get(unit.path, 0),
            }
        )
    return rows
