"""Formal petitions and the three procedures of citizen submissions (issue 16, items 10-11).

A formal petition gives name, address and a phone number, e-mail or postal
address (Decree 20/2008 art. 7 cl. 1(d) as amended). Triage says whether a
submission is feedback or a petition, a complaint (Law on Complaints 2011
art. 28: 30 days from acceptance, 45 for a complex case) or a denunciation
(Law on Denunciations 2018 art. 30: 30 days from acceptance, extendable once
or twice by up to 30 days).
"""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError

from core.workdays import Calendar
from inspections.feedback import rules, services
from inspections.feedback.models import CitizenFeedback, FeedbackDeadlineRule
from tests.inspections.feedback_factories import CitizenFeedbackFactory

D = dt.date
URL = "/api/v1/feedback/"
VALID = {
    "unit": "A",
    "description": "Cán bộ bộ phận một cửa yêu cầu nộp thêm giấy tờ không có trong danh mục.",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limit(db):
    cache.clear()


# --- Pure rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contact", "formal"),
    [
        ({"phone": "0912345678"}, True),
        ({"email": "hoa@example.com"}, True),
        ({"postal_address": "Hộp thư 12, bưu cục Đạ Huoai"}, True),
        ({}, False),
    ],
)
def test_formal_petition_needs_name_address_and_one_way_to_reach(contact, formal):
    assert (
        rules.is_formal_petition(name="Phạm Thị Hoa", address="Thôn 2, xã Hà Lâm", **contact)
        is formal
    )
    assert rules.is_formal_petition(name="", address="Thôn 2", **contact) is False
    assert rules.is_formal_petition(name="Hoa", address=" ", **contact) is False


def test_denunciation_30_days_from_acceptance_extendable_twice():
    common = {"accepted_on": D(2024, 3, 4), "days": 30, "extension_days": 30, "max_extensions": 2}
    assert rules.procedure_deadline(**common, extensions=0) == D(2024, 4, 3)
    assert rules.procedure_deadline(**common, extensions=1) == D(2024, 5, 3)
    # 02/06/2024 is a Sunday: the last day moves to Monday (Civil Code art. 148 cl. 5).
    assert rules.procedure_deadline(**common, extensions=2) == D(2024, 6, 3)
    with pytest.raises(ValueError):
        rules.procedure_deadline(**common, extensions=3)
    assert rules.procedure_deadline(**{**common, "accepted_on": None}, extensions=0) is None


def test_procedure_deadline_skips_a_holiday():
    tet = Calendar(holidays=frozenset({D(2024, 4, 3)}))
    assert rules.procedure_deadline(
        accepted_on=D(2024, 3, 4),
        days=30,
        extension_days=30,
        extensions=0,
        max_extensions=2,
        calendar=tet,
    ) == D(2024, 4, 4)


# --- Services and the public form ---------------------------------------------------


@time_machine.travel(dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC), tick=False)
def test_name_address_and_email_is_a_formal_petition_on_the_api(client_for, tree):
    identity = {
        "reporter_name": "Phạm Thị Hoa",
        "reporter_address": "Thôn 2, xã Hà Lâm",
        "reporter_email": "hoa@example.com",
    }
    body = client_for(None).post(URL, {**VALID, **identity}, format="json").json()
    assert body["is_formal"] is True
    assert body["response_due"] == "2024-03-25"  # 15 working days
    postal = {
        "reporter_name": "Phạm Thị Hoa",
        "reporter_address": "Thôn 2",
        "reporter_postal_address": "Hộp thư 12",
    }
    assert (
        client_for(None).post(URL, {**VALID, **postal}, format="json").json()["is_formal"] is True
    )
    assert (
        client_for(None)
        .post(URL, {**VALID, "reporter_name": "Hoa"}, format="json")
        .json()["is_formal"]
        is False
    )


