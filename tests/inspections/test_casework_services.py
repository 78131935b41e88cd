"""Discipline services on the real database: stored deadlines, decisions, effects, history."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from inspections.casework import services
from inspections.models import DisciplinaryCase, DisciplineRegime, Finding
from staff.choices import StaffCategory
from staff.models import Staff
from tests.factories import StaffFactory
from tests.inspections.casework_factories import CorrectiveActionFactory, FindingFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def civil_servant(tree):
    return StaffFactory(code="CS1", unit=tree["A"], category=StaffCategory.CIVIL_SERVANT)


def open_case(staff, **facts):
    facts.setdefault("violation_date", D(2023, 1, 10))
    facts.setdefault("discovered_on", D(2023, 3, 1))
    facts.setdefault("severity", "minor")
    return services.case_open(staff=staff, **facts)


def walk_to_council(case, on):
    for to in ("self_review", "council"):
        case = services.case_transition(case=case, to=to, on=on)
    return case


def test_catalogue_is_loaded_by_migration_and_reloading_changes_nothing():
    assert DisciplineRegime.objects.filter(code="R1a").count() == 2
    assert DisciplineRegime.objects.filter(code="R1b").count() == 2
    assert services.catalogue_load() == {"regimes": 0, "forms": 0, "categories": 0}


@time_machine.travel(dt.datetime(2023, 4, 1, 9, 0), tick=False)
def test_opening_stores_regime_deadlines_and_explanations(civil_servant):
    case = open_case(civil_servant)
    case.refresh_from_db()
    assert case.regime == "R1a"
    assert case.unit.code == "A"
    assert case.opened_on == D(2023, 3, 1)
    assert case.statute_deadline == D(2025, 1, 10)
    assert case.handling_deadline == D(2023, 5, 30)
    assert "10/01/2023" in case.statute_explanation
    assert "90" in case.handling_explanation
    assert case.steps.get().to_status == "opened"


@time_machine.travel(dt.datetime(2019, 6, 1, 9, 0), tick=False)
def test_r0_case_discovered_before_july_2020(civil_servant):
    case = open_case(
        civil_servant,
        violation_date=D(2019, 1, 31),
        discovered_on=D(2019, 3, 31),
        severity="serious",
    )
    assert case.regime == "R0"
    # 31/01/2021 is a Sunday: moved to Monday 01/02/2021 (Civil Code art. 148 cl. 5).
    assert case.statute_deadline == D(2021, 2, 1)
    assert case.handling_deadline == D(2019, 5, 31)


@time_machine.travel(dt.datetime(2024, 1, 1, 9, 0), tick=False)
def test_contract_staff_has_no_regime_and_gets_a_field_error(tree):
    staff = StaffFactory(code="HD1", unit=tree["A"], category=StaffCategory.CONTRACT)
    with pytest.raises(ValidationError) as err:
        open_case(staff)
    assert "discovered_on" in err.value.message_dict


@time_machine.travel(dt.datetime(2023, 6, 1, 9, 0), tick=False)
def test_decision_flags_the_staff_member_until_the_effects_end(civil_servant):
    case = walk_to_council(open_case(civil_servant), D(2023, 4, 10))
    case = services.case_transition(
        case=case,
        to="decided",
        decision_form="canh_cao",
        decision_number="12/QĐ-UBND",
        decision_date=D(2023, 5, 15),
        decision_signer="Chủ tịch UBND",
    )
    assert case.effect_ends_on == D(2024, 5, 15)
    assert case.salary_delay_months == 6
    civil_servant.refresh_from_db()
    assert civil_servant.sanction_until == D(2024, 5, 15)
    assert civil_servant.is_sanctioned
    with time_machine.travel(dt.datetime(2024, 5, 15, 12, 0), tick=False):
        assert Staff.objects.get(pk=civil_servant.pk).is_sanctioned
    with time_machine.travel(dt.datetime(2024, 5, 16, 12, 0), tick=False):
        assert not Staff.objects.get(pk=civil_servant.pk).is_sanctioned
        assert not Staff.objects.sanctioned_on(D(2024, 5, 16)).filter(pk=civil_servant.pk).exists()
    assert list(case.steps.values_list("to_status", flat=True)) == [
        "opened",
        "self_review",
        "council",
        "decided",
    ]


@time_machine.travel(dt.datetime(2025, 7, 2, 9, 0), tick=False)
@pytest.mark.parametrize(("decided_on", "ok"), [(D(2025, 6, 30), True), (D(2025, 7, 1), False)])
def test_salary_reduction_checked_against_the_regime_on_the_decision_date(
    civil_servant, decided_on, ok
):
    case = walk_to_council(
        open_case(civil_servant, violation_date=D(2025, 4, 1), discovered_on=D(2025, 5, 1)),
        D(2025, 6, 1),
    )
    kwargs = {
        "case": case,
        "to": "decided",
        "decision_form": "ha_bac_luong",
        "decision_number": "1/QĐ",
        "decision_date": decided_on,
    }
    if ok:
        assert services.case_transition(**kwargs).decision_form == "ha_bac_luong"
    else:
        with pytest.raises(ValidationError) as err:
            services.case_transition(**kwargs)
        assert "decision_form" in err.value.message_dict
        assert DisciplinaryCase.objects.get(pk=case.pk).status == "council"


@time_machine.travel(dt.datetime(2025, 3, 1, 9, 0), tick=False)
def test_decision_after_the_statute_of_limitations_is_refused(civil_servant):
    # Discovered under R1a (before 20/09/2023): two years for a minor violation.
    case = walk_to_council(
        open_case(civil_servant, violation_date=D(2022, 1, 15), discovered_on=D(2023, 9, 1)),
        D(2023, 9, 10),
    )
    assert case.regime == "R1a"
    assert case.statute_deadline == D(2024, 1, 15)
    with pytest.raises(ValidationError) as err:
        services.case_transition(
            case=case,
            to="decided",
            decision_form="khien_trach",
            decision_number="2/QĐ",
            decision_date=D(2024, 1, 16),
        )
    assert "decision_date" in err.value.message_dict


@time_machine.travel(dt.datetime(2023, 9, 1, 9, 0), tick=False)
def test_deferral_period_is_not_counted_and_case_resumes_where_it_was(civil_servant):
    case = services.case_transition(
        case=open_case(civil_servant), to="self_review", on=D(2023, 3, 10)
    )
    case = services.case_transition(
        case=case, to="postponed", deferral_reason="illness", on=D(2023, 4, 1), note="nằm viện"
    )
    assert case.handling_deadline is None
    assert DisciplinaryCase.objects.overdue(D(2023, 9, 1)).filter(pk=case.pk).count() == 0
    case = services.case_transition(case=case, to="self_review", on=D(2023, 5, 1))
    assert case.suspended_days == 30
    assert case.handling_deadline == D(2023, 6, 29)


@time_machine.travel(dt.datetime(2023, 4, 1, 9, 0), tick=False)
def test_extension_is_recorded_and_bounded(civil_servant):
    case = open_case(civil_servant)
    case = services.case_extend(case=case, days=60, reason="Vụ việc phức tạp")
    assert case.handling_deadline == D(2023, 7, 31)  # 29/07/2023 is a Saturday
    assert case.extended_on == D(2023, 4, 1)
    assert "Vụ việc phức tạp" in case.handling_explanation
    with pytest.raises(ValidationError) as err:
        services.case_extend(case=case, days=61, reason="x")
    assert "days" in err.value.message_dict


@time_machine.travel(dt.datetime(2024, 6, 1, 9, 0), tick=False)
def test_second_violation_during_a_running_sanction_needs_a_higher_form(civil_servant):
    first = walk_to_council(open_case(civil_servant), D(2023, 3, 20))
    services.case_transition(
        case=first,
        to="decided",
        decision_form="canh_cao",
        decision_number="1",
        decision_date=D(2023, 4, 1),
    )
    second = walk_to_council(
        open_case(civil_servant, violation_date=D(2023, 10, 1), discovered_on=D(2023, 11, 1)),
        D(2023, 11, 20),
    )
    with pytest.raises(ValidationError):
        services.case_transition(
            case=second,
            to="decided",
            decision_form="canh_cao",
            decision_number="2",
            decision_date=D(2023, 12, 1),
        )
    decided = services.case_transition(
        case=second,
        to="decided",
        decision_form="ha_bac_luong",
        decision_number="2",
        decision_date=D(2023, 12, 1),
    )
    assert decided.effect_ends_on == D(2024, 12, 1)


@time_machine.travel(dt.datetime(2023, 6, 1, 9, 0), tick=False)
def test_overdue_and_expiring_querysets(civil_servant):
    late = open_case(civil_servant, violation_date=D(2021, 7, 1), discovered_on=D(2023, 1, 2))
    # Another person: a new violation of the same person would restart the first one's statute.
    other = StaffFactory(code="CS2", unit=civil_servant.unit, category=StaffCategory.CIVIL_SERVANT)
    fresh = open_case(other, violation_date=D(2023, 5, 1), discovered_on=D(2023, 5, 20))
    overdue = set(DisciplinaryCase.objects.overdue(D(2023, 6, 1)).values_list("pk", flat=True))
    assert overdue == {late.pk}
    expiring = set(
        DisciplinaryCase.objects.limitation_expiring(D(2023, 6, 1), 32).values_list("pk", flat=True)
    )
    assert expiring == {late.pk}  # statute ends Saturday 01/07/2023, moved to Monday 03/07/2023
    assert fresh.pk not in expiring


@time_machine.travel(dt.datetime(2019, 6, 1, 9, 0), tick=False)
def test_history_rows_are_written_on_change(tree):
    finding = FindingFactory(inspection__unit=tree["A"])
    action = CorrectiveActionFactory(finding=finding)
    assert finding.history.count() == 1
    finding.severity = "serious"
    finding.save()
    assert finding.history.count() == 2
    assert finding.history.first().diff_against(finding.history.last()).changed_fields == [
        "severity"
    ]
    services.action_report_progress(action=action, note="Đã niêm yết", done_on=D(2019, 5, 1))
    assert action.history.count() == 2
    assert Finding.history.filter(id=finding.pk).count() == 2


@time_machine.travel(dt.datetime(2019, 6, 1, 9, 0), tick=False)
def test_verify_needs_a_done_action(tree):
    action = CorrectiveActionFactory(finding=FindingFactory(inspection__unit=tree["A"]))
    with pytest.raises(ValidationError):
        services.action_verify(action=action)
    services.action_report_progress(action=action, note="xong", done_on=D(2019, 5, 2))
    assert services.action_verify(action=action).status == "verified"


@time_machine.travel(dt.datetime(2023, 9, 1, 9, 0), tick=False)
def test_a_decision_after_the_handling_deadline_stays_overdue(civil_servant):
    case = walk_to_council(open_case(civil_servant), D(2023, 5, 1))
    assert case.handling_deadline == D(2023, 5, 30)
    case = services.case_transition(
        case=case,
        to="decided",
        decision_form="khien_trach",
        decision_number="9",
        decision_date=D(2023, 6, 2),
    )
    assert case.is_overdue(D(2023, 9, 1))
    assert DisciplinaryCase.objects.overdue(D(2023, 9, 1)).filter(pk=case.pk).exists()


@time_machine.travel(dt.datetime(2024, 3, 1, 9, 0), tick=False)
def test_working_day_regime_uses_the_holiday_calendar(civil_servant):
    from core.models import CalendarDay

    DisciplineRegime.objects.filter(key="R1b-cadre-cs").update(
        handling_period=5, handling_working_days=True
    )
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=D(2024, 2, d), name="Tết") for d in range(8, 15)]
    )
    case = open_case(civil_servant, violation_date=D(2024, 1, 20), discovered_on=D(2024, 2, 2))
    assert case.handling_deadline == D(2024, 2, 16)
    assert "ngày làm việc" in case.handling_explanation
