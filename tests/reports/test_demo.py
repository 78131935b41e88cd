"""The demo district's 2019 report: the seed article's figures come out of the real pipeline."""

import io

import pytest
from django.core.management import call_command

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())


def test_demo_2019_report_shows_96_province_training_turns_for_da_huoai(demo, client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(UserFactory(username="report-reader", is_superuser=True))
    response = api.get("/api/v1/reports/accountability/", {"year": 2019, "unit": "DH"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"] == {"code": "DH", "name": "Huyện Đạ Huoai"}
    assert body["total"]["training_turns_by_organizer_level"]["province"] == 96
    units = {u["code"]: u for u in body["units"]}
    communes = [u for u in units.values() if u["level"] == "commune"]
    assert len(communes) == 10
    # Every commune with enough staff gets a rank among communes, 1 at best.
    ranked = sorted(u["rank"] for u in communes if u["rank"] is not None)
    assert ranked and ranked[0] == 1


def test_demo_head_of_commune_sees_own_report_only(demo, settings):
    from rest_framework.test import APIClient

    api = APIClient()
    assert api.login(username="head-dh-xhl", password=settings.DEMO_PASSWORD)
    body = api.get("/api/v1/reports/accountability/", {"year": 2019}).json()
    assert body["unit"]["code"] == "DH-XHL"
    assert [u["code"] for u in body["units"]] == ["DH-XHL"]
    assert api.get("/api/v1/reports/accountability/", {"year": 2019, "unit": "DH"}).status_code == 404
