"""The statute of limitations as it was on each date (issue 16, items 1-4 and 9).

R1 splits on 20/09/2023 (Decree 71/2023 amending Decree 112/2020): 2/5 years
before, 5/10 years from that day. Violations committed before the split and
not yet time-barred on it take the new statute; those already barred stay
barred. Deadlines that end on a weekend or holiday move to the next working
day (Civil Code 2015 art. 148 cl. 5).
"""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from core.workdays import Calendar
from inspections.casework import rules, services
from inspections.models import DisciplinaryCase, DisciplineRegime
from staff.choices import StaffCategory
from tests.factories import StaffFactory

D = dt.date

R1A = rules.RegimeRule(
    key="R1a-cadre-cs",
    code="R1a",
    categories=frozenset({"cadre", "civil_servant"}),
    valid_from=D(2020, 7, 1),
    valid_until=D(2023, 9, 19),
    statute_months_minor=24,
    statute_months_other=60,
    handling_period=90,
    handling_period_complex=150,
    handling_unit="days",
    shift_to_working_day=True,
)
R1B = rules.RegimeRule(
    key="R1b-cadre-cs",
    code="R1b",
    categories=frozenset({"cadre", "civil_servant"}),
    valid_from=D(2023, 9, 20),
    valid_until=D(2025, 6, 30),
    statute_months_minor=60,
    statute_months_other=120,
    handling_period=90,
    handling_period_complex=150,
    handling_unit="days",
    prior_violations="unless_barred",
    shift_to_working_day=True,
)


def statute(regime=R1B, **facts):
    facts.setdefault("severity", "minor")
    facts.setdefault("discovered_on", D(2024, 3, 1))
    return rules.statute_deadline(regime, previous=R1A, **facts)


# --- Pure rules ------------------------------------------------------------------


def test_r1a_and_r1b_split_on_20_september_2023():
    assert rules.pick_regime([R1A, R1B], "civil_servant", D(2023, 9, 19)).code == "R1a"
    assert rules.pick_regime([R1A, R1B], "civil_servant", D(2023, 9, 20)).code == "R1b"


def test_violation_discovered_in_2024_gets_five_and_ten_years():
    minor = statute(violation_date=D(2024, 1, 15))
    serious = statute(violation_date=D(2024, 1, 15), severity="serious")
    assert minor.value == D(2029, 1, 15)
    assert serious.value == D(2034, 1, 16)  # 15/01/2034 is a Sunday


def test_violation_before_the_split_not_yet_barred_takes_the_new_statute():
    # Two years from 15/01/2022 end on 15/01/2024, after 20/09/2023: still open on the day R1b
    # began.
    result = statute(violation_date=D(2022, 1, 15))
    assert result.value == D(2027, 1, 15)
    assert "15/01/2024" in result.explanation and "20/09/2023" in result.explanation


def test_violation_already_barred_before_the_split_is_not_revived():
    # Two years from 01/03/2021 ended on 01/03/2023, before 20/09/2023.
    result = statute(violation_date=D(2021, 3, 1))
    assert result.value == D(2023, 3, 1)
    assert "không" in result.explanation or "not revive" in result.explanation


def test_favourable_rule_keeps_the_shorter_statute():
    favourable = rules.RegimeRule(**{**R1B.__dict__, "prior_violations": "favourable"})
    assert statute(favourable, violation_date=D(2022, 1, 15)).value == D(2024, 1, 15)


def test_continuing_violation_with_unknown_end_runs_from_the_conclusion():
    result = statute(
        violation_date=D(2023, 11, 1),
        ongoing=True,
        concluded_on=D(2024, 4, 10),
        discovered_on=D(2024, 3, 1),
    )
    assert result.value == D(2029, 4, 10)
    provisional = statute(violation_date=D(2023, 11, 1), ongoing=True, discovered_on=D(2024, 3, 1))
    assert provisional.value == D(2029, 3, 1)


def test_a_new_violation_within_the_period_restarts_the_clock():
    result = statute(
        regime=R1A,
        violation_date=D(2021, 1, 4),
        discovered_on=D(2021, 6, 1),
        later_violations=[D(2022, 6, 1)],
    )
    assert result.value == D(2024, 6, 3)  # 01/06/2024 is a Saturday
    # One after the period ended restarts nothing.
    late = statute(
        regime=R1A,
        violation_date=D(2021, 1, 4),
        discovered_on=D(2021, 6, 1),
        later_violations=[D(2023, 2, 1)],
    )
    assert late.value == D(2023, 1, 4)


