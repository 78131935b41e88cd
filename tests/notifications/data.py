"""Records due on ``DAY`` in each kind of reminder, in units A and B of the shared tree."""

from __future__ import annotations

import datetime as dt

from inspections.models import DisciplinaryCase
from tests.factories import StaffFactory
from tests.inspections.casework_factories import (
    CorrectiveActionFactory,
    FindingFactory,
    InspectionFactory,
)
from tests.inspections.feedback_factories import CitizenFeedbackFactory
from tests.notifications.conftest import DAY


def _action(unit, due: dt.date, logged_by=None):
    finding = FindingFactory(
        inspection=InspectionFactory(unit=unit), unit=unit, found_on=dt.date(2024, 1, 10)
    )
    action = CorrectiveActionFactory.build(finding=finding, unit=unit, due_date=due)
    if logged_by is not None:
        action._history_user = logged_by
    action.save()
    return action


def _case(unit, *, handling: dt.date | None, statute: dt.date | None):
    staff = StaffFactory(unit=unit)
    return DisciplinaryCase.objects.create(
        staff=staff,
        unit=unit,
        violation_date=dt.date(2024, 1, 2),
        discovered_on=dt.date(2024, 2, 1),
        opened_on=dt.date(2024, 2, 1),
        severity="minor",
        handling_deadline=handling,
        statute_deadline=statute,
    )


def due_records(tree, users) -> dict:
    a, b = tree["A"], tree["B"]
    return {
        "action_due_a": _action(a, DAY + dt.timedelta(days=5)),
        "action_late_b": _action(b, DAY - dt.timedelta(days=5), logged_by=users["inspector"]),
        "action_new_late_a": _action(a, DAY - dt.timedelta(days=1)),
        "case_5_a": _case(a, handling=DAY + dt.timedelta(days=3), statute=None),
        "case_15_b": _case(b, handling=DAY + dt.timedelta(days=13), statute=None),
        "case_passed_a": _case(a, handling=DAY - dt.timedelta(days=10), statute=None),
        "case_statute_b": _case(b, handling=None, statute=DAY + dt.timedelta(days=20)),
        "petition_due_a": CitizenFeedbackFactory(
            unit=a,
            received_on=DAY - dt.timedelta(days=20),
            response_due=DAY + dt.timedelta(days=1),
            assigned_to=users["inspector"],
        ),
        "petition_late_b": CitizenFeedbackFactory(
            unit=b,
            received_on=DAY - dt.timedelta(days=30),
            response_due=DAY - dt.timedelta(days=3),
        ),
    }
