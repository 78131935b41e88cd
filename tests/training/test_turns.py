"""Turn counting: statuses, organiser levels, subtree roll-up, year boundaries, historical unit."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.training.factories import CourseFactory, EnrolmentFactory
from training.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def turns(topic, roster, tree):
    province = CourseFactory(
        code="PROV",
        topic=topic,
        organizer_level="province",
        start_date=dt.date(2019, 3, 1),
        hours=16,
    )
    district = CourseFactory(
        code="DIST",
        topic=topic,
        organizer_level="district",
        start_date=dt.date(2019, 6, 1),
        hours=8,
    )
    # Starts on 31 December 2018, ends in 2019: a 2018 turn.
    dec = CourseFactory(
        code="DEC18",
        topic=topic,
        organizer_level="province",
        start_date=dt.date(2018, 12, 31),
        end_date=dt.date(2019, 1, 4),
        hours=24,
    )
    # Starts on 31 December 2019, ends in 2020: a 2019 turn.
    last = CourseFactory(
        code="DEC19",
        topic=topic,
        organizer_level="central",
        start_date=dt.date(2019, 12, 31),
        end_date=dt.date(2020, 1, 3),
        hours=40,
    )
    jan = CourseFactory(
        code="JAN20",
        topic=topic,
        organizer_level="province",
        start_date=dt.date(2020, 1, 1),
        hours=8,
    )
    for status, person in [
        ("attended", "a1"),
        ("completed", "a2"),
        ("failed", "a3"),
        ("no_show", "b1"),
        ("withdrawn", "d1"),
    ]:
        EnrolmentFactory(course=province, staff=roster[person], status=status)
    EnrolmentFactory(course=district, staff=roster["a1"], status="completed")
    EnrolmentFactory(course=district, staff=roster["b1"], status="attended")
    EnrolmentFactory(course=dec, staff=roster["a1"], status="completed")
    EnrolmentFactory(course=last, staff=roster["d1"], status="attended")
    EnrolmentFactory(course=jan, staff=roster["a2"], status="attended")


def test_only_attended_and_completed_count(turns):
    assert Enrolment.objects.in_year(2019).filter(course__code="PROV").turns().count() == 2


def test_year_is_that_of_the_course_start(turns):
    assert sorted(
        Enrolment.objects.turns().in_year(2018).values_list("course__code", flat=True)
    ) == ["DEC18"]
    assert sorted(
        Enrolment.objects.turns().in_year(2019).values_list("course__code", flat=True)
    ) == [
        "DEC19",
        "DIST",
        "DIST",
        "PROV",
        "PROV",
    ]
    assert Enrolment.objects.turns().in_year(2020).count() == 1


def test_summary_by_level_topic_and_subtree(turns, tree):
    summary = Enrolment.objects.in_year(2019).summary()
    assert summary["turns"] == 5
    assert summary["by_organizer_level"] == {
        "central": 1,
        "province": 2,
        "district": 2,
        "commune": 0,
    }
    assert summary["by_topic"] == {"iso": 5}
    assert summary["hours"] == Decimal(16 + 16 + 8 + 8 + 40)
    assert summary["persons"] == 4  # a1 twice: distinct persons counted once, turns twice
    commune_a = Enrolment.objects.in_year(2019).in_unit_subtree(tree["A"]).summary()
    assert commune_a["turns"] == 3
    district = Enrolment.objects.in_year(2019).in_unit_subtree(tree["D"]).summary()
    assert district["turns"] == 5  # A + B + D-NV roll up into the district


def test_turn_stays_with_the_unit_of_enrolment(turns, roster, tree):
    roster["a1"].unit = tree["B"]
    roster["a1"].save()
    assert Enrolment.objects.in_year(2019).in_unit_subtree(tree["A"]).turns().count() == 3
    assert Enrolment.objects.in_year(2019).in_unit_subtree(tree["B"]).turns().count() == 1


def test_turns_endpoint_uses_the_filters(turns, client_for):
    body = (
        client_for("hr")
        .get(
            "/api/v1/enrolments/turns/", {"year": 2019, "unit": "D", "organizer_level": "province"}
        )
        .json()
    )
    assert body["turns"] == 2
    assert body["by_organizer_level"]["province"] == 2
    body = client_for("head_b").get("/api/v1/enrolments/turns/", {"year": 2019}).json()
    assert body["turns"] == 1  # B's own turns only
