"""Pure discipline rules against docs/rules.md's cases, plus hypothesis properties."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workdays import Calendar
from inspections.casework import rules

D = dt.date

R0 = rules.RegimeRule(
    key="R0",
    code="R0",
    categories=frozenset({"cadre", "civil_servant", "public_employee"}),
    valid_from=None,
    valid_until=D(2020, 6, 30),
    statute_months_minor=24,
    statute_months_other=24,
    handling_period=2,
    handling_period_complex=4,
    handling_unit="months",
    deferral_reasons=frozenset({"illness", "maternity", "prosecuted", "leave"}),
)
R1 = rules.RegimeRule(
    key="R1-cadre-cs",
    code="R1",
    categories=frozenset({"cadre", "civil_servant"}),
    valid_from=D(2020, 7, 1),
    valid_until=D(2025, 6, 30),
    statute_months_minor=24,
    statute_months_other=60,
    handling_period=90,
    handling_period_complex=150,
    handling_unit="days",
    deferral_reasons=frozenset({"illness", "maternity", "prosecuted", "leave"}),
)
R1_PE = rules.RegimeRule(
    key="R1-public-employee",
    code="R1",
    categories=frozenset({"public_employee"}),
    valid_from=D(2020, 7, 1),
    valid_until=D(2026, 6, 30),
    statute_months_minor=24,
    statute_months_other=60,
    handling_period=90,
    handling_period_complex=150,
    handling_unit="days",
)
R2 = rules.RegimeRule(
    key="R2-cadre-cs",
    code="R2",
    categories=frozenset({"cadre", "civil_servant"}),
    valid_from=D(2025, 7, 1),
    valid_until=None,
    statute_months_minor=60,
    statute_months_other=120,
    handling_period=90,
    handling_period_complex=150,
    handling_unit="days",
    deferral_reasons=frozenset({"illness", "maternity", "prosecuted"}),
)
REGIMES = [R0, R1, R1_PE, R2]

R1_CS_FORMS = [
    rules.FormRule("khien_trach", "civil_servant", 1, 12, 6),
    rules.FormRule("canh_cao", "civil_servant", 2, 12, 6),
    rules.FormRule("ha_bac_luong", "civil_servant", 3, 12, 12, non_leaders_only=True),
    rules.FormRule("giang_chuc", "civil_servant", 4, 24, 12, leaders_only=True),
    rules.FormRule("cach_chuc", "civil_servant", 5, 24, 12, leaders_only=True),
    rules.FormRule("buoc_thoi_viec", "civil_servant", 6, 0, 0),
]
R2_CS_FORMS = [f for f in R1_CS_FORMS if f.form not in ("ha_bac_luong", "giang_chuc")]


# --- docs/rules.md's date examples, read literally --------------------------------------


def test_ninety_days_from_first_of_march_end_on_thirtieth_of_may():
    assert rules.add_period(D(2025, 3, 1), 90, "days") == D(2025, 5, 30)


def test_two_years_from_fifteenth_of_january_2022_end_on_fifteenth_of_january_2024():
    assert rules.add_period(D(2022, 1, 15), 24, "months") == D(2024, 1, 15)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2020, 2, 29), 12, D(2021, 2, 28)),  # leap day to a common year
        (D(2019, 1, 31), 1, D(2019, 2, 28)),
        (D(2019, 8, 31), 1, D(2019, 9, 30)),
        (D(2020, 2, 29), 48, D(2024, 2, 29)),
        (D(2019, 12, 15), 2, D(2020, 2, 15)),
    ],
)
def test_month_end_rule(start, months, end):
    assert rules.add_months(start, months) == end


# --- Which regime ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "day", "key"),
    [
        ("civil_servant", D(2020, 6, 30), "R0"),
        ("civil_servant", D(2020, 7, 1), "R1-cadre-cs"),
        ("cadre", D(2025, 6, 30), "R1-cadre-cs"),
        ("cadre", D(2025, 7, 1), "R2-cadre-cs"),
        ("public_employee", D(2025, 7, 1), "R1-public-employee"),
        ("public_employee", D(2026, 6, 30), "R1-public-employee"),
        ("public_employee", D(2019, 5, 1), "R0"),
    ],
)
def test_regime_is_the_one_in_force_on_discovery(category, day, key):
    assert rules.pick_regime(REGIMES, category, day).key == key


def test_no_regime_for_contract_staff_or_uncovered_dates():
    assert rules.pick_regime(REGIMES, "contract", D(2021, 1, 1)) is None
    assert rules.pick_regime(REGIMES, "public_employee", D(2026, 7, 1)) is None


# --- Statute of limitations -------------------------------------------------------------------


def test_r1_minor_violation_has_two_years_others_five():
    minor = rules.statute_deadline(
        R1, severity="minor", violation_date=D(2022, 1, 15), discovered_on=D(2022, 3, 1)
    )
    serious = rules.statute_deadline(
        R1, severity="serious", violation_date=D(2022, 1, 15), discovered_on=D(2022, 3, 1)
    )
    assert minor.value == D(2024, 1, 15)
    assert serious.value == D(2027, 1, 15)
    assert "15/01/2022" in minor.explanation and "15/01/2024" in minor.explanation


def test_r0_is_24_months_whatever_the_severity():
    for severity in ("minor", "extremely_serious"):
        assert rules.statute_deadline(
            R0, severity=severity, violation_date=D(2018, 5, 31), discovered_on=D(2019, 1, 1)
        ).value == D(2020, 5, 31)


def test_r2_limits_are_five_and_ten_years():
    assert rules.statute_deadline(
        R2, severity="minor", violation_date=D(2025, 8, 1), discovered_on=D(2025, 9, 1)
    ).value == D(2030, 8, 1)
    assert rules.statute_deadline(
        R2, severity="serious", violation_date=D(2025, 8, 1), discovered_on=D(2025, 9, 1)
    ).value == D(2035, 8, 1)


def test_statute_runs_from_the_end_of_a_lasting_violation():
    result = rules.statute_deadline(
        R1,
        severity="minor",
        violation_date=D(2021, 1, 1),
        ended_on=D(2021, 6, 30),
        discovered_on=D(2022, 1, 1),
    )
    assert result.value == D(2023, 6, 30)


def test_statute_of_an_ongoing_violation_runs_from_discovery():
    result = rules.statute_deadline(
        R1,
        severity="minor",
        violation_date=D(2021, 1, 1),
        ongoing=True,
        discovered_on=D(2022, 2, 10),
    )
    assert result.value == D(2024, 2, 10)


@pytest.mark.parametrize("reason", ["party_expulsion", "national_security", "fake_diploma"])
def test_no_limitation_for_the_listed_exceptions(reason):
    result = rules.statute_deadline(
        R1,
        severity="serious",
        violation_date=D(2010, 1, 1),
        discovered_on=D(2022, 1, 1),
        no_limitation_reason=reason,
    )
    assert result.value is None
    assert result.explanation


# --- Handling time limit -----------------------------------------------------------------------


def test_r1_handling_limit_is_90_calendar_days():
    result = rules.handling_deadline(R1, discovered_on=D(2023, 3, 1))
    assert result.deadline == result.base == D(2023, 5, 30)
    assert result.max_extension_days == 60


def test_r0_handling_limit_is_two_months_complex_four():
    result = rules.handling_deadline(R0, discovered_on=D(2019, 8, 31))
    assert result.deadline == D(2019, 10, 31)
    assert result.max_extension_days == (D(2019, 12, 31) - D(2019, 10, 31)).days


def test_extension_moves_the_deadline_up_to_the_complex_limit():
    assert rules.handling_deadline(
        R1, discovered_on=D(2023, 3, 1), extension_days=60
    ).deadline == D(2023, 7, 29)
    with pytest.raises(rules.RuleError) as err:
        rules.handling_deadline(R1, discovered_on=D(2023, 3, 1), extension_days=61)
    assert err.value.field == "days"


def test_criminal_investigation_days_are_not_counted():
    result = rules.handling_deadline(
        R1, discovered_on=D(2023, 3, 1), suspensions=[rules.Interval(D(2023, 4, 1), D(2023, 4, 30))]
    )
    assert result.suspended_days == 30
    assert result.deadline == D(2023, 6, 29)
    assert "01/04/2023-30/04/2023" in result.explanation


def test_overlapping_suspensions_count_once():
    result = rules.handling_deadline(
        R1,
        discovered_on=D(2023, 3, 1),
        suspensions=[
            rules.Interval(D(2023, 4, 1), D(2023, 4, 20)),
            rules.Interval(D(2023, 4, 10), D(2023, 4, 30)),
        ],
    )
    assert result.suspended_days == 30


def test_a_running_suspension_stops_the_clock():
    result = rules.handling_deadline(
        R1, discovered_on=D(2023, 3, 1), suspensions=[rules.Interval(D(2023, 4, 1), None)]
    )
    assert result.deadline is None
    assert "01/04/2023" in result.explanation


def test_working_day_limit_skips_weekends_and_calendar_holidays():
    regime = rules.RegimeRule(
        key="W",
        code="R1",
        categories=frozenset({"cadre"}),
        valid_from=None,
        valid_until=None,
        statute_months_minor=24,
        statute_months_other=60,
        handling_period=5,
        handling_period_complex=10,
        handling_unit="days",
        handling_working_days=True,
    )
    # Friday 2024-02-02; Tết holidays 2024-02-08..14 stored in the calendar.
    cal = Calendar(holidays=frozenset(D(2024, 2, d) for d in range(8, 15)))
    result = rules.handling_deadline(regime, discovered_on=D(2024, 2, 2), calendar=cal)
    # Mon 5, Tue 6, Wed 7, then Tết, then Thu 15, Fri 16.
    assert result.deadline == D(2024, 2, 16)


# --- Forms and effects --------------------------------------------------------------------


def test_salary_step_reduction_valid_on_2025_06_30_not_on_2025_07_01():
    cs = "civil_servant"
    r_before = rules.pick_regime(REGIMES, cs, D(2025, 6, 30))
    r_after = rules.pick_regime(REGIMES, cs, D(2025, 7, 1))
    forms = {"R1-cadre-cs": R1_CS_FORMS, "R2-cadre-cs": R2_CS_FORMS}
    ok = rules.check_form(
        forms[r_before.key],
        form="ha_bac_luong",
        category=cs,
        is_leader=False,
        regime_code=r_before.code,
    )
    assert ok.form == "ha_bac_luong"
    with pytest.raises(rules.RuleError) as err:
        rules.check_form(
            forms[r_after.key],
            form="ha_bac_luong",
            category=cs,
            is_leader=False,
            regime_code=r_after.code,
        )
    assert err.value.field == "decision_form"


def test_demotion_only_for_leaders_salary_reduction_only_for_others():
    with pytest.raises(rules.RuleError):
        rules.check_form(
            R1_CS_FORMS,
            form="giang_chuc",
            category="civil_servant",
            is_leader=False,
            regime_code="R1",
        )
    with pytest.raises(rules.RuleError):
        rules.check_form(
            R1_CS_FORMS,
            form="ha_bac_luong",
            category="civil_servant",
            is_leader=True,
            regime_code="R1",
        )
    assert rules.check_form(
        R1_CS_FORMS, form="giang_chuc", category="civil_servant", is_leader=True, regime_code="R1"
    )


def test_form_of_another_category_is_refused():
    with pytest.raises(rules.RuleError):
        rules.check_form(
            R1_CS_FORMS, form="khien_trach", category="cadre", is_leader=False, regime_code="R1"
        )


def test_new_violation_during_a_running_sanction_needs_a_higher_level():
    with pytest.raises(rules.RuleError):
        rules.check_form(
            R1_CS_FORMS,
            form="canh_cao",
            category="civil_servant",
            is_leader=False,
            regime_code="R1",
            running_level=2,
        )
    assert rules.check_form(
        R1_CS_FORMS,
        form="ha_bac_luong",
        category="civil_servant",
        is_leader=False,
        regime_code="R1",
        running_level=2,
    )


def test_effects_end_twelve_or_twenty_four_months_after_the_decision():
    assert rules.effect_end(D(2019, 6, 15), R1_CS_FORMS[0]).value == D(2020, 6, 15)
    assert rules.effect_end(D(2019, 6, 15), R1_CS_FORMS[4]).value == D(2021, 6, 15)
    assert rules.effect_end(D(2019, 6, 15), R1_CS_FORMS[5]).value is None


# --- Workflow -------------------------------------------------------------------------------------

STATUSES = [
    "opened",
    "self_review",
    "council",
    "decided",
    "closed_no_action",
    "postponed",
    "exempt",
]
LEGAL = {
    ("opened", "self_review"),
    ("self_review", "council"),
    ("council", "decided"),
    *{
        (s, t)
        for s in ("opened", "self_review", "council")
        for t in ("closed_no_action", "postponed", "exempt")
    },
    ("postponed", "self_review"),
    ("postponed", "closed_no_action"),
}


def _extra(to):
    return {
        "deferral_reason": "illness" if to == "postponed" else "",
        "exemption_reason": "force_majeure" if to == "exempt" else "",
        "note": "lý do",
        "regime_deferrals": ["illness"],
    }


@pytest.mark.parametrize("source", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_every_transition_is_legal_or_refused(source, target):
    kwargs = _extra(target)
    if source == "postponed":
        kwargs["postponed_from"] = "self_review"
    if (source, target) in LEGAL:
        rules.check_transition(source, target, **kwargs)
    else:
        with pytest.raises(rules.RuleError) as err:
            rules.check_transition(source, target, **kwargs)
        assert err.value.field == "to"


def test_deferral_needs_a_reason_allowed_by_the_regime():
    with pytest.raises(rules.RuleError) as err:
        rules.check_transition("opened", "postponed", regime_deferrals=R2.deferral_reasons)
    assert err.value.field == "deferral_reason"
    with pytest.raises(rules.RuleError):
        # Leave defers only under R1.
        rules.check_transition(
            "opened", "postponed", deferral_reason="leave", regime_deferrals=R2.deferral_reasons
        )
    rules.check_transition(
        "opened", "postponed", deferral_reason="leave", regime_deferrals=R1.deferral_reasons
    )


def test_exemption_and_closing_need_their_reasons():
    with pytest.raises(rules.RuleError) as err:
        rules.check_transition("council", "exempt")
    assert err.value.field == "exemption_reason"
    with pytest.raises(rules.RuleError) as err:
        rules.check_transition("council", "closed_no_action", note="  ")
    assert err.value.field == "note"


# --- Properties -----------------------------------------------------------------------------------

dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


@given(dates, st.integers(min_value=0, max_value=240))
def test_add_months_keeps_the_day_or_clamps_to_month_end(start, months):
    end = rules.add_months(start, months)
    assert (end.year - start.year) * 12 + end.month - start.month == months
    assert end.day == start.day or (end.day < start.day and (end + dt.timedelta(days=1)).day == 1)


@given(dates, st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=120))
def test_add_months_is_monotone(start, a, b):
    if a <= b:
        assert rules.add_months(start, a) <= rules.add_months(start, b)


@given(
    dates,
    st.lists(
        st.tuples(
            st.integers(min_value=-30, max_value=200), st.integers(min_value=0, max_value=60)
        ),
        max_size=4,
    ),
    st.integers(min_value=0, max_value=60),
)
def test_handling_deadline_moves_by_exactly_the_days_not_counted(discovered, raw, extension):
    suspensions = [
        rules.Interval(discovered + dt.timedelta(days=s), discovered + dt.timedelta(days=s + n))
        for s, n in raw
    ]
    result = rules.handling_deadline(
        R1, discovered_on=discovered, suspensions=suspensions, extension_days=extension
    )
    merged = rules.merge_intervals(suspensions, after=discovered)
    inside = sum(
        1
        for i in range((result.deadline - discovered).days)
        if any(m.start <= discovered + dt.timedelta(days=i + 1) <= m.end for m in merged)
    )
    assert result.deadline - discovered == dt.timedelta(days=90 + extension + inside)
    assert result.deadline >= result.base
    assert result.suspended_days >= inside


@given(dates, st.sampled_from(["minor", "serious", "very_serious", "extremely_serious"]))
def test_statute_deadline_is_after_the_violation_and_longer_for_serious(day, severity):
    result = rules.statute_deadline(R1, severity=severity, violation_date=day, discovered_on=day)
    assert result.value > day
    minor = rules.statute_deadline(
        R1, severity="minor", violation_date=day, discovered_on=day
    ).value
    assert result.value >= minor


@given(st.sampled_from(STATUSES), st.sampled_from(STATUSES))
def test_terminal_statuses_never_move(source, target):
    if source in rules.TERMINAL:
        with pytest.raises(rules.RuleError):
            rules.check_transition(source, target, **_extra(target))
