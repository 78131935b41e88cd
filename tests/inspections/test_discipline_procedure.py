"""Forms, exemptions, paths and effect periods as the texts say (issue 16, items 5-8)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from inspections.casework import rules, services
from inspections.models import DisciplinaryCase
from staff.choices import StaffCategory
from staff.models import Staff
from tests.factories import StaffFactory

D = dt.date

R1_CS = [
    rules.FormRule("khien_trach", "civil_servant", 1, 12, 6),
    rules.FormRule("canh_cao", "civil_servant", 2, 12, 6),
    rules.FormRule("ha_bac_luong", "civil_servant", 3, 12, 12, non_leaders_only=True),
    rules.FormRule("giang_chuc", "civil_servant", 4, 24, 12, leaders_only=True),
    rules.FormRule("cach_chuc", "civil_servant", 5, 24, 12, leaders_only=True),
    rules.FormRule("buoc_thoi_viec", "civil_servant", 6, 0, 0),
]
R2_CS = [f for f in R1_CS if f.form not in ("ha_bac_luong", "giang_chuc")]


# --- Pure rules ------------------------------------------------------------------


def test_new_violation_during_a_sanction_is_exactly_one_level_above():
    common = {
        "category": "civil_servant",
        "is_leader": False,
        "regime_code": "R1b",
        "running_level": 1,
    }
    assert rules.check_form(R1_CS, form="canh_cao", **common).form == "canh_cao"
    with pytest.raises(rules.RuleError):
        rules.check_form(
            R1_CS, form="ha_bac_luong", **common
        )  # two levels above: not "exactly one"
    with pytest.raises(rules.RuleError):
        rules.check_form(R1_CS, form="khien_trach", **common)


def test_one_level_above_the_new_violations_own_form_when_that_is_heavier():
    # Running khiển trách; the new violation alone warrants cảnh cáo: one above it is hạ bậc lương.
    assert (
        rules.required_level(
            R1_CS, category="civil_servant", is_leader=False, running_level=1, own_level=2
        )
        == 3
    )
    # Under R2 a civil servant who is not a leader goes from cảnh cáo straight to buộc thôi việc.
    assert (
        rules.required_level(R2_CS, category="civil_servant", is_leader=False, running_level=2) == 6
    )
    # A leader: from cảnh cáo to cách chức.
    assert (
        rules.required_level(R2_CS, category="civil_servant", is_leader=True, running_level=2) == 5
    )


def test_several_violations_decided_together_get_the_highest_form():
    assert rules.combined_level([1, 3, 2]) == 3


def test_paths_per_category_and_shortcut():
    # Cadres: self-review, then the decision; no council.
    assert rules.allowed_targets("self_review", needs_council=False)[0] == "decided"
    assert "council" not in rules.allowed_targets("self_review", needs_council=False)
    # Civil servants: the council, unless a shortcut the texts allow.
    assert "decided" not in rules.allowed_targets("opened")
    assert "council" in rules.allowed_targets("opened", shortcut="skip_self_review")
    assert "decided" in rules.allowed_targets("opened", shortcut="skip_both")
    assert "decided" in rules.allowed_targets("self_review", shortcut="skip_both")


def test_exemption_reason_must_be_one_the_regime_lists():
    rules.check_transition(
        "opened", "exempt", exemption_reason="deceased", regime_exemptions=["deceased"]
    )
    with pytest.raises(rules.RuleError) as err:
        rules.check_transition(
            "opened", "exempt", exemption_reason="deceased", regime_exemptions=["lost_capacity"]
        )
    assert err.value.field == "exemption_reason"


def test_effects_count_from_the_effective_date_or_the_party_decision():
    rule = rules.FormRule("canh_cao", "civil_servant", 2, 12, 6)
    start, why = rules.effect_start(decision_date=D(2024, 3, 1), effective_on=D(2024, 3, 15))
    assert rules.effect_end(D(2024, 3, 1), rule, start=start, why=why).value == D(2025, 3, 15)
    start, _why = rules.effect_start(
        decision_date=D(2025, 9, 1),
        effective_on=D(2025, 9, 1),
        party_decision_on=D(2025, 8, 10),
        form="canh_cao",
        from_party_decision=True,
    )
    assert start == D(2025, 8, 10)
    start, _why = rules.effect_start(
        decision_date=D(2025, 9, 1),
        party_decision_on=D(2025, 8, 10),
        form="buoc_thoi_viec",
        from_party_decision=True,
    )
    assert start == D(2025, 9, 1)


# --- Stored on cases -----------------------------------------------------------------


def person(tree, code, category, **extra):
    return StaffFactory(code=code, unit=tree["A"], category=category, **extra)


def open_case(staff, **facts):
    facts.setdefault("violation_date", D(2024, 1, 10))
    facts.setdefault("discovered_on", D(2024, 2, 1))
    facts.setdefault("severity", "minor")
    return services.case_open(staff=staff, **facts)


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2024, 6, 1, 9, 0), tick=False)
def test_a_cadre_goes_from_self_review_to_the_decision_without_a_council(tree):
    cadre = person(tree, "CB1", StaffCategory.CADRE)
    case = services.case_transition(case=open_case(cadre), to="self_review", on=D(2024, 2, 10))
    with pytest.raises(ValidationError) as err:
        services.case_transition(case=case, to="council", on=D(2024, 2, 20))
    assert "to" in err.value.message_dict
    decided = services.case_transition(
        case=case,
        to="decided",
        decision_form="khien_trach",
        decision_number="5/QĐ",
        decision_date=D(2024, 3, 1),
    )
    assert decided.status == "decided"


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2024, 6, 1, 9, 0), tick=False)
def test_party_discipline_lets_a_civil_servant_case_go_straight_to_the_decision_under_r1b(tree):
    cs = person(tree, "CC1", StaffCategory.CIVIL_SERVANT)
    case = open_case(cs)
    assert case.regime == "R1b"
    with pytest.raises(ValidationError):
        services.case_transition(
            case=case,
            to="decided",
            decision_form="khien_trach",
            decision_number="6/QĐ",
            decision_date=D(2024, 3, 1),
        )
    decided = services.case_transition(
        case=case,
        to="decided",
        shortcut_reason="party_discipline",
        decision_form="khien_trach",
        decision_number="6/QĐ",
        decision_date=D(2024, 3, 1),
    )
    assert decided.status == "decided" and decided.shortcut_reason == "party_discipline"


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2023, 6, 1, 9, 0), tick=False)
def test_r1a_has_no_recorded_shortcut(tree):
    cs = person(tree, "CC2", StaffCategory.CIVIL_SERVANT)
    case = open_case(cs, violation_date=D(2023, 1, 10), discovered_on=D(2023, 2, 1))
    with pytest.raises(ValidationError) as err:
        services.case_transition(
            case=case, to="council", shortcut_reason="admitted", on=D(2023, 2, 5)
        )
    assert "shortcut_reason" in err.value.message_dict


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2025, 12, 1, 9, 0), tick=False)
def test_r2_lists_six_exemptions_and_r1_three(tree):
    cs = person(tree, "CC3", StaffCategory.CIVIL_SERVANT)
    r2 = open_case(cs, violation_date=D(2025, 8, 1), discovered_on=D(2025, 9, 1))
    assert r2.regime_rule.exemption_reasons == [
        "lost_capacity",
        "superior_order",
        "force_majeure",
        "innovation",
        "objective_causes",
        "deceased",
    ]
    assert (
        services.case_transition(
            case=r2, to="exempt", exemption_reason="deceased", on=D(2025, 9, 5)
        ).status
        == "exempt"
    )
    r1 = open_case(cs, violation_date=D(2024, 8, 1), discovered_on=D(2024, 9, 1))
    with pytest.raises(ValidationError) as err:
        services.case_transition(
            case=r1, to="exempt", exemption_reason="deceased", on=D(2024, 9, 5)
        )
    assert "exemption_reason" in err.value.message_dict


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2024, 12, 1, 9, 0), tick=False)
def test_effect_period_counts_from_the_effective_date_and_sets_the_running_sanction(tree):
    cs = person(tree, "CC4", StaffCategory.CIVIL_SERVANT)
    case = services.case_transition(case=open_case(cs), to="self_review", on=D(2024, 2, 5))
    case = services.case_transition(case=case, to="council", on=D(2024, 2, 20))
    decided = services.case_transition(
        case=case,
        to="decided",
        decision_form="canh_cao",
        decision_number="7/QĐ",
        decision_date=D(2024, 3, 1),
        decision_effective_on=D(2024, 3, 15),
    )
    assert decided.decision_effective_on == D(2024, 3, 15)
    assert decided.effect_ends_on == D(2025, 3, 15)
    assert "15/03/2024" in decided.effect_explanation
    assert Staff.objects.get(pk=cs.pk).sanction_until == D(2025, 3, 15)
    # A violation between signing and taking effect is not one committed while the sanction ran.
    between = open_case(cs, violation_date=D(2024, 3, 10), discovered_on=D(2024, 4, 1))
    between = services.case_transition(
        case=between,
        to="decided",
        shortcut_reason="party_discipline",
        decision_form="khien_trach",
        decision_number="8/QĐ",
        decision_date=D(2024, 5, 1),
    )
    assert between.decision_form == "khien_trach"
    with pytest.raises(ValidationError) as err:
        services.case_transition(
            case=open_case(cs, violation_date=D(2024, 4, 1), discovered_on=D(2024, 5, 1)),
            to="decided",
            shortcut_reason="party_discipline",
            decision_form="khien_trach",
            decision_number="9/QĐ",
            decision_date=D(2024, 6, 1),
            decision_effective_on=D(2024, 5, 31),
        )
    assert "decision_effective_on" in err.value.message_dict
    assert DisciplinaryCase.objects.filter(staff=cs, status="decided").count() == 2
