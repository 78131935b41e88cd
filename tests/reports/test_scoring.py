"""The scoring methodology: pure arithmetic (with hypothesis) and the dated rows that choose it."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import frames, scoring
from reports.frames import Period
from reports.scoring import DEFAULT_METHODOLOGIES, Component, Methodology, score_units

CURRENT = DEFAULT_METHODOLOGIES[-1]
# Run on a machine shared by many test runs: a slow draw is the machine, not the strategy.
SHARED_MACHINE = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
COUNTS = st.integers(min_value=0, max_value=500)


def _metrics(values: dict[str, float]) -> dict[str, np.ndarray]:
    """One unit's metrics, every count of the report present (zero unless given), rates derived."""
    metrics = {c: np.array([float(values.get(c, 0))]) for c in frames.COUNT_COLUMNS}
    metrics.update(frames._rate_arrays(metrics.__getitem__))
    return metrics


@st.composite
def unit_figures(draw):
    figures = {}
    for done, due in (
        ("inspections_concluded", "inspections"),
        ("corrective_actions_on_time", "corrective_actions_due"),
        ("discipline_handled_on_time", "discipline_due"),
        ("feedback_resolved_on_time", "feedback_due"),
        ("training_requirement_met", "training_required_staff"),
    ):
        total = draw(COUNTS)
        figures[due] = total
        figures[done] = draw(st.integers(min_value=0, max_value=total))
    figures["findings"] = draw(COUNTS)
    figures["discipline_cases"] = draw(COUNTS)
    figures["staff_count"] = draw(COUNTS)
    return figures


@SHARED_MACHINE
@given(
    unit_figures(), st.integers(min_value=1, max_value=200), st.sampled_from(DEFAULT_METHODOLOGIES)
)
def test_more_findings_handled_on_time_never_lowers_the_score(figures, more, method):
    """More of its findings' actions done on time (of the same actions due, or more actions all done
    on time): the unit's score is never lower."""
    due, done = figures["corrective_actions_due"], figures["corrective_actions_on_time"]
    same_due = {**figures, "corrective_actions_on_time": min(due, done + more)}
    more_done = {
        **figures,
        "corrective_actions_due": due + more,
        "corrective_actions_on_time": done + more,
    }
    before = score_units(_metrics(figures), method, 1).score[0]
    for after_figures in (same_due, more_done):
        after = score_units(_metrics(after_figures), method, 1).score[0]
        if not np.isnan(before):
            assert after >= before, (figures, after_figures)
    assert not np.isnan(score_units(_metrics(more_done), method, 1).score[0])


@SHARED_MACHINE
@given(unit_figures(), st.integers(min_value=1, max_value=200))
def test_more_findings_or_cases_found_never_lower_the_score(figures, more):
    """Finding more, or opening more cases, is not punished: only handling them in time counts."""
    before = score_units(_metrics(figures), CURRENT, 1).score[0]
    after = score_units(
        _metrics(
            {
                **figures,
                "findings": figures["findings"] + more,
                "discipline_cases": figures["discipline_cases"] + more,
            }
        ),
        CURRENT,
        1,
    ).score[0]
    assert (np.isnan(before) and np.isnan(after)) or after == before


@SHARED_MACHINE
@given(unit_figures())
def test_points_add_up_to_the_score_and_stay_within_100(figures):
    result = score_units(_metrics(figures), CURRENT, 1)
    points = [p[0] for p in result.points.values() if not np.isnan(p[0])]
    if np.isnan(result.score[0]):
        assert points == []
    else:
        assert 0 <= result.score[0] <= 100
        assert sum(points) == pytest.approx(result.score[0], abs=0.01 * len(points))


def test_missing_service_metrics_are_left_out_and_weights_rescaled():
    metrics = _metrics({"corrective_actions_due": 4, "corrective_actions_on_time": 4})
    result = score_units(metrics, CURRENT, 1)
    # The service-delivery metrics exist (reform) but rest on no dossier: left out for this unit.
    assert result.missing == ()
    assert result.score[0] == 100.0
    assert result.points["actions_on_time"][0] == 100.0
    assert np.isnan(result.points["dossiers_on_time"][0])


