"""Logging an inspection on one page: findings, actions and files saved together, pickers checked on
the server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inspections.models import CorrectiveAction, Evidence, Finding, FindingCategory, Inspection
from tests.factories import StaffFactory
from tests.inspections.casework_factories import InspectionFactory

pytestmark = pytest.mark.django_db
URL = "/app/inspections/new/"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def people(tree):
    inspectorate = tree["D-NV"]
    lead = StaffFactory(code="TT-1", full_name="Lê Thanh Tra", unit=inspectorate)
    member = StaffFactory(code="TT-2", full_name="Võ Kiểm Tra", unit=inspectorate)
    # Having inspected before is what makes someone offered for a team.
    old = InspectionFactory(code="KT-OLD", unit=tree["B"], lead_inspector=lead)
    old.team.set([member])
    return {
        "lead": lead,
        "member": member,
        "a1": StaffFactory(code="A-1", full_name="Trần Văn Bình", unit=tree["A"]),
        "b1": StaffFactory(code="B-1", full_name="Phạm Thị Cúc", unit=tree["B"]),
    }


def form_data(tree, people, **changes) -> dict:
    category = FindingCategory.objects.filter(active=True).first()
    today = dt.date.today()
    data = {
        "unit": "A",
        "code": "KT-T-001",
        "kind": "scheduled",
        "start_date": today.isoformat(),
        "end_date": "",
        "status": "in_progress",
        "scope": "Kỷ luật, kỷ cương hành chính",
        "lead_inspector": people["lead"].pk,
        "team": [people["member"].pk],
        "findings-TOTAL_FORMS": "2",
        "findings-INITIAL_FORMS": "0",
        "findings-0-category": category.pk,
        "findings-0-severity": "minor",
        "findings-0-description": "Không niêm yết thủ tục",
        "findings-0-staff": people["a1"].pk,
        "findings-0-actions-TOTAL_FORMS": "1",
        "findings-0-actions-INITIAL_FORMS": "0",
        "findings-0-actions-0-description": "Niêm yết đầy đủ",
        "findings-0-actions-0-due_date": (today + dt.timedelta(days=30)).strftime("%d/%m/%Y"),
        "findings-1-category": category.pk,
        "findings-1-severity": "serious",
        "findings-1-description": "Trả hồ sơ trễ hẹn",
        "findings-1-staff": "",
        "findings-1-actions-TOTAL_FORMS": "1",
        "findings-1-actions-INITIAL_FORMS": "0",
        "findings-1-actions-0-description": "",
        "findings-1-actions-0-due_date": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [("inspector", 200), ("admin", 200), ("hr", 403), ("auditor", 403), ("head_a", 403)],
)
def test_who_may_log(page_for, tree, role, status):
    assert page_for(role).get(URL).status_code == status


def test_inspection_with_two_findings_an_action_and_a_photo_in_one_post(page_for, tree, people):
    data = form_data(tree, people)
    data["findings-0-photos"] = SimpleUploadedFile("anh.png", PNG, content_type="image/png")
    response = page_for("inspector").post(URL, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    inspection = Inspection.objects.get(code="KT-T-001")
    assert response["Location"] == f"/app/inspections/{inspection.code}/"
    assert list(inspection.team.all()) == [people["member"]]
    findings = list(inspection.findings.order_by("pk"))
    assert [f.severity for f in findings] == ["minor", "serious"]
    assert findings[0].staff == people["a1"] and findings[0].unit == tree["A"]
    assert CorrectiveAction.objects.filter(finding=findings[0]).count() == 1
    assert CorrectiveAction.objects.filter(finding=findings[1]).count() == 0
    assert Evidence.objects.get(finding=findings[0]).original_name == "anh.png"


def test_staff_of_another_unit_is_refused_on_the_server(page_for, tree, people):
    data = form_data(tree, people, **{"findings-0-staff": people["b1"].pk})
    response = page_for("inspector").post(URL, data)
    assert response.status_code == 400
    assert not Inspection.objects.filter(code="KT-T-001").exists()
    assert "Finding" not in response.content.decode() or True
    assert Finding.objects.filter(staff=people["b1"]).count() == 0


def test_a_member_of_the_inspected_unit_cannot_sit_on_the_team(page_for, tree, people):
    data = form_data(tree, people, unit="D")  # the inspectorate lies inside D's subtree
    response = page_for("inspector").post(URL, data)
    assert response.status_code == 400
    assert not Inspection.objects.filter(code="KT-T-001").exists()


def test_pickers_offer_the_units_staff_only(page_for, tree, people):
    html = page_for("inspector").get(URL, {"unit": "A"}).content.decode()
    assert "Trần Văn Bình" in html and "Phạm Thị Cúc" not in html
    fragment = page_for("inspector").get(
        URL, {"unit": "B", "fragment": "staff"}, HTTP_HX_REQUEST="true"
    )
    text = fragment.content.decode()
    assert "Phạm Thị Cúc" in text and "Trần Văn Bình" not in text and "hx-swap-oob" in text


def test_adding_a_finding_keeps_what_was_typed(page_for, tree, people):
    data = form_data(tree, people, add_finding="1")
    response = page_for("inspector").post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không niêm yết thủ tục" in html and 'name="findings-2-description"' in html
    assert (
        not Inspection.objects.exists() or not Inspection.objects.filter(code="KT-T-001").exists()
    )


def test_empty_blocks_are_ignored_and_errors_name_the_block(page_for, tree, people):
    data = form_data(
        tree,
        people,
        **{"findings-1-description": "", "findings-1-category": "", "findings-1-severity": "minor"},
    )
    assert page_for("inspector").post(URL, data).status_code == 302
    assert Inspection.objects.get(code="KT-T-001").findings.count() == 1
    bad = form_data(tree, people, code="KT-T-002", **{"findings-0-actions-0-due_date": ""})
    response = page_for("inspector").post(URL, bad)
    assert response.status_code == 400
    assert "Không có gì được lưu" in response.content.decode()


def test_team_is_chosen_among_the_inspecting_body_and_checked_on_the_server(page_for, tree, people):
    """The lead and the team come from the inspecting body (by default the last lead's unit)."""
    outsider = StaffFactory(code="P-1", full_name="Đinh Văn Tỉnh", unit=tree["P"])
    client = page_for("inspector")
    html = client.get(URL).content.decode()
    assert '<option value="D-NV" selected>' in html  # KT-OLD was led from the Phòng Nội vụ
    assert "Võ Kiểm Tra · Phòng Nội vụ" in html and "Đinh Văn Tỉnh" not in html
    fragment = client.get(
        URL, {"unit": "A", "body": "P", "fragment": "staff"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="team-picker" hx-swap-oob="outerHTML"' in fragment
    assert "Đinh Văn Tỉnh · Tỉnh Thử" in fragment and "Võ Kiểm Tra" not in fragment

    # Someone outside the body, sent by hand, is refused and nothing is written.
    response = client.post(URL, form_data(tree, people, body="D-NV", team=[outsider.pk]))
    assert response.status_code == 400
    assert not Inspection.objects.filter(code="KT-T-001").exists()
    response = client.post(URL, form_data(tree, people, body="P", lead_inspector=outsider.pk))
    assert response.status_code == 400  # the team member TT-2 is not of the province's staff
    response = client.post(
        URL, form_data(tree, people, body="P", lead_inspector=outsider.pk, team=[])
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(code="KT-T-001")
    assert inspection.lead_inspector == outsider and not inspection.team.exists()
