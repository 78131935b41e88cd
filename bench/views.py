"""Bare views: the floor of the list API case (see ``bench/cases/api_list.py``).

The same rows the enrolment list returns for ``?unit=&status=&year=&page=``,
in the same order, with the same fields, read with ``.values()`` and dumped
with orjson: no DRF, no serializer, no FilterSet. It still checks the user and
applies the unit scope, since a real view cannot skip them.
"""

from __future__ import annotations

import datetime as dt
import decimal

import orjson
from django.http import HttpResponse, JsonResponse

from staff.access import restrict

PAGE_SIZE = 50
# Output name -> lookup, the fields of training.api.EnrolmentSerializer.
FIELDS = {
    "id": "id",
    "course": "course__code",
    "course_title": "course__title",
    "staff": "staff__code",
    "staff_name": "staff__full_name",
    "unit": "unit__code",
    "status": "status",
    "hours": "course__hours",
    "result": "result",
    "score": "score",
    "completed_on": "completed_on",
    "certificate_number": "certificate_number",
    "certificate_issued_on": "certificate_issued_on",
    "sanction_override": "sanction_override",
    "override_reason": "override_reason",
    "note": "note",
}
TURN_STATUSES = ("attended", "completed")


def _default(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError


def enrolments_floor(request) -> HttpResponse:
    from staff.models import Unit
    from training.api import EnrolmentViewSet
    from training.models import Enrolment

    if not request.user.is_authenticated:
        return JsonResponse({"detail": "authentication required"}, status=401)
    qs = restrict(Enrolment.objects.all(), request.user, "view")
    code = request.GET.get("unit")
    if code:
        unit = Unit.objects.filter(code=code).only("path").first()
        if unit is None:
            qs = qs.none()
        else:
            qs = qs.filter(unit__path__startswith=unit.path)
    if request.GET.get("status"):
        qs = qs.filter(status__in=request.GET.getlist("status"))
    if request.GET.get("year"):
        year = int(request.GET["year"])
        qs = qs.filter(course__start_date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    page = int(request.GET.get("page", 1))
    count = qs.count()
    offset = (page - 1) * PAGE_SIZE
    page_rows = qs.order_by(*EnrolmentViewSet.ordering).values(*FIELDS.values())[
        offset : offset + PAGE_SIZE
    ]
    # Renamed in Python: .values(course=F("course__code")) would clash with the field names.
    rows = [{name: values[lookup] for name, lookup in FIELDS.items()} for values in page_rows]
    for row in rows:
        row["is_turn"] = row["status"] in TURN_STATUSES
    body = orjson.dumps({"count": count, "results": rows}, default=_default)
    return HttpResponse(body, content_type="application/json")
