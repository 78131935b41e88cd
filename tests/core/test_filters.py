"""The shared year filter: plausible whole years only, 400 otherwise."""

import pytest

pytestmark = pytest.mark.django_db


def test_year_filter_rejects_out_of_range_years_with_400(client_for):
    for url in ("/api/v1/inspections/", "/api/v1/courses/", "/api/v1/enrolments/"):
        for bad in ("0", "2958465", "abc"):
            response = client_for("admin").get(url, {"year": bad})
            assert response.status_code == 400, (url, bad, response.status_code)
            assert "year" in response.json()
        assert client_for("admin").get(url, {"year": "2019"}).status_code == 200
