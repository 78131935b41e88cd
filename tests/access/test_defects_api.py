"""Issue #12, defects 4 and 5, through the API: scope fails closed and writes are checked.

Each test failed on the code before ``staff.access`` (a head whose link was
removed saw the whole tree; HR linked to unit A created staff in unit B).
"""

from __future__ import annotations

import pytest

from staff.access import may_see_reporter_identity, restrict, scope_of
from staff.models import Staff, Unit, UnitHead
from tests.conftest import _role_user
from tests.factories import StaffFactory
from tests.inspections.feedback_factories import CitizenFeedbackFactory, ensure_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(users, tree):
    ensure_catalogue()
    for code in ("A", "B", "D-NV"):
        StaffFactory(unit=tree[code])
        CitizenFeedbackFactory(unit=tree[code])
    orphan = _role_user("head-orphan", "unit_head", unit=tree["A"])
    hr_a = _role_user("hr-a", "hr", unit=tree["A"])
    UnitHead.objects.filter(user=orphan).delete()
    # A fresh object, as the next request would load it.
    orphan = type(orphan).objects.get(pk=orphan.pk)
    return {"orphan": orphan, "hr_a": hr_a}


def test_head_whose_unit_link_was_removed_sees_nothing(data, client_for, users):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(data["orphan"])
    for url in (
        "/api/v1/staff/",
        "/api/v1/feedback/",
        "/api/v1/units/",
        "/api/v1/courses/",
        "/api/v1/enrolments/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.json()["count"] == 0, url
    assert client.get("/api/v1/training-compliance/units/?year=2019").status_code == 404
    assert client.get("/api/v1/reports/accountability/?year=2019").status_code in (403, 404)
    # And the head with its link still sees its own unit only.
    own = client_for("head_a").get("/api/v1/staff/").json()
    assert own["count"] == 1


def test_user_without_role_and_anonymous_see_nothing(data, users):
    assert scope_of(users["nobody"]).nothing
    assert not restrict(Staff.objects.all(), users["nobody"]).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not restrict(Unit.objects.all(), AnonymousUser()).exists()
    assert not may_see_reporter_identity(AnonymousUser())


def test_hr_linked_to_a_cannot_create_staff_in_b(data, tree):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(data["hr_a"])
    body = {"code": "NEW-B", "full_name": "Trần Thị B", "unit": "B", "category": "civil_servant"}
    response = client.post("/api/v1/staff/", body, format="json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not Staff.objects.filter(code="NEW-B").exists()
    body.update(code="NEW-A", unit="A")
    assert client.post("/api/v1/staff/", body, format="json").status_code == 201


def test_hr_linked_to_a_cannot_move_staff_or_units_out_of_scope(data, tree):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(data["hr_a"])
    person = Staff.objects.get(unit=tree["A"])
    response = client.patch(f"/api/v1/staff/{person.code}/", {"unit": "B"}, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    assert Staff.objects.get(pk=person.pk).unit == tree["A"]
    # A unit of its own subtree may not be moved under another unit, nor a new one created outside.
    child = Unit.objects.create(code="A-1", name="Thôn 1", level="commune", parent=tree["A"])
    response = client.patch(f"/api/v1/units/{child.code}/", {"parent": "B"}, format="json")
    assert response.status_code == 400 and "parent" in response.json()
    response = client.post(
        "/api/v1/units/",
        {"code": "B-9", "name": "Thôn 9", "level": "commune", "parent": "B"},
        format="json",
    )
    assert response.status_code == 400 and "parent" in response.json()
    # Another unit's staff is not even found.
    other = Staff.objects.get(unit=tree["B"])
    assert (
        client.patch(f"/api/v1/staff/{other.code}/", {"full_name": "X"}, format="json").status_code
        == 404
    )
