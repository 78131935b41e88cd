"""factory_boy factories for the training models."""

import datetime as dt
from decimal import Decimal

import factory

from training.choices import CourseKind, EnrolmentStatus, OrganizerLevel
from training.models import Course, Enrolment, TrainingTopic


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingTopic
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"topic{n}")
    name = factory.Sequence(lambda n: f"Chủ đề {n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:04d}")
    title = factory.Sequence(lambda n: f"Lớp bồi dưỡng {n}")
    topic = factory.SubFactory(TopicFactory)
    kind = CourseKind.REFRESHER
    organizer_level = OrganizerLevel.PROVINCE
    organizer_name = "Sở Nội vụ"
    start_date = dt.date(2019, 5, 6)
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=4))
    hours = Decimal("16")
    capacity = None


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    course = factory.SubFactory(CourseFactory)
    staff = None
    unit = factory.LazyAttribute(lambda o: o.staff.unit)
    status = EnrolmentStatus.ATTENDED
