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
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from staff.models import Staff, Unit
from training import rules
from training.models import Enrolment, TrainingRequirement

_HOURS = DecimalField(max_digits=9, decimal_places=2)


def staff_compliance(year: int, staff: QuerySet | None = None) -> QuerySet:
    """Staff employed during ``year`` annotated with required and done hours (see module doc)."""
    start, end = rules.year_bounds(year)
    qs = (Staff.objects.all() if staff is None else staff).employed_during(start, end)
    requirement = TrainingRequirement.objects.filter(year=year, category=OuterRef("category"))
    specific = requirement.filter(position=OuterRef("position")).exclude(position="").values("hours")[:1]
    generic = requirement.filter(position="").values("hours")[:1]
    turns = Enrolment.objects.turns().filter(staff=OuterRef("pk"), course__start_date__range=(start, end)).order_by()
    done = turns.values("staff").annotate(total=Sum("course__hours")).values("total")
    count = turns.values("staff").annotate(n=Count("pk")).values("n")
    return qs.annotate(
        required_hours=Coalesce(Subquery(specific, output_field=_HOURS), Subquery(generic, output_field=_HOURS)),
        done_hours=Coalesce(Subquery(done, output_field=_HOURS), Value(Decimal(0)), output_field=_HOURS),
        turns=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
    ).annotate(
        meets=Case(
            When(required_hours__isnull=True, then=Value(None)),
            When(done_hours__gte=F("required_hours"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(null=True),
        )
    )


def unit_compliance(year: int, root: Unit | None = None, staff: QuerySet | None = None) -> list[dict]:
    """Per unit of ``root``'s subtree (default: the whole tree): staff counted, met, rate.

    ``counted`` and ``met`` include the unit's whole subtree; ``own_counted``
    and ``own_met`` only the unit's own staff. Units are those in force at some
    point of the year; staff are grouped by their current unit.
    """
    start, end = rules.year_bounds(year)
    units = Unit.objects.active_during(start, end).select_related("parent").order_by("path")
    base = Staff.objects.all() if staff is None else staff
    if root is not None:
        units = units.filter(path__startswith=root.path)
        base = base.filter(unit__path__startswith=root.path)
    grouped = (
        staff_compliance(year, base)
        .filter(required_hours__isnull=False)
        .order_by()
        .values("unit__path")
        .annotate(counted=Count("pk"), met=Count("pk", filter=Q(done_hours__gte=F("required_hours"))))
    )
    per_path = {row["unit__path"]: (row["counted"], row["met"]) for row in grouped}
    rows = []
    for unit in units:
        counted = met = 0
        for path, (c, m) in per_path.items():
            if path.startswith(unit.path):
                counted += c
                met += m
        own = per_path.get(unit.path, (0, 0))
        rows.append(
            {
                "code": unit.code, "name": unit.name, "level": unit.level,
                "parent": unit.parent.code if unit.parent_id else None,
                "counted": counted, "met": met, "below": counted - met,
                "rate": rules.rate(met, counted),
                "own_counted": own[0], "own_met": own[1],
            }
        )
    return rows
