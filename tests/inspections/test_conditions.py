"""Each domain condition is written once: every place that reads it selects the same rows.

For "overdue", "still open" and "on time" of corrective actions,
disciplinary cases, citizen feedback and improvement plan items, on a grid
of records covering every status and every date on either side of the day,
these agree for the same day:

- the queryset method (``CorrectiveAction.objects.overdue(day)``...);
- the report's count as of that day (``reports.queries``);
- the record's own ``is_overdue(day)`` (``core.conditions.matches``);
- the reminders of that day (``notifications.reminders``), which remind only
  of what is still open now (a run for a past day does not remind of work
  done since);
- today: the API's FilterSet filter, the admin's sidebar filter and the
  workspace's counts.

Days are drawn by Hypothesis, today and in the past (a past day is when "as
of the day" and "now" differ: an action done after the day was open on it).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.conditions import matches
from inspections.casework.filtersets import CorrectiveActionFilterSet, DisciplinaryCaseFilterSet
from inspections.casework.models import (
    action_done_on_time,
    action_open,
    case_handled_in_time,
    case_open,
)
from inspections.feedback.filtersets import CitizenFeedbackFilterSet
from inspections.feedback.models import feedback_open
from inspections.models import CitizenFeedback, CorrectiveAction, DisciplinaryCase
from inspections.pages.feedback import FeedbackPageFilterSet
from notifications import reminders
from notifications.choices import NotificationKind as K
from reports import queries
from reports.frames import Period
from tests.reports import data
from workspace.home import counts_per_unit

pytestmark = pytest.mark.django_db
ON_GRID = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Offsets around each pivot day; the grid's dates are pivot + offset.
AROUND = (-1, 0, 1)


def _pivots() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today, today - dt.timedelta(days=400)


def _days(pivot: dt.date) -> st.SearchStrategy[dt.date]:
    return st.sampled_from([pivot + dt.timedelta(days=d) for d in (-2, *AROUND, 2)])


def days() -> st.SearchStrategy[dt.date]:
    """Today and the days around it, and days around a pivot 400 days ago."""
    today, past = _pivots()
    return st.one_of(st.just(today), _days(today), _days(past))


def _not_future(day: dt.date | None) -> bool:
    # A done date or an answer is never after today (services and ``clean`` refuse it).
    return day is None or day <= timezone.localdate()


@pytest.fixture
def grid(tree):
    """Every status with due, done, deadline and answer dates on either side of each pivot."""
    unit = tree["A"]
    for pivot in _pivots():
        dates = [pivot + dt.timedelta(days=d) for d in AROUND]
        first = pivot - dt.timedelta(days=30)
        for due, done_on, status in itertools.product(
            dates, [None, *dates], ["open", "done", "verified"]
        ):
            if (status != "open" and done_on is None) or not _not_future(done_on):
                continue
            data.action(unit, due, status=status, done_on=done_on)
        for status, handling, decided in itertools.product(
            [
                "opened",
                "self_review",
                "council",
                "postponed",
                "decided",
                "closed_no_action",
                "exempt",
            ],
            [None, *dates],
            [None, *dates],
        ):
            if (status == "decided") != (decided is not None) or not _not_future(decided):
                continue
            extra = {"decision_date": decided, "decision_form": "khien_trach"} if decided else {}
            data.case(unit, opened_on=first, status=status, handling_deadline=handling, **extra)
        for due, resolved in itertools.product([None, *dates], [None, *dates]):
            if _not_future(resolved):
                data.feedback(unit, received_on=first, response_due=due, resolved_on=resolved)
    return tree


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def period_to(day: dt.date) -> Period:
    """The report's period for ``day``: it ends (and is judged) on ``day``."""
    return Period(day - dt.timedelta(days=500), day)


def in_period(queryset, date_field: str, day: dt.date) -> set[int]:
    """The rows of ``queryset`` the report's period counts (by the section's date)."""
    period = period_to(day)
    return pks(queryset.filter(**{f"{date_field}__range": (period.start, period.end)}))


def report_total(rows_of, tree, day: dt.date, metric: str) -> int:
    """The report's count of ``metric`` for the period ending on ``day``, judged on ``day``."""
    period = period_to(day)
    rows = rows_of(tree["P"], [period, period.previous()], day)[0]
    return sum(row.get(metric, 0) for row in rows)


def workspace_total(users, metric: str) -> int:
    return sum(row[metric] for row in counts_per_unit(users["admin"], timezone.localdate()))


def reminded(day: dt.date, kind: str) -> set[int]:
    items, _since = reminders.due_on(day)
    return {item.object_id for item in items if item.kind == kind}


# --- corrective actions -------------------------------------------------------------------


