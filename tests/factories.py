"""factory_boy factories for the foundation models; apps add theirs beside their tests."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from staff.choices import StaffCategory, UnitLevel
from staff.models import Staff, Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    level = UnitLevel.COMMUNE


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"S{n:05d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    unit = factory.SubFactory(UnitFactory)
    category = StaffCategory.CIVIL_SERVANT
    joined_on = dt.date(2010, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-123")
