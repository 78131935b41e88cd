import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workdays import (
    Calendar,
    add_working_days,
    load_calendar,
    seed_vietnam_holidays,
    working_days_between,
)

D = dt.date


def test_weekend_is_skipped():
    assert add_working_days(D(2019, 3, 1), 1, Calendar()) == D(2019, 3, 4)  # Friday -> Monday


def test_holidays_skipped_and_makeup_days_count():
    cal = Calendar(
        holidays=frozenset({D(2019, 4, 29), D(2019, 4, 30), D(2019, 5, 1)}),
        workdays=frozenset({D(2019, 5, 4)}),
    )
    assert add_working_days(D(2019, 4, 26), 1, cal) == D(2019, 5, 2)
    assert add_working_days(D(2019, 5, 3), 1, cal) == D(2019, 5, 4)


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 1, 1)),
    st.integers(min_value=0, max_value=60),
)
def test_add_then_count_round_trips(start, n):
    cal = Calendar()
    end = add_working_days(start, n, cal)
    assert working_days_between(start, end, cal) == n
    assert n == 0 or cal.is_working_day(end)


@pytest.mark.django_db
def test_seeded_vietnam_calendar_knows_tet():
    created = seed_vietnam_holidays(range(2019, 2020))
    assert created >= 8
    cal = load_calendar()
    assert not cal.is_working_day(D(2019, 2, 5))  # Tết Kỷ Hợi, a Tuesday
    assert seed_vietnam_holidays(range(2019, 2020)) == 0
