"""The reform pages of the workspace: dossiers with their apology status, period reports filed by HR
or a unit head (flagged in words when they do not add up, never corrected), PAR index results with
the improvement plan whose items the unit's head updates, the three imports; scope (a head sees its
unit only, 404 elsewhere), errors in Vietnamese with 400, query counts pinned."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reform.models import (
    Dossier,
    ImprovementItem,
    ImprovementPlan,
    ParCriterionScore,
    ParResult,
    ServiceReport,
)
from tests.factories import StaffFactory
from tests.reform.factories import (
    DossierFactory,
    ParResultFactory,
    ProcedureFactory,
    ServiceReportFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2019, 5, 20, 9, 0), tick=False):
        yield


@pytest.fixture
def world(tree):
    birth = ProcedureFactory(
        code="HT-01", name="Đăng ký khai sinh", level="commune", resolution_days=3
    )
    land = ProcedureFactory(
        code="DD-01", name="Đăng ký đất đai lần đầu", level="district", resolution_days=10
    )
    dossiers = {
        # Received 02/05, due 07/05 (3 working days), still pending on 20/05: pending and overdue,
        # no apology.
        "late": DossierFactory(
            code="HS-A-LATE", procedure=birth, unit=tree["A"], received_on=D(2019, 5, 2)
        ),
        # Resolved late, apology issued.
        "apologised": DossierFactory(
            code="HS-A-SORRY",
            procedure=birth,
            unit=tree["A"],
            received_on=D(2019, 4, 1),
            resolved_on=D(2019, 4, 15),
            apology_issued_on=D(2019, 4, 5),
            apology_new_due_on=D(2019, 4, 16),
        ),
        "early": DossierFactory(
            code="HS-A-EARLY",
            procedure=birth,
            unit=tree["A"],
            received_on=D(2019, 5, 6),
            resolved_on=D(2019, 5, 7),
        ),
        "b": DossierFactory(
            code="HS-B-1", procedure=land, unit=tree["B"], received_on=D(2019, 5, 15)
        ),
    }
    reports = {
        "a": ServiceReportFactory(
            unit=tree["A"], scope="commune", received=100, resolved=90, pending_in_time=10
        ),
        # The article's district-level figures: 1,731 + 96 + 0 of 2,061 received.
        "b": ServiceReportFactory(
            unit=tree["B"],
            scope="commune",
            received=2061,
            resolved=1731,
            pending_in_time=96,
            pending_overdue=0,
        ),
    }
    results = {}
    for year, rank, score in ((2018, 3, "80.10"), (2019, 2, "84.25")):
        results[year] = ParResultFactory(
            unit=tree["A"], year=year, rank=rank, ranked_units=12, score=Decimal(score)
        )
    ParCriterionScore.objects.create(
        result=results[2019], code="7", name="Hiện đại hóa hành chính", max_score=12, score=6
    )
    results["b"] = ParResultFactory(unit=tree["B"], year=2019, rank=5, ranked_units=12)
    plan = ImprovementPlan.objects.create(
        unit=tree["A"], year=2020, based_on=results[2019], title="Kế hoạch nâng cao Chỉ số CCHC"
    )
    owner = StaffFactory(code="A-01", full_name="Trần Văn Bình", unit=tree["A"])
    items = {
        "due": ImprovementItem.objects.create(
            plan=plan,
            criterion_code="7",
            action="Cung cấp dịch vụ công trực tuyến mức độ 3, 4",
            owner=owner,
            owner_unit=tree["A"],
            due_date=D(2019, 5, 24),
        ),
        "far": ImprovementItem.objects.create(
            plan=plan, action="Áp dụng ISO 9001:2015", owner_unit=tree["A"], due_date=D(2019, 12, 1)
        ),
    }
    plan_b = ImprovementPlan.objects.create(unit=tree["B"], year=2020, title="Kế hoạch xã B")
    items["b"] = ImprovementItem.objects.create(
        plan=plan_b, action="Bưu chính công ích", owner_unit=tree["B"], due_date=D(2019, 5, 10)
    )
    return {
        "dossiers": dossiers,
        "reports": reports,
        "results": results,
        "plan": plan,
        "items": items,
    }


def url(template: str, world) -> str:
    return template.format(
        late=world["dossiers"]["late"].pk,
        db=world["dossiers"]["b"].pk,
        ra=world["reports"]["a"].pk,
        rb=world["reports"]["b"].pk,
        pa=world["results"][2019].pk,
        pb=world["results"]["b"].pk,
        ia=world["items"]["due"].pk,
        ib=world["items"]["b"].pk,
    )


@pytest.mark.parametrize(
    ("path", "role", "status"),
    [
        ("/app/reform/dossiers/", "hr", 200),
        ("/app/reform/dossiers/", "auditor", 200),
        ("/app/reform/dossiers/", "inspector", 200),
        ("/app/reform/dossiers/", "head_a", 200),
        ("/app/reform/dossiers/", "nobody", 403),
        ("/app/reform/dossiers/{late}/", "head_a", 200),
        ("/app/reform/dossiers/{db}/", "head_a", 404),
        ("/app/reform/dossiers/{db}/", "hr", 200),
        ("/app/reform/procedures/", "head_a", 200),
        ("/app/reform/service-reports/", "head_a", 200),
        ("/app/reform/service-reports/", "nobody", 403),
        ("/app/reform/service-reports/{ra}/", "head_a", 200),
        ("/app/reform/service-reports/{rb}/", "head_a", 404),
        ("/app/reform/service-reports/new/", "hr", 200),
        ("/app/reform/service-reports/new/", "head_a", 200),
        ("/app/reform/service-reports/new/", "auditor", 403),
        ("/app/reform/service-reports/new/", "inspector", 403),
        ("/app/reform/service-reports/{ra}/edit/", "head_a", 200),
        ("/app/reform/service-reports/{rb}/edit/", "head_a", 404),
        ("/app/reform/service-reports/{rb}/edit/", "auditor", 403),
        ("/app/reform/par/", "auditor", 200),
        ("/app/reform/par/{pa}/", "head_a", 200),
        ("/app/reform/par/{pb}/", "head_a", 404),
        ("/app/reform/plan-items/", "head_a", 200),
        ("/app/reform/plan-items/{ia}/", "head_a", 200),
        ("/app/reform/plan-items/{ib}/", "head_a", 404),
        ("/app/reform/dossiers/import/", "hr", 200),
        ("/app/reform/dossiers/import/", "auditor", 403),
        ("/app/reform/dossiers/import/", "head_a", 403),
        ("/app/reform/par/import/", "hr", 200),
        ("/app/reform/par/import/", "head_a", 403),
        ("/app/reform/procedures/import/", "hr", 200),
        ("/app/reform/procedures/import/", "inspector", 403),
    ],
)
def test_who_may_open_which_page(page_for, world, path, role, status):
    assert page_for(role).get(url(path, world)).status_code == status


def test_anonymous_is_sent_to_sign_in(page_for, world):
    response = page_for(None).get("/app/reform/dossiers/")
    assert response.status_code == 302 and "/app/login/" in response["Location"]


def test_menu_has_the_reform_pages(page_for, world):
    html = page_for("head_a").get("/app/").content.decode()
    for href, label in (
        ("/app/reform/dossiers/", "Hồ sơ một cửa"),
        ("/app/reform/service-reports/", "Báo cáo giải quyết TTHC"),
        ("/app/reform/par/", "Chỉ số CCHC"),
    ):
        assert f'href="{href}">{label}</a>' in html


def codes(response) -> list[str]:
    return [row.code for row, _apology in response.context["rows"]]


def test_dossier_list_scope_filters_search_and_state(page_for, world):
    head = page_for("head_a")
    assert sorted(codes(head.get("/app/reform/dossiers/"))) == [
        "HS-A-EARLY",
        "HS-A-LATE",
        "HS-A-SORRY",
    ]
    hr = page_for("hr")
    assert codes(hr.get("/app/reform/dossiers/", {"state": "pending_overdue"})) == ["HS-A-LATE"]
    assert codes(hr.get("/app/reform/dossiers/", {"unit": "B"})) == ["HS-B-1"]
    assert sorted(codes(hr.get("/app/reform/dossiers/", {"procedure": "DD-01"}))) == ["HS-B-1"]
    assert codes(hr.get("/app/reform/dossiers/", {"level": "district"})) == []
    period = {"received_after": "01/05/2019", "received_before": "10/05/2019"}
    assert sorted(codes(hr.get("/app/reform/dossiers/", period))) == ["HS-A-EARLY", "HS-A-LATE"]
    # Search ignores diacritics: "dat dai" finds "Đăng ký đất đai".
    assert codes(hr.get("/app/reform/dossiers/", {"q": "dat dai"})) == ["HS-B-1"]
    assert codes(hr.get("/app/reform/dossiers/", {"sort": "code"}))[0] == "HS-A-EARLY"
    html = hr.get("/app/reform/dossiers/").content.decode()
    assert "Chưa có phiếu xin lỗi" in html and "Đang giải quyết quá hạn" in html


def test_dossier_export_is_what_is_filtered_in_words(page_for, world):
    response = page_for("head_a").get(
        "/app/reform/dossiers/", {"format": "csv", "channel": "counter"}
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "HS-A-LATE" in text and "HS-B-1" not in text
    assert "Trực tiếp tại bộ phận một cửa" in text


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("late", "chưa ghi nhận phiếu nào"),
        ("apologised", "Đã gửi phiếu xin lỗi ngày 05/04/2019."),
        ("early", "Không cần: hồ sơ chưa quá hạn."),
    ],
)
def test_dossier_detail_says_whether_an_apology_was_issued(page_for, world, key, text):
    dossier = world["dossiers"][key]
    html = page_for("head_a").get(f"/app/reform/dossiers/{dossier.pk}/").content.decode()
    assert text in html
    assert dossier.received_on.strftime("%d/%m/%Y") in html


def report_form(**changes) -> dict:
    data = {
        "unit": "A",
        "scope": "district",
        "period_start": "01/01/2019",
        "period_end": "31/03/2019",
        "carried_over": "0",
        "received": "2061",
        "resolved": "1731",
        "resolved_early": "",
        "resolved_on_time": "",
        "resolved_late": "3",
        "pending_in_time": "96",
        "pending_overdue": "0",
        "late_in_system_only": "0",
        "late_reason": "",
        "apologies_issued": "",
        "source": "Báo cáo quý I",
        "note": "",
    }
    data.update(changes)
    return data


def test_head_files_its_units_report_stored_as_filed_and_flagged_in_words(page_for, world):
    client = page_for("head_a")
    response = client.post("/app/reform/service-reports/new/", report_form())
    assert response.status_code == 302
    report = ServiceReport.objects.get(unit__code="A", scope="district")
    # Nothing adjusted: 1,731 + 96 + 0 of 2,061 stays as typed, and is flagged.
    assert (report.received, report.resolved, report.pending_in_time) == (2061, 1731, 96)
    assert report.resolved_early is None and not report.reconciles
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Số liệu không khớp." in html
    assert page.context["problems"] == [
        "Tiếp nhận 2.061 + kỳ trước chuyển qua 0 = 2.061 hồ sơ phải giải quyết, nhưng đã "
        "giải quyết 1.731 + đang giải quyết trong hạn 96 + đang giải quyết quá hạn 0 = "
        "1.827: chênh lệch 234 hồ sơ."
    ]
    listing = client.get("/app/reform/service-reports/", {"reconciles": "false"})
    assert [r.pk for r in listing.context["rows"]] == [report.pk]
    assert "không khớp" in listing.content.decode()


def test_a_report_that_adds_up_says_so(page_for, world):
    client = page_for("hr")
    form = report_form(
        unit="B", received="100", resolved="90", pending_in_time="10", resolved_late=""
    )
    response = client.post("/app/reform/service-reports/new/", form, follow=True)
    assert "Số liệu khớp." in response.content.decode()
    assert ServiceReport.objects.get(unit__code="B", scope="district").reconciles


def test_head_cannot_file_for_another_unit(page_for, world):
    response = page_for("head_a").post("/app/reform/service-reports/new/", report_form(unit="B"))
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors
    assert response.context["form"].errors["unit"] == ["Đơn vị này nằm ngoài phạm vi của bạn."]
    assert not ServiceReport.objects.filter(scope="district").exists()


def test_head_cannot_move_its_report_to_another_unit(page_for, world):
    report = world["reports"]["a"]
    response = page_for("head_a").post(
        f"/app/reform/service-reports/{report.pk}/edit/", report_form(unit="B", scope="commune")
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.unit.code == "A"


@pytest.mark.parametrize(
    ("changes", "field", "text"),
    [
        ({"received": ""}, "received", "Trường này là bắt buộc."),
        ({"received": "-4"}, "received", "0"),
        ({"period_end": "31/12/2018"}, "period_end", "Kỳ báo cáo kết thúc trước khi bắt đầu."),
        ({"period_start": "30/02/2019"}, "period_start", "Nhập một ngày hợp lệ."),
        ({"late_in_system_only": "2"}, "late_reason", "lý do"),
    ],
)
def test_report_form_errors_are_400_in_vietnamese(page_for, world, changes, field, text):
    response = page_for("head_a").post("/app/reform/service-reports/new/", report_form(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and text in " ".join(errors[field]), errors
    assert 'role="alert"' in response.content.decode()
    assert not ServiceReport.objects.filter(scope="district").exists()


def test_overlapping_report_is_refused_in_vietnamese(page_for, world):
    client = page_for("hr")
    form = report_form(scope="commune", period_start="01/06/2019", period_end="30/06/2019")
    response = client.post("/app/reform/service-reports/new/", form)
    assert response.status_code == 400
    assert "chồng lấn" in " ".join(response.context["form"].errors["period_start"])


def test_auditor_reads_reports_without_a_file_button(page_for, world):
    html = page_for("auditor").get("/app/reform/service-reports/").content.decode()
    assert "/app/reform/service-reports/new/" not in html
    assert "format=xlsx" in html
    assert (
        page_for("auditor").post("/app/reform/service-reports/new/", report_form()).status_code
        == 403
    )


def test_par_detail_criteria_change_and_plan(page_for, world):
    response = page_for("head_a").get(f"/app/reform/par/{world['results'][2019].pk}/")
    html = response.content.decode()
    assert response.context["previous_text"] == "hạng 3/12 năm 2018 · tăng 1 bậc"
    assert "Hiện đại hóa hành chính" in html and "50%" in html
    assert "Kế hoạch nâng cao Chỉ số CCHC" in html
    assert "Cung cấp dịch vụ công trực tuyến mức độ 3, 4" in html and "24/05/2019" in html


def test_par_list_scope_and_sort(page_for, world):
    rows = page_for("head_a").get("/app/reform/par/").context["rows"]
    assert [(r.unit.code, r.year) for r in rows] == [("A", 2019), ("A", 2018)]
    rows = page_for("hr").get("/app/reform/par/", {"year": 2019}).context["rows"]
    assert [r.rank for r in rows] == [2, 5]


def test_head_updates_its_units_item(page_for, world):
    item = world["items"]["due"]
    client = page_for("head_a")
    assert client.get(f"/app/reform/plan-items/{item.pk}/").context["form"] is not None
    response = client.post(
        f"/app/reform/plan-items/{item.pk}/", {"status": "done", "done_on": "", "progress_note": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["done_on"] == ["Ghi ngày hoàn thành nhiệm vụ."]
    item.refresh_from_db()
    assert item.status == "open"
    response = client.post(
        f"/app/reform/plan-items/{item.pk}/",
        {"status": "done", "done_on": "18/05/2019", "progress_note": "Đã triển khai 12 dịch vụ"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", D(2019, 5, 18))


def test_head_cannot_update_another_units_item_and_auditor_only_reads(page_for, world):
    other = world["items"]["b"]
    data = {"status": "in_progress", "done_on": "", "progress_note": ""}
    assert page_for("head_a").post(f"/app/reform/plan-items/{other.pk}/", data).status_code == 404
    item = world["items"]["due"]
    auditor = page_for("auditor")
    assert auditor.get(f"/app/reform/plan-items/{item.pk}/").context["form"] is None
    assert auditor.post(f"/app/reform/plan-items/{item.pk}/", data).status_code == 403
    item.refresh_from_db()
    assert item.status == "open"


def test_item_list_filters_overdue(page_for, world):
    rows = page_for("hr").get("/app/reform/plan-items/", {"overdue": "true"}).context["rows"]
    assert [r.pk for r in rows] == [world["items"]["b"].pk]


def test_home_lists_the_units_items_due_or_overdue(page_for, world):
    response = page_for("head_a").get("/app/")
    section = {s.key: s for s in response.context["sections"]}["improvement_items_due"]
    assert section.count == 1
    assert section.lines[0].url == f"/app/reform/plan-items/{world['items']['due'].pk}/"
    assert "Trần Văn Bình" in section.lines[0].text and "4 ngày" in section.lines[0].when
    listed = page_for("head_a").get(section.more_url).context["rows"]
    assert [i.pk for i in listed] == [world["items"]["due"].pk, world["items"]["far"].pk]
    hr = {s.key: s for s in page_for("hr").get("/app/").context["sections"]}
    assert hr["improvement_items_due"].count == 2 and hr["improvement_items_due"].lines[0].overdue


@pytest.mark.parametrize(
    "path",
    [
        "/app/reform/dossiers/",
        "/app/reform/service-reports/",
        "/app/reform/par/",
        "/app/reform/plan-items/",
        "/app/reform/procedures/",
    ],
)
@pytest.mark.parametrize("role", ["hr", "head_a"])
def test_list_queries_are_fixed(page_for, world, tree, path, role):
    client = page_for(role)
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    procedure = ProcedureFactory(code="NEW-01", name="Thủ tục mới")
    for i in range(30):
        DossierFactory(
            code=f"HS-N{i}", procedure=procedure, unit=tree["A"], received_on=D(2019, 4, 1)
        )
        ServiceReportFactory(
            unit=tree["A"],
            scope="online",
            period_start=D(2018, 1, i + 1),
            period_end=D(2018, 1, i + 1),
        )
        ParResultFactory(unit=tree["A"], year=2020 + i, rank=1, ranked_units=12)
        ImprovementItem.objects.create(
            plan=world["plan"], action=f"Việc {i}", owner_unit=tree["A"], due_date=D(2019, 6, 1)
        )
        ProcedureFactory(code=f"P-{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_dossier_import_previews_then_imports(page_for, world):
    client = page_for("hr")
    csv = (
        "Mã hồ sơ,Mã thủ tục,Đơn vị,Kênh tiếp nhận,Ngày tiếp nhận,Ngày giải quyết\n"
        "HS-NEW-1,HT-01,A,Trực tiếp,06/05/2019,08/05/2019\n"
    ).encode()
    preview = client.post(
        "/app/reform/dossiers/import/", {"file": SimpleUploadedFile("hs.csv", csv, "text/csv")}
    )
    assert preview.status_code == 200
    report, token = preview.context["report"], preview.context["token"]
    assert report.ok, report.errors
    assert not Dossier.objects.filter(code="HS-NEW-1").exists()
    assert client.post("/app/reform/dossiers/import/", {"token": token}).status_code == 302
    assert Dossier.objects.get(code="HS-NEW-1").outcome == "early"


def test_dossier_import_names_row_and_column_and_writes_nothing(page_for, world):
    client = page_for("hr")
    csv = (
        "Mã hồ sơ,Mã thủ tục,Đơn vị,Kênh tiếp nhận,Ngày tiếp nhận\n"
        "HS-OK-1,HT-01,A,Trực tiếp,06/05/2019\n"
        "HS-BAD-1,NOPE,A,Trực tiếp,06/05/2019\n"
    ).encode()
    preview = client.post(
        "/app/reform/dossiers/import/", {"file": SimpleUploadedFile("hs.csv", csv, "text/csv")}
    )
    report = preview.context["report"]
    assert not report.ok and preview.context["token"] is None
    message = str(report.errors[0])
    assert "3" in message and "Mã thủ tục" in message, message
    assert "import-error" in preview.content.decode()
    assert not Dossier.objects.filter(code__in=["HS-OK-1", "HS-BAD-1"]).exists()


def test_par_import_preview(page_for, world):
    client = page_for("hr")
    csv = "Đơn vị,Năm,Tổng điểm,Xếp hạng,Số đơn vị xếp hạng\nB,2018,79.5,6,12\n".encode()
    preview = client.post(
        "/app/reform/par/import/", {"file": SimpleUploadedFile("par.csv", csv, "text/csv")}
    )
    assert preview.context["report"].ok, preview.context["report"].errors
    assert (
        client.post("/app/reform/par/import/", {"token": preview.context["token"]}).status_code
        == 302
    )
    assert ParResult.objects.get(unit__code="B", year=2018).rank == 6


def test_procedure_import_preview(page_for, world):
    client = page_for("hr")
    csv = (
        "Mã thủ tục,Tên thủ tục,Cấp thực hiện,Thời hạn giải quyết\nCT-09,Chứng thực bản sao,Xã,1\n"
    )
    preview = client.post(
        "/app/reform/procedures/import/",
        {"file": SimpleUploadedFile("tt.csv", csv.encode(), "text/csv")},
    )
    assert preview.status_code == 200 and preview.context["report"].ok, preview.context[
        "report"
    ].errors


def test_a_big_dossier_file_is_checked_and_imported_by_jobs(
    page_for, world, settings, django_capture_on_commit_callbacks
):
    """The reform import pages ride on the import page's background jobs (``core/jobs.py``)
    unchanged."""
    from core.models import Job, JobKind, JobStatus

    settings.IMPORT_ASYNC_BYTES = 50
    client = page_for("hr")
    csv = (
        "Mã hồ sơ,Mã thủ tục,Đơn vị,Kênh tiếp nhận,Ngày tiếp nhận\n"
        "HS-JOB-1,HT-01,A,Trực tiếp,06/05/2019\n"
        "HS-JOB-2,HT-01,B,Trực tuyến,07/05/2019\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/app/reform/dossiers/import/", {"file": SimpleUploadedFile("hs.csv", csv, "text/csv")}
        )
    assert response.status_code == 302 and response["Location"].startswith("/app/jobs/")
    check = Job.objects.get()
    assert (check.kind, check.status, check.rows) == (JobKind.IMPORT_CHECK, JobStatus.DONE, 2)
    assert not Dossier.objects.filter(code__startswith="HS-JOB").exists()
    page = client.get(response["Location"]).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/app/reform/dossiers/import/", {"token": token})
    assert set(
        Dossier.objects.filter(code__startswith="HS-JOB").values_list("code", "unit__code")
    ) == {("HS-JOB-1", "A"), ("HS-JOB-2", "B")}
