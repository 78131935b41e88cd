"""Factories and helpers for the feedback tests (issue 5)."""

import datetime as dt

import factory
from django.utils import timezone

from inspections.feedback import rules
from inspections.feedback.models import CitizenFeedback, FeedbackCategory
from tests.factories import UnitFactory


class FeedbackCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"Loại {n}")


class CitizenFeedbackFactory(factory.django.DjangoModelFactory):
    """Stored directly (not through the service): for read-side tests."""

    class Meta:
        model = CitizenFeedback

    tracking_code = factory.LazyFunction(rules.generate_tracking_code)
    unit = factory.SubFactory(UnitFactory)
    description = "Cán bộ một cửa hách dịch, yêu cầu nộp thêm giấy tờ không có trong danh mục."
    staff_name = "Anh Tuấn"
    reporter_name = "Phạm Thị Hoa"
    reporter_address = "Thôn 2, xã Hà Lâm"
    reporter_phone = "0912345678"
    reporter_email = "hoa@example.com"
    is_formal = True
    received_at = factory.LazyFunction(timezone.now)
    received_on = factory.LazyAttribute(lambda o: timezone.localdate(o.received_at))
    response_due = factory.LazyAttribute(lambda o: o.received_on + dt.timedelta(days=21))


def ensure_catalogue() -> None:
    """The category catalogue and response target the data migrations ship.

    A transactional test elsewhere in the suite flushes every table, data
    migrations' rows included; tests that rely on the catalogue restore it.
    """
    import importlib

    from django.apps import apps

    from inspections.casework.models import FindingCategory

    importlib.import_module("inspections.migrations.0002_feedback_catalogue").forwards(apps, None)
    FindingCategory.objects.get_or_create(
        code="attitude", defaults={"name": "Thái độ hách dịch, cửa quyền"}
    )
    FeedbackCategory.objects.filter(code="attitude", finding_category__isnull=True).update(
        finding_category=FindingCategory.objects.get(code="attitude")
    )
