"""Filters shared by every app's FilterSets."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import MAX_YEAR, MIN_YEAR, year_period


class YearFilter(filters.NumberFilter):
    """``?year=2019`` on a date column: rows whose date falls in that calendar year.

    Only whole years in a plausible range are accepted (anything else is a 400,
    never a date overflow), and the filter is a range so the column's index is used.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, date_field: str = "start_date", **kwargs):
        self.date_field = date_field
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.date_field}__range": year_period(int(value))})


class MultipleChoiceFilter(filters.MultipleChoiceFilter):
    """``?status=a&status=b`` on a column of the row or of a forward relation.

    django-filter adds DISTINCT by default, which makes the paginator's COUNT
    wrap the whole query (60 ms instead of 4 on 500,000 enrolments); such a
    filter cannot duplicate rows, so no DISTINCT.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)
