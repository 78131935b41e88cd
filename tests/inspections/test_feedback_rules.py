"""Pure feedback rules: tracking codes, petition class, due dates, triage moves (hypothesis)."""

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.workdays import Calendar, working_days_between
from inspections.feedback import rules
from inspections.feedback.choices import FeedbackStatus

days = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31))
holiday_sets = st.frozensets(days, max_size=40)


def test_code_format_and_entropy():
    code = rules.generate_tracking_code()
    assert rules.is_tracking_code(code)
    assert code.startswith("PA-") and len(code.split("-")) == 5
    assert rules.ENTROPY_BITS >= 64
    assert not set("01ILOU") & set(rules.ALPHABET)


@given(st.integers(min_value=0, max_value=len(rules.ALPHABET) ** rules.RANDOM_CHARS - 1))
def test_every_draw_gives_a_distinct_valid_code(number):
    code = rules.generate_tracking_code(randbelow=lambda _limit: number)
    assert rules.is_tracking_code(code)
    # Decoding the code gives the number back: the mapping loses no randomness.
    chars = code.replace("-", "")[2:]
    assert (
        sum(rules.ALPHABET.index(ch) * len(rules.ALPHABET) ** i for i, ch in enumerate(chars))
        == number
    )


def test_codes_do_not_repeat_in_practice():
    codes = {rules.generate_tracking_code() for _ in range(20000)}
    assert len(codes) == 20000


@given(
    st.integers(min_value=0, max_value=len(rules.ALPHABET) ** rules.RANDOM_CHARS - 1),
    st.booleans(),
    st.sampled_from([" ", "", "-"]),
)
def test_normalize_accepts_sloppy_typing(number, lower, separator):
    code = rules.generate_tracking_code(randbelow=lambda _limit: number)
    typed = code.replace("-", separator)
    typed = typed.lower() if lower else typed
    assert rules.normalize_tracking_code(f"  {typed} ") == code


@given(st.text(max_size=40))
def test_normalize_never_returns_an_invalid_code(text):
    result = rules.normalize_tracking_code(text)
    assert result is None or rules.is_tracking_code(result)


@pytest.mark.parametrize(
    "value", ["", None, "PA-0000-0000-0000-0000", "PA-1234", "PA-ABCD-EFGH-JKMN-PQRS-TVWX"]
)
def test_normalize_rejects(value):
    assert rules.normalize_tracking_code(value) is None


@given(st.text(max_size=5), st.text(max_size=5), st.text(max_size=5))
def test_formal_only_with_name_address_and_phone(name, address, phone):
    expected = bool(name.strip() and address.strip() and phone.strip())
    assert rules.is_formal_petition(name=name, address=address, phone=phone) is expected


@given(days, holiday_sets, st.integers(min_value=1, max_value=40))
def test_due_date_is_a_working_day_exactly_n_working_days_later(received, holidays, n):
    calendar = Calendar(holidays=holidays)
    due = rules.response_due(received, is_formal=True, working_days=n, calendar=calendar)
    assert due > received
    assert calendar.is_working_day(due)
    assert working_days_between(received, due, calendar) == n


@given(days)
def test_reference_information_has_no_due_date(received):
    assert (
        rules.response_due(received, is_formal=False, working_days=15, calendar=Calendar()) is None
    )


def test_fifteen_working_days_over_tet_2019():
    # Tết 2019: 4-8 February off (Mon-Fri). Received Friday 1 Feb -> 15 working days end Friday 1
    # March.
    tet = frozenset(dt.date(2019, 2, d) for d in range(4, 9))
    due = rules.response_due(
        dt.date(2019, 2, 1), is_formal=True, working_days=15, calendar=Calendar(holidays=tet)
    )
    assert due == dt.date(2019, 3, 1)


statuses = st.sampled_from(list(FeedbackStatus.values))


@given(statuses, statuses)
def test_transitions_never_leave_closed_and_never_stay_put(current, target):
    if current == FeedbackStatus.CLOSED or current == target:
        assert not rules.can_transition(current, target)


@given(st.lists(statuses, max_size=12))
def test_flags_follow_any_legal_path(path):
    status, substantiated, resolved = FeedbackStatus.RECEIVED, None, None
    today = dt.date(2019, 6, 3)
    for step, target in enumerate(path):
        if not rules.can_transition(status, target):
            continue
        day = today + dt.timedelta(days=step)
        substantiated = rules.substantiated_after(substantiated, target)
        resolved = rules.resolved_on_after(resolved, target, day)
        status = target
        if status == FeedbackStatus.SUBSTANTIATED:
            assert substantiated is True and resolved is not None
        if status == FeedbackStatus.UNSUBSTANTIATED:
            assert substantiated is False and resolved is not None
        if status in (FeedbackStatus.RECEIVED, FeedbackStatus.UNDER_REVIEW):
            assert resolved is None
        if status == FeedbackStatus.CLOSED:
            assert resolved is not None


def test_entropy_constant_matches_alphabet():
    assert math.isclose(rules.ENTROPY_BITS, 16 * math.log2(30))