@pytest.mark.parametrize(
    "reason", ["party_expulsion", "internal_political", "national_security", "fake_diploma"]
)
def test_four_cases_without_statute(reason):
    assert (
        statute(violation_date=D(2001, 1, 1), severity="serious", no_limitation_reason=reason).value
        is None
    )


def test_minor_means_warrants_a_reprimand_and_a_repeat_warrants_a_warning():
    assert rules.warrants_reprimand("minor")
    assert not rules.warrants_reprimand("minor", repeat=True)
    assert not rules.warrants_reprimand("serious")
    repeat = statute(violation_date=D(2024, 1, 15), repeat=True)
    assert repeat.value == D(2034, 1, 16)


def test_deadline_on_a_holiday_moves_to_the_next_working_day():
    tet = Calendar(holidays=frozenset({D(2029, 1, 15), D(2029, 1, 16)}))
    result = rules.statute_deadline(
        R1B,
        severity="minor",
        violation_date=D(2024, 1, 15),
        discovered_on=D(2024, 3, 1),
        calendar=tet,
    )
    assert result.value == D(2029, 1, 17)
    assert "148" in result.explanation
    unshifted = rules.RegimeRule(**{**R1B.__dict__, "shift_to_working_day": False})
    assert rules.statute_deadline(
        unshifted,
        severity="minor",
        violation_date=D(2024, 1, 15),
        discovered_on=D(2024, 3, 1),
        calendar=tet,
    ).value == D(2029, 1, 15)


def test_handling_deadline_on_a_weekend_moves_to_monday():
    # 90 days from 11/02/2024 end on Saturday 11/05/2024.
    assert rules.handling_deadline(R1B, discovered_on=D(2024, 2, 11)).deadline == D(2024, 5, 13)


# --- Stored on cases -----------------------------------------------------------------


@pytest.fixture
def civil_servant(tree):
    return StaffFactory(code="CS1", unit=tree["A"], category=StaffCategory.CIVIL_SERVANT)


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2024, 3, 5, 9, 0), tick=False)
def test_case_discovered_in_2024_is_r1b_with_the_long_statute(civil_servant):
    case = services.case_open(
        staff=civil_servant,
        violation_date=D(2022, 1, 15),
        discovered_on=D(2024, 3, 1),
        severity="minor",
    )
    assert case.regime == "R1b"
    assert case.statute_deadline == D(2027, 1, 15)
    assert case.regime_rule.key == "R1b-cadre-cs"


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2024, 3, 5, 9, 0), tick=False)
def test_a_new_case_restarts_the_statute_of_the_earlier_open_case(civil_servant):
    first = services.case_open(
        staff=civil_servant,
        violation_date=D(2023, 10, 2),
        discovered_on=D(2023, 11, 1),
        severity="minor",
    )
    assert first.statute_deadline == D(2028, 10, 2)
    services.case_open(
        staff=civil_servant,
        violation_date=D(2024, 2, 1),
        discovered_on=D(2024, 3, 1),
        severity="serious",
    )
    first.refresh_from_db()
    assert first.statute_deadline == D(2029, 2, 1)
    assert "01/02/2024" in first.statute_explanation


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2024, 3, 5, 9, 0), tick=False)
def test_recompute_brings_open_cases_in_line_after_the_r1b_migration(civil_servant):
    case = services.case_open(
        staff=civil_servant,
        violation_date=D(2022, 1, 15),
        discovered_on=D(2024, 3, 1),
        severity="minor",
    )
    # As stored before the split: the old two-year statute.
    DisciplinaryCase.objects.filter(pk=case.pk).update(statute_deadline=D(2024, 1, 15))
    out = io.StringIO()
    call_command("recompute_case_deadlines", stdout=out)
    assert "1 cases checked, 1 changed" in out.getvalue()
    case.refresh_from_db()
    assert case.statute_deadline == D(2027, 1, 15)


@pytest.mark.django_db
def test_every_regime_row_names_its_source_and_says_whether_it_was_verified():
    for row in DisciplineRegime.objects.all():
        assert row.legal_basis.strip(), row.key
        assert row.note.strip(), row.key
    assert DisciplineRegime.objects.get(key="R1b-cadre-cs").prior_violations == "unless_barred"
    assert DisciplineRegime.objects.get(key="R2-public-employee").verified is True
