"""The list-page pattern, on the inspections list: scope, filters, accent-free search, sorting,
pagination, export of what is filtered, and a fixed number of queries whatever the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pages import PAGE_SIZE
from tests.inspections.casework_factories import FindingFactory, InspectionFactory

pytestmark = pytest.mark.django_db
URL = "/app/inspections/"


@pytest.fixture
def inspections(tree):
    rows = [
        InspectionFactory(code="KT-A-1", unit=tree["A"], start_date=dt.date(2019, 3, 1)),
        InspectionFactory(
            code="KT-A-2", unit=tree["A"], start_date=dt.date(2019, 5, 1), status="in_progress"
        ),
        InspectionFactory(code="KT-B-1", unit=tree["B"], start_date=dt.date(2019, 4, 1)),
    ]
    FindingFactory(inspection=rows[0])
    return rows


def codes(response) -> list[str]:
    return [row.code for row in response.context["rows"]]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("inspector", 200),
        ("hr", 200),
        ("auditor", 200),
        ("head_a", 200),
        ("nobody", 403),
    ],
)
def test_who_may_open_the_list(page_for, inspections, role, status):
    assert page_for(role).get(URL).status_code == status


def test_anonymous_is_sent_to_sign_in(page_for):
    assert page_for(None).get(URL).status_code == 302


def test_unit_head_sees_its_unit_only_and_others_404(page_for, inspections):
    client = page_for("head_a")
    assert sorted(codes(client.get(URL))) == ["KT-A-1", "KT-A-2"]
    assert client.get(f"{URL}KT-B-1/").status_code == 404
    assert client.get(f"{URL}KT-A-1/").status_code == 200


def test_filters_search_and_sort(page_for, inspections):
    client = page_for("inspector")
    assert codes(client.get(URL, {"unit": "B"})) == ["KT-B-1"]
    assert codes(client.get(URL, {"status": "in_progress"})) == ["KT-A-2"]
    # "Xã Đạ Tồn" found without diacritics and in capitals.
    assert sorted(codes(client.get(URL, {"q": "DA TON"}))) == ["KT-A-1", "KT-A-2"]
    assert codes(client.get(URL, {"sort": "start"})) == ["KT-A-1", "KT-B-1", "KT-A-2"]
    assert codes(client.get(URL, {"sort": "-start"})) == ["KT-A-2", "KT-B-1", "KT-A-1"]
    assert codes(client.get(URL, {"sort": "-findings"}))[0] == "KT-A-1"
    # An unknown sort key falls back to the default order.
    assert codes(client.get(URL, {"sort": "password"})) == ["KT-A-2", "KT-B-1", "KT-A-1"]


def test_dates_filter_takes_the_picker_value_and_ddmmyyyy(page_for, inspections):
    client = page_for("inspector")
    assert sorted(codes(client.get(URL, {"date_from": "2019-04-01"}))) == ["KT-A-2", "KT-B-1"]
    assert sorted(codes(client.get(URL, {"date_from": "01/04/2019"}))) == ["KT-A-2", "KT-B-1"]
    html = client.get(URL, {"date_from": "01/04/2019"}).content.decode()
    assert 'class="date"' in html and 'value="01/04/2019"' in html


def test_dates_are_shown_as_dd_mm_yyyy(page_for, inspections):
    assert "01/03/2019" in page_for("inspector").get(URL).content.decode()


def test_export_holds_what_is_filtered_in_words(page_for, inspections):
    response = page_for("inspector").get(URL, {"unit": "A", "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 3
    assert "Đang tiến hành" in body  # the status in words, not "in_progress"
    xlsx = page_for("head_b").get(URL, {"format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_pagination(page_for, tree):
    for i in range(PAGE_SIZE + 3):
        InspectionFactory(code=f"KT-P-{i:03d}", unit=tree["A"])
    client = page_for("inspector")
    first = client.get(URL)
    assert len(first.context["rows"]) == PAGE_SIZE
    assert 'rel="next"' in first.content.decode()
    assert len(client.get(URL, {"page": 2}).context["rows"]) == 3


# session, user, 2 x permissions, unit-head link, (the head's unit), unit picker, count, rows, role
@pytest.mark.parametrize(("role", "queries"), [("inspector", 9), ("head_a", 10)])
def test_query_count_does_not_grow_with_rows(page_for, tree, role, queries):
    client = page_for(role)
    client.get(URL)  # session and role caches warm
    InspectionFactory(code="KT-Q-0", unit=tree["A"])
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for i in range(1, 20):
        FindingFactory(inspection=InspectionFactory(code=f"KT-Q-{i}", unit=tree["A"]))
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(few) == len(many) == queries


@pytest.mark.parametrize(
    "path", ["/app/inspections/", "/app/actions/", "/app/feedback/", "/app/cases/"]
)
def test_unit_filter_is_a_picker_when_filtered_too(page_for, inspections, path):
    """The unit filter is the list of visible units, also once a filter is applied (it was a text
    box)."""
    client = page_for("head_a")
    for params in ({}, {"unit": "A"}, {"unit": "A", "q": "x"}):
        html = client.get(path, params).content.decode()
        assert '<select name="unit"' in html, (path, params)
        assert 'type="text" name="unit"' not in html
        assert '<option value="B"' not in html  # outside the head's units
    html = client.get(path, {"unit": "A"}).content.decode()
    assert '<option value="A" selected>' in html
