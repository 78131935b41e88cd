"""The demo district: 96 province-course turns in 2019, the two ISO classes, staff below target."""

import io
import random

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils.module_loading import import_string

from staff.models import Unit
from training.compliance import staff_compliance
from training.models import Course, Enrolment

pytestmark = pytest.mark.django_db


def _seed_through_training():
    """The seeders of ``seed_demo`` in their configured order, up to and including training's.

    The later seeders (inspections, feedback) do not touch enrolments; stopping
    here keeps this test about training whatever state they are in.
    """
    rng = random.Random(2019)
    with transaction.atomic():
        for dotted in settings.DEMO_SEEDERS:
            import_string(dotted)(scale="demo", rng=rng, stdout=io.StringIO())
            if dotted == "training.demo.seed":
                break


@pytest.fixture
def demo():
    _seed_through_training()
    return Unit.objects.get(code="DH")


def _province_turns_2019(root, categories=("cadre", "civil_servant")):
    return (
        Enrolment.objects.turns()
        .in_year(2019)
        .in_unit_subtree(root)
        .filter(course__organizer_level="province")
        .filter(staff__category__in=categories)
        .count()
    )


def test_demo_district_and_communes_have_exactly_96_province_turns_in_2019(demo):
    # "96 lượt cán bộ, công chức": cadres and civil servants only, and nobody else on those courses.
    assert _province_turns_2019(demo) == 96
    assert _province_turns_2019(demo, ("public_employee", "contract")) == 0
    # Counted from district units and communes, no one else.
    levels = set(
        Enrolment.objects.turns()
        .in_year(2019)
        .filter(course__organizer_level="province")
        .values_list("unit__level", flat=True)
    )
    assert levels <= {"district", "department", "commune"}
    assert (
        Enrolment.objects.in_year(2019)
        .filter(course__organizer_level="province")
        .exclude(status__in=["attended", "completed"])
        .exists()
    ), "non-turn statuses are present and must not be counted"


def test_demo_has_the_two_iso_classes_with_the_department_of_science(demo):
    iso = Course.objects.in_year(2019).filter(topic__code="iso9001", organizer_level="district")
    assert iso.count() == 2
    assert all("Khoa học và Công nghệ" in c.co_organizer_name for c in iso)
    assert all(c.organizer_unit.code == "DH" for c in iso)
    assert all(c.enrolments.turns().count() > 0 for c in iso)


def test_demo_has_2018_courses_and_staff_below_the_requirement(demo):
    assert Course.objects.in_year(2018).exists()
    rows = staff_compliance(2019).filter(unit__path__startswith=demo.path)
    assert rows.filter(meets=False).exists()
    assert rows.filter(meets=True).exists()


def test_demo_respects_enrolment_rules(demo):
    for enrolment in Enrolment.objects.select_related("staff", "course"):
        left = enrolment.staff.left_on
        assert left is None or left >= enrolment.course.start_date
    for course in Course.objects.annotate(n=Count("enrolments")):
        assert (
            course.capacity is None or course.enrolments.holding_seats().count() <= course.capacity
        )


def test_seed_demo_twice_changes_nothing(demo):
    before = (Course.objects.count(), Enrolment.objects.count(), _province_turns_2019(demo))
    _seed_through_training()
    assert (Course.objects.count(), Enrolment.objects.count(), _province_turns_2019(demo)) == before
