"""Pure rules: due dates on the working-day calendar, dossier states, reconciliation."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from core.workdays import Calendar, working_days_between
from reform import rules

TET_2019 = frozenset(dt.date(2019, 2, d) for d in range(4, 11))
CAL = Calendar(
    holidays=TET_2019
    | {dt.date(2019, 4, 15), dt.date(2019, 4, 29), dt.date(2019, 4, 30), dt.date(2019, 5, 1)}
)

dates = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2020, 12, 31))


def test_due_date_skips_weekends_and_tet():
    # Received Friday 1 Feb 2019 with 3 working days: Tết (4-8 Feb) and two weekends in between.
    assert rules.due_date(dt.date(2019, 2, 1), 3, CAL) == dt.date(2019, 2, 13)
    assert rules.due_date(dt.date(2019, 3, 6), 0, CAL) == dt.date(2019, 3, 6)


@given(received=dates, days=st.integers(min_value=0, max_value=40))
def test_due_date_is_exactly_that_many_working_days_later(received, days):
    due = rules.due_date(received, days, CAL)
    assert working_days_between(received, due, CAL) == days
    assert due == received or CAL.is_working_day(due)


@given(
    received=dates,
    days=st.integers(0, 30),
    resolve_after=st.one_of(st.none(), st.integers(0, 60)),
    look=st.integers(0, 90),
)
def test_state_is_one_of_five_and_consistent(received, days, resolve_after, look):
    due = rules.due_date(received, days, CAL)
    resolved = None if resolve_after is None else received + dt.timedelta(days=resolve_after)
    as_of = received + dt.timedelta(days=look)
    state = rules.dossier_state(due_on=due, resolved_on=resolved, as_of=as_of)
    if resolved is not None and resolved <= as_of:
        assert state in rules.RESOLVED_STATES
        assert (state == rules.LATE) == (resolved > due)
        assert (state == rules.EARLY) == (resolved < due)
    else:
        assert state == (rules.PENDING_IN_TIME if as_of <= due else rules.PENDING_OVERDUE)
    assert rules.needs_apology(state) == (state in (rules.LATE, rules.PENDING_OVERDUE))


@given(received=dates, days=st.integers(0, 30))
def test_a_pending_dossier_becomes_overdue_the_day_after_its_due_date(received, days):
    due = rules.due_date(received, days, CAL)
    assert rules.dossier_state(due_on=due, resolved_on=None, as_of=due) == rules.PENDING_IN_TIME
    assert (
        rules.dossier_state(due_on=due, resolved_on=None, as_of=due + dt.timedelta(days=1))
        == rules.PENDING_OVERDUE
    )


def test_memoised_due_dates_agree():
    due = rules.DueDates(CAL)
    assert due(dt.date(2019, 2, 1), 3) == due(dt.date(2019, 2, 1), 3) == dt.date(2019, 2, 13)


def test_the_article_figures_reconcile_or_not():
    district = rules.Figures(
        received=2061, resolved=1731, pending_in_time=96, pending_overdue=0, resolved_late=3
    )
    commune = rules.Figures(
        received=6698, resolved=6684, pending_in_time=14, pending_overdue=0, resolved_late=51
    )
    inter = rules.Figures(
        received=546, resolved=523, pending_in_time=23, pending_overdue=0, resolved_late=0
    )
    electronic = rules.Figures(received=7875, resolved=7577, resolved_late=254)
    assert rules.reconciliation_problems(district) == [rules.RECEIVED_MISMATCH]
    assert rules.reconciles(commune) and rules.reconciles(inter) and rules.reconciles(electronic)
    assert (district.overdue, commune.overdue, inter.overdue, electronic.overdue) == (3, 51, 0, 254)


@given(
    received=st.integers(0, 10_000),
    carried=st.integers(0, 500),
    resolved_share=st.floats(0, 1),
    pending_share=st.floats(0, 1),
)
def test_complete_figures_reconcile_and_any_change_breaks_them(
    received, carried, resolved_share, pending_share
):
    total = received + carried
    resolved = int(total * resolved_share)
    in_time = int((total - resolved) * pending_share)
    overdue = total - resolved - in_time
    figures = rules.Figures(
        received=received,
        carried_over=carried,
        resolved=resolved,
        pending_in_time=in_time,
        pending_overdue=overdue,
    )
    assert rules.reconciles(figures)
    broken = rules.Figures(
        received=received + 1,
        carried_over=carried,
        resolved=resolved,
        pending_in_time=in_time,
        pending_overdue=overdue,
    )
    assert not rules.reconciles(broken)


def test_resolved_breakdown_must_add_up():
    assert rules.reconciliation_problems(
        rules.Figures(
            received=10,
            resolved=10,
            pending_in_time=0,
            pending_overdue=0,
            resolved_early=2,
            resolved_on_time=2,
            resolved_late=2,
        )
    ) == [rules.RESOLVED_MISMATCH]
    assert rules.reconciliation_problems(
        rules.Figures(received=10, resolved=3, resolved_late=5)
    ) == [rules.RESOLVED_EXCEEDED]
    assert rules.reconciliation_problems(
        rules.Figures(received=10, resolved=9, pending_in_time=5)
    ) == [rules.RECEIVED_EXCEEDED]


def test_rank_change():
    assert rules.rank_change(3, 2) == 1
    assert rules.rank_change(None, 2) is None
