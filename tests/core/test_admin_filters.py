"""Admin sidebar filters are the FilterSets' own filters (core.admin_filters)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from inspections.casework.admin import LimitationExpiringFilter, OverdueActionFilter
from inspections.casework.filtersets import CorrectiveActionFilterSet, DisciplinaryCaseFilterSet
from inspections.models import CorrectiveAction, DisciplinaryCase
from training.admin import TurnFilter, YearFilter
from training.filtersets import EnrolmentFilterSet
from training.models import Enrolment

pytestmark = pytest.mark.django_db


def _sidebar(filter_class, model, params):
    request = RequestFactory().get("/admin/")
    chosen = filter_class(request, {k: [v] for k, v in params.items()}, model, None)
    return chosen.queryset(request, model.objects.all())


@pytest.mark.parametrize(
    ("filter_class", "model", "params", "filterset", "data"),
    [
        (TurnFilter, Enrolment, {"turn": "yes"}, EnrolmentFilterSet, {"turn": "true"}),
        (TurnFilter, Enrolment, {"turn": "no"}, EnrolmentFilterSet, {"turn": "false"}),
        (YearFilter, Enrolment, {"year": "2019"}, EnrolmentFilterSet, {"year": "2019"}),
        (
            OverdueActionFilter,
            CorrectiveAction,
            {"overdue": "yes"},
            CorrectiveActionFilterSet,
            {"overdue": "true"},
        ),
        (
            LimitationExpiringFilter,
            DisciplinaryCase,
            {"limitation_within": "90"},
            DisciplinaryCaseFilterSet,
            {"limitation_expiring_within": "90"},
        ),
    ],
)
def test_the_sidebar_runs_the_same_sql_as_the_api_filter(
    filter_class, model, params, filterset, data
):
    api = filterset(data=data, queryset=model.objects.all()).qs
    assert str(_sidebar(filter_class, model, params).query) == str(api.query)


def test_a_value_the_filterset_refuses_selects_nothing():
    assert _sidebar(YearFilter, Enrolment, {"year": "1850"}).query.is_empty()
    assert _sidebar(
        LimitationExpiringFilter, DisciplinaryCase, {"limitation_within": "x"}
    ).query.is_empty()


def test_titles_and_parameter_names_keep_the_admin_urls():
    assert (TurnFilter.parameter_name, YearFilter.parameter_name) == ("turn", "year")
    assert LimitationExpiringFilter.parameter_name == "limitation_within"
