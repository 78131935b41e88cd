"""Enrolment workflows: duplicates, capacity (also under concurrency), eligibility, bulk,
attendance."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from staff.models import Staff
from tests.factories import StaffFactory, UnitFactory
from tests.training.factories import CourseFactory, TopicFactory
from training import rules, services
from training.models import INELIGIBLE_MESSAGES, Course, Enrolment

pytestmark = pytest.mark.django_db


def test_enrolment_snapshots_the_unit(course, roster, tree):
    enrolment = services.enrolment_create(course=course, staff=roster["a1"])
    roster["a1"].unit = tree["B"]
    roster["a1"].save()
    enrolment.refresh_from_db()
    assert enrolment.unit == tree["A"]
    assert enrolment.status == "registered"


def test_duplicate_enrolment_is_refused(course, roster):
    services.enrolment_create(course=course, staff=roster["a1"])
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(course=course, staff=roster["a1"])
    assert "staff" in exc.value.message_dict
    assert Enrolment.objects.count() == 1


def test_database_refuses_duplicates_too(course, roster):
    from django.db import IntegrityError, transaction

    Enrolment.objects.create(course=course, staff=roster["a1"], unit=roster["a1"].unit)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(course=course, staff=roster["a1"], unit=roster["a1"].unit)


def test_capacity_is_enforced_and_withdrawn_frees_a_seat(course, roster):
    for key in ("a1", "a2", "a3"):
        services.enrolment_create(course=course, staff=roster[key])
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(course=course, staff=roster["b1"])
    assert "course" in exc.value.message_dict
    Enrolment.objects.filter(staff=roster["a3"]).update(status="withdrawn")
    services.enrolment_create(course=course, staff=roster["b1"])
    assert course.enrolments.holding_seats().count() == 3


def test_person_who_left_before_the_course_is_refused(course, roster):
    person = roster["b1"]
    person.status, person.left_on = "left", dt.date(2019, 5, 5)
    person.save()
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(course=course, staff=person)
    assert "staff" in exc.value.message_dict
    person.left_on = dt.date(2019, 5, 6)  # left on the first day: was there when it began
    person.save()
    services.enrolment_create(course=course, staff=person)


def test_person_who_joined_after_the_course_is_refused(course, tree):
    late = StaffFactory(code="LATE", unit=tree["A"], joined_on=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError):
        services.enrolment_create(course=course, staff=late)


def test_sanctioned_person_is_refused_unless_overridden_with_a_reason(course, roster):
    course.purpose = "advancement"
    course.save()
    Staff.objects.filter(pk=roster["a2"].pk).update(sanction_until=dt.date(2019, 5, 6))
    person = Staff.objects.get(pk=roster["a2"].pk)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(course=course, staff=person)
    assert exc.value.message_dict["staff"] == [
        str(INELIGIBLE_MESSAGES[rules.Ineligibility.SANCTIONED])
    ]
    assert "82" in exc.value.message_dict["staff"][0]
    assert not Enrolment.objects.filter(staff=person).exists()
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(course=course, staff=person, sanction_override=True)
    assert "override_reason" in exc.value.message_dict
    enrolment = services.enrolment_create(
        course=course,
        staff=person,
        sanction_override=True,
        override_reason="Lớp bắt buộc theo vị trí việc làm",
    )
    assert enrolment.sanction_override


@time_machine.travel(dt.datetime(2019, 4, 1, 9, 0), tick=False)
def test_sanction_bars_only_courses_towards_promotion_planning_or_appointment(topic, roster):
    """Law on Cadres and Civil Servants art. 82 as amended in 2019: a refresher course stays
    open."""
    Staff.objects.filter(pk=roster["a2"].pk).update(sanction_until=dt.date(2019, 12, 31))
    person = Staff.objects.get(pk=roster["a2"].pk)
    refresher = CourseFactory(
        code="KN19", topic=topic, purpose="general", start_date=dt.date(2019, 5, 6)
    )
    enrolment = services.enrolment_create(course=refresher, staff=person)
    assert not enrolment.sanction_override
    promotion = CourseFactory(
        code="CVC19", topic=topic, purpose="advancement", start_date=dt.date(2019, 5, 6)
    )
    with pytest.raises(ValidationError) as exc:
        services.enrolment_create(course=promotion, staff=person)
    assert "82" in " ".join(exc.value.message_dict["staff"])
    result = services.enrolment_bulk_create(
        course=promotion, unit=person.unit, include_subtree=False
    )
    assert person.code in result.as_dict()["ineligible"]


def test_sanction_ending_before_the_course_does_not_bar(course, roster):
    course.purpose = "advancement"  # a course the sanction would bar were it still in effect
    course.save()
    Staff.objects.filter(pk=roster["a2"].pk).update(
        sanction_until=dt.date(2019, 5, 5)
    )  # the day before it begins
    enrolment = services.enrolment_create(
        course=course, staff=Staff.objects.get(pk=roster["a2"].pk)
    )
    assert enrolment.status == "registered"
    assert not enrolment.sanction_override and enrolment.override_reason == ""
    assert list(course.enrolments.values_list("staff__code", flat=True)) == ["A002"]


def test_bulk_enrolment_by_unit_subtree_and_category(topic, roster, tree):
    course = CourseFactory(code="BULK", topic=topic, capacity=None, purpose="advancement")
    Staff.objects.filter(pk=roster["d1"].pk).update(sanction_until=dt.date(2030, 1, 1))
    services.enrolment_create(course=course, staff=roster["b1"])
    result = services.enrolment_bulk_create(
        course=course, unit=tree["D"], categories=["civil_servant"]
    )
    summary = result.as_dict()
    assert summary["enrolled"] == ["A002"]
    assert summary["already_enrolled"] == ["B001"]
    assert list(summary["ineligible"]) == ["D001"]
    only_a = services.enrolment_bulk_create(course=course, unit=tree["A"], include_subtree=False)
    assert only_a.as_dict()["enrolled"] == ["A001", "A003"]
    assert {e.unit.code for e in course.enrolments.select_related("unit")} == {"A", "B"}


def test_bulk_enrolment_is_all_or_nothing_on_capacity(topic, roster, tree):
    course = CourseFactory(code="SMALL", topic=topic, capacity=2)
    with pytest.raises(ValidationError) as exc:
        services.enrolment_bulk_create(course=course, unit=tree["D"])
    assert "course" in exc.value.message_dict
    assert course.enrolments.count() == 0


@time_machine.travel(dt.datetime(2019, 5, 10, 9, 0), tick=False)
def test_attendance_for_a_whole_course(course, roster):
    for key in ("a1", "a2", "a3"):
        services.enrolment_create(course=course, staff=roster[key])
    changed = services.attendance_record(
        course=course,
        records=[
            {
                "staff": "A001",
                "status": "completed",
                "certificate_number": "CC-1",
                "certificate_issued_on": dt.date(2019, 5, 10),
            },
            {"staff": "A003", "status": "no_show"},
        ],
        default_status="attended",
    )
    assert len(changed) == 3
    statuses = dict(course.enrolments.values_list("staff__code", "status"))
    assert statuses == {"A001": "completed", "A002": "attended", "A003": "no_show"}
    a1 = course.enrolments.get(staff__code="A001")
    assert a1.completed_on == dt.date(2019, 5, 10)  # course ends on the 10th
    assert course.enrolments.turns().count() == 2


@time_machine.travel(dt.datetime(2019, 5, 1, 9, 0), tick=False)
def test_attendance_before_the_course_begins_is_refused(course, roster):
    services.enrolment_create(course=course, staff=roster["a1"])
    with pytest.raises(ValidationError):
        services.attendance_record(course=course, default_status="attended")
    assert course.enrolments.get().status == "registered"


@time_machine.travel(dt.datetime(2019, 6, 1, 9, 0), tick=False)
def test_attendance_names_people_not_enrolled_and_writes_nothing(course, roster):
    services.enrolment_create(course=course, staff=roster["a1"])
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(
            course=course,
            records=[
                {"staff": "A001", "status": "attended"},
                {"staff": "B001", "status": "attended"},
            ],
        )
    assert "B001" in str(exc.value)
    assert course.enrolments.get().status == "registered"


@time_machine.travel(dt.datetime(2019, 6, 1, 9, 0), tick=False)
def test_certificate_needs_completion(course, roster):
    services.enrolment_create(course=course, staff=roster["a1"])
    with pytest.raises(ValidationError):
        services.attendance_record(
            course=course,
            records=[{"staff": "A001", "status": "attended", "certificate_number": "X"}],
        )


@pytest.mark.django_db(transaction=True)
def test_capacity_holds_under_concurrent_enrolment():
    """Eight threads race for three places: exactly three win (course row locked in the service)."""
    unit = UnitFactory(code="RACE")
    course = CourseFactory(code="RACE", topic=TopicFactory(code="race"), capacity=3)
    people = [StaffFactory(code=f"R{i}", unit=unit) for i in range(8)]
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []
    lock = threading.Lock()

    def enrol(person):
        try:
            barrier.wait()
            services.enrolment_create(course=Course.objects.get(pk=course.pk), staff=person)
            outcome = "ok"
        except ValidationError:
            outcome = "full"
        finally:
            close_old_connections()
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=enrol, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["full"] * 5 + ["ok"] * 3
    assert Enrolment.objects.filter(course=course).count() == 3


@time_machine.travel(dt.datetime(2019, 6, 1, 9, 0), tick=False)
def test_a_withdrawn_person_cannot_come_back_into_a_full_course(course, roster):
    for key in ("a1", "a2", "a3"):
        services.enrolment_create(course=course, staff=roster[key])
    withdrawn = Enrolment.objects.get(staff=roster["a3"])
    services.enrolment_update(enrolment=withdrawn, data={"status": "withdrawn"})
    services.enrolment_create(course=course, staff=roster["b1"])
    with pytest.raises(ValidationError):
        services.enrolment_update(
            enrolment=Enrolment.objects.get(pk=withdrawn.pk), data={"status": "registered"}
        )
    with pytest.raises(ValidationError):
        services.attendance_record(course=course, records=[{"staff": "A003", "status": "attended"}])
    assert course.enrolments.holding_seats().count() == 3
