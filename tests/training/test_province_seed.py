"""The province benchmark seeder, at a small size: exact totals, rules kept, deterministic."""

import io
import random

import pytest
from django.db import transaction
from django.db.models import Count, F

from tests.factories import StaffFactory
from training import demo
from training.models import Course, Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_staff(tree):
    for i in range(120):
        unit = [tree["A"], tree["B"], tree["D-NV"]][i % 3]
        StaffFactory(code=f"PS{i:04d}", unit=unit)


def _run(seed):
    demo._seed_province(
        random.Random(seed), io.StringIO(), courses=40, enrolments=1500, root_code="P"
    )
    return list(
        Enrolment.objects.order_by("course__code", "staff__code").values_list(
            "course__code", "staff__code", "status"
        )
    )


def test_small_province_seed_hits_the_totals_and_keeps_the_rules(province_staff):
    rows = _run(7)
    assert Course.objects.count() == 40
    assert len(rows) == 1500
    over = Course.objects.annotate(n=Count("enrolments")).filter(n__gt=F("capacity"))
    assert not over.exists()
    # Every enrolment's unit is its staff member's unit (snapshot at enrolment).
    assert not Enrolment.objects.exclude(unit=F("staff__unit")).exists()
    # A second run finds the courses and adds nothing.
    _run(7)
    assert Enrolment.objects.count() == 1500


def test_small_province_seed_is_deterministic(province_staff):
    with transaction.atomic():
        first = _run(11)
        transaction.set_rollback(True)
    second = _run(11)
    assert first == second
