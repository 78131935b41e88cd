"""Tiny builders of the records the report reads, with only the fields it needs.

Records are created through the models (not the services) so each test states
exactly the dates and statuses it counts, without the workflows' side rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from inspections.models import (
    CitizenFeedback,
    CorrectiveAction,
    DisciplinaryCase,
    Finding,
    FindingCategory,
    Inspection,
)
from tests.factories import StaffFactory, UnitFactory
from training.models import Course, Enrolment, TrainingTopic

__all__ = ["UnitFactory"]
_serial = itertools.count(1)
D = dt.date
D2019_02_01 = D(2019, 2, 1)
D2019_03_01 = D(2019, 3, 1)
D2019_03_02 = D(2019, 3, 2)
D2019_04_01 = D(2019, 4, 1)
D2019_04_22 = D(2019, 4, 22)
D2019_05_01 = D(2019, 5, 1)
D2019_05_06 = D(2019, 5, 6)


def staff(unit, n=1, **extra):
    return [StaffFactory(unit=unit, **extra) for _ in range(n)]


def inspection(unit, start=D2019_03_01, **extra):
    return Inspection.objects.create(
        code=f"KT-{next(_serial):05d}",
        kind="scheduled",
        unit=unit,
        start_date=start,
        status="concluded",
        **extra,
    )


def category():
    return FindingCategory.objects.get_or_create(
        code="late-dossier", defaults={"name": "Trễ hẹn hồ sơ"}
    )[0]


def finding(unit, found_on=D2019_03_02, severity="minor", **extra):
    return Finding.objects.create(
        unit=unit,
        category=category(),
        severity=severity,
        description="Vi phạm",
        found_on=found_on,
        **extra,
    )


def action(unit, due, status="open", done_on=None):
    return CorrectiveAction.objects.create(
        finding=finding(unit),
        unit=unit,
        description="Khắc phục",
        due_date=due,
        status=status,
        done_on=done_on,
        verified_on=done_on if status == "verified" else None,
    )


def case(unit, opened_on=D2019_02_01, status="opened", handling_deadline=D2019_05_01, **extra):
    person = staff(unit)[0]
    return DisciplinaryCase.objects.create(
        staff=person,
        unit=unit,
        violation_date=opened_on - dt.timedelta(days=10),
        discovered_on=opened_on,
        opened_on=opened_on,
        severity="minor",
        status=status,
        regime="R0",
        handling_deadline=handling_deadline,
        **extra,
    )


def feedback(unit, received_on=D2019_04_01, response_due=D2019_04_22, resolved_on=None, **extra):
    return CitizenFeedback.objects.create(
        tracking_code=f"PA-T{next(_serial):06d}",
        unit=unit,
        description="Thái độ hách dịch",
        received_on=received_on,
        response_due=response_due,
        resolved_on=resolved_on,
        **extra,
    )


def course(level="province", start=D2019_05_06, hours="30"):
    topic = TrainingTopic.objects.get_or_create(code="iso9001", defaults={"name": "ISO 9001:2015"})[
        0
    ]
    return Course.objects.create(
        code=f"KH-{next(_serial):05d}",
        title="Bồi dưỡng ISO 9001:2015",
        topic=topic,
        kind="refresher",
        organizer_level=level,
        organizer_name="Sở Khoa học và Công nghệ",
        start_date=start,
        end_date=start + dt.timedelta(days=2),
        hours=Decimal(hours),
    )


def turn(person, course_, status="completed", unit=None):
    return Enrolment.objects.create(
        staff=person, course=course_, unit=unit or person.unit, status=status
    )
