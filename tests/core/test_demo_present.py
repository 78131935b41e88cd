"""seed_demo's present day: work due around the day it runs, in the communes that succeeded Đạ
Huoai's."""

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F

from inspections.feedback.models import CitizenFeedback, FeedbackStep
from inspections.models import CorrectiveAction, DisciplinaryCase, Finding, Inspection
from staff.models import Staff, UnitHead
from training.compliance import staff_compliance
from training.models import Course, Enrolment

pytestmark = pytest.mark.django_db
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SUCCESSORS = ["LD-XDH", "LD-XDH2", "LD-XDH3"]


def _seed():
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())


def _counts():
    return (
        Staff.objects.count(),
        Inspection.objects.count(),
        Finding.objects.count(),
        CorrectiveAction.objects.count(),
        DisciplinaryCase.objects.count(),
        CitizenFeedback.objects.count(),
        Course.objects.count(),
        Enrolment.objects.count(),
    )


@pytest.mark.parametrize("now", [dt.datetime(2026, 3, 10, 10, 0), dt.datetime(2026, 12, 1, 9, 0)])
def test_every_role_has_work_due_today(now):
    with time_machine.travel(now.replace(tzinfo=HCM), tick=False):
        _seed()
        today = now.date()
        week = today + dt.timedelta(days=7)
        # Unit heads of the successor communes exist and have a roster.
        for code in SUCCESSORS:
            assert UnitHead.objects.filter(
                unit__code=code, user__username=f"head-{code.lower()}"
            ).exists()
            assert Staff.objects.filter(unit__code=code, status="active").count() >= 20
        present = {"unit__code__in": SUCCESSORS}
        assert Inspection.objects.filter(status="in_progress", **present).count() == 3
        actions = CorrectiveAction.objects.filter(**present)
        assert actions.overdue(today).count() == 3
        assert actions.filter(status="open", due_date__gte=today, due_date__lte=week).count() == 3
        assert actions.filter(due_date__month=today.month, due_date__gte=today).exists()
        assert actions.filter(status="done").count() == 3  # for the inspector to verify
        cases = DisciplinaryCase.objects.filter(**present)
        assert (
            cases.still_open()
            .filter(
                handling_deadline__gte=today, handling_deadline__lte=today + dt.timedelta(days=14)
            )
            .exists()
        )
        assert cases.limitation_expiring(today, 30).exists()
        assert cases.filter(status="council").exists()
        assert Finding.objects.filter(
            severity="serious", staff__isnull=False, discipline_cases__isnull=True, **present
        ).exists()
        feedback = CitizenFeedback.objects.filter(**present)
        assert feedback.open().count() >= 12
        assert feedback.overdue(today).exists()
        assert feedback.filter(status="under_review", assigned_to__username="inspector").exists()
        courses = Course.objects.filter(start_date__year=today.year)
        assert courses.filter(
            start_date__gte=today, start_date__lte=today + dt.timedelta(days=30)
        ).exists()
        assert Enrolment.objects.filter(
            status="registered", course__end_date__lt=today
        ).exists()  # attendance to take
        rows = staff_compliance(today.year).filter(**present)
        assert rows.filter(meets=False).exists()


def test_present_day_is_idempotent_and_leaves_2019_alone():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=HCM), tick=False):
        _seed()
        before = _counts()
        cases_2019 = list(
            DisciplinaryCase.objects.filter(discovered_on__year__lte=2019).values_list(
                "status", "handling_deadline"
            )
        )
        _seed()
        assert _counts() == before
    # A later day adds nothing either: records are matched on their codes and units.
    with time_machine.travel(dt.datetime(2026, 12, 9, 9, 0, tzinfo=HCM), tick=False):
        _seed()
        assert _counts() == before
    assert (
        list(
            DisciplinaryCase.objects.filter(discovered_on__year__lte=2019).values_list(
                "status", "handling_deadline"
            )
        )
        == cases_2019
    )
    # Present-day people joined on the reform date or later: none counts in 2019.
    assert not staff_compliance(2019).filter(unit__code__startswith="LD").exists()


def test_feedback_steps_never_come_before_the_feedback_was_received():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=HCM), tick=False):
        _seed()
    assert FeedbackStep.objects.exists()
    assert not FeedbackStep.objects.filter(at__lt=F("feedback__received_at")).exists()
