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
    assert (
        api.get("/api/v1/reports/accountability/", {"year": 2019, "unit": "DH"}).status_code == 404
    )


def test_demo_peer_ranks_are_the_same_whoever_looks(demo, settings):
    """A commune's rank is among the communes of the whole tree, for the admin, an auditor and its
    head."""
    from rest_framework.test import APIClient

    from staff.roles import ensure_roles

    groups = ensure_roles()
    auditor = UserFactory(username="report-auditor")
    auditor.groups.add(groups["auditor"])
    seen = {}
    for name, login in (
        ("admin", UserFactory(username="report-admin", is_superuser=True)),
        ("auditor", auditor),
    ):
        api = APIClient()
        api.force_authenticate(login)
        body = api.get("/api/v1/reports/accountability/", {"year": 2019}).json()
        seen[name] = {
            u["code"]: (u["rank"], u["peers"], u["peer_average"], u["previous_rank"])
            for u in body["units"]
        }
    assert seen["admin"] == seen["auditor"]
    communes = {code: v for code, v in seen["admin"].items() if code.startswith("DH-X")}
    assert communes
    for code, expected in communes.items():
        head = APIClient()
        assert head.login(username=f"head-{code.lower()}", password=settings.DEMO_PASSWORD)
        body = head.get("/api/v1/reports/accountability/", {"year": 2019}).json()
        assert [u["code"] for u in body["units"]] == [code]  # its own row, never the peers'
        unit = body["units"][0]
        assert (
            unit["rank"],
            unit["peers"],
            unit["peer_average"],
            unit["previous_rank"],
        ) == expected
