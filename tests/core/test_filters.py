"""The shared year filter: plausible whole years only, 400 otherwise; a valid year selects that
calendar year."""

import datetime as dt

import pytest

from tests.factories import StaffFactory
from tests.inspections.casework_factories import InspectionFactory
from tests.training.factories import CourseFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db

# One row a day either side of each edge of 2019, so an off-by-one range or an ignored filter shows.
DATES = {
    "Y18": dt.date(2018, 12, 31),
    "Y19A": dt.date(2019, 1, 1),
    "Y19Z": dt.date(2019, 12, 31),
    "Y20": dt.date(2020, 1, 1),
}


@pytest.fixture
def dated_rows(tree):
    person = StaffFactory(code="S1", unit=tree["A"])
    for code, day in DATES.items():
        InspectionFactory(code=code, unit=tree["A"], start_date=day)
        course = CourseFactory(code=code, start_date=day, end_date=day)
        EnrolmentFactory(course=course, staff=person)


def codes(response, key):
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["results"])


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/api/v1/inspections/", "code"),
        ("/api/v1/courses/", "code"),
        ("/api/v1/enrolments/", "course"),
    ],
)
def test_year_filter_selects_that_calendar_year_only(client_for, dated_rows, url, key):
    client = client_for("admin")
    assert codes(client.get(url), key) == sorted(DATES)
    assert codes(client.get(url, {"year": "2019"}), key) == ["Y19A", "Y19Z"]
    assert codes(client.get(url, {"year": "2020"}), key) == ["Y20"]
    assert codes(client.get(url, {"year": "2021"}), key) == []


def test_year_filter_rejects_out_of_range_years_with_400(client_for):
    for url in ("/api/v1/inspections/", "/api/v1/courses/", "/api/v1/enrolments/"):
        for bad in ("0", "2958465", "abc"):
            response = client_for("admin").get(url, {"year": bad})
            assert response.status_code == 400, (url, bad, response.status_code)
            assert "year" in response.json()
        assert client_for("admin").get(url, {"year": "2019"}).status_code == 200
