"""The accountability report's aggregates as hand-written SQL: the floor of the report cases."""

from __future__ import annotations


def busiest_year() -> int:
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from training.models import Course

    row = (
        Course.objects.annotate(year=ExtractYear("start_date")).values("year")
        .annotate(n=Count("enrolments")).order_by("-n", "-year").first()
    )
    return row["year"]
