"""One change log for every model people edit: the API and the admin history of each family.

``core.history.HistoryViewSetMixin`` gives ``<record>/history/`` and
``<record>/history/<id>/`` (read-only, scoped like the record);
``core.history.HistoryAdmin`` the admin's history pages (read-only).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from reform.models import ImprovementItem, ImprovementPlan, ParCriterionScore
from staff.models import Staff
from tests.factories import StaffFactory
from tests.reform.factories import (
    DossierFactory,
    ParResultFactory,
    ProcedureFactory,
    ServiceReportFactory,
)
from tests.training.factories import CourseFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def _unit(tree, key):
    return tree[key], f"/api/v1/units/{tree[key].code}/", "unit"


def _staff(tree, key):
    staff = StaffFactory(code=f"S-{key}", unit=tree[key])
    return staff, f"/api/v1/staff/{staff.code}/", "staff"


def _course(tree, key):
    course = CourseFactory(code=f"C-{key}", organizer_unit=tree[key])
    return course, f"/api/v1/courses/{course.code}/", "course"


def _enrolment(tree, key):
    staff = StaffFactory(code=f"SE-{key}", unit=tree[key])
    enrolment = EnrolmentFactory(course=CourseFactory(code=f"CE-{key}"), staff=staff)
    return enrolment, f"/api/v1/enrolments/{enrolment.pk}/", "enrolment"


def _procedure(tree, key):
    procedure = ProcedureFactory(code=f"TTHC-{key}")
    return procedure, f"/api/v1/procedures/{procedure.code}/", "procedure"


def _dossier(tree, key):
    dossier = DossierFactory(code=f"HS-{key}", unit=tree[key])
    return dossier, f"/api/v1/dossiers/{dossier.pk}/", "dossier"


def _service_report(tree, key):
    report = ServiceReportFactory(unit=tree[key])
    return report, f"/api/v1/service-reports/{report.pk}/", "servicereport"


def _par_result(tree, key):
    result = ParResultFactory(unit=tree[key])
    return result, f"/api/v1/par-results/{result.pk}/", "parresult"


def _improvement_item(tree, key):
    plan = ImprovementPlan.objects.create(unit=tree[key], year=2019, title="Kế hoạch")
    item = ImprovementItem.objects.create(
        plan=plan, action="Niêm yết thủ tục", owner_unit=tree[key], due_date=dt.date(2019, 9, 30)
    )
    return item, f"/api/v1/improvement-items/{item.pk}/", "improvementitem"


# (family, builder, field, new value); every edit is made by HR, who writes all of these.
FAMILIES = [
    ("unit", _unit, "phone", "0263 3888 111"),
    ("staff", _staff, "position", "Phó Chủ tịch"),
    ("course", _course, "location", "Hội trường huyện"),
    ("enrolment", _enrolment, "result", "Giỏi"),
    ("procedure", _procedure, "resolution_days", 7),
    ("dossier", _dossier, "late_reason", "Chờ xác minh"),
    ("service_report", _service_report, "note", "Đã đối chiếu"),
    ("par_result", _par_result, "rank", 3),
    ("improvement_item", _improvement_item, "progress_note", "Đã niêm yết 12 thủ tục"),
]


@pytest.mark.parametrize(
    ("family", "build", "field", "value"), FAMILIES, ids=[f[0] for f in FAMILIES]
)
def test_an_api_edit_is_in_the_history_with_who_and_what(
    client_for, tree, family, build, field, value
):
    obj, url, _ = build(tree, "A")
    old = getattr(obj, field)
    client = client_for("hr")
    response = client.patch(url, {field: value}, format="json")
    assert response.status_code == 200, response.content

    entries = client.get(url + "history/").json()
    assert entries[0]["type"] == "changed"
    assert entries[0]["user"] == "hr"
    change = next(c for c in entries[0]["changes"] if c["field"] == field)
    assert change["new"] == str(value)
    assert change["old"] == (None if old is None else str(old))

    record = client.get(f"{url}history/{entries[0]['id']}/").json()
    assert record["values"][field] == str(value)
    assert record["user"] == "hr"
    assert record["changes"] == entries[0]["changes"]


# Procedures are a catalogue every reader sees (GLOBAL in reform/roles.py): no unit to scope by.
SCOPED = [f for f in FAMILIES if f[0] != "procedure"]


@pytest.mark.parametrize(("family", "build", "field", "value"), SCOPED, ids=[f[0] for f in SCOPED])
def test_history_is_scoped_like_the_record_and_read_only(
    client_for, tree, family, build, field, value
):
    own, own_url, _ = build(tree, "A")
    other, other_url, _ = build(tree, "B")
    for obj in (own, other):
        setattr(obj, field, value)
        obj.save()
    head = client_for("head_a")

    entries = head.get(own_url + "history/")
    assert entries.status_code == 200
    assert [e["type"] for e in entries.json()] == ["changed", "created"]
    assert head.get(f"{own_url}history/{entries.json()[0]['id']}/").status_code == 200

    other_id = other.history.latest("history_date").history_id
    assert head.get(other_url + "history/").status_code == 404
    assert head.get(f"{other_url}history/{other_id}/").status_code == 404
    # A record id of another row's history is not found through this row.
    assert head.get(f"{own_url}history/{other_id}/").status_code == 404

    hr = client_for("hr")
    for method in ("post", "put", "patch", "delete"):
        assert getattr(hr, method)(own_url + "history/", {}, format="json").status_code == 405
        record_url = f"{own_url}history/{entries.json()[0]['id']}/"
        assert getattr(hr, method)(record_url, {}, format="json").status_code == 405


ADMIN_PAGES = [
    ("staff/unit", lambda tree: tree["A"], "phone", "0263 3888 222"),
    ("staff/staff", lambda tree: StaffFactory(code="S-ADM", unit=tree["A"]), "position", "Kế toán"),
    ("training/course", lambda tree: CourseFactory(code="C-ADM"), "location", "Trường Chính trị"),
    ("reform/procedure", lambda tree: ProcedureFactory(code="TTHC-ADM"), "resolution_days", 9),
    (
        "reform/dossier",
        lambda tree: DossierFactory(code="HS-ADM", unit=tree["A"]),
        "late_reason",
        "Thiếu giấy tờ",
    ),
]


@pytest.mark.parametrize(
    ("path", "build", "field", "value"), ADMIN_PAGES, ids=[p[0] for p in ADMIN_PAGES]
)
def test_admin_history_lists_the_change_and_refuses_a_revert(
    users, tree, path, build, field, value
):
    obj = build(tree)
    obj._history_user = users["hr"]
    setattr(obj, field, value)
    obj.save()
    client = Client()
    client.force_login(users["hr"])
    page = client.get(f"/admin/{path}/{obj.pk}/history/")
    assert page.status_code == 200
    assert str(value) in page.content.decode()
    record = obj.history.latest("history_date")
    url = f"/admin/{path}/{obj.pk}/history/{record.history_id}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {field: "reverted"}).status_code == 403
    obj.refresh_from_db()
    assert str(getattr(obj, field)) == str(value)


def test_head_cannot_open_admin_history_of_another_unit(users, tree):
    other = StaffFactory(code="S-B", unit=tree["B"])
    other.position = "Văn thư"
    other.save()
    client = Client()
    client.force_login(users["head_a"])
    record = other.history.latest("history_date")
    assert client.get(f"/admin/staff/staff/{other.pk}/history/").status_code == 404
    url = f"/admin/staff/staff/{other.pk}/history/{record.history_id}/"
    assert client.get(url).status_code == 404


# --- bulk paths write history rows ------------------------------------------------------------


def test_bulk_enrolment_writes_a_creation_record_per_person(client_for, tree, users):
    for i in range(3):
        StaffFactory(code=f"S-BULK-{i}", unit=tree["A"])
    course = CourseFactory(code="C-BULK", start_date=dt.date(2030, 5, 6))
    response = client_for("hr").post(
        f"/api/v1/courses/{course.code}/enrol/", {"unit": "A"}, format="json"
    )
    assert response.status_code in (200, 201), response.content
    enrolments = list(course.enrolments.all())
    assert len(enrolments) == 3
    for enrolment in enrolments:
        created = enrolment.history.get()
        assert created.history_type == "+"
        assert created.history_user == users["hr"]


def test_roster_import_records_created_and_changed_staff(tree, users):
    from core.imports import run_import
    from staff.importers import StaffImporter
    from tests.imports.files import xlsx
    from tests.imports.test_staff_import import roster_rows

    rows = roster_rows()
    assert run_import(StaffImporter(), xlsx(rows), filename="roster.xlsx").committed
    rows[1] = (1, "CB001", "Nguyễn Thị Ánh Hồng", *rows[1][3:])
    # As a background job runs it: no request, the importing user given.
    report = run_import(StaffImporter(), xlsx(rows), filename="roster.xlsx", user=users["hr"])
    assert report.committed
    changed = Staff.objects.get(code="CB001").history.order_by("history_date", "history_id")
    assert [(r.history_type, r.history_user) for r in changed] == [("+", None), ("~", users["hr"])]
    assert changed.last().full_name == "Nguyễn Thị Ánh Hồng"
    assert [r.history_type for r in Staff.objects.get(code="CB002").history.all()] == ["+"]


def test_par_criteria_written_with_the_result_have_history(client_for, tree):
    result = ParResultFactory(unit=tree["A"], score=Decimal("80"))
    url = f"/api/v1/par-results/{result.pk}/"
    criteria = [{"code": "1", "name": "Công tác chỉ đạo", "max_score": "10", "score": "8"}]
    assert client_for("hr").patch(url, {"criteria": criteria}, format="json").status_code == 200
    score = ParCriterionScore.objects.get(result=result)
    assert score.history.get().history_type == "+"
    criteria[0]["score"] = "9"
    assert client_for("hr").patch(url, {"criteria": criteria}, format="json").status_code == 200
    # Replaced: the old row's deletion and the new row's creation are both recorded.
    types = sorted(
        ParCriterionScore.history.filter(result_id=result.pk).values_list("history_type", flat=True)
    )
    assert types == ["+", "+", "-"]
