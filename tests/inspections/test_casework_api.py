"""Casework API: role x scope matrix on every endpoint, workflow, filters, exports, query counts,
400s."""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.casework import services
from inspections.models import CorrectiveAction, DisciplinaryCase, Evidence, Finding, Inspection
from staff.choices import StaffCategory
from tests.factories import StaffFactory
from tests.inspections.casework_factories import (
    CorrectiveActionFactory,
    FindingFactory,
    InspectionFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date
NOW = dt.datetime(2023, 6, 1, 9, 0)
READERS = ["admin", "inspector", "hr", "auditor", "head_a", "head_b"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def work(tree):
    """One inspection, finding, action and case in commune A and the same in B."""
    out = {}
    for code in ("A", "B"):
        unit = tree[code]
        staff = StaffFactory(code=f"{code}-CS", unit=unit, category=StaffCategory.CIVIL_SERVANT)
        inspection = InspectionFactory(code=f"KT-{code}", unit=unit, start_date=D(2023, 1, 5))
        finding = FindingFactory(
            inspection=inspection, unit=unit, staff=staff, found_on=D(2023, 1, 6)
        )
        action = CorrectiveActionFactory(finding=finding, unit=unit, due_date=D(2023, 2, 28))
        case = services.case_open(
            staff=staff,
            findings=[finding],
            violation_date=D(2023, 1, 2),
            discovered_on=D(2023, 1, 6),
            severity="minor",
        )
        out[code] = {
            "staff": staff,
            "inspection": inspection,
            "finding": finding,
            "action": action,
            "case": case,
        }
    return out


def detail_url(kind, obj):
    return {
        "inspections": f"/api/v1/inspections/{getattr(obj, 'code', '')}/",
        "findings": f"/api/v1/findings/{obj.pk}/",
        "corrective-actions": f"/api/v1/corrective-actions/{obj.pk}/",
        "discipline-cases": f"/api/v1/discipline-cases/{obj.pk}/",
    }[kind]


KINDS = {
    "inspections": "inspection",
    "findings": "finding",
    "corrective-actions": "action",
    "discipline-cases": "case",
}


# --- Reading: role x scope ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_anonymous_401_and_roleless_403(client_for, work, kind):
    assert client_for(None).get(f"/api/v1/{kind}/").status_code == 401
    assert client_for("nobody").get(f"/api/v1/{kind}/").status_code == 403


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("role", READERS)
def test_list_is_scoped_by_role(client_for, work, kind, role):
    response = client_for(role).get(f"/api/v1/{kind}/")
    assert response.status_code == 200, response.content
    units = sorted(row["unit"] for row in response.json()["results"])
    expected = {"head_a": ["A"], "head_b": ["B"]}.get(role, ["A", "B"])
    assert units == expected


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(
    ("role", "status"), [(r, 200) for r in READERS if r != "head_b"] + [("head_b", 404)]
)
def test_detail_outside_scope_is_404(client_for, work, kind, role, status):
    obj = work["A"][KINDS[kind]]
    assert client_for(role).get(detail_url(kind, obj)).status_code == status


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(
    ("role", "status"), [("auditor", 200), ("head_a", 200), ("head_b", 404), ("nobody", 403)]
)
def test_history_follows_the_same_scope(client_for, work, kind, role, status):
    obj = work["A"][KINDS[kind]]
    response = client_for(role).get(detail_url(kind, obj) + "history/")
    assert response.status_code == status
    if status == 200:
        entries = response.json()
        assert entries[-1]["type"] == "created"


# --- Writing: role matrix -------------------------------------------------------------------------


def create_payload(kind, work):
    a = work["A"]
    return {
        "inspections": {
            "code": "KT-NEW",
            "kind": "unannounced",
            "unit": "A",
            "start_date": "2023-05-02",
        },
        "findings": {
            "inspection": "KT-A",
            "unit": "A",
            "category": "attitude",
            "severity": "serious",
            "description": "Gây phiền hà",
            "found_on": "2023-05-03",
            "staff": "A-CS",
        },
        "corrective-actions": {
            "finding": a["finding"].pk,
            "unit": "A",
            "description": "Chấn chỉnh",
            "due_date": "2023-07-01",
        },
        "discipline-cases": {
            "staff": "A-CS",
            "findings": [a["finding"].pk],
            "violation_date": "2023-04-01",
            "discovered_on": "2023-05-01",
            "severity": "serious",
        },
    }[kind]


WRITERS = {
    "inspections": "inspector",
    "findings": "inspector",
    "corrective-actions": "inspector",
    "discipline-cases": "hr",
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("role", ["admin", "inspector", "hr", "auditor", "head_a"])
def test_create_only_by_the_writing_role(client_for, work, kind, role):
    response = client_for(role).post(f"/api/v1/{kind}/", create_payload(kind, work), format="json")
    allowed = role in ("admin", WRITERS[kind])
    assert response.status_code == (201 if allowed else 403), response.content


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("role", ["admin", "inspector", "hr", "auditor", "head_a"])
def test_update_and_delete_only_by_the_writing_role(client_for, work, kind, role):
    obj = work["A"][KINDS[kind]]
    patch = {
        "inspections": {"scope": "Cải cách hành chính"},
        "findings": {"severity": "very_serious"},
        "corrective-actions": {"description": "Sửa lại"},
        "discipline-cases": {"summary": "Trễ hẹn nhiều lần"},
    }[kind]
    client = client_for(role)
    allowed = role in ("admin", WRITERS[kind])
    assert client.patch(detail_url(kind, obj), patch, format="json").status_code == (
        200 if allowed else 403
    )
    if kind == "inspections":
        return  # its findings protect it; deletion is covered below
    expected = 204 if allowed else 403
    if kind == "findings" and allowed:
        expected = 409  # referenced by a disciplinary case
    assert client.delete(detail_url(kind, obj)).status_code == expected


def test_inspection_with_findings_cannot_be_deleted_but_an_empty_one_can(client_for, work):
    client = client_for("inspector")
    assert client.delete("/api/v1/inspections/KT-A/").status_code == 409
    InspectionFactory(code="KT-EMPTY", unit=work["A"]["inspection"].unit)
    assert client.delete("/api/v1/inspections/KT-EMPTY/").status_code == 204


def test_history_shows_who_changed_what(client_for, users, work):
    client = client_for("inspector")
    url = f"/api/v1/findings/{work['A']['finding'].pk}/"
    client.patch(url, {"severity": "very_serious"}, format="json")
    entries = client.get(url + "history/").json()
    assert entries[0]["type"] == "changed"
    assert entries[0]["user"] == "inspector"
    assert entries[0]["changes"] == [{"field": "severity", "old": "minor", "new": "very_serious"}]
    assert len(entries) == 2


# --- Corrective actions: progress and verification --------------------------------------------


@pytest.mark.parametrize(
    ("role", "unit", "status"),
    [
        ("head_a", "A", 200),
        ("head_a", "B", 404),
        ("head_b", "A", 404),
        ("inspector", "A", 200),
        ("auditor", "A", 403),
        ("hr", "A", 403),
        (None, "A", 401),
    ],
)
def test_unit_head_reports_progress_on_own_actions_only(client_for, work, role, unit, status):
    action = work[unit]["action"]
    response = client_for(role).post(
        f"/api/v1/corrective-actions/{action.pk}/progress/",
        {"progress_note": "Đã khắc phục", "done_on": "2023-05-20"},
        format="json",
    )
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["status"] == "done"


def test_progress_is_limited_to_progress_fields(client_for, work):
    action = work["A"]["action"]
    response = client_for("head_a").post(
        f"/api/v1/corrective-actions/{action.pk}/progress/",
        {
            "progress_note": "x",
            "due_date": "2030-01-01",
            "status": "verified",
            "description": "khác",
        },
        format="json",
    )
    assert response.status_code == 200
    action.refresh_from_db()
    assert (action.due_date, action.status, action.description) == (
        D(2023, 2, 28),
        "open",
        "Niêm yết lại thủ tục",
    )
    assert (
        client_for("head_a")
        .patch(
            f"/api/v1/corrective-actions/{action.pk}/", {"due_date": "2030-01-01"}, format="json"
        )
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("inspector", 200), ("admin", 200), ("head_a", 403), ("hr", 403), ("auditor", 403)],
)
def test_only_inspectors_verify(client_for, work, role, status):
    action = work["A"]["action"]
    services.action_report_progress(action=action, note="xong", done_on=D(2023, 5, 1))
    response = client_for(role).post(
        f"/api/v1/corrective-actions/{action.pk}/verify/", {}, format="json"
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["status"] == "verified"


def test_verifying_an_open_action_is_400(client_for, work):
    response = client_for("inspector").post(
        f"/api/v1/corrective-actions/{work['A']['action'].pk}/verify/", {}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


# --- Discipline workflow over HTTP ----------------------------------------------------------------


def step(client, case, to, **extra):
    return client.post(
        f"/api/v1/discipline-cases/{case.pk}/transition/", {"to": to, **extra}, format="json"
    )


def test_full_workflow_to_a_decision(client_for, work):
    client, case = client_for("hr"), work["A"]["case"]
    assert (
        step(client, case, "self_review", note="Họp kiểm điểm", on="2023-01-20").status_code == 200
    )
    assert step(client, case, "council", on="2023-02-10").status_code == 200
    response = step(
        client,
        case,
        "decided",
        decision_form="khien_trach",
        decision_number="15/QĐ-UBND",
        decision_date="2023-03-01",
        decision_signer="Chủ tịch UBND xã",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "decided"
    assert body["effect_ends_on"] == "2024-03-01"
    assert [s["to_status"] for s in body["steps"]] == [
        "opened",
        "self_review",
        "council",
        "decided",
    ]
    assert body["steps"][1]["by"] == "hr" and body["steps"][1]["note"] == "Họp kiểm điểm"
    work["A"]["staff"].refresh_from_db()
    assert work["A"]["staff"].sanction_until == D(2024, 3, 1)


@pytest.mark.parametrize(
    ("to", "extra", "field"),
    [
        ("council", {}, "to"),
        (
            "decided",
            {"decision_form": "khien_trach", "decision_number": "1", "decision_date": "2023-03-01"},
            "to",
        ),
        ("postponed", {}, "deferral_reason"),
        ("postponed", {"deferral_reason": "pregnant"}, "deferral_reason"),
        ("exempt", {}, "exemption_reason"),
        ("closed_no_action", {}, "note"),
        ("opened", {}, "to"),
        ("nonsense", {}, "to"),
    ],
)
def test_illegal_steps_are_400_with_a_reason(client_for, work, to, extra, field):
    response = step(client_for("hr"), work["A"]["case"], to, **extra)
    assert response.status_code == 400
    assert field in response.json()
    assert DisciplinaryCase.objects.get(pk=work["A"]["case"].pk).status == "opened"


def test_decision_with_a_form_not_valid_for_the_category_is_400(client_for, work):
    client, case = client_for("hr"), work["A"]["case"]
    step(client, case, "self_review", on="2023-01-20")
    step(client, case, "council", on="2023-02-10")
    response = step(
        client,
        case,
        "decided",
        decision_form="giang_chuc",
        decision_number="1",
        decision_date="2023-03-01",
    )
    assert response.status_code == 400
    assert "decision_form" in response.json()
    missing = step(client, case, "decided")
    assert missing.status_code == 400
    assert {"decision_form", "decision_number", "decision_date"} <= set(missing.json())


def test_error_language_follows_accept_language(client_for, work):
    client, case = client_for("hr"), work["A"]["case"]
    url = f"/api/v1/discipline-cases/{case.pk}/transition/"
    en = client.post(url, {"to": "council"}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["to"][
        0
    ]
    vi = client.post(url, {"to": "council"}, format="json", HTTP_ACCEPT_LANGUAGE="vi").json()["to"][
        0
    ]
    assert "cannot move" in en
    assert vi != en


@pytest.mark.parametrize(
    ("role", "status"),
    [("hr", 200), ("admin", 200), ("inspector", 403), ("auditor", 403), ("head_a", 403)],
)
def test_only_hr_takes_steps(client_for, work, role, status):
    assert step(client_for(role), work["A"]["case"], "self_review").status_code == status


def test_steps_on_cases_outside_scope_are_404_even_with_rights(client_for, users, work):
    from django.contrib.auth.models import Group

    users["head_a"].groups.add(Group.objects.get(name="hr"))
    assert step(client_for("head_a"), work["B"]["case"], "self_review").status_code == 404


def test_extension_and_suspension_endpoints(client_for, work):
    client, case = client_for("hr"), work["A"]["case"]
    response = client.post(
        f"/api/v1/discipline-cases/{case.pk}/extend/",
        {"days": 30, "reason": "Phức tạp"},
        format="json",
    )
    assert response.status_code == 200
    # 06/05/2023 is a Saturday: the deadline moves to Monday (Civil Code art. 148 cl. 5).
    assert response.json()["handling_deadline"] == "2023-05-08"
    assert (
        client.post(
            f"/api/v1/discipline-cases/{case.pk}/extend/",
            {"days": 90, "reason": "x"},
            format="json",
        ).status_code
        == 400
    )
    response = client.post(
        f"/api/v1/discipline-cases/{case.pk}/suspensions/",
        {"kind": "criminal", "start": "2023-02-01", "end": "2023-02-10"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["suspended_days"] == 10
    assert response.json()["handling_deadline"] == "2023-05-16"
    bad = client.post(
        f"/api/v1/discipline-cases/{case.pk}/suspensions/",
        {"kind": "criminal", "start": "2022-01-01"},
        format="json",
    )
    assert bad.status_code == 400


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "payload", "fields"),
    [
        (
            "inspections",
            {"code": "", "kind": "party", "unit": "NOPE", "start_date": "31/02/2023"},
            {"code", "kind", "unit", "start_date"},
        ),
        (
            "inspections",
            {
                "code": "KT-X",
                "kind": "thematic",
                "unit": "A",
                "start_date": "2023-05-02",
                "end_date": "2023-05-01",
            },
            {"end_date"},
        ),
        (
            "inspections",
            {"code": "KT-A", "kind": "thematic", "unit": "A", "start_date": "2023-05-02"},
            {"code"},
        ),
        (
            "findings",
            {
                "unit": "B",
                "inspection": "KT-A",
                "category": "nope",
                "severity": "huge",
                "description": " ",
                "found_on": "x",
            },
            {"category", "severity", "description", "found_on"},
        ),
        (
            "findings",
            {
                "unit": "B",
                "inspection": "KT-A",
                "category": "attitude",
                "severity": "minor",
                "description": "x",
                "found_on": "2023-02-01",
            },
            {"unit"},
        ),
        (
            "corrective-actions",
            {"finding": 999999, "unit": "A", "description": "x", "due_date": "2023-01-01"},
            {"finding"},
        ),
        (
            "discipline-cases",
            {
                "staff": "A-CS",
                "violation_date": "2023-05-01",
                "discovered_on": "2023-04-01",
                "severity": "minor",
            },
            {"discovered_on"},
        ),
        (
            "discipline-cases",
            {
                "staff": "NOBODY",
                "violation_date": "2023-05-01",
                "discovered_on": "2099-04-01",
                "severity": "x",
            },
            {"staff", "severity"},
        ),
    ],
)
def test_bad_input_is_400_with_field_errors(client_for, work, kind, payload, fields):
    response = client_for(WRITERS[kind]).post(f"/api/v1/{kind}/", payload, format="json")
    assert response.status_code == 400, response.content
    assert fields <= set(response.json()), response.json()


def test_case_for_contract_staff_is_400(client_for, work, tree):
    StaffFactory(code="HD", unit=tree["A"], category=StaffCategory.CONTRACT)
    response = client_for("hr").post(
        "/api/v1/discipline-cases/",
        {
            "staff": "HD",
            "violation_date": "2023-04-01",
            "discovered_on": "2023-05-01",
            "severity": "minor",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "discovered_on" in response.json()


# --- Filters --------------------------------------------------------------------------------------


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_action_overdue_filter(client_for, work):
    fresh = CorrectiveActionFactory(
        finding=work["A"]["finding"], unit=work["A"]["finding"].unit, due_date=D(2023, 7, 1)
    )
    client = client_for("inspector")
    assert ids(client.get("/api/v1/corrective-actions/", {"overdue": "true"})) == sorted(
        [work["A"]["action"].pk, work["B"]["action"].pk]
    )
    assert ids(client.get("/api/v1/corrective-actions/", {"overdue": "false"})) == [fresh.pk]
    assert client.get(f"/api/v1/corrective-actions/{fresh.pk}/").json()["overdue"] is False


def test_case_filters_overdue_expiring_unit_status_category_dates(client_for, work, tree):
    client = client_for("hr")
    # Another person: the B case's later violation would restart this one's statute.
    other = StaffFactory(
        code="B-CS2", unit=work["B"]["staff"].unit, category=StaffCategory.CIVIL_SERVANT
    )
    expiring = services.case_open(
        staff=other, violation_date=D(2021, 6, 20), discovered_on=D(2023, 5, 20), severity="minor"
    )
    a, b = work["A"]["case"].pk, work["B"]["case"].pk
    assert ids(client.get("/api/v1/discipline-cases/", {"overdue": "true"})) == sorted([a, b])
    assert ids(client.get("/api/v1/discipline-cases/", {"limitation_expiring_within": 30})) == [
        expiring.pk
    ]
    assert ids(client.get("/api/v1/discipline-cases/", {"limitation_expiring_within": 0})) == []
    assert ids(client.get("/api/v1/discipline-cases/", {"unit": "A"})) == [a]
    assert ids(client.get("/api/v1/discipline-cases/", {"unit": "D"})) == sorted(
        [a, b, expiring.pk]
    )
    assert ids(client.get("/api/v1/discipline-cases/", {"category": "late-dossier"})) == sorted(
        [a, b]
    )
    assert ids(
        client.get(
            "/api/v1/discipline-cases/", {"date_from": "2023-05-01", "date_to": "2023-05-31"}
        )
    ) == [expiring.pk]
    assert ids(client.get("/api/v1/discipline-cases/", {"status": "decided"})) == []
    assert ids(client.get("/api/v1/discipline-cases/", {"kind": "scheduled"})) == sorted([a, b])
    assert (
        client.get("/api/v1/discipline-cases/", {"limitation_expiring_within": "abc"}).status_code
        == 400
    )
    assert ids(client.get("/api/v1/discipline-cases/", {"search": "a-cs"})) == [a]


def test_finding_and_inspection_filters(client_for, work):
    client = client_for("auditor")
    extra = FindingFactory(
        inspection=work["A"]["inspection"],
        unit=work["A"]["inspection"].unit,
        severity="very_serious",
        found_on=D(2023, 4, 1),
    )
    assert ids(client.get("/api/v1/findings/", {"severity": "very_serious"})) == [extra.pk]
    assert ids(client.get("/api/v1/findings/", {"date_from": "2023-03-01"})) == [extra.pk]
    assert ids(
        client.get("/api/v1/findings/", {"category": "late-dossier", "unit": "A"})
    ) == sorted([extra.pk, work["A"]["finding"].pk])
    assert len(ids(client.get("/api/v1/findings/", {"kind": "follow_up"}))) == 0
    body = client.get(
        "/api/v1/inspections/", {"kind": "scheduled", "date_from": "2023-01-01", "unit": "B"}
    ).json()
    assert [row["code"] for row in body["results"]] == ["KT-B"]
    assert (
        client.get("/api/v1/inspections/", {"search": "da ton"}).json()["count"] == 1
    )  # "Xã Đạ Tồn"


# --- Exports --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_csv_export_is_filtered_and_scoped(client_for, work, kind):
    response = client_for("head_a").get(f"/api/v1/{kind}/", {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 2  # header + the one row of commune A


@pytest.mark.parametrize("kind", list(KINDS))
def test_xlsx_export(client_for, work, kind):
    response = client_for("auditor").get(f"/api/v1/{kind}/", {"format": "xlsx", "unit": "B"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 2


# --- Query counts ---------------------------------------------------------------------------------


def _grow(work, tree, n):
    for i in range(n):
        unit = tree["A" if i % 2 else "B"]
        staff = StaffFactory(code=f"G{i}", unit=unit)
        inspection = InspectionFactory(code=f"KT-G{i}", unit=unit, start_date=D(2023, 1, 5))
        inspection.team.add(staff)
        finding = FindingFactory(
            inspection=inspection, unit=unit, staff=staff, found_on=D(2023, 1, 6)
        )
        CorrectiveActionFactory(finding=finding, unit=unit)
        case = services.case_open(
            staff=staff,
            findings=[finding],
            violation_date=D(2023, 1, 2),
            discovered_on=D(2023, 1, 6),
            severity="serious",
        )
        services.case_transition(case=case, to="self_review", on=D(2023, 1, 10))


@pytest.mark.parametrize("kind", [*KINDS, "evidence"])
def test_list_query_count_does_not_grow_with_rows(client_for, work, tree, kind, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for("auditor")
    services.evidence_attach(parent=work["A"]["case"], upload=SimpleUploadedFile("a.pdf", PDF))
    client.get(f"/api/v1/{kind}/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/api/v1/{kind}/").status_code == 200
    _grow(work, tree, 12)
    for case in DisciplinaryCase.objects.all():
        services.evidence_attach(parent=case, upload=SimpleUploadedFile("a.pdf", PDF))
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/api/v1/{kind}/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Evidence -------------------------------------------------------------------------------------


def upload(client, **parent):
    name, content = parent.pop("file", ("bien-ban.pdf", PDF))
    return client.post(
        "/api/v1/evidence/",
        {"file": SimpleUploadedFile(name, content), "description": "Biên bản", **parent},
        format="multipart",
    )


def test_evidence_upload_is_sniffed_and_served_only_in_scope(client_for, work, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(client_for("inspector"), finding=work["A"]["finding"].pk)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["kind"] == "pdf" and body["content_type"] == "application/pdf" and body["unit"] == "A"
    )
    assert "file" not in body and body["download_url"].endswith("/download/")
    evidence = Evidence.objects.get(pk=body["id"])
    assert "bien-ban" not in evidence.file.name  # stored under a random name
    url = body["download_url"]
    got = client_for("head_a").get(url)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert got["Content-Type"] == "application/pdf"
    assert client_for("head_b").get(url).status_code == 404
    assert client_for(None).get(url).status_code == 401
    assert client_for("head_b").get("/api/v1/evidence/").json()["count"] == 0


@pytest.mark.parametrize(
    ("file", "status"),
    [
        (("anh.png", PNG), 201),
        (("script.pdf", b"#!/bin/sh\necho owned\n"), 400),
        (("virus.exe", b"MZ" + b"\x00" * 100), 400),
    ],
)
def test_evidence_type_is_sniffed_not_trusted(client_for, work, settings, tmp_path, file, status):
    settings.MEDIA_ROOT = tmp_path
    response = upload(client_for("inspector"), inspection="KT-A", file=file)
    assert response.status_code == status, response.content


def test_evidence_size_limit(client_for, work, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 100
    response = upload(
        client_for("inspector"), inspection="KT-A", file=("big.pdf", PDF + b"0" * 200)
    )
    assert response.status_code == 400
    assert response.json()["file"][0].startswith(("The file is too large", "Tệp quá lớn"))


@pytest.mark.parametrize(
    ("role", "parent", "status"),
    [
        ("inspector", "case", 403),
        ("hr", "case", 201),
        ("hr", "finding", 403),
        ("auditor", "finding", 403),
        ("head_a", "action", 403),
        ("inspector", "both", 400),
    ],
)
def test_evidence_upload_rights(client_for, work, settings, tmp_path, role, parent, status):
    settings.MEDIA_ROOT = tmp_path
    a = work["A"]
    parents = {
        "case": {"case": a["case"].pk},
        "finding": {"finding": a["finding"].pk},
        "action": {"corrective_action": a["action"].pk},
        "both": {"finding": a["finding"].pk, "inspection": "KT-A"},
    }[parent]
    assert upload(client_for(role), **parents).status_code == status


def test_models_counts_sanity(work):
    assert Inspection.objects.count() == 2 and Finding.objects.count() == 2
    assert CorrectiveAction.objects.overdue(D(2023, 6, 1)).count() == 2


def test_history_records_changes_of_linked_findings(client_for, work):
    client, case = client_for("hr"), work["A"]["case"]
    extra = FindingFactory(
        inspection=work["A"]["inspection"],
        unit=work["A"]["inspection"].unit,
        found_on=D(2023, 1, 7),
    )
    url = f"/api/v1/discipline-cases/{case.pk}/"
    assert (
        client.patch(
            url, {"findings": [work["A"]["finding"].pk, extra.pk]}, format="json"
        ).status_code
        == 200
    )
    entries = client.get(url + "history/").json()
    change = next(c for e in entries for c in e["changes"] if c["field"] == "findings")
    assert change["old"] == str(work["A"]["finding"].pk)
    assert change["new"] == f"{work['A']['finding'].pk}, {extra.pk}"
