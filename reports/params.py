"""Report parameters: validation (400 with field messages) and scope (404 outside it).

Shared by the API, the HTML page and, for the period, the command. The unit
is resolved among the units the user may see (``staff.access``), so a unit
head asking for another unit's report gets 404, exactly as for any record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.dates import MAX_YEAR, MIN_YEAR
from reports.frames import Period
from reports.report import top_unit
from staff.access import scope_of, visible_units
from staff.models import Unit

MAX_SPAN_DAYS = 366 * 5


class ReportParamsSerializer(serializers.Serializer):
    """``year=YYYY`` or ``start=``/``end=`` (ISO or dd/mm/yyyy); ``unit=CODE``; ``lang=vi|en``."""

    year = serializers.IntegerField(
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        help_text=_("Calendar year of the report (default: the current year)."),
    )
    start = serializers.DateField(
        required=False, help_text=_("First day of the period, instead of a year.")
    )
    end = serializers.DateField(required=False, help_text=_("Last day of the period, with start."))
    unit = serializers.CharField(
        required=False,
        max_length=40,
        help_text=_("Code of the root unit (default: the top of your scope)."),
    )
    lang = serializers.ChoiceField(
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
        required=False,
        help_text=_(
            "Language of the workbook (default: the request's language); CSV columns are "
            "always the metric names."
        ),
    )

    def validate(self, attrs):
        year, start, end = attrs.get("year"), attrs.get("start"), attrs.get("end")
        if year is not None and (start or end):
            raise serializers.ValidationError(
                {"year": [_("Give either a year or a start and an end date, not both.")]}
            )
        if (start is None) != (end is None):
            missing = "end" if end is None else "start"
            raise serializers.ValidationError(
                {missing: [_("Give both the start and the end of the period.")]}
            )
        if start and end:
            if end < start:
                raise serializers.ValidationError(
                    {"end": [_("The end of the period is before its start.")]}
                )
            if (end - start).days > MAX_SPAN_DAYS:
                raise serializers.ValidationError(
                    {"end": [_("A report covers at most five years.")]}
                )
            if start.year < MIN_YEAR or end.year > MAX_YEAR:
                raise serializers.ValidationError(
                    {"start": [_("The period is outside the years the system covers.")]}
                )
        return attrs


@dataclass(frozen=True)
class ReportRequest:
    root: Unit
    period: Period
    lang: str | None


def period_from(attrs: dict, today: dt.date | None = None) -> Period:
    if attrs.get("start"):
        return Period(attrs["start"], attrs["end"])
    return Period.year(attrs.get("year") or (today or timezone.localdate()).year)


def root_for(user, code: str | None) -> Unit:
    """The requested unit if the user may see it (else 404), or the top of the user's scope."""
    if code:
        unit = visible_units(user).filter(code=code.strip()).first()
        if unit is None:
            raise Http404
        return unit
    scope = scope_of(user)
    if scope.nothing:
        raise Http404
    unit = scope.root or top_unit()
    if unit is None:
        raise Http404
    return unit


def resolve(user, data) -> ReportRequest:
    """Validate query parameters (raises ValidationError -> 400) and resolve the root unit (404)."""
    serializer = ReportParamsSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    attrs = serializer.validated_data
    return ReportRequest(
        root=root_for(user, attrs.get("unit")), period=period_from(attrs), lang=attrs.get("lang")
    )