@time_machine.travel(dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC), tick=False)
def test_public_form_explains_phone_email_or_postal_address(client, tree):
    html = client.get("/feedback/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "phone number, e-mail or postal address" in html
    assert 'name="reporter_postal_address"' in html


@pytest.mark.django_db
def test_deadline_rules_ship_with_their_sources():
    denunciation = FeedbackDeadlineRule.in_force("denunciation", D(2024, 3, 4))
    assert (denunciation.days, denunciation.extension_days, denunciation.max_extensions) == (
        30,
        30,
        2,
    )
    assert "điều 30" in denunciation.legal_basis and denunciation.verified
    complaint = FeedbackDeadlineRule.in_force("complaint", D(2024, 3, 4))
    assert (complaint.days, complaint.days + complaint.extension_days) == (30, 45)
    assert "điều 28" in complaint.legal_basis


@time_machine.travel(dt.datetime(2024, 3, 11, 9, 0, tzinfo=dt.UTC), tick=False)
def test_triage_classifies_a_denunciation_and_extends_it_within_the_law(users, tree):
    feedback = CitizenFeedbackFactory(
        unit=tree["A"], received_on=D(2024, 3, 1), response_due=D(2024, 3, 21)
    )
    inspector = users["inspector"]
    feedback = services.feedback_classify(
        feedback=feedback, kind="denunciation", accepted_on=D(2024, 3, 4), user=inspector
    )
    assert feedback.kind == "denunciation" and feedback.accepted_on == D(2024, 3, 4)
    assert feedback.response_due == D(2024, 4, 3)
    feedback = services.feedback_extend(feedback=feedback, user=inspector, note="Vụ việc phức tạp")
    feedback = services.feedback_extend(feedback=feedback, user=inspector, note="Đặc biệt phức tạp")
    assert feedback.extensions == 2 and feedback.response_due == D(2024, 6, 3)
    with pytest.raises(ValidationError) as err:
        services.feedback_extend(feedback=feedback, user=inspector, note="Lần ba")
    assert "extensions" in err.value.message_dict
    assert feedback.steps.filter(note__icontains="phức tạp").count() == 2


@time_machine.travel(dt.datetime(2024, 3, 11, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_complaint_gets_30_days_then_45_and_a_petition_its_working_day_target(users, tree):
    feedback = CitizenFeedbackFactory(unit=tree["A"], received_on=D(2024, 3, 1), response_due=None)
    inspector = users["inspector"]
    complaint = services.feedback_classify(feedback=feedback, kind="complaint", user=inspector)
    assert complaint.accepted_on == D(2024, 3, 11) and complaint.response_due == D(2024, 4, 10)
    complaint = services.feedback_extend(feedback=complaint, user=inspector, note="Phức tạp")
    assert complaint.response_due == D(2024, 4, 25)
    petition = services.feedback_classify(feedback=complaint, kind="reflection", user=inspector)
    assert petition.accepted_on is None and petition.extensions == 0
    assert petition.response_due == D(2024, 3, 22)  # 15 working days from Friday 01/03/2024
    with pytest.raises(ValidationError):
        services.feedback_classify(
            feedback=petition, kind="denunciation", accepted_on=D(2024, 2, 28), user=inspector
        )


@time_machine.travel(dt.datetime(2024, 3, 11, 9, 0, tzinfo=dt.UTC), tick=False)
def test_classify_endpoint_is_for_triage_and_status_page_shows_the_kind(client_for, client, tree):
    feedback = CitizenFeedbackFactory(unit=tree["A"], received_on=D(2024, 3, 1))
    url = f"{URL}{feedback.pk}/classify/"
    assert (
        client_for("auditor").post(url, {"kind": "denunciation"}, format="json").status_code == 403
    )
    response = client_for("inspector").post(
        url, {"kind": "denunciation", "accepted_on": "2024-03-04"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (
        response.json()["kind"] == "denunciation"
        and response.json()["response_due"] == "2024-04-03"
    )
    bad = client_for("inspector").post(f"{URL}{feedback.pk}/extend/", {}, format="json")
    assert bad.status_code == 400
    page = client.get(
        "/feedback/status/", {"code": feedback.tracking_code}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Denunciation" in page
    assert CitizenFeedback.objects.get(pk=feedback.pk).kind == "denunciation"
