"""The range of dates the application accepts, in one place.

A date typed as year 1 or 9999 is a typo, and such dates break arithmetic
further on (a deadline one year later does not exist after 9999; the
admin's date drill-down adds a year to the one asked for). Every date field
of our own apps refuses dates outside ``MIN_DATE``..``MAX_DATE`` with a
field message: ``bound_date_fields`` (called once at start-up by
``CoreConfig.ready``) adds ``validate_date_in_range`` to their validators, so
model validation (admin forms, ``full_clean`` in services) and the API's
serializers (DRF copies a model field's validators) all check it; the
admin refuses drill-down parameters (``?start_date__year=9999``) outside
the same range with a 400.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
# The one year bound: every year a user can type (filters, reports, compliance) lies in it.
MIN_YEAR = MIN_DATE.year
MAX_YEAR = MAX_DATE.year


def _project_apps() -> set[str]:
    """Labels of this project's own apps (their code lives under ``BASE_DIR``); third-party ones
    keep their rules."""
    from django.apps import apps
    from django.conf import settings

    base = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and not {".venv", "venv", "site-packages"} & set(Path(config.path).parts)
    }


def date_in_range(value: dt.date) -> bool:
    return MIN_DATE <= value <= MAX_DATE


def validate_date_in_range(value) -> None:
    """Refuse a date before ``MIN_DATE`` or after ``MAX_DATE``."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if isinstance(day, dt.date) and not date_in_range(day):
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s."),
            code="date_out_of_range",
            params={
                "min": date_format(MIN_DATE, "SHORT_DATE_FORMAT"),
                "max": date_format(MAX_DATE, "SHORT_DATE_FORMAT"),
            },
        )


def year_in_range(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def year_period(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar year: the one home of "the year 2019" as a date range."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def bound_date_fields(models_: list[type[models.Model]]) -> None:
    """Give every ``DateField`` (not ``DateTimeField``) of ``models_`` from our own apps the range
    validator.

    Done on the field's ``default_validators`` (not its ``validators``
    argument), so migrations do not see a change.
    """
    ours = _project_apps()
    for model in models_:
        if model._meta.app_label not in ours:
            continue
        for field in model._meta.local_fields:
            if not isinstance(field, models.DateField) or isinstance(field, models.DateTimeField):
                continue
            if validate_date_in_range in field.default_validators:
                continue
            field.default_validators = [*field.default_validators, validate_date_in_range]
            field.__dict__.pop("validators", None)  # cached_property, recomputed with the new list
