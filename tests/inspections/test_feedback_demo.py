"""Demo feedback: Đạ Huoai 2019 in every status, idempotent; the province set in bulk."""

import io
import random

import pytest
from django.db.models import F

from inspections.feedback import demo
from inspections.feedback.choices import FeedbackStatus
from inspections.feedback.models import CitizenFeedback, FeedbackStep
from staff import demo as staff_demo
from tests.inspections.feedback_factories import ensure_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue(db):
    ensure_catalogue()


def test_demo_has_2019_feedback_in_every_status_and_is_idempotent():
    out = io.StringIO()
    staff_demo.seed(scale="demo", rng=random.Random(2019), stdout=out)
    demo.seed(scale="demo", rng=random.Random(2019), stdout=out)
    # The present day's feedback is in the successor communes (LD-...); 2019 is Đạ Huoai's.
    assert (
        not CitizenFeedback.objects.exclude(received_on__year=2019)
        .exclude(unit__code__startswith="LD-")
        .exists()
    )
    items = CitizenFeedback.objects.filter(received_on__year=2019)
    assert 60 <= items.count() <= 80
    assert set(items.values_list("status", flat=True)) == set(FeedbackStatus.values)
    assert set(items.values_list("received_on__year", flat=True)) == {2019}
    assert all(code.startswith("DH-") for code in items.values_list("unit__code", flat=True))
    assert items.filter(is_formal=True).exists() and items.filter(is_formal=False).exists()
    assert not items.filter(is_formal=True, response_due__isnull=True).exists()
    assert not items.filter(is_formal=False, response_due__isnull=False).exists()
    assert items.filter(finding__isnull=False, status__in=["substantiated", "closed"]).exists()
    assert (
        items.resolved_on_time().exists()
        and items.filter(resolved_on__gt=F("response_due")).exists()
    )
    # Steps are dated on the day they were taken, in 2019 or early 2020.
    assert set(
        FeedbackStep.objects.filter(feedback__in=items).values_list("at__year", flat=True)
    ) <= {2019, 2020}
    before = CitizenFeedback.objects.count()
    demo.seed(scale="demo", rng=random.Random(2019), stdout=out)
    assert CitizenFeedback.objects.count() == before


def test_province_scale_is_bulk_and_consistent(monkeypatch):
    out = io.StringIO()
    from staff.choices import UnitLevel
    from staff.models import Unit

    province = Unit.objects.create(code="P", name="Tỉnh Mẫu", level=UnitLevel.PROVINCE)
    district = Unit.objects.create(
        code="P-D01", name="Huyện Mẫu 1", level=UnitLevel.DISTRICT, parent=province
    )
    for k in range(3):
        Unit.objects.create(
            code=f"P-D01-X{k:02d}", name=f"Xã {k}", level=UnitLevel.COMMUNE, parent=district
        )
    monkeypatch.setattr(demo, "PROVINCE_COUNT", 600)
    demo.seed(scale="province", rng=random.Random(1), stdout=out)
    items = CitizenFeedback.objects.all()
    assert items.count() == 600
    assert len(set(items.values_list("tracking_code", flat=True))) == 600
    years = set(items.values_list("received_on__year", flat=True))
    assert years == set(range(2019, 2025))
    assert not items.filter(is_formal=False, response_due__isnull=False).exists()
    demo.seed(scale="province", rng=random.Random(1), stdout=out)
    assert CitizenFeedback.objects.count() == 600
