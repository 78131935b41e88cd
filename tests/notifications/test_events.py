"""Events that notify at once: new feedback, a status change (the reporter), an action assigned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from inspections.feedback import services as feedback_services
from inspections.feedback.choices import FeedbackStatus
from notifications.choices import NotificationKind
from notifications.models import EmailOptOut, Notification
from notifications.services import address_hash
from tests.inspections.casework_factories import (
    CorrectiveActionFactory,
    FindingFactory,
    InspectionFactory,
)

pytestmark = pytest.mark.django_db


def submit(unit, **identity):
    return feedback_services.feedback_submit(
        unit=unit, description="Cán bộ gây khó dễ khi nhận hồ sơ.", **identity
    )


def test_new_feedback_reaches_the_inspectors_only(
    smtp, tree, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        feedback = submit(tree["A"], reporter_name="Lê Văn Bình", reporter_email="binh@example.com")
    assert [m.to for m in smtp.received] == [["inspector@example.vn"]]
    message = smtp.received[0]
    assert feedback.tracking_code in message.subject
    # Nothing of the reporter's identity, even to the inspector.
    assert "Bình" not in message.text and "binh@example.com" not in message.text
    assert not Notification.objects.filter(
        recipient__username__in=["head-a", "head-b", "hr", "auditor"]
    ).exists()


def test_status_change_tells_the_reporter_the_code_and_status_only(
    smtp, tree, people, django_capture_on_commit_callbacks
):
    feedback = submit(
        tree["B"], reporter_name="Lê Văn Bình", reporter_email="binh@example.com", language="en"
    )
    feedback.internal_note = "ghi chú nội bộ: nghi vấn"
    feedback.save()
    smtp.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.feedback_transition(
            feedback=feedback, to=FeedbackStatus.UNDER_REVIEW, user=people["inspector"]
        )
    (message,) = smtp.received
    assert message.to == ["binh@example.com"]
    assert message.subject == f"Your feedback {feedback.tracking_code}: Under review"
    assert "nghi vấn" not in message.text and tree["B"].name not in message.text
    assert "/app/notifications/unsubscribe/" in message.text
    assert (
        str(message.message["List-Unsubscribe"])
        .strip()
        .startswith("<https://congvu.example.vn/app/notifications/unsubscribe/")
    )


def test_an_opted_out_address_gets_nothing(smtp, tree, people, django_capture_on_commit_callbacks):
    feedback = submit(tree["B"], reporter_email="binh@example.com")
    EmailOptOut.objects.create(address_hash=address_hash("BINH@example.com"))
    smtp.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.feedback_transition(
            feedback=feedback, to=FeedbackStatus.UNDER_REVIEW, user=people["inspector"]
        )
    assert smtp.received == []


def test_old_history_is_not_announced(smtp, tree, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.feedback_submit(
            unit=tree["A"],
            description="Chuyện cũ",
            reporter_email="binh@example.com",
            received_at=timezone.now() - dt.timedelta(days=30),
        )
    assert smtp.received == []


def test_a_new_action_reaches_the_head_of_its_unit(
    smtp, tree, people, django_capture_on_commit_callbacks
):
    finding = FindingFactory(
        inspection=InspectionFactory(unit=tree["B"]), unit=tree["B"], found_on=timezone.localdate()
    )
    with django_capture_on_commit_callbacks(execute=True):
        CorrectiveActionFactory(
            finding=finding, unit=tree["B"], due_date=timezone.localdate() + dt.timedelta(days=30)
        )
    (message,) = smtp.received
    assert message.to == ["head-b@example.vn"]
    assert message.subject.startswith("Corrective action for")  # head_b reads English
    assert Notification.objects.get().kind == NotificationKind.ACTION_ASSIGNED


def test_an_action_of_a_unit_without_a_head_goes_to_the_head_above(
    smtp, tree, people, django_capture_on_commit_callbacks
):
    from staff.models import UnitHead
    from tests.conftest import _role_user

    _role_user("head-d", "unit_head", unit=tree["D"]).__class__.objects.filter(
        username="head-d"
    ).update(email="head-d@example.vn")
    assert UnitHead.objects.filter(unit=tree["D-NV"]).count() == 0
    finding = FindingFactory(
        inspection=InspectionFactory(unit=tree["D-NV"]),
        unit=tree["D-NV"],
        found_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        CorrectiveActionFactory(
            finding=finding, unit=tree["D-NV"], due_date=timezone.localdate() + dt.timedelta(days=9)
        )
    assert [m.to for m in smtp.received] == [["head-d@example.vn"]]