@ON_GRID
@given(day=days())
def test_action_conditions_agree_on_the_day(grid, day):
    overdue = pks(CorrectiveAction.objects.overdue(day))
    still_open = pks(CorrectiveAction.objects.still_open(day))
    actions = list(CorrectiveAction.objects.all())
    # Open on the day: open now, or done only after the day; overdue: that and due before it.
    assert still_open == {
        a.pk for a in actions if a.status == "open" or (a.done_on is not None and a.done_on > day)
    }
    assert overdue == {a.pk for a in actions if a.pk in still_open and a.due_date < day}
    # The record's own reading.
    assert {a.pk for a in actions if a.is_overdue(day)} == overdue
    # The report, for a period ending on the day (actions due in it, judged on the day).
    due = CorrectiveAction.objects.filter(due_date__lte=day)
    rows = queries.corrective_action_rows
    assert report_total(rows, grid, day, "corrective_actions_overdue") == len(
        overdue & in_period(due, "due_date", day)
    )
    assert report_total(rows, grid, day, "corrective_actions_open") == len(
        still_open & in_period(due, "due_date", day)
    )
    on_time = in_period(due.filter(action_done_on_time()), "due_date", day)
    assert report_total(rows, grid, day, "corrective_actions_on_time") == len(on_time)
    # Reminders: what is overdue on the day and still open now.
    assert reminded(day, K.ACTION_OVERDUE) == overdue & pks(CorrectiveAction.objects.still_open())


def test_action_overdue_and_open_today_everywhere(grid, users):
    today = timezone.localdate()
    overdue = pks(CorrectiveAction.objects.overdue(today))
    still_open = pks(CorrectiveAction.objects.still_open())
    assert overdue and still_open
    # Today nothing is done after the day: open now, past due, as the lists always read it.
    assert overdue == pks(CorrectiveAction.objects.filter(status="open", due_date__lt=today))
    assert still_open == pks(CorrectiveAction.objects.filter(status="open"))
    everything = CorrectiveAction.objects.all()
    api = CorrectiveActionFilterSet(data={"overdue": "true"}, queryset=everything).qs
    assert pks(api) == overdue
    not_overdue = CorrectiveActionFilterSet(data={"overdue": "false"}, queryset=everything).qs
    assert pks(not_overdue) == pks(everything) - overdue
    assert admin_listed(users, "correctiveaction", "overdue=yes") == overdue
    assert admin_listed(users, "correctiveaction", "overdue=no") == pks(everything) - overdue
    assert reminded(today, K.ACTION_OVERDUE) == overdue
    assert workspace_total(users, "actions_overdue") == len(overdue)
    assert workspace_total(users, "actions_open") == len(still_open)
    rows = queries.corrective_action_rows
    assert report_total(rows, grid, today, "corrective_actions_overdue") == len(overdue)


def admin_listed(users, model: str, query: str) -> set[int]:
    client = Client()
    client.force_login(users["admin"])
    response = client.get(f"/admin/inspections/{model}/?{query}")
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.result_count == len(changelist.result_list)
    return {row.pk for row in changelist.result_list}


# --- disciplinary cases ------------------------------------------------------------------


@ON_GRID
@given(day=days())
def test_case_conditions_agree_on_the_day(grid, day):
    overdue = pks(DisciplinaryCase.objects.overdue(day))
    past_deadline = pks(DisciplinaryCase.objects.open_past_deadline(day))
    cases = list(DisciplinaryCase.objects.all())
    open_now = {"opened", "self_review", "council", "postponed"}
    assert past_deadline == {
        c.pk
        for c in cases
        if c.status in open_now and c.handling_deadline and c.handling_deadline < day
    }
    assert overdue == past_deadline | {
        c.pk
        for c in cases
        if c.status == "decided" and c.handling_deadline and c.decision_date > c.handling_deadline
    }
    assert {c.pk for c in cases if c.is_overdue(day)} == overdue
    assert {c.pk for c in cases if c.is_open} == pks(DisciplinaryCase.objects.still_open())
    # The report: cases opened in the period, judged on the day.
    opened = in_period(DisciplinaryCase.objects.all(), "opened_on", day)
    rows = queries.discipline_rows
    assert report_total(rows, grid, day, "discipline_overdue") == len(overdue & opened)
    closed = pks(DisciplinaryCase.objects.exclude(case_open()))
    assert report_total(rows, grid, day, "discipline_due") == len((closed | past_deadline) & opened)
    in_time = pks(DisciplinaryCase.objects.filter(case_handled_in_time()))
    assert report_total(rows, grid, day, "discipline_handled_on_time") == len(in_time & opened)
    assert reminded(day, K.CASE_DEADLINE_PASSED) == past_deadline


def test_case_overdue_and_open_today_everywhere(grid, users):
    today = timezone.localdate()
    overdue = pks(DisciplinaryCase.objects.overdue(today))
    assert overdue
    everything = DisciplinaryCase.objects.all()
    api = DisciplinaryCaseFilterSet(data={"overdue": "true"}, queryset=everything).qs
    assert pks(api) == overdue
    assert admin_listed(users, "disciplinarycase", "overdue=yes") == overdue
    assert admin_listed(users, "disciplinarycase", "overdue=no") == pks(everything) - overdue
    assert reminded(today, K.CASE_DEADLINE_PASSED) == pks(
        DisciplinaryCase.objects.still_open().overdue(today)
    )
    assert workspace_total(users, "cases_open") == len(DisciplinaryCase.objects.still_open())
    assert report_total(queries.discipline_rows, grid, today, "discipline_overdue") == len(overdue)


