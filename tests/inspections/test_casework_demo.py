"""The casework part of seed_demo: Đạ Huoai 2019 (and 2018), idempotent; the province benchmark
path."""

import datetime as dt
import io
import random

import pytest

from inspections.casework import demo
from inspections.models import CorrectiveAction, DisciplinaryCase, Finding, Inspection
from staff import demo as staff_demo
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
YEAR_END = dt.date(2019, 12, 31)


def seed(scale="demo"):
    out = io.StringIO()
    rng = random.Random(2019)
    staff_demo.seed(scale=scale, rng=rng, stdout=out)
    demo.seed(scale=scale, rng=rng, stdout=out)
    return out.getvalue()


def test_demo_casework_of_da_huoai_2019():
    seed()
    inspected = set(
        Inspection.objects.filter(start_date__year=2019).values_list("unit__code", flat=True)
    )
    assert len(inspected) >= 15  # most of the 22 departments and communes
    assert Inspection.objects.filter(start_date__year=2018).exists()
    assert Finding.objects.values("category").distinct().count() >= 5
    assert Finding.objects.values("severity").distinct().count() >= 3
    assert CorrectiveAction.objects.overdue(YEAR_END).exists()
    assert CorrectiveAction.objects.filter(status="verified").exists()
    statuses = set(DisciplinaryCase.objects.values_list("status", flat=True))
    assert statuses == {
        "opened",
        "self_review",
        "council",
        "decided",
        "closed_no_action",
        "postponed",
        "exempt",
    }
    assert DisciplinaryCase.objects.overdue(YEAR_END).count() == 1
    decided = DisciplinaryCase.objects.filter(status="decided")
    assert all(c.effect_ends_on and c.decision_number for c in decided)
    assert all(c.steps.count() == 4 for c in decided)
    assert DisciplinaryCase.history.count() > DisciplinaryCase.objects.count()


def test_demo_casework_is_idempotent():
    seed()
    before = (Inspection.objects.count(), Finding.objects.count(), DisciplinaryCase.objects.count())
    demo.seed(scale="demo", rng=random.Random(1), stdout=io.StringIO())
    assert (
        Inspection.objects.count(),
        Finding.objects.count(),
        DisciplinaryCase.objects.count(),
    ) == before


def test_province_path_writes_findings_actions_and_cases(tree):
    for i in range(40):
        StaffFactory(code=f"PS{i}", unit=tree["A" if i % 2 else "D-NV"], category="civil_servant")
    demo._seed_province(random.Random(3), io.StringIO(), findings_total=2000)
    assert Finding.objects.count() == 2000
    assert Inspection.objects.count() == 500
    assert CorrectiveAction.objects.exists()
    cases = DisciplinaryCase.objects.all()
    assert cases.exists()
    assert all(c.handling_deadline and c.regime for c in cases)
    assert set(Finding.objects.values_list("found_on__year", flat=True)) == set(demo.PROVINCE_YEARS)
    assert all(c.findings.count() == 1 for c in cases[:20])
