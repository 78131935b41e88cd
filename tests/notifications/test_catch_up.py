"""A catch-up run (``send_reminders --date`` a past day) reads every reminder kind alike.

For each reminder kind, two records that were due (or overdue) on the day:
one done, answered or decided after the day, one still open now. The run for
the day reminds of the open one only, judged due or overdue as of that day;
the other was still to do on the day, but the work is done and nobody should
be told to do it.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from inspections.casework.choices import ActionStatus, CaseStatus
from inspections.feedback.choices import FeedbackStatus
from inspections.models import CitizenFeedback, CorrectiveAction, DisciplinaryCase
from notifications.models import Notification
from reform.choices import PlanItemStatus
from reform.models import ImprovementItem, ImprovementPlan
from tests.inspections.feedback_factories import CitizenFeedbackFactory
from tests.notifications.conftest import DAY
from tests.notifications.data import _action, _case

pytestmark = pytest.mark.django_db

# Done, answered or decided after DAY (and not after today).
SINCE = DAY + dt.timedelta(days=2)


def _actions(unit, users, due):
    return _action(unit, due, logged_by=users["inspector"])


def _action_done(action):
    CorrectiveAction.objects.filter(pk=action.pk).update(status=ActionStatus.DONE, done_on=SINCE)


def _cases(handling=None, statute=None):
    return lambda unit, users, _due: _case(unit, handling=handling, statute=statute)


def _case_decided(case):
    DisciplinaryCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.DECIDED, decision_date=SINCE, decision_form="khien_trach"
    )


def _petitions(unit, users, due):
    return CitizenFeedbackFactory(
        unit=unit,
        received_on=DAY - dt.timedelta(days=30),
        response_due=due,
        assigned_to=users["inspector"],
    )


def _petition_answered(feedback):
    CitizenFeedback.objects.filter(pk=feedback.pk).update(
        resolved_on=SINCE, status=FeedbackStatus.CLOSED
    )


def _items(unit, users, due):
    plan, _created = ImprovementPlan.objects.get_or_create(
        unit=unit, year=2024, defaults={"title": "Kế hoạch khắc phục", "adopted_on": DAY}
    )
    return ImprovementItem.objects.create(
        plan=plan, criterion_code="3.2", action="Cập nhật hồ sơ", owner_unit=unit, due_date=due
    )


def _item_done(item):
    ImprovementItem.objects.filter(pk=item.pk).update(status=PlanItemStatus.DONE, done_on=SINCE)


# kind: (make(unit, users, due), close it after DAY, due date)
KINDS = {
    "action_due": (_actions, _action_done, DAY + dt.timedelta(days=5)),
    "action_overdue": (_actions, _action_done, DAY - dt.timedelta(days=1)),
    "case_deadline_5": (_cases(handling=DAY + dt.timedelta(days=3)), _case_decided, None),
    "case_deadline_15": (_cases(handling=DAY + dt.timedelta(days=13)), _case_decided, None),
    "case_deadline_passed": (_cases(handling=DAY - dt.timedelta(days=10)), _case_decided, None),
    "case_statute_30": (_cases(statute=DAY + dt.timedelta(days=20)), _case_decided, None),
    "petition_due": (_petitions, _petition_answered, DAY + dt.timedelta(days=1)),
    "petition_overdue": (_petitions, _petition_answered, DAY - dt.timedelta(days=3)),
    "plan_item_assigned": (_items, _item_done, DAY + dt.timedelta(days=20)),
    "plan_item_due": (_items, _item_done, DAY + dt.timedelta(days=5)),
    "plan_item_overdue": (_items, _item_done, DAY - dt.timedelta(days=1)),
}


def run(day: dt.date = DAY) -> None:
    call_command("send_reminders", "--date", day.isoformat(), stdout=StringIO())


def reminded(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("object_id", flat=True))


@pytest.mark.parametrize("kind", KINDS)
def test_a_catch_up_run_reminds_only_of_what_is_still_open(tree, people, kind):
    make, close, due = KINDS[kind]
    unit = tree["A"]
    still_open = make(unit, people, due)
    closed_since = make(unit, people, due)
    close(closed_since)
    run()
    assert reminded(kind) == {still_open.pk}


def test_the_digest_of_a_catch_up_run_leaves_out_what_was_closed_since(tree, people):
    """The leaders' digest of what became overdue reads the same way."""
    unit = tree["A"]
    late = DAY - dt.timedelta(days=1)
    records = {
        "action": [_actions(unit, people, late) for _ in range(2)],
        "case": [_cases(handling=late)(unit, people, None) for _ in range(2)],
        "feedback": [_petitions(unit, people, late) for _ in range(2)],
    }
    for close, (_open, closed) in zip(
        (_action_done, _case_decided, _petition_answered), records.values(), strict=True
    ):
        close(closed)
    run()
    digest = Notification.objects.get(kind="overdue_digest", recipient=people["head_a"])
    listed = {(item["type"], item["id"]) for item in digest.context["items"]}
    assert listed == {(kind, pair[0].pk) for kind, pair in records.items()}