# --- citizen feedback --------------------------------------------------------------------


@ON_GRID
@given(day=days())
def test_feedback_conditions_agree_on_the_day(grid, day):
    overdue = pks(CitizenFeedback.objects.overdue(day))
    unanswered = pks(CitizenFeedback.objects.open(day))
    items = list(CitizenFeedback.objects.all())
    assert unanswered == {f.pk for f in items if f.resolved_on is None or f.resolved_on > day}
    assert overdue == {
        f.pk for f in items if f.pk in unanswered and f.response_due and f.response_due < day
    }
    assert {f.pk for f in items if f.is_overdue(day)} == overdue
    on_time = pks(CitizenFeedback.objects.resolved_on_time())
    assert on_time == {
        f.pk for f in items if f.response_due and f.resolved_on and f.resolved_on <= f.response_due
    }
    # The report: feedback received in the period; due = answered, or past the date on the day.
    received = in_period(CitizenFeedback.objects.all(), "received_on", day)
    rows = queries.feedback_rows
    assert report_total(rows, grid, day, "feedback_resolved_on_time") == len(on_time & received)
    answered = pks(CitizenFeedback.objects.exclude(feedback_open()))
    due = {f.pk for f in items if f.response_due and (f.pk in answered or f.response_due < day)}
    assert report_total(rows, grid, day, "feedback_due") == len(due & received)
    assert reminded(day, K.PETITION_OVERDUE) == overdue & pks(CitizenFeedback.objects.open())


def test_feedback_overdue_and_open_today_everywhere(grid, users):
    today = timezone.localdate()
    overdue = pks(CitizenFeedback.objects.overdue(today))
    unanswered = pks(CitizenFeedback.objects.open())
    assert overdue and unanswered
    everything = CitizenFeedback.objects.all()
    api = CitizenFeedbackFilterSet(data={"overdue": "true"}, queryset=everything).qs
    assert pks(api) == overdue
    page = FeedbackPageFilterSet(data={"open": "true"}, queryset=everything).qs
    assert pks(page) == unanswered == {f.pk for f in everything if f.is_open}
    answered = FeedbackPageFilterSet(data={"open": "false"}, queryset=everything).qs
    assert pks(answered) == pks(everything) - unanswered
    assert reminded(today, K.PETITION_OVERDUE) == overdue
    assert workspace_total(users, "feedback_open") == len(unanswered)


# --- improvement plan items (reform) ---------------------------------------------------


@pytest.fixture
def items(tree):
    from reform.models import ImprovementItem, ImprovementPlan

    plan = ImprovementPlan.objects.create(unit=tree["D"], year=2020, title="Kế hoạch khắc phục")
    for pivot in _pivots():
        dates = [pivot + dt.timedelta(days=d) for d in AROUND]
        for due, done_on, status in itertools.product(
            dates, [None, *dates], ["open", "in_progress", "done"]
        ):
            if (status == "done") != (done_on is not None) or not _not_future(done_on):
                continue
            ImprovementItem.objects.create(
                plan=plan,
                action="Dịch vụ công mức 3, 4",
                owner_unit=tree["A"],
                due_date=due,
                status=status,
                done_on=done_on,
            )
    return ImprovementItem


@ON_GRID
@given(day=days())
def test_item_conditions_agree_on_the_day(items, day):
    overdue = pks(items.objects.overdue(day))
    to_do = pks(items.objects.open_on(day))
    rows = list(items.objects.all())
    assert to_do == {
        i.pk for i in rows if i.status != "done" or (i.done_on is not None and i.done_on > day)
    }
    assert overdue == {i.pk for i in rows if i.pk in to_do and i.due_date < day}
    # Reminded only while still to do now, as actions and petitions are.
    assert reminded(day, K.PLAN_ITEM_OVERDUE) == overdue & pks(items.objects.open())


def test_item_overdue_today_everywhere(items):
    from reform.filtersets import ImprovementItemFilterSet

    today = timezone.localdate()
    overdue = pks(items.objects.overdue(today))
    assert overdue
    assert overdue == pks(items.objects.open().filter(due_date__lt=today))
    everything = items.objects.all()
    assert {i.pk for i in everything if i.overdue} == overdue
    api = ImprovementItemFilterSet(data={"overdue": "true"}, queryset=everything).qs
    assert pks(api) == overdue
    rest = ImprovementItemFilterSet(data={"overdue": "false"}, queryset=everything).qs
    assert pks(rest) == pks(everything) - overdue


# --- the shared reading on one record ------------------------------------------------------


def test_matches_reads_a_null_as_sql_does():
    action = CorrectiveAction(status="done", done_on=None, due_date=dt.date(2024, 1, 1))
    assert not matches(action, action_open(dt.date(2023, 1, 1)))
    # ~Q on a NULL comparison is true, as the ORM's negation is.
    assert matches(action, ~action_done_on_time())
    feedback = CitizenFeedback(resolved_on=None, response_due=None)
    assert matches(feedback, feedback_open()) and not feedback.is_overdue(dt.date(2030, 1, 1))