def test_service_metrics_score_once_present():
    metrics = _metrics({"corrective_actions_due": 4, "corrective_actions_on_time": 4})
    metrics.update(
        {
            "dossiers_on_time_rate": np.array([0.5]),
            "dossiers_resolved": np.array([10.0]),
            "dossiers_received": np.array([10.0]),
            "dossiers_online": np.array([5.0]),
            "dossiers_overdue": np.array([5.0]),
            "dossiers_apologies_issued": np.array([5.0]),
        }
    )
    result = score_units(metrics, CURRENT, 1)
    assert result.missing == ()
    # actions 1.0 x 20, dossiers 0.5 x 15, online 0.5 x 10, apologies 1.0 x 5 out of 50
    assert result.score[0] == pytest.approx(100 * (20 + 7.5 + 5 + 5) / 50)


def test_a_component_below_its_minimum_sample_is_left_out():
    method = Methodology(
        code="t",
        name="t",
        valid_from=dt.date(2000, 1, 1),
        source_document="t",
        components=(
            Component(
                key="a",
                name="a",
                formula="corrective_actions_on_time / corrective_actions_due",
                sample="corrective_actions_due",
                weight=1,
                min_sample=5,
            ),
            Component(
                key="f",
                name="f",
                formula="feedback_resolved_on_time / feedback_due",
                sample="feedback_due",
                weight=1,
            ),
        ),
    )
    metrics = _metrics(
        {"corrective_actions_due": 4, "feedback_due": 2, "feedback_resolved_on_time": 1}
    )
    assert score_units(metrics, method, 1).score[0] == 50.0


def test_formulas_are_arithmetic_over_names_only():
    assert scoring.parse("dossiers_by_scope.electronic.received / dossiers_received")[1] == {
        "dossiers_by_scope.electronic.received",
        "dossiers_received",
    }
    for bad in ("open('x')", "a if b else c", "x[0]", "'text'", "2 ** 3", "1 + 1"):
        with pytest.raises(scoring.FormulaError):
            scoring.parse(bad)


def test_default_methodologies_differ_by_date():
    assert scoring.default_methodology(dt.date(2019, 12, 31)).code == "cv-2017"
    assert scoring.default_methodology(dt.date(2026, 12, 31)).code == "cv-2022"
    assert scoring.default_methodology(dt.date(1995, 1, 1)).code == "cv-2017"


@pytest.mark.django_db
def test_stored_methodology_of_the_year_is_used_and_editable():
    from reports.models import ScoringComponent, ScoringMethodology, methodology_for

    assert methodology_for(dt.date(2019, 12, 31)).code == "cv-2017"  # the migration's rows
    assert methodology_for(dt.date(2026, 12, 31)).code == "cv-2022"
    method = ScoringMethodology.objects.create(
        code="p-2025",
        name="Tỉnh 2025",
        valid_from=dt.date(2025, 1, 1),
        source_document="Quyết định 1/QĐ-UBND",
        min_staff=3,
    )
    ScoringComponent.objects.create(
        methodology=method,
        key="feedback",
        name="Phản ánh",
        formula="feedback_resolved_on_time / feedback_due",
        sample="feedback_due",
        weight=1,
    )
    chosen = methodology_for(dt.date(2026, 12, 31))
    assert (
        chosen.code == "p-2025"
        and chosen.min_staff == 3
        and [c.key for c in chosen.components] == ["feedback"]
    )
    assert methodology_for(dt.date(2024, 12, 31)).code == "cv-2022"


@pytest.mark.django_db
def test_bad_formula_is_a_field_error():
    from django.core.exceptions import ValidationError

    from reports.models import ScoringComponent, ScoringMethodology

    component = ScoringComponent(
        methodology=ScoringMethodology.objects.first(),
        key="x",
        name="x",
        formula="__import__('os')",
        sample="feedback_due",
        weight=1,
    )
    with pytest.raises(ValidationError) as raised:
        component.full_clean()
    assert "formula" in raised.value.message_dict


def test_period_end_picks_the_methodology():
    assert Period.year(2019).end == dt.date(2019, 12, 31)
