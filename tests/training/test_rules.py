"""Pure rules, with hypothesis: periods vs hours, eligibility, capacity, compliance."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.dates import year_period
from training import rules

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))
statuses = st.sampled_from(
    ["registered", "attended", "completed", "failed", "withdrawn", "no_show"]
)


def test_forty_periods_are_thirty_hours():
    assert rules.periods_to_hours(Decimal(40)) == Decimal("30.00")
    assert rules.hours_to_periods(Decimal(30)) == Decimal("40.00")


@given(st.integers(min_value=1, max_value=100_000))
def test_periods_and_hours_round_trip(quarter_hours):
    hours = Decimal(quarter_hours) * 3 / 4 / 100  # any figure to the cent
    hours = hours.quantize(Decimal("0.01"))
    periods = rules.hours_to_periods(hours)
    assert rules.hours_and_periods_agree(hours, periods)
    assert abs(rules.periods_to_hours(periods) - hours) <= Decimal("0.01")


@given(statuses)
def test_a_turn_holds_a_seat(status):
    if rules.is_turn(status):
        assert rules.holds_seat(status)
    assert rules.is_turn(status) == (status in {"attended", "completed"})


@given(st.integers(min_value=2000, max_value=2100), dates)
def test_year_period_contains_exactly_that_years_days(year, day):
    start, end = year_period(year)
    assert (start <= day <= end) == (day.year == year)


@given(
    st.one_of(st.none(), st.integers(min_value=1, max_value=500)),
    st.integers(min_value=0, max_value=600),
    st.integers(min_value=1, max_value=50),
)
def test_capacity(capacity, taken, wanted):
    allowed = rules.capacity_allows(capacity, taken, wanted)
    if capacity is None:
        assert allowed and rules.seats_left(capacity, taken) is None
    else:
        assert allowed == (taken + wanted <= capacity)


@given(
    dates,
    st.integers(min_value=0, max_value=60),
    st.one_of(st.none(), dates),
    st.one_of(st.none(), dates),
    st.one_of(st.none(), dates),
)
def test_nomination_problems(start, length, joined, left, sanction):
    end = start + dt.timedelta(days=length)
    problems = rules.nomination_problems(
        course_start=start, course_end=end, joined_on=joined, left_on=left, sanction_until=sanction
    )
    assert (rules.Ineligibility.LEFT_BEFORE_START in problems) == (
        left is not None and left < start
    )
    assert (rules.Ineligibility.JOINED_AFTER_END in problems) == (
        joined is not None and joined > end
    )
    assert (rules.Ineligibility.SANCTIONED in problems) == (
        sanction is not None and sanction >= start
    )


@given(statuses, dates, dates)
def test_outcomes_only_once_begun(status, start, today):
    allowed = rules.outcome_allowed(status, course_start=start, today=today)
    if status in {"registered", "withdrawn"}:
        assert allowed
    else:
        assert allowed == (today >= start)


@given(
    st.decimals(min_value=0, max_value=1000, places=2),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=1000, places=2)),
)
def test_meets_requirement(done, required):
    result = rules.meets_requirement(done, required)
    assert result is None if required is None else result == (done >= required)


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000))
def test_rate_is_null_without_denominator(num, den):
    value = rules.rate(min(num, den), den)
    assert value is None if den == 0 else 0 <= value <= 1


def test_sanction_bars_only_training_towards_promotion_planning_or_appointment():
    common = {
        "course_start": dt.date(2024, 3, 4),
        "course_end": dt.date(2024, 3, 8),
        "joined_on": None,
        "left_on": None,
        "sanction_until": dt.date(2024, 12, 31),
    }
    assert rules.nomination_problems(**common, purpose="advancement") == [
        rules.Ineligibility.SANCTIONED
    ]
    assert rules.nomination_problems(**common, purpose="general") == []
