"""The annual requirement: defaults, precedence of a position row, per-staff and per-unit
compliance."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import StaffFactory
from tests.training.factories import CourseFactory, EnrolmentFactory
from training.compliance import staff_compliance, unit_compliance
from training.models import TrainingRequirement

pytestmark = pytest.mark.django_db


def test_defaults_follow_decree_101_until_2021_and_none_after(db):
    rows = TrainingRequirement.objects.filter(position="")
    assert set(rows.values_list("year", flat=True)) == {2018, 2019, 2020, 2021}
    assert set(rows.values_list("periods", flat=True)) == {Decimal(40)}
    assert set(rows.values_list("hours", flat=True)) == {Decimal(30)}
    assert not rows.filter(category="contract").exists()


@pytest.fixture
def year_2019(topic, roster):
    big = CourseFactory(code="BIG", topic=topic, start_date=dt.date(2019, 3, 1), hours=24)
    small = CourseFactory(code="SMALL", topic=topic, start_date=dt.date(2019, 9, 1), hours=8)
    EnrolmentFactory(course=big, staff=roster["a1"], status="completed")
    EnrolmentFactory(course=small, staff=roster["a1"], status="attended")  # 32 h: meets 30
    EnrolmentFactory(course=big, staff=roster["a2"], status="attended")  # 24 h: below
    EnrolmentFactory(course=small, staff=roster["b1"], status="no_show")  # 0 h: below
    EnrolmentFactory(course=big, staff=roster["a3"], status="completed")  # contract: not counted


def test_per_staff_compliance(year_2019):
    rows = {s.code: s for s in staff_compliance(2019)}
    assert (rows["A001"].done_hours, rows["A001"].required_hours, rows["A001"].meets) == (
        Decimal(32),
        Decimal(30),
        True,
    )
    assert (rows["A002"].done_hours, rows["A002"].meets) == (Decimal(24), False)
    assert (rows["B001"].done_hours, rows["B001"].turns, rows["B001"].meets) == (
        Decimal(0),
        0,
        False,
    )
    assert rows["A003"].meets is None and rows["A003"].required_hours is None


def test_no_requirement_after_2021_unless_set(year_2019, topic, roster):
    course = CourseFactory(code="C22", topic=topic, start_date=dt.date(2022, 3, 1), hours=8)
    EnrolmentFactory(course=course, staff=roster["a1"], status="attended")
    assert all(s.meets is None for s in staff_compliance(2022))
    TrainingRequirement.objects.create(year=2022, category="cadre", periods=Decimal(8))
    assert TrainingRequirement.objects.get(year=2022).hours == Decimal(6)
    assert staff_compliance(2022).get(code="A001").meets is True


def test_a_position_row_takes_precedence(year_2019, tree):
    StaffFactory(code="CT01", unit=tree["A"], category="cadre", position="Chủ tịch UBND")
    TrainingRequirement.objects.create(
        year=2019, category="cadre", position="Chủ tịch UBND", hours=Decimal(60)
    )
    rows = {s.code: s.required_hours for s in staff_compliance(2019)}
    assert rows["CT01"] == Decimal(60)
    assert rows["A001"] == Decimal(30)


def test_staff_not_employed_that_year_are_not_listed(year_2019, tree):
    StaffFactory(code="NEW", unit=tree["A"], joined_on=dt.date(2020, 2, 1))
    assert not staff_compliance(2019).filter(code="NEW").exists()


def test_per_unit_rate_rolls_up(year_2019, tree):
    rows = {r["code"]: r for r in unit_compliance(2019, tree["D"])}
    # Counted: A001 (met), A002, B001, D001 (below); contract A003 not counted.
    assert (rows["D"]["counted"], rows["D"]["met"], rows["D"]["rate"]) == (4, 1, 0.25)
    assert (rows["A"]["counted"], rows["A"]["met"], rows["A"]["rate"]) == (2, 1, 0.5)
    assert rows["B"]["rate"] == 0
    assert rows["D"]["own_counted"] == 0
    assert unit_compliance(2030, tree["D"])[0]["rate"] is None


def test_compliance_endpoint(year_2019, client_for):
    client = client_for("hr")
    assert client.get("/api/v1/training-compliance/").status_code == 400
    body = client.get(
        "/api/v1/training-compliance/", {"year": 2019, "meets": "false", "counted": "true"}
    ).json()
    assert sorted(r["code"] for r in body["results"]) == ["A002", "B001", "D001"]
    head = client_for("head_a").get("/api/v1/training-compliance/", {"year": 2019}).json()
    assert sorted(r["code"] for r in head["results"]) == ["A001", "A002", "A003"]
    units = client_for("head_a").get("/api/v1/training-compliance/units/", {"year": 2019}).json()
    assert [u["code"] for u in units["units"]] == ["A"]
    assert (
        client_for("head_a")
        .get("/api/v1/training-compliance/units/", {"year": 2019, "unit": "B"})
        .status_code
        == 404
    )
    csv = client.get("/api/v1/training-compliance/", {"year": 2019, "format": "csv"})
    assert "A001" in b"".join(csv.streaming_content).decode()
