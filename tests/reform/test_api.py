"""Administrative reform over HTTP: role x scope, filters, search, exports, errors in vi/en, query
counts."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reform.models import Dossier, ServiceReport
from tests.reform.factories import (
    DossierFactory,
    ParResultFactory,
    ProcedureFactory,
    ServiceReportFactory,
)

pytestmark = pytest.mark.django_db

READERS = ["admin", "inspector", "hr", "auditor"]
URLS = [
    "/api/v1/procedures/",
    "/api/v1/dossiers/",
    "/api/v1/service-reports/",
    "/api/v1/par-results/",
    "/api/v1/improvement-plans/",
    "/api/v1/improvement-items/",
]


@pytest.fixture
def data(tree):
    land = ProcedureFactory(
        code="DD-01", name="Đăng ký đất đai lần đầu", level="district", resolution_days=3
    )
    birth = ProcedureFactory(
        code="HT-01", name="Đăng ký khai sinh", level="commune", resolution_days=0, field="Hộ tịch"
    )
    d1 = DossierFactory(
        code="HS-D1",
        procedure=land,
        unit=tree["D"],
        received_on=dt.date(2019, 2, 1),
        resolved_on=dt.date(2019, 2, 20),
    )
    a1 = DossierFactory(
        code="HS-A1",
        procedure=birth,
        unit=tree["A"],
        received_on=dt.date(2019, 3, 4),
        resolved_on=dt.date(2019, 3, 4),
    )
    b1 = DossierFactory(
        code="HS-B1",
        procedure=birth,
        unit=tree["B"],
        received_on=dt.date(2018, 5, 2),
        channel="online",
    )
    ServiceReportFactory(
        unit=tree["D"],
        scope="district",
        received=2061,
        resolved=1731,
        pending_in_time=96,
        pending_overdue=0,
        resolved_late=3,
    )
    ServiceReportFactory(
        unit=tree["A"], scope="commune", received=100, resolved=90, pending_in_time=10
    )
    ParResultFactory(unit=tree["D"], year=2019, rank=2)
    ParResultFactory(unit=tree["A"], year=2019, rank=5)
    return {"d1": d1, "a1": a1, "b1": b1}


def codes(response, key="code"):
    assert response.status_code == 200, response.content
    return sorted(str(row[key]) for row in response.json()["results"])


def test_anonymous_401_and_no_role_403(client_for, data):
    for url in URLS:
        assert client_for(None).get(url).status_code == 401
        assert client_for("nobody").get(url).status_code == 403


@pytest.mark.parametrize("role", READERS)
def test_district_roles_read_everything(client_for, data, role):
    client = client_for(role)
    assert codes(client.get("/api/v1/dossiers/")) == ["HS-A1", "HS-B1", "HS-D1"]
    assert len(client.get("/api/v1/service-reports/").json()["results"]) == 2
    assert len(client.get("/api/v1/par-results/").json()["results"]) == 2
    assert codes(client.get("/api/v1/procedures/")) == ["DD-01", "HT-01"]


def test_unit_head_sees_own_subtree_and_404_elsewhere(client_for, data):
    head = client_for("head_a")
    assert codes(head.get("/api/v1/dossiers/")) == ["HS-A1"]
    assert [r["unit"] for r in head.get("/api/v1/service-reports/").json()["results"]] == ["A"]
    assert [r["unit"] for r in head.get("/api/v1/par-results/").json()["results"]] == ["A"]
    assert head.get(f"/api/v1/dossiers/{data['d1'].pk}/").status_code == 404
    assert head.get(f"/api/v1/dossiers/{data['a1'].pk}/").status_code == 200
    # The catalogue is the province's published list: every role reads it.
    assert codes(head.get("/api/v1/procedures/")) == ["DD-01", "HT-01"]


@pytest.mark.parametrize("role", ["inspector", "auditor", "head_a"])
def test_only_hr_and_admin_write(client_for, data, role):
    body = {"code": "HS-NEW", "procedure": "HT-01", "unit": "A", "received_on": "2019-05-06"}
    assert client_for(role).post("/api/v1/dossiers/", body, format="json").status_code == 403


@time_machine.travel(dt.datetime(2019, 6, 1, 9, 0), tick=False)
def test_hr_creates_a_dossier_with_the_due_date_from_the_calendar(client_for, data):
    body = {"code": "HS-NEW", "procedure": "DD-01", "unit": "D", "received_on": "2019-05-03"}
    response = client_for("hr").post("/api/v1/dossiers/", body, format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    # Friday 3 May + 3 working days = Wednesday 8 May; resolved nowhere yet and overdue on 1 June.
    assert row["due_on"] == "2019-05-08"
    assert row["level"] == "district"  # the counter of unit D
    assert row["state"] == "pending_overdue"
    assert row["needs_apology"] is True


def test_derived_outcome_and_state_filter(client_for, data):
    data["d1"].refresh_from_db()
    assert data["d1"].outcome == "late"  # due 13 Feb after Tết, resolved 20 Feb
    client = client_for("hr")
    assert codes(client.get("/api/v1/dossiers/?state=late")) == ["HS-D1"]
    assert codes(client.get("/api/v1/dossiers/?state=on_time")) == ["HS-A1"]
    assert codes(client.get("/api/v1/dossiers/?state=pending_overdue")) == ["HS-B1"]
    assert codes(client.get("/api/v1/dossiers/?channel=online")) == ["HS-B1"]
    assert codes(client.get("/api/v1/dossiers/?year=2019&unit=D")) == ["HS-A1", "HS-D1"]


def test_search_ignores_diacritics(client_for, data):
    client = client_for("auditor")
    assert codes(client.get("/api/v1/procedures/?search=dang ky khai sinh")) == ["HT-01"]
    assert codes(client.get("/api/v1/dossiers/?search=DAT DAI")) == ["HS-D1"]
    assert [
        r["unit"] for r in client.get("/api/v1/service-reports/?search=xa da ton").json()["results"]
    ] == ["A"]


def test_reconciliation_flag_and_filter(client_for, data):
    client = client_for("auditor")
    rows = client.get("/api/v1/service-reports/?reconciles=false").json()["results"]
    assert [
        (r["unit"], r["received"], r["resolved"], r["pending_in_time"], r["overdue"]) for r in rows
    ] == [("D", 2061, 1731, 96, 3)]
    assert rows[0]["reconciles"] is False
    assert rows[0]["problems"] == ["received_mismatch"]


def test_service_report_stored_as_filed_even_when_it_does_not_add_up(client_for, tree):
    body = {
        "unit": "B",
        "scope": "commune",
        "period_start": "2019-01-01",
        "period_end": "2019-12-31",
        "received": 50,
        "resolved": 10,
        "pending_in_time": 5,
        "pending_overdue": 0,
    }
    response = client_for("hr").post("/api/v1/service-reports/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["reconciles"] is False
    assert ServiceReport.objects.get().received == 50


@pytest.mark.parametrize(("language", "text"), [("vi", "chồng lấn"), ("en", "overlapping")])
def test_overlapping_period_is_400_in_both_languages(client_for, data, language, text):
    body = {
        "unit": "A",
        "scope": "commune",
        "period_start": "2019-07-01",
        "period_end": "2019-09-30",
        "received": 1,
        "resolved": 1,
    }
    response = client_for("hr").post(
        "/api/v1/service-reports/", body, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert text in response.json()["period_start"][0]


@pytest.mark.parametrize(
    ("language", "field", "text"),
    [
        ("vi", "resolved_on", "trước khi"),
        ("en", "resolved_on", "before it was received"),
    ],
)
def test_bad_dossier_is_400_with_field_errors(client_for, data, language, field, text):
    body = {
        "code": "HS-BAD",
        "procedure": "HT-01",
        "unit": "A",
        "received_on": "2019-05-06",
        "resolved_on": "2019-05-01",
        "late_in_system_only": True,
    }
    response = client_for("hr").post(
        "/api/v1/dossiers/", body, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    errors = response.json()
    assert text in errors[field][0]
    assert "late_reason" in errors
    assert not Dossier.objects.filter(code="HS-BAD").exists()


def test_unit_outside_the_tree_is_unknown(client_for, data):
    body = {"code": "HS-X", "procedure": "HT-01", "unit": "NOPE", "received_on": "2019-05-06"}
    response = client_for("hr").post(
        "/api/v1/dossiers/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["unit"] == ["Unknown unit."]


def test_par_result_with_criteria_and_rank_check(client_for, tree):
    client = client_for("hr")
    body = {"unit": "B", "year": 2019, "score": "80.10", "rank": 13, "ranked_units": 12}
    bad = client.post("/api/v1/par-results/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "rank" in bad.json()
    body.update(
        rank=2,
        criteria=[{"code": "1", "name": "Công tác chỉ đạo", "max_score": "10", "score": "9.5"}],
    )
    ok = client.post("/api/v1/par-results/", body, format="json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["criteria"][0]["score"] == "9.50"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports(client_for, data, fmt):
    for url in URLS:
        response = client_for("auditor").get(f"{url}?format={fmt}")
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        ("/api/v1/dossiers/", 8),
        ("/api/v1/service-reports/", 8),
        ("/api/v1/par-results/", 9),
        ("/api/v1/procedures/", 8),
        ("/api/v1/improvement-items/", 8),
    ],
)
def test_list_query_count_does_not_grow_with_rows(client_for, data, tree, url, limit):
    client = client_for("head_a")
    client.get(url)  # warm the permission cache as a real session would
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(15):
        DossierFactory(code=f"HS-MORE{i}", procedure=data["a1"].procedure, unit=tree["A"])
        ServiceReportFactory(
            unit=tree["A"],
            scope="online",
            period_start=dt.date(2000 + i, 1, 1),
            period_end=dt.date(2000 + i, 12, 31),
        )
        ParResultFactory(unit=tree["A"], year=2000 + i)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= limit


def test_improvement_items_due_and_overdue(tree):
    from reform.models import ImprovementItem, ImprovementPlan

    plan = ImprovementPlan.objects.create(unit=tree["D"], year=2020, title="Kế hoạch khắc phục")
    late = ImprovementItem.objects.create(
        plan=plan,
        action="Dịch vụ công mức 3, 4",
        owner_unit=tree["D"],
        due_date=dt.date(2020, 6, 30),
    )
    soon = ImprovementItem.objects.create(
        plan=plan, action="Bưu chính công ích", owner_unit=tree["A"], due_date=dt.date(2020, 7, 5)
    )
    ImprovementItem.objects.create(
        plan=plan,
        action="ISO",
        owner_unit=tree["D"],
        due_date=dt.date(2020, 6, 1),
        status="done",
        done_on=dt.date(2020, 5, 30),
    )
    day = dt.date(2020, 7, 1)
    assert list(ImprovementItem.objects.overdue(day)) == [late]
    assert list(ImprovementItem.objects.due_within(day, 7)) == [soon]
