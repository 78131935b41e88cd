"""HR's discipline-case pages: the list (read only for auditors, exportable, fixed queries), a case
with only its legal next steps and its deadlines in words, opening a case from a finding, a case to
decision."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.casework import services
from inspections.models import DisciplinaryCase
from staff.choices import StaffCategory
from tests.factories import StaffFactory
from tests.inspections.casework_factories import FindingFactory, InspectionFactory

pytestmark = pytest.mark.django_db
D = dt.date
LIST = "/app/cases/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2023, 6, 1, 9, 0), tick=False):
        yield


@pytest.fixture
def work(tree):
    out = {}
    for code in ("A", "B"):
        unit = tree[code]
        staff = StaffFactory(
            code=f"{code}-CS",
            full_name=f"Nguyễn Văn {code}",
            unit=unit,
            category=StaffCategory.CIVIL_SERVANT,
        )
        inspection = InspectionFactory(code=f"KT-{code}", unit=unit, start_date=D(2023, 1, 5))
        finding = FindingFactory(
            inspection=inspection, unit=unit, staff=staff, found_on=D(2023, 1, 6)
        )
        case = services.case_open(
            staff=staff,
            findings=[finding],
            violation_date=D(2023, 1, 2),
            discovered_on=D(2023, 1, 6),
            severity="minor",
        )
        serious = FindingFactory(
            inspection=inspection,
            unit=unit,
            staff=staff,
            found_on=D(2023, 5, 20),
            severity="serious",
            description="Gây phiền hà cho công dân",
        )
        out[code] = {"staff": staff, "finding": finding, "case": case, "serious": serious}
    return out


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("hr", 200),
        ("auditor", 200),
        ("inspector", 200),
        ("head_a", 200),
        ("nobody", 403),
    ],
)
def test_who_may_open_the_case_list(page_for, work, role, status):
    assert page_for(role).get(LIST).status_code == status


def test_unit_head_sees_its_own_cases_only(page_for, work):
    client = page_for("head_a")
    rows = client.get(LIST).context["rows"]
    assert [r.staff.code for r in rows] == ["A-CS"]
    assert client.get(f"{LIST}{work['B']['case'].pk}/").status_code == 404


def test_case_list_queries_do_not_grow_with_rows(page_for, work, tree):
    client = page_for("hr")
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for i in range(6):
        person = StaffFactory(code=f"X{i}", unit=tree["A"], category=StaffCategory.CIVIL_SERVANT)
        services.case_open(
            staff=person,
            violation_date=D(2023, 1, 2),
            discovered_on=D(2023, 1, 6),
            severity="minor",
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["rows"]) == 8
    assert len(many) == len(few)


def test_auditor_reads_and_exports_but_cannot_step(page_for, work):
    client = page_for("auditor")
    case = work["A"]["case"]
    page = client.get(f"{LIST}{case.pk}/")
    assert page.status_code == 200
    assert page.context["legal_steps"] == [] and page.context["form"] is None
    assert (
        client.post(f"{LIST}{case.pk}/", {"to": "self_review", "on": "2023-06-01"}).status_code
        == 403
    )
    export = client.get(LIST, {"format": "csv"})
    assert export.status_code == 200
    body = b"".join(export.streaming_content if export.streaming else [export.content]).decode(
        "utf-8-sig"
    )
    assert "A-CS" in body and "Mở hồ sơ" in body  # steps in words


def test_case_offers_only_legal_steps_in_words_and_explains_deadlines(page_for, work):
    case = work["A"]["case"]
    page = page_for("hr").get(f"{LIST}{case.pk}/")
    steps = dict(page.context["legal_steps"])
    assert set(steps) == {"self_review", "closed_no_action", "postponed", "exempt"}
    html = page.content.decode()
    assert "self_review" not in html.replace("step=self_review", "").replace('"self_review"', "")
    assert case.handling_explanation in html and case.statute_explanation in html
    # No decision fields until the step chosen is the decision.
    assert "decision_number" not in html


def test_decision_fields_only_when_deciding(page_for, work):
    case = work["A"]["case"]
    client = page_for("hr")
    self_review = client.get(f"{LIST}{case.pk}/", {"step": "self_review"}).context["form"]
    assert set(self_review.fields) == {"to", "on", "note"}
    # Deciding is not a legal step from "opened": no form for it.
    assert client.get(f"{LIST}{case.pk}/", {"step": "decided"}).context["form"] is None
    services.case_transition(case=case, to="self_review", on=D(2023, 2, 1))
    services.case_transition(case=case, to="council", on=D(2023, 3, 1))
    form = client.get(f"{LIST}{case.pk}/", {"step": "decided"}).context["form"]
    assert {"decision_form", "decision_number", "decision_date", "decision_signer"} <= set(
        form.fields
    )
    assert "on" not in form.fields
    labels = dict(form.fields["decision_form"].choices)
    assert "khien_trach" in labels and "khiển trách" in str(labels["khien_trach"]).lower()


def test_hr_takes_a_case_to_a_decision_through_the_form(page_for, work):
    case = work["A"]["case"]
    client = page_for("hr")
    url = f"{LIST}{case.pk}/"
    assert (
        client.post(
            url, {"to": "self_review", "on": "2023-02-01", "note": "Họp kiểm điểm"}
        ).status_code
        == 302
    )
    assert client.post(url, {"to": "council", "on": "01/03/2023"}).status_code == 302
    # An illegal step is refused with words, not codes.
    refused = client.post(url, {"to": "opened", "on": "2023-03-02"})
    assert refused.status_code == 302
    response = client.post(
        url,
        {
            "to": "decided",
            "decision_form": "khien_trach",
            "decision_number": "12/QĐ-UBND",
            "decision_date": "2023-04-01",
            "decision_signer": "Chủ tịch UBND",
            "note": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert case.status == "decided" and case.decision_number == "12/QĐ-UBND" and case.effect_ends_on
    page = client.get(url).content.decode()
    assert "Khiển trách" in page or "khiển trách" in page
    assert case.effect_explanation in page


def test_closing_without_discipline_needs_a_reason(page_for, work):
    case = work["A"]["case"]
    response = page_for("hr").post(
        f"{LIST}{case.pk}/", {"to": "closed_no_action", "on": "2023-02-01", "note": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["note"]


def test_hr_opens_a_case_from_a_finding(page_for, work):
    client = page_for("hr")
    finding = work["B"]["serious"]
    listing = client.get(LIST)
    assert finding in list(listing.context["findings_without_case"])
    form = client.get("/app/cases/open/", {"finding": finding.pk}).context["form"]
    assert form.initial["staff"] == work["B"]["staff"].pk and form.initial["severity"] == "serious"
    response = client.post(
        "/app/cases/open/",
        {
            "finding": finding.pk,
            "staff": work["B"]["staff"].pk,
            "violation_date": "2023-05-18",
            "discovered_on": "20/05/2023",
            "severity": "serious",
            "summary": "Gây phiền hà",
            "note": "",
        },
    )
    assert response.status_code == 302
    case = DisciplinaryCase.objects.get(findings=finding)
    assert case.staff == work["B"]["staff"] and case.unit.code == "B" and case.handling_deadline


def test_staff_picker_is_limited_to_the_findings_unit(page_for, work):
    client = page_for("hr")
    finding = work["B"]["serious"]
    response = client.post(
        "/app/cases/open/",
        {
            "finding": finding.pk,
            "staff": work["A"]["staff"].pk,
            "violation_date": "2023-05-18",
            "discovered_on": "2023-05-20",
            "severity": "serious",
            "summary": "x",
        },
    )
    assert response.status_code == 400 and "staff" in response.context["form"].errors


@pytest.mark.parametrize("role", ["auditor", "inspector", "head_a"])
def test_only_hr_opens_cases(page_for, work, role):
    assert (
        page_for(role).get("/app/cases/open/", {"finding": work["A"]["serious"].pk}).status_code
        == 403
    )


def test_an_illegal_step_is_refused_in_words(work):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.case_transition(case=work["A"]["case"], to="decided")
    message = " ".join(refused.value.message_dict["to"])
    assert "decided" not in message and "self_review" not in message
    assert "Mở hồ sơ" in message
